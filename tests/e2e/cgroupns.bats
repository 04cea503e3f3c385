#!/usr/bin/env bats
# The restricted profile gives the container its own cgroup namespace where
# the kernel has one: the container sees its cgroup as "/", not the host's
# path of it. Checked from inside the container over runc and crun.

load lib/common

setup_file() {
	cache_rootfs
}

setup() {
	require_root
	[ -e /proc/self/ns/cgroup ] || skip "the kernel has no cgroup namespaces"
	LOG="$BATS_TEST_TMPDIR/log.json"
}

teardown() {
	cleanup_containers runc
	cleanup_containers crun
}

own_cgroupns() {
	local rt=$1 b="$BATS_TEST_TMPDIR/b-$1"
	make_bundle "$b" 'cat /proc/self/cgroup; cat /sys/fs/cgroup/pids/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids.max'
	run hr "$rt" run --bundle "$b" "cg-$rt" </dev/null
	[ "$status" -eq 0 ] || { echo "$output"; cat "$LOG"; return 1; }
	# every hierarchy at its root, and the container's own limit visible
	! printf '%s\n' "$output" | grep -E '^[0-9]+:' | grep -v ':/$' || { echo "$output"; return 1; }
	[[ "$output" == *4096* ]] || { echo "$output"; return 1; }
	[ "$(jq -r '.linux.namespaces[] | select(.type == "cgroup") | .type' "$b/config.json")" = cgroup ]

	# without hardrun's profile the container sees its path on the host
	b="$BATS_TEST_TMPDIR/p-$rt"
	make_bundle "$b" 'cat /proc/self/cgroup'
	run "$HARDRUN" --hardrun-profile privileged --hardrun-runtime "$(command -v "$rt")" \
		--root "$(runtime_root "$rt")" run --bundle "$b" "cgp-$rt" </dev/null
	[[ "$output" == *":/cgp-$rt"* ]] || { echo "$output"; return 1; }
}

@test "runc: the container has its own cgroup namespace" {
	require_runtime runc
	own_cgroupns runc
}

@test "crun: the container has its own cgroup namespace" {
	require_runtime crun
	own_cgroupns crun
}
