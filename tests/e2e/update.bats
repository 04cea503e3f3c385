#!/usr/bin/env bats
# "update" is held to the container's profile: the pids limit hardrun set
# at create stays, and no device beyond the defaults is allowed, whether
# the change comes as a flag, a file or standard input. Checked from
# inside the container.

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

start_hardened() {
	local rt=$1 id=$2 b="$BATS_TEST_TMPDIR/bundle-$2"
	make_bundle "$b" 'trap "exit 0" TERM; while :; do sleep 1; done'
	hr "$rt" run -d --bundle "$b" "$id" </dev/null >/dev/null 2>&1
}

# inside RT ID FILE: a cgroup file of the container, read from inside it
# (cgroup v1 hierarchy, or v2).
inside() {
	hr "$1" exec "$2" sh -c "cat /sys/fs/cgroup/$3 2>/dev/null || cat /sys/fs/cgroup/${3#*/}"
}

pids_limit_held() {
	local rt=$1 id=upd-$1
	start_hardened "$rt" "$id"
	[ "$(inside "$rt" "$id" pids/pids.max)" = 4096 ]

	run hr "$rt" update --pids-limit -1 "$id"
	[ "$status" -eq 1 ] || { echo "$output"; return 1; }
	[[ "$output" == *'refused update of container "'"$id"'" (profile "restricted"): pids: --pids-limit -1 would remove the pids limit'* ]] ||
		{ echo "$output"; return 1; }
	jq -e 'select(.level == "error") | .msg | test("would remove the pids limit")' "$LOG" >/dev/null
	[ "$(inside "$rt" "$id" pids/pids.max)" = 4096 ]

	run hr "$rt" update --pids-limit=100000 "$id"
	[ "$status" -eq 1 ] || { echo "$output"; return 1; }

	printf '{"pids":{"limit":-1}}' >"$BATS_TEST_TMPDIR/res.json"
	run hr "$rt" update -r "$BATS_TEST_TMPDIR/res.json" "$id"
	[ "$status" -eq 1 ] || { echo "$output"; return 1; }
	run hr "$rt" update --resources - "$id" <<<'{"pids":{"limit":-1}}'
	[ "$status" -eq 1 ] || { echo "$output"; return 1; }
	# spellings runc rejects and crun reads as updates
	run hr "$rt" update -r- "$id" <<<'{"pids":{"limit":-1}}'
	[ "$status" -eq 1 ] || { echo "$output"; return 1; }
	run hr "$rt" update --pids=-1 "$id"
	[ "$status" -eq 1 ] || { echo "$output"; return 1; }
	[ "$(inside "$rt" "$id" pids/pids.max)" = 4096 ]

	# within the limit: the runtime reads the same bytes from standard input
	run hr "$rt" update --resources - "$id" <<<'{"pids":{"limit":50}}'
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	[ "$(inside "$rt" "$id" pids/pids.max)" = 50 ]
	# runc reads Go's integer syntax; crun copies the text into JSON
	local v=64
	[ "$rt" = crun ] || v=0x40
	run hr "$rt" update --pids-limit "$v" "$id"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	[ "$(inside "$rt" "$id" pids/pids.max)" = 64 ]
}

@test "runc: update cannot lift the pids limit" {
	require_runtime runc
	pids_limit_held runc
}

@test "crun: update cannot lift the pids limit" {
	require_runtime crun
	pids_limit_held crun
}

devices_held() {
	local rt=$1 id=dev-$1
	start_hardened "$rt" "$id"
	printf '{"devices":[{"allow":true,"access":"rwm"}]}' >"$BATS_TEST_TMPDIR/res.json"
	run hr "$rt" update -r "$BATS_TEST_TMPDIR/res.json" "$id"
	[ "$status" -eq 1 ] || { echo "$output"; return 1; }
	[[ "$output" == *"devices: devices[0]: device cgroup rule allows more than the default devices"* ]] ||
		{ echo "$output"; return 1; }
	run inside "$rt" "$id" devices/devices.list
	[ "$status" -eq 0 ] || skip "no device cgroup file to read here (cgroup v2)"
	[[ "$output" != *"a *:* rwm"* ]] || { echo "$output"; return 1; }
}

@test "runc: update -r cannot allow all devices" {
	require_runtime runc
	devices_held runc
}

@test "crun: update -r cannot allow all devices (crun writes them to the cgroup)" {
	require_runtime crun
	devices_held crun
}

@test "crun: a flag's value cannot carry more resources (crun copies numbers into JSON unquoted)" {
	require_runtime crun
	start_hardened crun inj
	run hr crun update --memory '100000000},"pids":{"limit":4194304' inj
	[ "$status" -eq 1 ] || { echo "$output"; return 1; }
	[[ "$output" == *'invalid value "100000000},"pids":{"limit":4194304" for flag --memory'* ]] ||
		{ echo "$output"; return 1; }
	run hr crun update --cpu-share '512},"devices":[{"allow":true,"access":"rwm"}],"x":{"y":1' inj
	[ "$status" -eq 1 ] || { echo "$output"; return 1; }
	[ "$(inside crun inj pids/pids.max)" = 4096 ]
	run inside crun inj devices/devices.list
	[[ "$output" != *"a *:* rwm"* ]] || { echo "$output"; return 1; }
	# plain numbers go through
	run hr crun update --memory 200000000 --cpu-share 512 inj
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
}

@test "update of a container hardrun did not create is held to the policy's profile" {
	require_runtime runc
	local b="$BATS_TEST_TMPDIR/bundle-plain"
	make_bundle "$b" 'trap "exit 0" TERM; while :; do sleep 1; done'
	set_config "$b" '.linux.resources.pids.limit = 10'
	runc --root "$(runtime_root runc)" run -d --bundle "$b" plain </dev/null >/dev/null 2>&1
	run hr runc update --pids-limit -1 plain
	[ "$status" -eq 1 ] || { echo "$output"; return 1; }
	run hr runc update --pids-limit 20 plain
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
}

@test "update under the privileged profile passes through" {
	require_runtime runc
	start_hardened runc priv
	run "$HARDRUN" --hardrun-runtime "$(command -v runc)" --hardrun-profile privileged \
		--root "$(runtime_root runc)" update --pids-limit -1 priv
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
}

@test "a refused update is in the audit trail" {
	require_runtime runc
	local policy="$BATS_TEST_TMPDIR/policy.json" audit="$BATS_TEST_TMPDIR/audit.log"
	jq -n --arg a "$audit" '{audit: {file: $a}}' >"$policy"
	local b="$BATS_TEST_TMPDIR/bundle-aud"
	make_bundle "$b" 'trap "exit 0" TERM; while :; do sleep 1; done'
	hr runc --hardrun-policy "$policy" run -d --bundle "$b" aud </dev/null >/dev/null 2>&1
	run hr runc --hardrun-policy "$policy" update --pids-limit -1 aud
	[ "$status" -eq 1 ] || { echo "$output"; return 1; }
	jq -e 'select(.command == "update" and .id == "aud" and .result == "refused")
		| .findings[] | select(.control == "pids" and .action == "refused")' "$audit" >/dev/null ||
		{ cat "$audit"; return 1; }
	run hr runc --hardrun-policy "$policy" update --pids-limit 10 aud
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	jq -e 'select(.command == "update" and .result == "unchanged")' "$audit" >/dev/null || { cat "$audit"; return 1; }
}
