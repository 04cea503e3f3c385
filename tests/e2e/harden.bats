#!/usr/bin/env bats
# The restricted profile, checked from inside real containers run by runc
# and crun: a deliberately dangerous bundle, the refusals, audit mode, and
# an ordinary workload that must keep working.

load lib/common

setup_file() {
	cache_rootfs
}

setup() {
	require_root
	MARKER="$BATS_TEST_TMPDIR/hook-ran"
	LOG="$BATS_TEST_TMPDIR/log.json"
}

teardown() {
	cleanup_containers runc
	cleanup_containers crun
}

# Everything a workload could ask for that the restricted profile rewrites.
make_dangerous_bundle() {
	local b=$1
	shift
	make_bundle "$b" "$@"
	cat >"$b/hook.sh" <<HOOK
#!/bin/sh
touch "$MARKER"
HOOK
	chmod +x "$b/hook.sh"
	set_config "$b" "$DANGEROUS_JQ"'
		.process.user = {uid: 0, gid: 0, additionalGids: [0, 10]}
		| .process.capabilities = caps_sets(all_caps)
		| .process.noNewPrivileges = false
		| dangerous("'"$b"'/hook.sh")
	'
}

# The probe run inside: identity, capabilities, filesystem, masking, the
# sysctl, devices and the network namespace.
INSIDE='
id
grep -E "^(Cap|NoNewPrivs|Seccomp)" /proc/self/status
touch /rootwrite 2>&1 && echo ROOT-WRITABLE
touch /tmp/ok && echo TMP-WRITABLE
echo "timer_list=$(wc -c </proc/timer_list)"
echo "msgmax=$(cat /proc/sys/kernel/msgmax)"
[ -e /dev/kmsg ] && echo KMSG-PRESENT
echo "netns=$(readlink /proc/self/ns/net)"
touch /sys/x 2>&1 | grep -q "Read-only" && echo SYS-RO
true'

dangerous_is_hardened() {
	local rt=$1 b="$BATS_TEST_TMPDIR/bundle"
	make_dangerous_bundle "$b" "$INSIDE"
	run hr "$rt" run --bundle "$b" "danger-$rt"
	[ "$status" -eq 0 ] || { echo "$output"; cat "$LOG"; return 1; }
	assert_hardened "$output"
	[[ "$output" != *"groups="*"(root)"* ]]
	[[ "$output" != *ROOT-WRITABLE* ]]
	[[ "$output" == *"Read-only file system"* ]]
	[[ "$output" == *TMP-WRITABLE* ]]
	[[ "$output" == *"timer_list=0"* ]]
	[[ "$output" != *"msgmax=12345"* ]]
	[[ "$output" != *KMSG-PRESENT* ]]
	[[ "$output" == *SYS-RO* ]]
	[[ "$output" != *"netns=$(readlink /proc/self/ns/net)"* ]]
	[ ! -e "$MARKER" ]
	# what was written back
	jq -e '.annotations == {"keep.me": "yes"}' "$b/config.json"
	jq -e '.linux.sysctl == {"net.ipv4.tcp_syncookies": "1", "net.ipv4.ip_unprivileged_port_start": "0"}' "$b/config.json"
	jq -e '.linux.resources.devices[0] == {"allow": false, "access": "rwm"}' "$b/config.json"
	jq -e '.linux.resources.pids.limit > 0' "$b/config.json"
	jq -e '(.hooks.prestart // []) | length == 0' "$b/config.json"
	# the findings reach the runtime log as one warning line
	grep -q '"level":"warning"' "$LOG"
}

@test "runc: a dangerous bundle runs hardened under the restricted profile" {
	require_runtime runc
	dangerous_is_hardened runc
}

@test "crun: a dangerous bundle runs hardened under the restricted profile" {
	require_runtime crun
	dangerous_is_hardened crun
}

refused() {
	local rt=$1 b="$BATS_TEST_TMPDIR/bundle"
	make_dangerous_bundle "$b" 'echo SHOULD-NOT-RUN'
	: >"$BATS_TEST_TMPDIR/docker.sock"
	set_config "$b" '
		.mounts += [
			{destination: "/var/run/docker.sock", type: "bind", source: "'"$BATS_TEST_TMPDIR"'/docker.sock", options: ["rbind"]},
			{destination: "/host-etc", type: "bind", source: "/etc", options: ["rbind", "ro"]}
		]
		| .linux.namespaces |= map(if .type == "network" then .path = "/proc/self/ns/net" else . end)'
	cp "$b/config.json" "$b/config.before"
	run hr "$rt" run --bundle "$b" "refused-$rt"
	[ "$status" -eq 1 ]
	[[ "$output" != *SHOULD-NOT-RUN* ]]
	[[ "$output" == *refused* ]]
	local msg
	msg=$(jq -r 'select(.level == "error") | .msg' "$LOG")
	[[ "$msg" == *"hardrun refused container \"refused-$rt\""* ]]
	[[ "$msg" == *"mounts: bind mount of \"$BATS_TEST_TMPDIR/docker.sock\""*"container runtime socket"* ]]
	[[ "$msg" == *"\"/etc\""*"sensitive host path"* ]]
	[[ "$msg" == *"namespaces: joins the host's network namespace"* ]]
	# nothing was written and nothing was started
	cmp "$b/config.json" "$b/config.before"
	run "$rt" --root "$(runtime_root "$rt")" state "refused-$rt"
	[ "$status" -ne 0 ]
	[ ! -e "$MARKER" ]
}

@test "runc: runtime sockets, /etc and the host network are refused with the reason in the log" {
	require_runtime runc
	refused runc
}

@test "crun: runtime sockets, /etc and the host network are refused with the reason in the log" {
	require_runtime crun
	refused crun
}

@test "a missing network namespace is the host's: refused" {
	require_runtime runc
	local b="$BATS_TEST_TMPDIR/bundle"
	make_bundle "$b" 'true'
	set_config "$b" '.linux.namespaces |= map(select(.type != "network"))'
	run hr runc run --bundle "$b" hostnet
	[ "$status" -eq 1 ]
	[[ "$(jq -r .msg "$LOG")" == *"namespaces: uses the host's network namespace"* ]]
}

@test "the audit profile changes nothing and reports what it would do" {
	require_runtime runc
	local b="$BATS_TEST_TMPDIR/bundle"
	make_dangerous_bundle "$b" "$INSIDE"
	cp "$b/config.json" "$b/config.before"
	run "$HARDRUN" --hardrun-profile audit --hardrun-runtime "$(command -v runc)" --root "$(runtime_root runc)" \
		--log "$LOG" --log-format json run --bundle "$b" audited
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	[[ "$output" == *"uid=0(root)"* ]]
	[[ "$output" == *ROOT-WRITABLE* ]]
	cmp "$b/config.json" "$b/config.before"
	grep '"level":"warning"' "$LOG" | grep -q 'audit finding'
	[ -e "$MARKER" ]
}

ordinary_workload() {
	local rt=$1 b="$BATS_TEST_TMPDIR/bundle"
	make_bundle "$b" '
		echo hello >/tmp/file && cat /tmp/file
		nc -l -p 8080 >/dev/null 2>&1 &
		for i in 1 2 3 4 5 6 7 8 9 10; do grep -qE ":1F90 0+:0000 0A" /proc/net/tcp /proc/net/tcp6 && break; sleep 0.1; done
		grep -qE ":1F90 0+:0000 0A" /proc/net/tcp /proc/net/tcp6 && echo LISTENING
		kill %1; sleep 0.1; echo done'
	run hr "$rt" run --bundle "$b" "ordinary-$rt"
	[ "$status" -eq 0 ] || { echo "$output"; cat "$LOG"; return 1; }
	[[ "$output" == *hello* ]]
	[[ "$output" == *LISTENING* ]]
	[[ "$output" == *done* ]]
}

@test "runc: an ordinary workload (files in /tmp, a listener on 8080) still works" {
	require_runtime runc
	ordinary_workload runc
}

@test "crun: an ordinary workload (files in /tmp, a listener on 8080) still works" {
	require_runtime crun
	ordinary_workload crun
}

kept_capability() {
	local rt=$1 b="$BATS_TEST_TMPDIR/bundle"
	make_bundle "$b" '
		grep CapEff /proc/self/status
		nc -l -p 80 >/dev/null 2>&1 &
		for i in 1 2 3 4 5 6 7 8 9 10; do grep -qE ":0050 0+:0000 0A" /proc/net/tcp /proc/net/tcp6 && break; sleep 0.1; done
		grep -qE ":0050 0+:0000 0A" /proc/net/tcp /proc/net/tcp6 && echo BOUND-80
		kill %1; id'
	# the workload drops everything and asks only for NET_BIND_SERVICE
	set_config "$b" '.process.capabilities = (["CAP_NET_BIND_SERVICE"] as $c |
		{bounding: $c, effective: $c, permitted: $c})'
	# a profile that leaves ip_unprivileged_port_start alone keeps the
	# capability (scratch.bats has the default: no capability, :80 free)
	local pol="$BATS_TEST_TMPDIR/policy.json"
	echo '{"defaultProfile": "r", "profiles": {"r": {"sysctls": {"unprivilegedPorts": false}}}}' >"$pol"
	run hr "$rt" --hardrun-policy "$pol" run --bundle "$b" "kept-$rt"
	[ "$status" -eq 0 ] || { echo "$output"; cat "$LOG"; return 1; }
	[[ "$output" == *"CapEff:	0000000000000400"* ]]
	[[ "$output" == *BOUND-80* ]]
	[[ "$output" == *uid=65534* ]]
}

@test "runc: a kept NET_BIND_SERVICE works for the non-root user after execve" {
	require_runtime runc
	kept_capability runc
}

@test "crun: a kept NET_BIND_SERVICE works for the non-root user after execve" {
	require_runtime crun
	kept_capability crun
}

@test "restricted keeps nothing when the workload asks for more than NET_BIND_SERVICE" {
	require_runtime runc
	local b="$BATS_TEST_TMPDIR/bundle"
	make_bundle "$b" 'grep CapEff /proc/self/status'
	set_config "$b" '.process.capabilities = (["CAP_NET_BIND_SERVICE", "CAP_CHOWN"] as $c |
		{bounding: $c, effective: $c, permitted: $c})'
	run hr runc run --bundle "$b" greedy
	[ "$status" -eq 0 ]
	[[ "$output" == *"CapEff:	0000000000000000"* ]]
}

@test "hardening twice changes nothing" {
	require_runtime runc
	local b="$BATS_TEST_TMPDIR/bundle"
	make_dangerous_bundle "$b" 'true'
	run hr runc run --bundle "$b" once
	[ "$status" -eq 0 ]
	cp "$b/config.json" "$b/config.once"
	run hr runc run --bundle "$b" twice
	[ "$status" -eq 0 ]
	cmp "$b/config.json" "$b/config.once"
}
