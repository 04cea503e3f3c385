#!/usr/bin/env bats
# A workload's own seccomp filter through hardrun, with real runc and crun,
# checked from inside the container: the workload's denials stay (with its
# errnos), hardrun's denials hold, and a seccomp agent of the workload's
# still receives its notifications (docs/seccomp.md).

load lib/common

setup_file() {
	[ "$(id -u)" -eq 0 ] || return 0
	export HR_ROOTFS_CACHE="$BATS_FILE_TMPDIR/rootfs"
	make_rootfs "$HR_ROOTFS_CACHE"
	cp "$HARDRUN_BUILDDIR/tests/e2e/probe/syscall-probe" "$HR_ROOTFS_CACHE/bin/syscall-probe"
}

setup() {
	require_root
	[ -x "$HARDRUN_BUILDDIR/tests/e2e/probe/syscall-probe" ] || skip "the syscall probe was not built"
	LOG="$BATS_TEST_TMPDIR/log.json"
	AGENT_PID=""
}

teardown() {
	cleanup_containers runc
	cleanup_containers crun
	if [ -n "$AGENT_PID" ]; then
		kill "$AGENT_PID" 2>/dev/null || true
		wait "$AGENT_PID" 2>/dev/null || true
	fi
}

# own_filter DIR JSON: the bundle's own linux.seccomp.
own_filter() {
	set_config "$1" ".linux.seccomp = $2"
}

# hardrun's resolved filter, as the restricted profile writes it.
hardrun_filter() {
	local b="$BATS_TEST_TMPDIR/ref"
	make_bundle "$b" true
	"$HARDRUN" explain --json "$b" | jq -c '.config.linux.seccomp'
}

allowlist_without_mkdir() {
	local rt=$1 b="$BATS_TEST_TMPDIR/bundle" own
	# hardrun's own allowlist less mkdir and mkdirat, denying with EPERM:
	# stricter than hardrun's, so it is kept as it is.
	own=$(hardrun_filter | jq -c '.defaultErrnoRet = 1
		| .syscalls |= map(.names -= ["mkdir", "mkdirat"] | select(.names | length > 0))')
	make_bundle "$b" 'mkdir /tmp/d; echo "mkdir=$?"; echo x >/tmp/f && cat /tmp/f; grep Seccomp: /proc/self/status'
	own_filter "$b" "$own"
	run hr "$rt" run --bundle "$b" "allow-$rt"
	[ "$status" -eq 0 ] || { echo "$output"; cat "$LOG"; return 1; }
	echo "$output"
	[[ "$output" == *"mkdir=1"* && "$output" == *"Operation not permitted"* ]]
	[[ "$output" == *"Seccomp:	2"* && "$output" == *x* ]]
	# kept byte for byte
	[ "$(jq -c .linux.seccomp "$b/config.json")" = "$own" ]
}

@test "runc: a workload's allowlist that denies mkdir is kept and still denies it" {
	require_runtime runc
	allowlist_without_mkdir runc
}

@test "crun: a workload's allowlist that denies mkdir is kept and still denies it" {
	require_runtime crun
	allowlist_without_mkdir crun
}

# runc's own seccomp test: an ALLOW default with mkdir denied by errno 100.
looser_filter() {
	local rt=$1 b="$BATS_TEST_TMPDIR/bundle"
	make_bundle "$b" 'mkdir /tmp/d; syscall-probe'
	own_filter "$b" '{"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_X86","SCMP_ARCH_X32"],
		"syscalls":[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_ERRNO","errnoRet":100}]}'
	run hr "$rt" run --bundle "$b" "loose-$rt"
	[ "$status" -eq 0 ] || { echo "$output"; cat "$LOG"; return 1; }
	echo "$output"
	# the workload's denial, with its errno (ENETDOWN)
	[[ "$output" == *"Network is down"* ]]
	# hardrun's denials hold, with hardrun's errnos
	local want
	for want in unshare=EPERM mount=EPERM keyctl=EPERM bpf=EPERM ptrace=EPERM socket_alg=EPERM \
		socket_vsock=EPERM clone_newuser=EPERM clone3=ENOSYS unknown=ENOSYS socket_inet=ok fork=ok; do
		[[ "$output" == *"$want"* ]] || { echo "expected $want"; return 1; }
	done
	jq -e '.linux.seccomp.defaultAction == "SCMP_ACT_ERRNO"' "$b/config.json"
}

@test "runc: hardrun's denials hold under a workload's looser filter, whose own denial stays" {
	require_runtime runc
	looser_filter runc
}

@test "crun: hardrun's denials hold under a workload's looser filter, whose own denial stays" {
	require_runtime crun
	looser_filter crun
}

# A seccomp agent of the workload's: notify on mkdir (which hardrun allows)
# and on unshare (which hardrun denies).
agent_profile() {
	local rt=$1 b="$BATS_TEST_TMPDIR/bundle" sock="$BATS_TEST_TMPDIR/agent.sock" log="$BATS_TEST_TMPDIR/agent.log"
	local agent="$HARDRUN_BUILDDIR/tests/e2e/probe/seccomp-agent"
	[ -x "$agent" ] || skip "the seccomp agent was not built"
	"$agent" "$sock" "$log" &
	AGENT_PID=$!
	for _ in $(seq 50); do [ -S "$sock" ] && break; sleep 0.1; done
	[ -S "$sock" ] || { echo "the agent did not start"; return 1; }
	make_bundle "$b" 'mkdir /tmp/d && test ! -e /tmp/d && echo notified; unshare -U true; echo "unshare=$?"'
	own_filter "$b" "$(jq -cn --arg s "$sock" '{defaultAction: "SCMP_ACT_ALLOW", listenerPath: $s,
		listenerMetadata: "bar", syscalls: [{names: ["mkdir", "mkdirat", "unshare"], action: "SCMP_ACT_NOTIFY"}]}')"
	run hr "$rt" run --bundle "$b" "agent-$rt"
	[ "$status" -eq 0 ] || { echo "$output"; cat "$LOG"; return 1; }
	echo "$output"
	# the agent answered mkdir without creating anything
	[[ "$output" == *notified* ]]
	# hardrun's denial of unshare wins over the workload's notify
	[[ "$output" == *"unshare=1"* ]]
	wait "$AGENT_PID" 2>/dev/null || true
	AGENT_PID=""
	cat "$log"
	grep -qx 'nr=83\|nr=258' "$log"
	! grep -qx 'nr=272' "$log"
	jq -e '.metadata == "bar" and (.fds | index("seccompFd"))' "$log.state"
	jq -e --arg s "$sock" '.linux.seccomp.listenerPath == $s' "$b/config.json"
}

@test "runc: a workload's seccomp agent still receives its notifications, hardrun's denials still hold" {
	require_runtime runc
	[ "$(uname -m)" = x86_64 ] || skip "the agent test names x86_64 system call numbers"
	agent_profile runc
}

@test "crun: a workload's seccomp agent still receives its notifications, hardrun's denials still hold" {
	require_runtime crun
	[ "$(uname -m)" = x86_64 ] || skip "the agent test names x86_64 system call numbers"
	agent_profile crun
}

@test "a filter that cannot be combined exactly is refused, saying so, and left as it was" {
	local b="$BATS_TEST_TMPDIR/bundle"
	require_runtime runc
	make_bundle "$b" true
	own_filter "$b" '{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["socket"],"action":"SCMP_ACT_ALLOW",
		"args":[{"index":0,"value":3,"op":"SCMP_CMP_GT"}]}]}'
	cp "$b/config.json" "$BATS_TEST_TMPDIR/before.json"
	run hr runc run --bundle "$b" refused
	[ "$status" -eq 1 ]
	[[ "$output" == *'"socket" under argument conditions whose combination hardrun cannot compute exactly'* ]]
	[[ "$output" == *"does not replace it with a looser one"* ]]
	grep -q 'cannot compute exactly' "$LOG"
	cmp "$b/config.json" "$BATS_TEST_TMPDIR/before.json"
}

@test "a combination libseccomp would refuse for the 32-bit ABIs is refused by hardrun first, saying why" {
	local b="$BATS_TEST_TMPDIR/bundle"
	require_runtime runc
	make_bundle "$b" true
	# baseline filters the 32-bit ABIs too; there socket's rules fold into
	# socketcall's, which this filter does not allow
	own_filter "$b" '{"defaultAction":"SCMP_ACT_KILL_PROCESS","architectures":["SCMP_ARCH_X86","SCMP_ARCH_X32"],
		"syscalls":[{"names":["socket","read"],"action":"SCMP_ACT_ALLOW"}]}'
	run hr runc --hardrun-profile baseline run --bundle "$b" folds
	[ "$status" -eq 1 ]
	[[ "$output" == *"does not compile for its architectures"*'"socket"'* ]]
}

# Podman's default profile as Podman resolves it without CAP_AUDIT_WRITE:
# socket decided by family and protocol together.
podman_profile() {
	local rt=$1 b="$BATS_TEST_TMPDIR/bundle"
	make_bundle "$b" 'syscall-probe'
	own_filter "$b" '{"defaultAction":"SCMP_ACT_ERRNO","defaultErrnoRet":38,"syscalls":[
		{"names":["socket"],"action":"SCMP_ACT_ERRNO","errnoRet":22,
			"args":[{"index":0,"value":16,"op":"SCMP_CMP_EQ"},{"index":2,"value":9,"op":"SCMP_CMP_EQ"}]},
		{"names":["socket"],"action":"SCMP_ACT_ALLOW","args":[{"index":2,"value":9,"op":"SCMP_CMP_NE"}]},
		{"names":["socket"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":16,"op":"SCMP_CMP_NE"}]}]}'
	# the rest of the workload's allowlist: hardrun's own, less socket
	set_config "$b" ".linux.seccomp.syscalls += ($(hardrun_filter | jq -c '[.syscalls[]
		| select(.names | index("socket") | not)]'))"
	run hr "$rt" run --bundle "$b" "podman-$rt"
	[ "$status" -eq 0 ] || { echo "$output"; cat "$LOG"; return 1; }
	echo "$output"
	local want
	for want in socket_inet=ok socket_alg=EPERM socket_vsock=EPERM unshare=EPERM clone3=ENOSYS fork=ok; do
		[[ "$output" == *"$want"* ]] || { echo "expected $want"; return 1; }
	done
}

@test "runc: Podman's profile without CAP_AUDIT_WRITE combines exactly: sockets by family and protocol" {
	require_runtime runc
	podman_profile runc
}

@test "crun: Podman's profile without CAP_AUDIT_WRITE combines exactly: sockets by family and protocol" {
	require_runtime crun
	podman_profile crun
}
