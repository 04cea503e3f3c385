#!/usr/bin/env bats
# Hooks judged by their whole command line, with real runc: what a spec
# names runs as root on the host, so each test names a host file that a
# hook would create and checks that it was never created.

load lib/common

setup_file() {
	cache_rootfs
}

setup() {
	require_root
	require_runtime runc
	LOG="$BATS_TEST_TMPDIR/log.json"
	AUDIT="$BATS_TEST_TMPDIR/audit.log"
	POLICY="$BATS_TEST_TMPDIR/policy.json"
	VICTIM="$BATS_TEST_TMPDIR/host-file-that-must-not-exist"
	jq -n --arg a "$AUDIT" '{audit: {file: $a}}' >"$POLICY"
}

teardown() {
	local root id
	root=$(runtime_root runc)
	for id in $(runc --root "$root" list -q 2>/dev/null || true); do
		"$HARDRUN" --hardrun-runtime "$(command -v runc)" --root "$root" delete --force "$id" >/dev/null 2>&1 || true
	done
	cleanup_containers runc
}

hr() {
	"$HARDRUN" --hardrun-policy "$POLICY" --hardrun-runtime "$(command -v runc)" --root "$(runtime_root runc)" \
		--log "$LOG" --log-format json "$@"
}

# run_bundle ID: "run" the bundle in $B off bats' pipes; sets $status, $output.
run_bundle() {
	status=0
	hr run --bundle "$B" "$1" </dev/null >"$BATS_TEST_TMPDIR/out" 2>&1 || status=$?
	output=$(cat "$BATS_TEST_TMPDIR/out")
}

# set_cfg BUNDLE JQ-ARGS...: edits config.json with jq (options, then the filter).
set_cfg() {
	local b=$1
	shift
	jq "$@" "$b/config.json" >"$b/config.json.new" && mv "$b/config.json.new" "$b/config.json"
}

hook_program() {
	command -v hardrun-hook 2>/dev/null || echo "$(dirname "$HARDRUN")/../hooks/hardrun-hook"
}

@test "hardrun-hook named by the spec with a file of its choosing: removed, and the file is never created" {
	B="$BATS_TEST_TMPDIR/bundle"
	make_bundle "$B" 'true'
	local hook
	hook=$(readlink -f "$(hook_program)")
	[ -x "$hook" ]
	set_cfg "$B" --arg h "$hook" --arg v "$VICTIM" '.hooks = {
		poststart: [{path: $h, args: ["hardrun-hook", "--audit-file", $v, "poststart"]}],
		poststop: [{path: $h, args: ["hardrun-hook", "--audit-file", $v, "--syslog", "poststop"]}]}'
	run_bundle forged-own
	[ "$status" -eq 0 ] || { echo "$output"; cat "$LOG"; return 1; }
	[ ! -e "$VICTIM" ]
	# hardrun's own entries took their place and wrote to the policy's trail
	jq -e '[.hooks.poststart[], .hooks.poststop[] | .args | (length == 3 or (length == 5 and .[3] == "--attest"))
		and (.[1] | test("^post(start|stop)$")) and (.[2] | test("^[0-9a-f]{16}$"))] | all' \
		"$B/config.json"
	[ "$(jq -s '[.[] | select(.event == "poststart" or .event == "poststop")] | length' "$AUDIT")" -eq 2 ]
	jq -s -e 'any(.[]; .event == "decision" and any(.findings[]; .control == "hooks"
		and (.message | contains("hardrun'"'"'s own hook is never taken from the spec"))))' "$AUDIT"
}

@test "hardrun-hook run with a file of the spec's choosing (hooks off) writes nothing there" {
	B="$BATS_TEST_TMPDIR/bundle"
	make_bundle "$B" 'true'
	local hook
	hook=$(readlink -f "$(hook_program)")
	jq -n --arg a "$AUDIT" '{audit: {file: $a}, profiles: {lax: {extends: "restricted", modes: {hooks: "off"}}},
		defaultProfile: "lax"}' >"$POLICY"
	set_cfg "$B" --arg h "$hook" --arg v "$VICTIM" '.hooks = {
		poststart: [{path: $h, args: ["hardrun-hook", "--audit-file", $v, "poststart"]},
			{path: $h, args: ["hardrun-hook", "poststart", $v]},
			{path: $h, args: ["hardrun-hook", "poststart", "0000000000000000"]}]}'
	run_bundle hooks-off
	[ "$status" -eq 0 ] || { echo "$output"; cat "$LOG"; return 1; }
	# the hooks ran (the spec kept them) but took no path from their argv
	jq -e '.hooks.poststart | length == 3' "$B/config.json"
	[ ! -e "$VICTIM" ]
}

@test "hardrun-hook with hardrun's key and anything more on its argv (hooks off) does nothing" {
	local hook key
	hook=$(readlink -f "$(hook_program)")
	# hardrun's own entry gives the key of this policy's sink
	B="$BATS_TEST_TMPDIR/first"
	make_bundle "$B" 'true'
	run_bundle keyed
	[ "$status" -eq 0 ] || { echo "$output"; cat "$LOG"; return 1; }
	key=$(jq -r '.hooks.poststop[-1].args[2]' "$B/config.json")
	[[ "$key" =~ ^[0-9a-f]{16}$ ]]
	: >"$AUDIT"
	# the same sink (audit file, monitor), the hooks control off
	jq -n --arg a "$AUDIT" '{audit: {file: $a}, profiles: {lax: {extends: "restricted", modes: {hooks: "off"}}},
		defaultProfile: "lax"}' >"$POLICY"
	B="$BATS_TEST_TMPDIR/bundle"
	make_bundle "$B" 'true'
	set_cfg "$B" --arg h "$hook" --arg v "$VICTIM" --arg k "$key" '.hooks = {
		poststart: [{path: $h, args: ["hardrun-hook", "poststart", $k, "--audit-file", $v]},
			{path: $h, args: ["hardrun-hook", "poststart", $k, "--monitor", $v]},
			{path: $h, args: ["hardrun-hook", "poststart", $k, "--attest", $v]},
			{path: $h, args: ["hardrun-hook", "poststart", $k, "--attest", "uid=0 gid=0"]},
			{path: $h, args: ["hardrun-hook", "poststart", $k, "--attest",
				"uid=1,gid=1,caps=0:0:0:0:0,nnp=0,seccomp=0,ro=0", "--attest",
				"uid=1,gid=1,caps=0:0:0:0:0,nnp=0,seccomp=0,ro=0"]},
			{path: $h, args: ["hardrun-hook", "poststart", $k]}]}'
	run_bundle forged-args
	[ "$status" -eq 0 ] || { echo "$output"; cat "$LOG"; return 1; }
	jq -e '.hooks.poststart | length == 6' "$B/config.json"
	[ ! -e "$VICTIM" ]
	# only the entry of exactly "poststart KEY" wrote its record
	[ "$(jq -s '[.[] | select(.event == "poststart" and .id == "forged-args")] | length' "$AUDIT")" -eq 1 ]
}

@test "a shell hook and an allowlisted daemon with arguments of the spec's choosing are removed" {
	B="$BATS_TEST_TMPDIR/bundle"
	make_bundle "$B" 'true'
	local dockerd
	dockerd=$(command -v dockerd || echo /usr/sbin/dockerd)
	set_cfg "$B" --arg v "$VICTIM" --arg d "$dockerd" '.hooks = {
		prestart: [{path: "/bin/sh", args: ["sh", "-c", "touch " + $v]}],
		createRuntime: [{path: $d, args: ["dockerd", "--config-file", $v]}],
		poststop: [{path: "/usr/bin/touch", args: ["touch", $v]}]}'
	run_bundle shell-hook
	[ "$status" -eq 0 ] || { echo "$output"; cat "$LOG"; return 1; }
	[ ! -e "$VICTIM" ]
	jq -e '(.hooks.prestart | length == 0) and (.hooks.createRuntime | length == 0)
		and all(.hooks.poststop[]; .path | endswith("/hardrun-hook"))' "$B/config.json"
}

@test "in deny mode a hook with the wrong argv refuses the container, and nothing runs" {
	B="$BATS_TEST_TMPDIR/bundle"
	make_bundle "$B" 'true'
	jq -n --arg a "$AUDIT" --arg t "$(command -v touch)" '{audit: {file: $a}, defaultProfile: "d",
		profiles: {d: {extends: "restricted", modes: {hooks: "deny"},
			hooks: {allow: [{path: $t, args: ["touch", "/run/hardrun-e2e-{id}"]}]}}}}' >"$POLICY"
	set_cfg "$B" --arg v "$VICTIM" --arg t "$(command -v touch)" '.hooks = {
		prestart: [{path: $t, args: ["touch", $v]}]}'
	run_bundle denied-hook
	[ "$status" -ne 0 ]
	[ ! -e "$VICTIM" ]
	jq -r 'select(.level == "error") | .msg' "$LOG" | grep -F 'matches no entry of the allowlist'
}

@test "an allowlisted hook whose argv matches its patterns runs" {
	B="$BATS_TEST_TMPDIR/bundle"
	make_bundle "$B" 'true'
	local mark="$BATS_TEST_TMPDIR/mark-allowed-hook"
	jq -n --arg a "$AUDIT" --arg t "$(command -v touch)" --arg m "$BATS_TEST_TMPDIR/mark-*" '{audit: {file: $a},
		defaultProfile: "d", profiles: {d: {extends: "restricted",
			hooks: {allow: [{path: $t, args: ["touch", $m]}]}}}}' >"$POLICY"
	set_cfg "$B" --arg m "$mark" --arg t "$(command -v touch)" '.hooks = {prestart: [{path: $t, args: ["touch", $m]}]}'
	run_bundle allowed-hook
	[ "$status" -eq 0 ] || { echo "$output"; cat "$LOG"; return 1; }
	[ -e "$mark" ]
}

@test "policy check refuses any argv for a shell or a daemon, and accepts the example policy" {
	jq -n '{profiles: {p: {hooks: {allow: ["/usr/sbin/dockerd"]}}}}' >"$POLICY"
	run "$HARDRUN" policy check "$POLICY"
	[ "$status" -ne 0 ]
	[[ "$output" == *'"/usr/sbin/dockerd" can do anything, and the entry allows any argv'* ]]
	jq -n '{profiles: {p: {hooks: {allow: [{path: "/bin/bash", args: ["bash", "-c", "*"]}]}}}}' >"$POLICY"
	run "$HARDRUN" policy check "$POLICY"
	[ "$status" -ne 0 ]
	[[ "$output" == *'allows any argument'* ]]
	run "$HARDRUN" policy check "$HARDRUN_SRCDIR/deploy/policy/policy.json"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	[[ "$output" != *warning* ]]
}
