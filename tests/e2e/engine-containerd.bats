#!/usr/bin/env bats
# containerd 1.6 + ctr driving hardrun through `ctr run --runc-binary`.
#
# Tests named "plumbing: ..." only need hardrun to pass the engine's calls
# through to runc; tests named "hardening: ..." check from inside the
# container that hardrun changed the container's configuration.
#
# Environment: HARDRUN (absolute path of the binary under test),
# HARDRUN_SRCDIR (top of the source tree).

# Single-quoted $(( )) and $! are for the container's shell.
# shellcheck disable=SC2016
load lib/containerd

setup_file() {
	ctrd_require_root || return 0
	ctrd_init
	ctrd_write_config ""
	ctrd_start || return 0
	ctrd_import "$(ctrd_image busybox)" "$CTRD_NS"
}

teardown_file() {
	ctrd_cleanup
}

setup() {
	ctrd_skip_if_needed
}

teardown() {
	ctrd_clean_namespace "$CTRD_NS"
}

# ctr_run [CTR_RUN_OPTIONS...] ID -- CMD...: run a container from the busybox
# image through hardrun in the foreground and remove it afterwards.
ctr_run() {
	local opts=()
	while [[ $# -gt 0 && $1 != -- ]]; do
		opts+=("$1")
		shift
	done
	shift
	local id=${opts[-1]}
	unset 'opts[-1]'
	timeout 60 ctr -a "$CTRD_SOCK" -n "$CTRD_NS" run --rm \
		--runc-binary "$HARDRUN" --runc-root "$CTRD_RUNC_ROOT" \
		--fifo-dir "$CTRD_FIFO_DIR" "${opts[@]}" \
		"$CTRD_BUSYBOX_REF" "$id" "$@" </dev/null
}

# ctr_start_detached ID CMD...: start a detached task (no stdio) through hardrun.
ctr_start_detached() {
	local id=$1
	shift
	timeout 60 ctr -a "$CTRD_SOCK" -n "$CTRD_NS" run -d --null-io \
		--runc-binary "$HARDRUN" --runc-root "$CTRD_RUNC_ROOT" \
		--fifo-dir "$CTRD_FIFO_DIR" \
		"$CTRD_BUSYBOX_REF" "$id" "$@" </dev/null
}

# ctr_exec [EXEC_OPTIONS...] ID -- CMD...: `ctr task exec` in a running task.
ctr_exec() {
	local opts=()
	while [[ $# -gt 0 && $1 != -- ]]; do
		opts+=("$1")
		shift
	done
	shift
	timeout 60 ctr -a "$CTRD_SOCK" -n "$CTRD_NS" task exec \
		--fifo-dir "$CTRD_FIFO_DIR" "${opts[@]}" "$@" </dev/null
}

# with_tty CMD...: run CMD with a pseudo-terminal as its stdio (ctr -t
# insists on a console); the exit status is CMD's.
with_tty() {
	local cmd
	cmd=$(printf '%q ' "$@")
	timeout 60 script -qec "$cmd" /dev/null </dev/null
}

# task_status ID: RUNNING, PAUSED, STOPPED... or nothing.
task_status() {
	hr_ctr task ls 2>/dev/null | awk -v id="$1" '$1 == id { print $3 }'
}

task_is() {
	[ "$(task_status "$1")" = "$2" ]
}

# A command that exits on SIGTERM even as PID 1 of its PID namespace.
SLEEPER=(sh -c 'trap "exit 0" TERM; sleep 600 & wait $!')

# Everything the hardening checks need from one process.
PROBE='id; cat /proc/self/status; '$CTRD_FS_PROBE

@test "plumbing: ctr run --runc-binary runs a container through the runtime" {
	run ctr_run hr-run1 -- sh -c 'echo "hello $((6 * 7))"'
	ctrd_show "$output"
	[ "$status" -eq 0 ]
	[[ $output == *"hello 42"* ]]
	# --rm removed both task and container.
	run hr_ctr containers ls -q
	[[ $output != *hr-run1* ]]
}

@test "plumbing: exit status of the container process reaches ctr" {
	run ctr_run hr-run2 -- sh -c 'exit 7'
	ctrd_show "$output"
	[ "$status" -eq 7 ]
}

@test "hardening: ctr run process is uid/gid 65534 with no capabilities, no_new_privs and seccomp" {
	run ctr_run hr-hard1 -- sh -c "$PROBE"
	ctrd_show "$output"
	[ "$status" -eq 0 ]
	assert_hardened_id "$output"
	assert_hardened_status "$output"
}

@test "hardening: ctr run root filesystem is read-only, /tmp is writable" {
	run ctr_run hr-hard2 -- sh -c "$CTRD_FS_PROBE"
	ctrd_show "$output"
	[ "$status" -eq 0 ]
	assert_readonly_rootfs "$output"
}

@test "plumbing: detached task, task exec, kill and delete" {
	run ctr_start_detached hr-det1 "${SLEEPER[@]}"
	ctrd_show "$output"
	[ "$status" -eq 0 ]
	[ "$(task_status hr-det1)" = RUNNING ]

	run ctr_exec --exec-id e1 hr-det1 -- sh -c 'echo "exec $((40 + 2))"'
	ctrd_show "$output"
	[ "$status" -eq 0 ]
	[[ $output == *"exec 42"* ]]

	run ctr_exec --exec-id e2 hr-det1 -- sh -c 'exit 5'
	[ "$status" -eq 5 ]

	# ps/pause/resume go through the runtime too.
	run hr_ctr task ps hr-det1
	ctrd_show "$output"
	[ "$status" -eq 0 ]
	run hr_ctr task pause hr-det1
	[ "$status" -eq 0 ]
	[ "$(task_status hr-det1)" = PAUSED ]
	run hr_ctr task resume hr-det1
	[ "$status" -eq 0 ]
	[ "$(task_status hr-det1)" = RUNNING ]

	# SIGTERM (the default signal) ends the task.
	run hr_ctr task kill hr-det1
	[ "$status" -eq 0 ]
	ctrd_retry 10 task_is hr-det1 STOPPED
	run hr_ctr task delete hr-det1
	ctrd_show "$output"
	[ "$status" -eq 0 ]
	[ -z "$(task_status hr-det1)" ]
	run hr_ctr containers delete hr-det1
	[ "$status" -eq 0 ]
}

@test "hardening: process started by ctr task exec is hardened" {
	run ctr_start_detached hr-det2 "${SLEEPER[@]}"
	[ "$status" -eq 0 ]
	run ctr_exec --exec-id e1 hr-det2 -- sh -c "$PROBE"
	ctrd_show "$output"
	[ "$status" -eq 0 ]
	assert_hardened_id "$output"
	assert_hardened_status "$output"
	assert_readonly_rootfs "$output"
}

@test "hardening: ctr task exec --user 0 still runs as 65534 without capabilities" {
	run ctr_start_detached hr-det3 "${SLEEPER[@]}"
	[ "$status" -eq 0 ]
	run ctr_exec --user 0 --exec-id e1 hr-det3 -- sh -c "$PROBE"
	ctrd_show "$output"
	[ "$status" -eq 0 ]
	assert_hardened_id "$output"
	assert_hardened_status "$output"
}

@test "plumbing: ctr run -t (console socket) and ctr task exec -t" {
	command -v script >/dev/null || skip "script (util-linux) is not installed"
	run with_tty ctr -a "$CTRD_SOCK" -n "$CTRD_NS" run -t --rm \
		--runc-binary "$HARDRUN" --runc-root "$CTRD_RUNC_ROOT" \
		--fifo-dir "$CTRD_FIFO_DIR" "$CTRD_BUSYBOX_REF" hr-tty1 \
		sh -c 'tty; echo "tty $((6 * 7))"; exit 3'
	ctrd_show "$output"
	[ "$status" -eq 3 ]
	[[ $output == */dev/pts/* ]]
	[[ $output == *"tty 42"* ]]

	run ctr_start_detached hr-tty2 "${SLEEPER[@]}"
	[ "$status" -eq 0 ]
	run with_tty ctr -a "$CTRD_SOCK" -n "$CTRD_NS" task exec -t \
		--fifo-dir "$CTRD_FIFO_DIR" --exec-id e1 hr-tty2 \
		sh -c 'tty; exit 4'
	ctrd_show "$output"
	[ "$status" -eq 4 ]
	[[ $output == */dev/pts/* ]]
}

@test "hardening: a tty container is hardened too" {
	command -v script >/dev/null || skip "script (util-linux) is not installed"
	run with_tty ctr -a "$CTRD_SOCK" -n "$CTRD_NS" run -t --rm \
		--runc-binary "$HARDRUN" --runc-root "$CTRD_RUNC_ROOT" \
		--fifo-dir "$CTRD_FIFO_DIR" "$CTRD_BUSYBOX_REF" hr-tty3 \
		sh -c "$PROBE"
	ctrd_show "$output"
	[ "$status" -eq 0 ]
	output=${output//$'\r'/}
	assert_hardened_id "$output"
	assert_hardened_status "$output"
}

@test "hardening: bind mount of the containerd socket is refused" {
	run ctr_run --mount "type=bind,src=$CTRD_SOCK,dst=/run/containerd/containerd.sock,options=rbind:rw" \
		hr-sock1 -- sh -c 'echo STARTED'
	ctrd_show "$output"
	[ "$status" -ne 0 ]
	[[ $output != *STARTED* ]]
	assert_refused "$output" mounts
	# Nothing is left running.
	[ -z "$(task_status hr-sock1)" ]
}

@test "hardening: bind mount of the directory holding the containerd socket is refused" {
	run ctr_run --mount "type=bind,src=$CTRD_DIR,dst=/run/containerd/containerd.sock,options=rbind:rw" \
		hr-sock2 -- sh -c 'echo STARTED'
	ctrd_show "$output"
	[ "$status" -ne 0 ]
	[[ $output != *STARTED* ]]
	assert_refused "$output" mounts
}
