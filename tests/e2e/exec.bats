#!/usr/bin/env bats
# No escalation through exec: every way runc exec takes a process
# description is held to the container's own hardened ceiling.

load lib/common

setup_file() {
	cache_rootfs
}

setup() {
	require_root
	LOG="$BATS_TEST_TMPDIR/log.json"
}

teardown() {
	cleanup_containers runc
	cleanup_containers crun
}

# start_hardened RT ID: a running container created through hardrun.
start_hardened() {
	local rt=$1 id=$2 b="$BATS_TEST_TMPDIR/bundle-$2"
	make_bundle "$b" 'trap "exit 0" TERM; while :; do sleep 1; done'
	hr "$rt" run -d --bundle "$b" "$id" </dev/null >/dev/null 2>&1
}

# A process file asking for everything.
greedy_process() {
	local all='["CAP_CHOWN","CAP_DAC_OVERRIDE","CAP_SETUID","CAP_SETGID","CAP_NET_RAW","CAP_SYS_ADMIN","CAP_SYS_PTRACE","CAP_NET_BIND_SERVICE"]'
	jq -n --argjson c "$all" --arg p "$PROBE" '{
		terminal: false, cwd: "/", args: ["sh", "-c", $p], env: ["PATH=/bin"],
		user: {uid: 0, gid: 0, additionalGids: [0]},
		capabilities: {bounding: $c, effective: $c, permitted: $c, inheritable: $c, ambient: $c},
		noNewPrivileges: false, apparmorProfile: "unconfined"
	}' >"$1"
}

escalations() {
	local rt=$1 id=esc-$1
	start_hardened "$rt" "$id"

	run hr "$rt" exec --cap CAP_SYS_ADMIN --cap CAP_NET_RAW "$id" sh -c "$PROBE"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	assert_hardened "$output"

	run hr "$rt" exec -u 0:0 "$id" sh -c "$PROBE"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	assert_hardened "$output"

	# 4294967296 is uid 0 once runc narrows it to 32 bits
	run hr "$rt" exec --user=4294967296 "$id" sh -c "$PROBE"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	assert_hardened "$output"

	run hr "$rt" exec --no-new-privs=false "$id" sh -c "$PROBE"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	assert_hardened "$output"

	run hr "$rt" exec -g 0 "$id" id
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	[[ "$output" != *"groups="*"0(root)"* ]]

	# this host has no AppArmor: the container has no profile, so neither
	# may the exec'd process
	run hr "$rt" exec --apparmor unconfined "$id" sh -c "$PROBE"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	assert_hardened "$output"

	local p="$BATS_TEST_TMPDIR/process.json"
	greedy_process "$p"
	run hr "$rt" exec --process "$p" "$id"
	[ "$status" -eq 0 ] || { echo "$output"; cat "$LOG"; return 1; }
	assert_hardened "$output"
	# rewritten in place, crash-safe: no lock file left
	jq -e '.user.uid == 65534 and .noNewPrivileges == true and (.capabilities.bounding | length) == 0' "$p"
	[ ! -e "$p.hardrun-lock" ]
}

@test "runc: --cap, -u 0, a 32-bit wrap to uid 0, --no-new-privs=false, -g 0, --apparmor and a greedy process file do not escalate" {
	require_runtime runc
	escalations runc
}

@test "crun: --cap, -u 0, a 32-bit wrap to uid 0, --no-new-privs=false, -g 0, --apparmor and a greedy process file do not escalate" {
	require_runtime crun
	escalations crun
}

@test "a plain exec runs as the container's user with no_new_privs on crun too" {
	require_runtime crun
	start_hardened crun plain-crun
	run hr crun exec plain-crun sh -c "$PROBE"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	assert_hardened "$output"
}

@test "a container hardrun never saw: exec --process is held to the profile, flag-form exec is refused" {
	require_runtime runc
	local b="$BATS_TEST_TMPDIR/bundle" root
	root=$(runtime_root runc)
	make_bundle "$b" 'trap "exit 0" TERM; while :; do sleep 1; done'
	runc --root "$root" run -d --bundle "$b" unseen </dev/null >/dev/null 2>&1
	local p="$BATS_TEST_TMPDIR/process.json"
	greedy_process "$p"
	run hr runc exec --process "$p" unseen
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	# identity and capabilities follow the profile; the seccomp filter is the
	# container's own (none here), which exec cannot add
	[[ "$output" == *uid=65534* ]]
	[ "$(status_field CapEff "$output")" = 0000000000000000 ]
	[ "$(status_field CapBnd "$output")" = 0000000000000000 ]
	[ "$(status_field NoNewPrivs "$output")" = 1 ]

	run hr runc exec unseen id
	[ "$status" -eq 1 ]
	[[ "$(jq -r .msg "$LOG")" == *"was not created through hardrun"* ]]
}

@test "exec into a baseline container may stay root but never gains capabilities" {
	require_runtime runc
	local b="$BATS_TEST_TMPDIR/bundle"
	make_bundle "$b" 'trap "exit 0" TERM; while :; do sleep 1; done'
	"$HARDRUN" --hardrun-profile baseline --hardrun-runtime "$(command -v runc)" --root "$(runtime_root runc)" \
		run -d --bundle "$b" base </dev/null >/dev/null 2>&1
	run "$HARDRUN" --hardrun-profile baseline --hardrun-runtime "$(command -v runc)" --root "$(runtime_root runc)" \
		exec --cap CAP_SYS_ADMIN base sh -c "$PROBE"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	[[ "$output" == *"uid=0(root)"* ]]
	# CAP_SYS_ADMIN (bit 21) is not in the baseline set
	local eff
	eff=$(status_field CapEff "$output")
	[ $(( 0x$eff & (1 << 21) )) -eq 0 ]
	[ "$(status_field NoNewPrivs "$output")" = 1 ]
}

@test "delete removes the container's exec record" {
	require_runtime runc
	start_hardened runc rec
	ls /run/hardrun/containers/*/rec.json
	hr runc kill rec KILL
	for _ in $(seq 50); do
		[ "$(runc --root "$(runtime_root runc)" state rec | jq -r .status)" = stopped ] && break
		sleep 0.1
	done
	hr runc delete rec
	run ls /run/hardrun/containers/*/rec.json
	[ "$status" -ne 0 ]
}

@test "flags next to --process are held to the ceiling too (a runtime may honour them)" {
	require_runtime runc
	start_hardened runc both
	local p="$BATS_TEST_TMPDIR/process.json" dir="$BATS_TEST_TMPDIR/bin"
	greedy_process "$p"
	mkdir -p "$dir"
	printf '#!/bin/sh\nprintf "%%s\\n" "$@" > "%s/argv"\nexec runc "$@"\n' "$dir" >"$dir/rt"
	chmod +x "$dir/rt"
	run "$HARDRUN" --hardrun-runtime "$dir/rt" --root "$(runtime_root runc)" exec --cap CAP_SYS_ADMIN -u 0 --process "$p" both
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	assert_hardened "$output"
	run grep -c CAP_SYS_ADMIN "$dir/argv"
	[ "$output" = 0 ]
	grep -qx '65534:65534' "$dir/argv"
}

@test "restore --lsm-profile is refused: it would override the container's label" {
	local b="$BATS_TEST_TMPDIR/bundle"
	make_bundle "$b" true
	run hr runc restore --lsm-profile apparmor:unconfined --image-path "$BATS_TEST_TMPDIR/img" --bundle "$b" lsm
	[ "$status" -eq 1 ]
	[[ "$(jq -r .msg "$LOG")" == *"--lsm-profile would override"* ]]
}
