#!/usr/bin/env bats
# hardrun explain --kubernetes without a node: what it reads, the three
# output formats (SARIF checked against tests/data/sarif's schema with
# python3-jsonschema), exit statuses and errors. The prediction itself is
# held to containerd and runc in kubernetes.bats.

setup_file() {
	export KDATA=$BATS_TEST_DIRNAME/../data/kubernetes-explain
	export CORPUS=$BATS_TEST_DIRNAME/../data/kubernetes
	export SCHEMA=$BATS_TEST_DIRNAME/../data/sarif/sarif-2.1.0-subset.schema.json
	# the built-in profiles, whatever this machine's /etc/hardrun says
	export KPOLICY=$BATS_FILE_TMPDIR/policy.json
	echo '{ "defaultProfile": "restricted" }' >"$KPOLICY"
}

explain() {
	"$HARDRUN" --hardrun-policy "$KPOLICY" explain --kubernetes "$@"
}

@test "kube: a refused pod: exit 3, each finding with its manifest line and a hint" {
	run explain --no-apparmor "$CORPUS/host-network.yaml"
	echo "$output"
	[ "$status" -eq 3 ]
	# hostNetwork is on line 9 of the manifest
	grep -q 'host-network.yaml:9: refused  namespaces *linux.namespaces: uses the host.s network namespace' <<<"$output"
	grep -q 'hint: remove spec.hostNetwork' <<<"$output"
	grep -q '^verdict: refused$' <<<"$output"
}

@test "kube: a pod the node would change: exit 2; runAsUser's line and securityContext hints" {
	run explain --no-apparmor "$CORPUS/root.yaml"
	echo "$output"
	[ "$status" -eq 2 ]
	grep -Eq 'root.yaml:10: +container "app": profile "restricted" \(selected by default\): changed' <<<"$output"
	grep -q 'changed  user *process.user.uid: runs as root (uid 0); set to 65534' <<<"$output"
	grep -q 'hint: set securityContext.runAsUser and runAsGroup to non-zero IDs, and runAsNonRoot: true' <<<"$output"
	grep -q 'hint: set securityContext.allowPrivilegeEscalation: false' <<<"$output"
	grep -q 'hint: set securityContext.capabilities.drop: \["ALL"\]' <<<"$output"
}

@test "kube: a compliant pod: exit 0" {
	run "$HARDRUN" --hardrun-policy "$KPOLICY" --hardrun-profile privileged explain --kubernetes "$CORPUS/root.yaml"
	echo "$output"
	[ "$status" -eq 0 ]
	grep -q '^verdict: compliant$' <<<"$output"
}

@test "kube: every workload kind, List items, multi-document; others skipped" {
	run explain --json "$KDATA/workloads.yaml"
	[ "$status" -eq 2 ] || [ "$status" -eq 3 ]
	jq -r '.pods[] | "\(.kind) \(.name) \(.namespace) \(.line)"' <<<"$output" >"$BATS_TEST_TMPDIR/pods"
	cat "$BATS_TEST_TMPDIR/pods"
	diff -u - "$BATS_TEST_TMPDIR/pods" <<EOF
Deployment web shop 9
CronJob nightly default 26
StatefulSet db default 50
DaemonSet agent default 60
EOF
	# sandbox, init, container, ephemeral
	jq -r '.pods[1].containers[] | "\(.role) \(.name // "")"' <<<"$output" >"$BATS_TEST_TMPDIR/roles"
	diff -u - "$BATS_TEST_TMPDIR/roles" <<EOF
sandbox 
init prepare
container job
ephemeral debugger
EOF
	jq -e '.pods[1].containers[3].notes | any(test("ephemeral"))' <<<"$output"
	# runAsUser: 0 is on line 24
	jq -e '.pods[0].containers[1].findings[] | select(.field == "process.user.uid") | .line == 24' <<<"$output"
}

@test "kube: JSON manifests, and stdin" {
	run explain --json "$KDATA/pod.json"
	echo "$output" | head -n 40
	[ "$status" -eq 2 ]
	jq -e '.pods[0].name == "json-pod" and .pods[0].containers[1].config.process.noNewPrivileges == true' <<<"$output"
	run explain --json - <"$KDATA/pod.json"
	[ "$status" -eq 2 ]
	jq -e '.pods[0].file == "stdin"' <<<"$output"
}

@test "kube: --json carries what run time's audit record carries" {
	run explain --json --no-apparmor "$CORPUS/docker-sock.yaml"
	[ "$status" -eq 3 ]
	jq -e '.verdict == "refused" and .pods[0].verdict == "refused"' <<<"$output"
	jq -e '[.pods[0].containers[1].findings[] | select(.action == "refused" and .control == "mounts")] | length == 1' <<<"$output"
	jq -e '.pods[0].containers[1].findings[] | select(.control == "mounts" and .action == "refused")
		| (.line == 17) and (.hint | test("hostPath volume \"sock\""))
		and (.message | test("a container runtime socket"))' <<<"$output"
	jq -e '.pods[0].containers[] | (.profile and .rule and .verdict and .config)' <<<"$output"
}

@test "kube: SARIF 2.1.0 validates against the schema" {
	/usr/bin/python3 -c 'import jsonschema' 2>/dev/null || skip "python3-jsonschema is not installed"
	run explain --sarif --no-apparmor "$CORPUS/docker-sock.yaml" "$KDATA/workloads.yaml"
	[ "$status" -eq 3 ]
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/out.sarif"
	/usr/bin/python3 - "$SCHEMA" "$BATS_TEST_TMPDIR/out.sarif" <<'EOF'
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft7Validator.check_schema(schema)
doc = json.load(open(sys.argv[2]))
jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker()).validate(doc)
print("valid:", len(doc["runs"][0]["results"]), "results")
EOF
	jq -e '.version == "2.1.0"' "$BATS_TEST_TMPDIR/out.sarif"
	jq -e '[.runs[0].results[] | select(.level == "error" and .ruleId == "hardrun/mounts")
		| .locations[0].physicalLocation | select(.region.startLine == 17)] | length == 1' "$BATS_TEST_TMPDIR/out.sarif"
	# every ruleIndex points at its rule
	jq -e '.runs[0] as $r | all($r.results[]; $r.tool.driver.rules[.ruleIndex].id == .ruleId)' "$BATS_TEST_TMPDIR/out.sarif"
	# what the manifest can avoid is a warning; what the node does to every pod a note
	run explain --sarif --no-apparmor "$CORPUS/root.yaml"
	[ "$status" -eq 2 ]
	jq -e '[.runs[0].results[] | select(.ruleId == "hardrun/user" and .level == "warning")] | length > 0' <<<"$output"
	run explain --sarif --no-apparmor "$CORPUS/restricted.yaml"
	[ "$status" -eq 2 ]
	jq -e 'all(.runs[0].results[]; .level == "note")' <<<"$output"
}

@test "kube: a document that is not valid YAML: exit 1, file and line" {
	printf 'kind: Pod\nspec:\n  containers: [\n' >"$BATS_TEST_TMPDIR/bad.yaml"
	run explain "$BATS_TEST_TMPDIR/bad.yaml"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ $output == *"bad.yaml:"* ]]
}

@test "kube: aliases, duplicate keys and a missing file are errors" {
	printf 'kind: Pod\nmetadata: &m {name: a}\nspec: {containers: []}\nx: *m\n' >"$BATS_TEST_TMPDIR/alias.yaml"
	run explain "$BATS_TEST_TMPDIR/alias.yaml"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ $output == *"not supported"* ]]
	printf 'kind: Pod\nkind: Pod\n' >"$BATS_TEST_TMPDIR/dup.yaml"
	run explain "$BATS_TEST_TMPDIR/dup.yaml"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ $output == *'dup.yaml:2: duplicate key "kind"'* ]]
	run explain "$BATS_TEST_TMPDIR/missing.yaml"
	[ "$status" -eq 1 ]
	run explain
	[ "$status" -eq 1 ]
	[[ $output == *usage* ]]
}

teardown() {
	if [[ -n ${KUBE_OPEN_DIR-} ]]; then
		rm -rf "$KUBE_OPEN_DIR"
	fi
}

@test "kube: the node's own bind sources are judged as on the node, staged in TMPDIR and removed" {
	local -a as=()
	# as an unprivileged user, for whom containerd's and kubelet's
	# directories are not there or not searchable (in a directory it can
	# reach: bats' own are private)
	KUBE_OPEN_DIR=$(mktemp -d /tmp/hrkube.XXXXXX)
	mkdir "$KUBE_OPEN_DIR/tmp"
	cp "$KPOLICY" "$KUBE_OPEN_DIR/policy.json"
	if [[ $(id -u) -eq 0 ]] && command -v setpriv >/dev/null; then
		as=(setpriv --reuid=65534 --regid=65534 --clear-groups)
		chmod 0755 "$KUBE_OPEN_DIR"
		chmod 1777 "$KUBE_OPEN_DIR/tmp"
		chmod 0644 "$KUBE_OPEN_DIR/policy.json"
	fi
	run env TMPDIR="$KUBE_OPEN_DIR/tmp" "${as[@]}" "$HARDRUN" --hardrun-policy "$KUBE_OPEN_DIR/policy.json" \
		explain --kubernetes --json "$CORPUS/projected.yaml"
	echo "$output" | head -n 20
	[ "$status" -eq 2 ]
	jq -e '[.pods[0].containers[].findings[] | select(.action == "refused")] | length == 0' <<<"$output"
	jq -e '[.pods[0].containers[].findings[] | select(.message | test("hardrun-explain"))] | length == 0' <<<"$output"
	jq -e '.pods[0].containers[2].config.mounts | any(.source == "/var/lib/kubelet/pods/uid-projected/volumes/kubernetes.io~empty-dir/scratch")' <<<"$output"
	# nothing left behind
	[ -z "$(ls -A "$KUBE_OPEN_DIR/tmp")" ]
}
