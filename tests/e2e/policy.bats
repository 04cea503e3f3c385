#!/usr/bin/env bats
# The policy file with real runc: profile selection by invocation name and
# by annotation rules, fail-closed loading, the audit trail (decisions and
# lifecycle records, whole lines under concurrency), deny mode, and
# hardrun's own commands (explain, policy check, policy show).

load lib/common

setup_file() {
	cache_rootfs
}

setup() {
	require_root
	require_runtime runc
	LOG="$BATS_TEST_TMPDIR/log.json"
	AUDIT="$BATS_TEST_TMPDIR/audit.log"
	# By default a policy that only moves the audit trail into the test's
	# directory, so that nothing is written under /var/log.
	POLICY="$BATS_TEST_TMPDIR/policy.json"
	jq -n --arg a "$AUDIT" '{audit: {file: $a}}' >"$POLICY"
}

teardown() {
	local root id ids
	root=$(runtime_root runc)
	# Through hardrun, so that the containers' exec records go too: those of
	# containers still there, and those of containers "run" in the
	# foreground, which runc deleted by itself (the IDs in the audit trail).
	ids=$(runc --root "$root" list -q 2>/dev/null || true)
	if [ -f "$AUDIT" ]; then
		ids+=" $(jq -r 'select(.event == "decision") | .id' "$AUDIT" 2>/dev/null || true)"
	fi
	for id in $ids ${EXTRA_IDS:-}; do
		"$HARDRUN" --hardrun-runtime "$(command -v runc)" --root "$root" delete --force "$id" >/dev/null 2>&1 || true
	done
	cleanup_containers runc
}

# hr ARGS...: hardrun (or $HR_PROGRAM, another name for it) with the test's
# policy, runc, state root and JSON log.
hr() {
	"${HR_PROGRAM:-$HARDRUN}" --hardrun-policy "$POLICY" --hardrun-runtime "$(command -v runc)" --root "$(runtime_root runc)" \
		--log "$LOG" --log-format json "$@"
}

# run_off_pipes ARGS...: like "run hr ARGS...", setting $status and $output,
# but with hardrun's and the container's stdio in a file: a created
# container would hold bats' pipes open, and "run" would wait for it.
run_off_pipes() {
	local out="$BATS_TEST_TMPDIR/stdio.out"
	status=0
	hr "$@" </dev/null >"$out" 2>&1 || status=$?
	output=$(cat "$out")
}

# The JSON log's error messages.
log_errors() {
	jq -r 'select(.level == "error") | .msg' "$LOG"
}

# Everything a workload could ask for that the restricted profile rewrites
# (and nothing it refuses outright).
make_dangerous_bundle() {
	local b=$1
	shift
	make_bundle "$b" "$@"
	printf '#!/bin/sh\ntouch "%s/hook-ran"\n' "$b" >"$b/hook.sh"
	chmod +x "$b/hook.sh"
	mkdir -p "$b/data"
	set_config "$b" "$DANGEROUS_JQ"'
		.process.user = {uid: 0, gid: 0, additionalGids: [0, 10]}
		| .process.capabilities = caps_sets(["CAP_CHOWN", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_SYS_ADMIN",
			"CAP_SYS_PTRACE", "CAP_NET_BIND_SERVICE"])
		| .process.noNewPrivileges = false
		| dangerous("'"$b"'/hook.sh")
		| .mounts += [{destination: "/data", type: "bind", source: "'"$b"'/data", options: ["rbind"]}]
		| .linux.namespaces |= map(select(.type != "ipc"))
	'
}

# The controls the dangerous bundle trips, in the order they run.
DANGEROUS_CONTROLS="user caps no_new_privileges rootfs paths mounts devices namespaces sysctls hooks annotations pids seccomp"

# ---- (a) profile selection -------------------------------------------------

@test "one bundle, two invocation names: hardrun-baseline keeps root and its capabilities, hardrun does not" {
	local b="$BATS_TEST_TMPDIR/bundle" bin="$BATS_TEST_TMPDIR/bin"
	make_bundle "$b" "$PROBE"
	cp "$b/config.json" "$b/config.orig"
	mkdir -p "$bin"
	ln -s "$HARDRUN" "$bin/hardrun-baseline"

	HR_PROGRAM="$bin/hardrun-baseline" run hr run --bundle "$b" as-baseline
	[ "$status" -eq 0 ] || { echo "$output"; cat "$LOG"; return 1; }
	[[ "$output" == *"uid=0(root)"* ]]
	# runc's default set (AUDIT_WRITE, KILL, NET_BIND_SERVICE) is within
	# baseline's; NET_BIND_SERVICE goes, since its own network namespace
	# opens ports below 1024 to every user
	[ "$(status_field CapEff "$output")" = 0000000020000020 ]
	[ "$(status_field NoNewPrivs "$output")" = 1 ]
	[ "$(status_field Seccomp "$output")" = 2 ]
	# baseline filters the 32-bit ABIs too, restricted closes them
	if [ "$(uname -m)" = x86_64 ]; then
		jq -e '.linux.seccomp.architectures == ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"]' "$b/config.json"
	fi

	cp "$b/config.orig" "$b/config.json"
	run hr run --bundle "$b" as-hardrun
	[ "$status" -eq 0 ] || { echo "$output"; cat "$LOG"; return 1; }
	assert_hardened "$output"
	if [ "$(uname -m)" = x86_64 ]; then
		jq -e '.linux.seccomp.architectures == ["SCMP_ARCH_X86_64"]' "$b/config.json"
	fi

	# the audit trail says which name chose which profile
	run jq -r 'select(.event == "decision") | "\(.id) \(.profile) \(.rule)"' "$AUDIT"
	[ "${lines[0]}" = 'as-baseline baseline invocation name "hardrun-baseline"' ]
	[ "${lines[1]}" = 'as-hardrun restricted default' ]
}

@test "--hardrun-profile wins over the invocation name" {
	local b="$BATS_TEST_TMPDIR/bundle" bin="$BATS_TEST_TMPDIR/bin"
	make_bundle "$b" "$PROBE"
	mkdir -p "$bin"
	ln -s "$HARDRUN" "$bin/hardrun-baseline"
	run "$bin/hardrun-baseline" --hardrun-profile restricted --hardrun-policy "$POLICY" \
		--hardrun-runtime "$(command -v runc)" --root "$(runtime_root runc)" run --bundle "$b" explicit
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	assert_hardened "$output"
	[ "$(jq -r 'select(.event == "decision") | .rule' "$AUDIT")" = "--hardrun-profile" ]
}

@test "an invocation name that is no profile stops the container" {
	local b="$BATS_TEST_TMPDIR/bundle" bin="$BATS_TEST_TMPDIR/bin"
	make_bundle "$b" 'echo SHOULD-NOT-RUN'
	cp "$b/config.json" "$b/config.before"
	mkdir -p "$bin"
	ln -s "$HARDRUN" "$bin/hardrun-nosuch"
	run "$bin/hardrun-nosuch" --hardrun-policy "$POLICY" --hardrun-runtime "$(command -v runc)" \
		--root "$(runtime_root runc)" --log "$LOG" --log-format json run --bundle "$b" nosuch
	[ "$status" -eq 1 ]
	[[ "$output" != *SHOULD-NOT-RUN* ]]
	[[ "$(log_errors)" == *"no profile \"nosuch\" (selected by invocation name \"hardrun-nosuch\") in $POLICY"* ]]
	cmp "$b/config.json" "$b/config.before"
}

@test "a pod cannot pick its own profile unless a rule for its namespace allows it, and then only an allowed one" {
	jq -n --arg a "$AUDIT" '{
		audit: {file: $a},
		rules: [
			{comment: "dev pods may choose baseline; plain runc is a caller, trusted here", match: {namespace: "dev"},
			 selectAnnotation: "hardrun.io/profile", allowedProfiles: ["baseline"], trust: ["caller"]}
		]}' >"$POLICY"
	local b="$BATS_TEST_TMPDIR/bundle"
	make_bundle "$b" "$PROBE"
	cp "$b/config.json" "$b/config.orig"

	# 1. in "prod", no rule hands over the choice: ignored
	set_config "$b" '.annotations = {"io.kubernetes.cri.sandbox-namespace": "prod", "hardrun.io/profile": "privileged"}'
	run hr run --bundle "$b" prod-asks-privileged
	[ "$status" -eq 0 ] || { echo "$output"; cat "$LOG"; return 1; }
	assert_hardened "$output"

	# 2. in "dev", but privileged is not among allowedProfiles: ignored
	cp "$b/config.orig" "$b/config.json"
	set_config "$b" '.annotations = {"io.kubernetes.cri.sandbox-namespace": "dev", "hardrun.io/profile": "privileged"}'
	run hr run --bundle "$b" dev-asks-privileged
	[ "$status" -eq 0 ] || { echo "$output"; cat "$LOG"; return 1; }
	assert_hardened "$output"

	# 3. in "dev", asking for an allowed profile: granted
	cp "$b/config.orig" "$b/config.json"
	set_config "$b" '.annotations = {"io.kubernetes.cri.sandbox-namespace": "dev", "hardrun.io/profile": "baseline"}'
	run hr run --bundle "$b" dev-asks-baseline
	[ "$status" -eq 0 ] || { echo "$output"; cat "$LOG"; return 1; }
	[[ "$output" == *"uid=0(root)"* ]]

	run jq -r 'select(.event == "decision") | "\(.id) \(.profile) \(.rule) \(.pod.namespace)"' "$AUDIT"
	[ "${lines[0]}" = 'prod-asks-privileged restricted default prod' ]
	[ "${lines[1]}" = 'dev-asks-privileged restricted default dev' ]
	[ "${lines[2]}" = 'dev-asks-baseline baseline rules[0] (annotation "hardrun.io/profile") dev' ]

	# 4. the same rule without "trust": the caller's annotations are ignored, with a note
	jq '.rules[0] |= del(.trust)' "$POLICY" >"$POLICY.new" && mv "$POLICY.new" "$POLICY"
	cp "$b/config.orig" "$b/config.json"
	set_config "$b" '.annotations = {"io.kubernetes.cri.sandbox-namespace": "dev", "hardrun.io/profile": "baseline"}'
	run hr run --bundle "$b" caller-asks-baseline
	[ "$status" -eq 0 ] || { echo "$output"; cat "$LOG"; return 1; }
	assert_hardened "$output"
	jq -s -e 'any(.[]; .id == "caller-asks-baseline" and .profile == "restricted" and any(.findings[];
		.action == "note" and (.message | contains("rules[0] ignored: annotation \"io.kubernetes.cri.sandbox-namespace\""))))' "$AUDIT"
}

# shellcheck disable=SC2030 # run_off_pipes sets status and output, as "run" does
@test "the policy's runtime is used when the command line names none" {
	jq -n --arg a "$AUDIT" --arg rt "$(command -v runc)" '{audit: {file: $a}, runtime: $rt}' >"$POLICY"
	local b="$BATS_TEST_TMPDIR/bundle"
	make_bundle "$b" "$PROBE"
	run env PATH=/nonexistent "$HARDRUN" --hardrun-policy "$POLICY" --root "$(runtime_root runc)" run --bundle "$b" policy-runtime
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	assert_hardened "$output"
}

# create_under_policy_runtime ID: a policy naming runc, a container ID
# created through it (sleeping), then a policy naming a fake runtime that
# prints its arguments. Sets ROOT and FAKE.
create_under_policy_runtime() {
	local id=$1 b="$BATS_TEST_TMPDIR/bundle"
	ROOT=$(runtime_root runc)
	FAKE="$BATS_TEST_TMPDIR/fake-runtime"
	printf '#!/bin/sh\necho fake-runtime "$@"\n' >"$FAKE"
	chmod +x "$FAKE"
	jq -n --arg a "$AUDIT" --arg rt "$(command -v runc)" '{audit: {file: $a}, runtime: $rt}' >"$POLICY"
	make_bundle "$b" 'sleep 30'
	# create's container keeps its stdio: no pipes of bats' "run"
	PATH=/nonexistent "$HARDRUN" --hardrun-policy "$POLICY" --root "$ROOT" create --bundle "$b" "$id" \
		</dev/null >"$BATS_TEST_TMPDIR/create.out" 2>&1 || { cat "$BATS_TEST_TMPDIR/create.out"; return 1; }
	jq -n --arg a "$AUDIT" --arg rt "$FAKE" '{audit: {file: $a}, runtime: $rt}' >"$POLICY"
}

@test "state and delete reach the runtime that created the container after the policy names another" {
	create_under_policy_runtime rt-record
	run env PATH=/nonexistent "$HARDRUN" --hardrun-policy "$POLICY" --root "$ROOT" state rt-record
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	jq -e '.id == "rt-record" and .status == "created"' <<<"$output"
	run env PATH=/nonexistent "$HARDRUN" --hardrun-policy "$POLICY" --root "$ROOT" delete rt-record
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	run runc --root "$ROOT" state rt-record
	[ "$status" -ne 0 ]
	# no record any more: the policy decides
	run env PATH=/nonexistent "$HARDRUN" --hardrun-policy "$POLICY" --root "$ROOT" state rt-record
	[ "$output" = "fake-runtime --root $ROOT state rt-record" ]
}

@test "a container record others could write is not trusted: exec is refused, state asks the policy" {
	create_under_policy_runtime rt-untrusted
	local rec
	rec=$(find /run/hardrun/containers -name rt-untrusted.json | head -n 1)
	[ -f "$rec" ]
	jq -e --arg rt "$(command -v runc)" '.runtime == $rt' "$rec"
	chmod 0620 "$rec"

	run "$HARDRUN" --hardrun-policy "$POLICY" --root "$ROOT" exec rt-untrusted true
	[ "$status" -eq 1 ]
	[[ "$output" == *"is not hardrun's own"* ]]
	run "$HARDRUN" --hardrun-policy "$POLICY" --root "$ROOT" state rt-untrusted
	[ "$output" = "fake-runtime --root $ROOT state rt-untrusted" ]
	rm -f "$rec"
	runc --root "$ROOT" delete -f rt-untrusted
}

# ---- (b) fail closed ------------------------------------------------------------

# shellcheck disable=SC2031 # status and output come from run_off_pipes
# refused_by_policy WHAT: "create" fails, nothing is written or created, and
# the log's error contains WHAT.
refused_by_policy() {
	local what=$1 b="$BATS_TEST_TMPDIR/bundle"
	make_bundle "$b" 'echo SHOULD-NOT-RUN'
	cp "$b/config.json" "$b/config.before"
	run_off_pipes create --bundle "$b" bad-policy
	[ "$status" -eq 1 ] || { echo "status $status: $output"; return 1; }
	[ "$(jq -s 'length' "$LOG")" -eq 1 ] || { cat "$LOG"; return 1; }
	local msg
	msg=$(log_errors)
	[[ "$msg" == *"$what"* ]] || { echo "log: $msg"; echo "want: $what"; return 1; }
	[[ "$output" == *"$what"* ]]
	cmp "$b/config.json" "$b/config.before"
	run runc --root "$(runtime_root runc)" state bad-policy
	[ "$status" -ne 0 ]
	[ ! -e "$AUDIT" ]
}

@test "an invalid policy stops every container: exit 1, file:line and field in the log, config.json untouched" {
	printf '{\n  "audit": {"file": "%s"},\n  "profiles": {\n    "web": {\n      "mode": "strict"\n    }\n  }\n}\n' \
		"$AUDIT" >"$POLICY"
	refused_by_policy "$POLICY:5: \"profiles.web.mode\": expected one of \"enforce\", \"audit\", \"deny\", \"off\""
}

@test "an unknown capability in the policy stops every container" {
	printf '{"audit": {"file": "%s"},\n "profiles": {"web": {"caps": {"allow": [\n  "CAP_NET_RAW",\n  "CAP_NET_RAWW"]}}}}\n' \
		"$AUDIT" >"$POLICY"
	refused_by_policy "$POLICY:4: \"profiles.web.caps.allow[1]\": unknown capability \"CAP_NET_RAWW\""
}

@test "a policy that is not JSON stops every container" {
	printf '{"audit": {"file": "%s"},\n "rules": [\n' "$AUDIT" >"$POLICY"
	refused_by_policy "$POLICY: line 2: invalid JSON"
}

@test "a policy that is a directory stops every container" {
	rm -f "$POLICY"
	mkdir "$POLICY"
	refused_by_policy "policy file: $POLICY: not a regular file"
}

@test "a policy that is a symlink loop stops every container" {
	rm -f "$POLICY"
	ln -s "$POLICY.2" "$POLICY"
	ln -s "$POLICY" "$POLICY.2"
	refused_by_policy "policy file \"$POLICY\": Too many levels of symbolic links"
}

@test "a missing --hardrun-policy file stops every container" {
	rm -f "$POLICY"
	refused_by_policy "policy file \"$POLICY\": No such file or directory"
}

# ---- (c) the audit trail --------------------------------------------------------

@test "audit records: one decision per create, then poststart and poststop from the hook, in order" {
	local b="$BATS_TEST_TMPDIR/bundle"
	make_dangerous_bundle "$b" 'sleep 0.5'
	set_config "$b" '.annotations += {
		"io.kubernetes.cri.sandbox-namespace": "shop", "io.kubernetes.cri.sandbox-name": "web-0",
		"io.kubernetes.cri.container-type": "container", "io.kubernetes.cri.container-name": "nginx",
		"io.kubernetes.cri.image-name": "docker.io/library/nginx:1"}'
	hr create --bundle "$b" audited </dev/null >"$BATS_TEST_TMPDIR/out" 2>&1 || { cat "$BATS_TEST_TMPDIR/out" "$LOG"; return 1; }
	hr start audited
	local i
	for i in $(seq 50); do
		[ "$(runc --root "$(runtime_root runc)" state audited | jq -r .status)" = stopped ] && break
		sleep 0.1
	done
	hr delete audited

	# every line is one JSON object; the hook's watcher adds an "exit"
	# record when the process ends, whenever that is (why.bats)
	jq -e . "$AUDIT" >/dev/null
	[ "$(jq -c 'select(.event != "exit")' "$AUDIT" | wc -l)" -eq 3 ]
	run jq -r 'select(.event != "exit") | .event' "$AUDIT"
	[ "${lines[*]}" = "decision poststart poststop" ]

	# the decision
	local d
	d=$(jq -c 'select(.event == "decision")' "$AUDIT")
	jq -e '.command == "create" and .id == "audited" and .profile == "restricted" and .rule == "default"
		and .result == "changed" and (.time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\\.[0-9]{6}Z$"))
		and .runtimeRoot == "'"$(runtime_root runc)"'"
		and .pod == {namespace: "shop", pod: "web-0", containerType: "container", container: "nginx",
			image: "docker.io/library/nginx:1"}
		and (has("error") | not)' <<<"$d"
	jq -e '.bundle | endswith("/bundle")' <<<"$d"
	# every finding names its control, mode, action, field and message
	jq -e '.findings | length > 0 and all(has("control") and has("mode") and has("action") and has("field") and has("message"))' <<<"$d"
	local c
	for c in $DANGEROUS_CONTROLS; do
		jq -e --arg c "$c" 'any(.findings[]; .control == $c and .mode == "enforce" and .action == "changed")' <<<"$d" ||
			{ echo "no finding of control $c"; return 1; }
	done

	# the hook's records
	jq -s -e --arg b "$b" '.[1].event == "poststart" and .[1].id == "audited" and (.[1].pid | type == "number")
		and .[1].bundle == $b' "$AUDIT"
	jq -s -e --arg b "$b" 'map(select(.event != "exit")) | .[2].event == "poststop" and .[2].id == "audited"
		and .[2].bundle == $b' "$AUDIT"
	# the hook is hardrun's own: no path on its command line, only the event,
	# the key of the sink hardrun wrote (the policy's file, the monitor's
	# socket and the controls that changed the container, for the watcher's
	# hint) and, on poststart, the attestation token of numbers and flags
	local key
	key=$(jq -r '.hooks.poststart[-1].args[2]' "$b/config.json")
	[[ "$key" =~ ^[0-9a-f]{16}$ ]]
	jq -e --arg k "$key" '.hooks.poststart[-1].args[0:4] == ["hardrun-hook", "poststart", $k, "--attest"]
		and (.hooks.poststart[-1].args | length == 5)
		and (.hooks.poststart[-1].args[4] | test("^uid=[0-9-]+,gid=[0-9-]+,caps=[0-9a-f:]+,nnp=[01],seccomp=[01],ro=[01]$"))
		and .hooks.poststop[-1].args == ["hardrun-hook", "poststop", $k]' "$b/config.json"
	jq -e --arg a "$AUDIT" '. == {file: $a, syslog: false, monitor: "/run/hardrun/monitor.sock", changed:
		"user,caps,no_new_privileges,rootfs,paths,mounts,devices,namespaces,sysctls,hooks,annotations,pids,seccomp"}' \
		"/run/hardrun/sinks/$key.json"
	# the bundle's own prestart hook was removed and never ran
	[ ! -e "$b/hook-ran" ]
}

@test "audit records name the bundle by its absolute path, as the hook's do" {
	local b="$BATS_TEST_TMPDIR/bundle"
	make_bundle "$b" 'true'
	(cd "$BATS_TEST_TMPDIR" && hr run --bundle bundle relative </dev/null >"$BATS_TEST_TMPDIR/out" 2>&1) ||
		{ cat "$BATS_TEST_TMPDIR/out" "$LOG"; return 1; }
	run jq -r 'select(.event != "exit") | .bundle' "$AUDIT"
	[ "${lines[0]}" = "$b" ]
	[ "${lines[1]}" = "$b" ]
	[ "${lines[2]}" = "$b" ]
}

@test "audit records: a refusal is recorded with its error" {
	local b="$BATS_TEST_TMPDIR/bundle"
	make_bundle "$b" 'echo SHOULD-NOT-RUN'
	set_config "$b" '.linux.namespaces |= map(select(.type != "network"))'
	run_off_pipes create --bundle "$b" refused
	[ "$status" -eq 1 ]
	[ "$(wc -l <"$AUDIT")" -eq 1 ]
	jq -e '.event == "decision" and .result == "refused" and .id == "refused" and .profile == "restricted"
		and (.error | contains("hardrun refused container \"refused\""))
		and any(.findings[]; .control == "namespaces" and .action == "refused")' "$AUDIT"
}

@test "audit records: none when the policy turns the sink off, and no hook is injected" {
	jq -n '{audit: {file: null}, monitor: {attest: false}}' >"$POLICY"
	local b="$BATS_TEST_TMPDIR/bundle"
	make_bundle "$b" 'true'
	EXTRA_IDS=silent
	run hr run --bundle "$b" silent
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	[ ! -e "$AUDIT" ]
	jq -e '(.hooks.poststart // []) + (.hooks.poststop // []) | all(.path | endswith("/hardrun-hook") | not)' "$b/config.json"
}

@test "audit records: 50 concurrent creates leave exactly 50 whole decision lines" {
	local n=50 i root pids=() b
	root=$(runtime_root runc)
	# one shared root filesystem, fifty bundles
	make_bundle "$BATS_TEST_TMPDIR/proto" 'true'
	for i in $(seq "$n"); do
		b="$BATS_TEST_TMPDIR/b$i"
		mkdir -p "$b"
		jq --arg r "$BATS_TEST_TMPDIR/proto/rootfs" '.root.path = $r' "$BATS_TEST_TMPDIR/proto/config.json" >"$b/config.json"
	done
	for i in $(seq "$n"); do
		"$HARDRUN" --hardrun-policy "$POLICY" --hardrun-runtime "$(command -v runc)" --root "$root" \
			create --bundle "$BATS_TEST_TMPDIR/b$i" "c$i" </dev/null >"$BATS_TEST_TMPDIR/b$i.out" 2>&1 &
		pids+=("$!")
	done
	local failed=0
	for i in "${!pids[@]}"; do
		wait "${pids[$i]}" || { failed=$((failed + 1)); cat "$BATS_TEST_TMPDIR/b$((i + 1)).out"; }
	done
	[ "$failed" -eq 0 ]
	for i in $(seq "$n"); do
		"$HARDRUN" --hardrun-policy "$POLICY" --hardrun-runtime "$(command -v runc)" --root "$root" \
			delete --force "c$i" >/dev/null 2>&1
	done

	# every line parses on its own, and the decisions are the fifty creates
	local line bad=0
	while IFS= read -r line; do
		jq -e 'type == "object"' <<<"$line" >/dev/null 2>&1 || { bad=$((bad + 1)); echo "torn line: $line"; }
	done <"$AUDIT"
	[ "$bad" -eq 0 ]
	[ "$(jq -s '[.[] | select(.event == "decision")] | length' "$AUDIT")" -eq "$n" ]
	[ "$(jq -s '[.[] | select(.event == "decision" and .command == "create" and .result == "changed") | .id] | unique | length' "$AUDIT")" -eq "$n" ]
	# nothing but decisions and the hook's records
	[ "$(jq -s '[.[] | select(.event != "decision" and .event != "poststart" and .event != "poststop" and .event != "exit")] | length' "$AUDIT")" -eq 0 ]
	[ -z "$(runc --root "$root" list -q)" ]
}

# ---- (d) explain -----------------------------------------------------------------

@test "explain lists every finding of a dangerous bundle and exits 2, changing nothing" {
	local b="$BATS_TEST_TMPDIR/bundle" c
	make_dangerous_bundle "$b" 'true'
	cp "$b/config.json" "$b/config.before"
	run "$HARDRUN" --hardrun-policy "$POLICY" explain "$b"
	[ "$status" -eq 2 ] || { echo "$output"; return 1; }
	[ "${lines[0]}" = 'profile "restricted" (selected by default): changed' ]
	for c in $DANGEROUS_CONTROLS; do
		[[ "$output" == *" changed  $c "* ]] || { echo "no line for $c"; echo "$output"; return 1; }
	done
	[[ "$output" == *"--- a/config.json"* ]]
	[[ "$output" == *"+++ b/config.json"* ]]
	cmp "$b/config.json" "$b/config.before"
	[ ! -e "$AUDIT" ]

	# the same as JSON
	run "$HARDRUN" --hardrun-policy "$POLICY" explain --json "$b"
	[ "$status" -eq 2 ]
	jq -e '.profile == "restricted" and .rule == "default" and .verdict == "changed" and (.config | type == "object")' <<<"$output"
	for c in $DANGEROUS_CONTROLS; do
		jq -e --arg c "$c" 'any(.findings[]; .control == $c and .action == "changed" and .mode == "enforce")' <<<"$output" ||
			{ echo "no finding for $c"; return 1; }
	done
	jq -e '.config.process.user.uid == 65534 and .config.process.noNewPrivileges == true and .config.root.readonly == true' <<<"$output"
	cmp "$b/config.json" "$b/config.before"
}

@test "explain exits 3 on a bundle it would refuse" {
	local b="$BATS_TEST_TMPDIR/bundle"
	make_dangerous_bundle "$b" 'true'
	set_config "$b" '.linux.namespaces |= map(if .type == "network" then .path = "/proc/self/ns/net" else . end)'
	cp "$b/config.json" "$b/config.before"
	run "$HARDRUN" --hardrun-policy "$POLICY" explain "$b"
	[ "$status" -eq 3 ] || { echo "$output"; return 1; }
	[ "${lines[0]}" = 'profile "restricted" (selected by default): refused' ]
	[[ "$output" == *"refused  namespaces"*"joins the host's network namespace"* ]]
	[[ "$output" != *"--- a/config.json"* ]]
	run "$HARDRUN" --hardrun-policy "$POLICY" explain --json "$b"
	[ "$status" -eq 3 ]
	jq -e '.verdict == "refused" and (has("config") | not) and any(.findings[]; .action == "refused")' <<<"$output"
	cmp "$b/config.json" "$b/config.before"
}

@test "explain exits 0 on a config that is already hardened" {
	local b="$BATS_TEST_TMPDIR/bundle" h="$BATS_TEST_TMPDIR/hardened"
	make_dangerous_bundle "$b" 'true'
	# hardened by explain's own rewrite
	mkdir -p "$h"
	"$HARDRUN" --hardrun-policy "$POLICY" explain --json "$b" | jq .config >"$h/config.json" || true
	ln -s "$b/rootfs" "$h/rootfs"
	run "$HARDRUN" --hardrun-policy "$POLICY" explain "$h"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	[[ "${lines[0]}" == 'profile "restricted" (selected by default): compliant' ]]
	# a config file rather than a bundle
	run "$HARDRUN" --hardrun-policy "$POLICY" explain "$h/config.json"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	# hardened by create, with the lifecycle hook in it
	hr create --bundle "$b" hardened </dev/null >"$BATS_TEST_TMPDIR/out" 2>&1 ||
		{ cat "$BATS_TEST_TMPDIR/out" "$LOG"; return 1; }
	run "$HARDRUN" --hardrun-policy "$POLICY" explain --json "$b"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	jq -e '.verdict == "compliant" and all(.findings[]; .action == "note")' <<<"$output"
}

@test "explain follows the profile options and the policy's rules" {
	jq -n '{audit: {file: null}, rules: [{match: {namespace: "kube-system"}, profile: "baseline"}]}' >"$POLICY"
	local b="$BATS_TEST_TMPDIR/bundle"
	make_bundle "$b" 'true'
	set_config "$b" '.annotations = {"io.kubernetes.cri.sandbox-namespace": "kube-system"}'
	run "$HARDRUN" --hardrun-policy "$POLICY" explain --json "$b"
	[ "$status" -eq 2 ]
	jq -e '.profile == "baseline" and .rule == "rules[0]" and all(.findings[]; .control != "user")' <<<"$output"
	run "$HARDRUN" --hardrun-policy "$POLICY" --hardrun-profile audit explain --json "$b"
	[ "$status" -eq 2 ]
	jq -e '.profile == "audit" and .verdict == "audit" and all(.findings[]; .action == "audit" or .action == "note")' <<<"$output"
	run "$HARDRUN" --hardrun-policy "$POLICY" --hardrun-profile privileged explain "$b"
	[ "$status" -eq 0 ]
}

# ---- (e) deny mode ------------------------------------------------------------------

@test "a profile in deny mode refuses the dangerous bundle, naming the controls, and writes nothing" {
	jq -n --arg a "$AUDIT" '{audit: {file: $a}, profiles: {strict: {extends: "restricted", mode: "deny"}}}' >"$POLICY"
	local b="$BATS_TEST_TMPDIR/bundle" msg
	make_dangerous_bundle "$b" 'echo SHOULD-NOT-RUN'
	cp "$b/config.json" "$b/config.before"
	run hr --hardrun-profile strict run --bundle "$b" denied
	[ "$status" -eq 1 ]
	[[ "$output" != *SHOULD-NOT-RUN* ]]
	msg=$(log_errors)
	[[ "$msg" == "hardrun refused container \"denied\" (profile \"strict\"): "* ]]
	[[ "$msg" == *"user: runs as root (uid 0)"* ]]
	[[ "$msg" == *"caps: "* ]]
	[[ "$msg" == *"no_new_privileges: "* ]]
	cmp "$b/config.json" "$b/config.before"
	[ ! -e "$b/hook-ran" ]
	run runc --root "$(runtime_root runc)" state denied
	[ "$status" -ne 0 ]
	# the audit record carries every refusal
	jq -e '.result == "refused" and .profile == "strict" and .rule == "--hardrun-profile"' "$AUDIT"
	local c
	for c in $DANGEROUS_CONTROLS; do
		jq -e --arg c "$c" 'any(.findings[]; .control == $c and .mode == "deny" and .action == "refused")' "$AUDIT" ||
			{ echo "no refusal by $c"; return 1; }
	done
}

@test "a deny-mode refusal names every refusing control in the runtime's log" {
	jq -n '{audit: {file: null}, profiles: {strict: {extends: "restricted", mode: "deny"}}}' >"$POLICY"
	local b="$BATS_TEST_TMPDIR/bundle" msg c
	make_dangerous_bundle "$b" 'echo SHOULD-NOT-RUN'
	run_off_pipes --hardrun-profile strict create --bundle "$b" denied
	[ "$status" -eq 1 ]
	msg=$(log_errors)
	for c in $DANGEROUS_CONTROLS; do
		[[ "$msg" == *[:\;]" $c: "* || "$msg" == *"(refused by"*" $c"[\ \)]* ]] ||
			{ echo "control $c not named in: $msg"; return 1; }
	done
}

@test "a control in deny mode refuses only what it would have changed" {
	jq -n --arg a "$AUDIT" '{audit: {file: $a}, profiles: {"caps-deny": {modes: {caps: "deny"}}}}' >"$POLICY"
	local b="$BATS_TEST_TMPDIR/bundle"
	make_bundle "$b" "$PROBE"
	cp "$b/config.json" "$b/config.orig"
	# runc's default capabilities: refused
	run hr --hardrun-profile caps-deny run --bundle "$b" caps-denied
	[ "$status" -eq 1 ]
	[[ "$(log_errors)" == *"(profile \"caps-deny\"): caps: "* ]]
	cmp "$b/config.json" "$b/config.orig"
	# no capabilities asked for: everything else is enforced as usual
	set_config "$b" '.process.capabilities = {bounding: [], effective: [], permitted: []}'
	run hr --hardrun-profile caps-deny run --bundle "$b" caps-none
	[ "$status" -eq 0 ] || { echo "$output"; cat "$LOG"; return 1; }
	assert_hardened "$output"
}

# ---- (f) policy check and policy show ---------------------------------------------

@test "policy check passes the shipped example policy and profiles" {
	run "$HARDRUN" policy check "$HARDRUN_SRCDIR/deploy/policy/policy.json"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	[[ "$output" == "$HARDRUN_SRCDIR/deploy/policy/policy.json: ok ("* ]]
	# the shipped profiles.d, loaded through profilesDir
	jq --arg d "$HARDRUN_SRCDIR/deploy/policy/profiles.d" '. + {profilesDir: $d}' \
		"$HARDRUN_SRCDIR/deploy/policy/policy.json" >"$POLICY"
	run "$HARDRUN" policy check "$POLICY"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	local f name
	for f in "$HARDRUN_SRCDIR"/deploy/policy/profiles.d/*.json; do
		name=$(jq -r .name "$f")
		run "$HARDRUN" --hardrun-policy "$POLICY" policy show "$name"
		[ "$status" -eq 0 ] || { echo "$output"; return 1; }
		jq -e --arg n "$name" '.name == $n' <<<"$output"
	done
	# the example's own profiles and rules
	local ex="$HARDRUN_SRCDIR/deploy/policy/policy.json" b="$BATS_TEST_TMPDIR/bundle"
	run "$HARDRUN" --hardrun-policy "$ex" policy show restricted-netraw
	[ "$status" -eq 0 ]
	jq -e '.caps.allow == ["CAP_NET_BIND_SERVICE", "CAP_NET_RAW"] and .modes.user == "enforce"' <<<"$output"
	make_bundle "$b" 'true'
	cp "$b/config.json" "$b/config.orig"
	explain_rule() {
		cp "$b/config.orig" "$b/config.json"
		set_config "$b" ".annotations = $1"
		"$HARDRUN" --hardrun-policy "$ex" explain --json "$b" | jq -r '"\(.profile) \(.rule)"'
	}
	[ "$(explain_rule '{"io.kubernetes.cri.sandbox-namespace": "kube-system"}')" = "baseline rules[1]" ]
	[ "$(explain_rule '{"io.kubernetes.cri.sandbox-namespace": "kube-system", "io.kubernetes.cri.container-type": "sandbox"}')" = "restricted rules[0]" ]
	[ "$(explain_rule '{"io.kubernetes.cri.sandbox-namespace": "netops", "io.kubernetes.cri.image-name": "registry.example.com/netops/ping:1"}')" = "restricted-netraw rules[2]" ]
	[ "$(explain_rule '{"io.kubernetes.cri.sandbox-namespace": "dev-1", "hardrun.io/profile": "strict"}')" = 'strict rules[3] (annotation "hardrun.io/profile")' ]
	[ "$(explain_rule '{"io.kubernetes.cri.sandbox-namespace": "dev-1", "hardrun.io/profile": "web"}')" = "restricted default" ]
	[ "$(explain_rule '{"io.kubernetes.cri.sandbox-namespace": "dev-1", "hardrun.io/profile": "privileged"}')" = "restricted default" ]
	[ "$(explain_rule '{"io.kubernetes.cri.sandbox-namespace": "prod", "hardrun.io/profile": "web"}')" = "restricted default" ]
	[ "$(explain_rule '{"io.kubernetes.cri.sandbox-namespace": "payments"}')" = "strict rules[6]" ]
}

@test "policy check fails a bad policy with file:line and field" {
	printf '{\n  "defaultProfile": "restricted",\n  "rules": [\n    {"match": {"namespace": "x"}}\n  ]\n}\n' >"$POLICY"
	run "$HARDRUN" policy check "$POLICY"
	[ "$status" -eq 1 ]
	[[ "$output" == *"$POLICY:4: \"rules[0]\": a rule needs \"profile\" or \"selectAnnotation\""* ]]
	printf '{\n  "defaultProfile": "strict"\n}\n' >"$POLICY"
	run "$HARDRUN" policy check "$POLICY"
	[ "$status" -eq 1 ]
	[[ "$output" == *"$POLICY:2: \"defaultProfile\": no profile \"strict\""* ]]
	run "$HARDRUN" policy check "$BATS_TEST_TMPDIR/missing.json"
	[ "$status" -eq 1 ]
	[[ "$output" == *"policy file \"$BATS_TEST_TMPDIR/missing.json\": No such file or directory"* ]]
	# --hardrun-policy names the file to check too
	printf '{"profiles": {"x": {"user": {"uid": 0}}}}\n' >"$POLICY"
	run "$HARDRUN" --hardrun-policy "$POLICY" policy check
	[ "$status" -eq 1 ]
	[[ "$output" == *"$POLICY:1: \"profiles.x.user.uid\": expected a non-root id from 1 to 4294967294"* ]]
}

@test "policy show prints a profile as JSON" {
	run "$HARDRUN" --hardrun-policy "$POLICY" policy show baseline
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	jq -e '.name == "baseline" and .modes.user == "off" and .modes.rootfs == "off" and .modes.caps == "enforce"
		and (.caps.allow | index("CAP_CHOWN") != null) and .caps.strictRequest == false
		and .pids.limit == 4096 and .seccomp.compatArchitectures == true' <<<"$output"
	# the default profile when none is named
	run "$HARDRUN" --hardrun-policy "$POLICY" policy show
	[ "$status" -eq 0 ]
	jq -e '.name == "restricted" and .user == {uid: 65534, gid: 65534} and .caps.allow == ["CAP_NET_BIND_SERVICE"]
		and .seccomp.compatArchitectures == false' <<<"$output"
	run "$HARDRUN" --hardrun-policy "$POLICY" policy show nope
	[ "$status" -eq 1 ]
	[[ "$output" == *'no profile "nope"'* ]]
}

@test "policy show prints what the policy file would define: it reads back as the same profile" {
	"$HARDRUN" --hardrun-policy "$POLICY" policy show baseline >"$BATS_TEST_TMPDIR/shown.json"
	jq --slurpfile p "$BATS_TEST_TMPDIR/shown.json" -n '{audit: {file: null}, profiles: {copy: ($p[0] | del(.name))}}' \
		>"$BATS_TEST_TMPDIR/copy.json"
	run "$HARDRUN" --hardrun-policy "$BATS_TEST_TMPDIR/copy.json" policy show copy
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	diff <(jq 'del(.name)' "$BATS_TEST_TMPDIR/shown.json") <(jq 'del(.name)' <<<"$output")
}

@test "policy check warns when a pod-controlled annotation can lower the profile" {
	jq -n '{rules: [
		{match: {namespace: "dev-*"}, selectAnnotation: "hardrun.io/profile", allowedProfiles: ["baseline", "strict"]},
		{match: {annotations: {"example.com/gpu": "yes"}}, profile: "privileged"}],
		profiles: {strict: {extends: "restricted", mode: "deny"}}}' >"$POLICY"
	run "$HARDRUN" policy check "$POLICY"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	[[ "$output" == *'warning: rules[0]: annotation "hardrun.io/profile", which the pod writes, can select profile "baseline", weaker than the default "restricted"'* ]]
	[[ "$output" != *'select profile "strict"'* ]]
	[[ "$output" == *'warning: rules[1]: annotation "example.com/gpu", which the pod writes, can select profile "privileged"'* ]]
	# the floor keeps the glob namespace's choice at restricted: no warning for it any more
	jq '.floor = "restricted"' "$POLICY" >"$POLICY.new" && mv "$POLICY.new" "$POLICY"
	run "$HARDRUN" policy check "$POLICY"
	[ "$status" -eq 0 ]
	[[ "$output" != *'rules[0]'* ]]
	[[ "$output" != *'rules[1]'* ]]
}
