#!/usr/bin/env bats
# Compatibility: real server workloads (lib/compat.bash) through hardrun
# over runc, each as root and as its named user, under baseline and
# restricted. Every one serves under baseline; every one serves under
# restricted except those that genuinely need root, each with its reason:
#
#   haproxy as root, with Debian's configuration: "chroot" needs
#   CAP_SYS_CHROOT and "user haproxy" needs CAP_SETUID, which restricted
#   never keeps; the official image's way (USER haproxy, no chroot) serves.
#
# The root filesystem comes from Debian's packages, fetched once and cached
# (tests/lib/compat-rootfs.sh); without a mirror every test skips.

load lib/common
load lib/compat

setup_file() {
	compat_tree
}

setup() {
	[ -z "$COMPAT_SKIP" ] || skip "$COMPAT_SKIP"
	require_runtime runc
	LOG="$BATS_TEST_TMPDIR/log.json"
	B="$BATS_TEST_TMPDIR/bundle"
}

teardown() {
	cleanup_containers runc
	[ -z "${B:-}" ] || compat_unmount "$B"
}

# start PROFILE NAME root|named: creates and starts the workload through
# hardrun; sets PID.
start() {
	local profile=$1 name=$2 as=$3
	ID="$name-$as-$profile"
	workload "$name" "$as"
	compat_bundle "$B"
	hr runc --hardrun-profile "$profile" create --bundle "$B" "$ID" </dev/null >"$B/out" 2>&1 ||
		{ cat "$B/out" "$LOG"; return 1; }
	hr runc start "$ID" || { cat "$B/out" "$LOG"; return 1; }
	PID=$(runc --root "$(runtime_root runc)" state "$ID" | jq -r .pid)
}

# serves PROFILE NAME root|named
serves() {
	start "$@"
	run compat_probe "$PID"
	if [ "$status" -ne 0 ]; then
		echo "$output"
		echo "--- the workload's output:"
		cat "$B/out"
		echo "--- hardrun's log:"
		cat "$LOG"
		return 1
	fi
}

@test "baseline: nginx as root serves" { serves baseline nginx root; }
@test "baseline: nginx as www-data serves" { serves baseline nginx named; }
@test "baseline: redis as root serves" { serves baseline redis root; }
@test "baseline: redis as redis serves" { serves baseline redis named; }
@test "baseline: postgres as root serves" { serves baseline postgres root; }
@test "baseline: postgres as postgres serves" { serves baseline postgres named; }
@test "baseline: memcached as root serves" { serves baseline memcached root; }
@test "baseline: memcached as memcache serves" { serves baseline memcached named; }
@test "baseline: haproxy as root serves" { serves baseline haproxy root; }
@test "baseline: haproxy as haproxy serves" { serves baseline haproxy named; }
@test "baseline: lighttpd as root serves" { serves baseline lighttpd root; }
@test "baseline: lighttpd as www-data serves" { serves baseline lighttpd named; }
@test "baseline: python http.server as root serves" { serves baseline python root; }
@test "baseline: python http.server as app serves" { serves baseline python named; }

@test "restricted: nginx as root serves" { serves restricted nginx root; }
@test "restricted: nginx as www-data serves" { serves restricted nginx named; }
@test "restricted: redis as root serves" { serves restricted redis root; }
@test "restricted: redis as redis serves" { serves restricted redis named; }
@test "restricted: postgres as root serves" { serves restricted postgres root; }
@test "restricted: postgres as postgres serves" { serves restricted postgres named; }
@test "restricted: memcached as root serves" { serves restricted memcached root; }
@test "restricted: memcached as memcache serves" { serves restricted memcached named; }
@test "restricted: haproxy as haproxy serves" { serves restricted haproxy named; }
@test "restricted: lighttpd as root serves" { serves restricted lighttpd root; }
@test "restricted: lighttpd as www-data serves" { serves restricted lighttpd named; }
@test "restricted: python http.server as root serves" { serves restricted python root; }
@test "restricted: python http.server as app serves" { serves restricted python named; }

@test "restricted: haproxy as root with Debian's chroot and user does not serve, and says why" {
	start restricted haproxy root
	run compat_probe "$PID"
	[ "$status" -ne 0 ]
	grep -qi "chroot" "$B/out" || { cat "$B/out"; return 1; }
}

@test "restricted: what the workloads run with, seen from inside one of them" {
	start restricted nginx root
	run compat_probe "$PID"
	[ "$status" -eq 0 ] || { cat "$B/out" "$LOG"; return 1; }
	# the master runs as 65534 with no capability at all, and binds :80
	run grep -E "^(Uid|CapEff|CapPrm|CapBnd):" "/proc/$PID/status"
	[[ "$output" == *"Uid:	65534"* ]]
	[ "$(status_field CapEff "$output")" = 0000000000000000 ]
	[ "$(status_field CapBnd "$output")" = 0000000000000000 ]
	# its scratch is its own and cannot run programs
	run grep -E " /(run|var/cache|var/cache/nginx|var/log|tmp) " "/proc/$PID/mounts"
	[[ "$output" == *"/var/cache/nginx tmpfs rw,nosuid,nodev,noexec"* ]]
	[[ "$output" == *"/run tmpfs rw,nosuid,nodev,noexec"* ]]
	[ "$(stat -c %u "/proc/$PID/root/var/cache/nginx/client_temp")" = 65534 ]
}
