#!/usr/bin/env bats
# Load: 100 containers created at once through hardrun over real runc. Each
# is hardened, each create leaves exactly one intact decision record in
# the shared audit file, and all of them start and are deleted.

load lib/common

N=${HR_LOAD_CONTAINERS:-100}

setup_file() {
	cache_rootfs
}

setup() {
	require_root
	require_runtime runc
	W="$BATS_TEST_TMPDIR"
	AUDIT="$W/audit.log"
	jq -n --arg f "$AUDIT" '{audit: {file: $f}}' >"$W/policy.json"
}

teardown() {
	# what a failed run left, through hardrun so that its records go too
	local id
	for id in $(runc --root "$(runtime_root runc)" list -q 2>/dev/null); do
		hr delete --force "$id" >/dev/null 2>&1 || true
	done
	cleanup_containers runc
}

hr() {
	"$HARDRUN" --hardrun-runtime "$(command -v runc)" --hardrun-policy "$W/policy.json" \
		--root "$(runtime_root runc)" "$@"
}

# wait_all PIDS...: waits for each; fails if any failed.
wait_all() {
	local pid failed=0
	for pid in "$@"; do
		wait "$pid" || failed=$((failed + 1))
	done
	[ "$failed" -eq 0 ] || { echo "$failed of $# failed"; return 1; }
}

@test "100 containers created at once through hardrun: all hardened, all started, one audit record each" {
	# One dangerous spec for all, on one shared root filesystem: the
	# restricted profile makes it read-only.
	local i pids=()
	mkdir -p "$W/template"
	(cd "$W/template" && runc spec)
	jq --arg root "$HR_ROOTFS_CACHE" '.root.path = $root | .process.terminal = false
		| .process.args = ["sh", "-c", "sleep 600"]
		| .process.user = {uid: 0, gid: 0} | .process.noNewPrivileges = false | del(.linux.seccomp)' \
		"$W/template/config.json" >"$W/config.json"
	for ((i = 0; i < N; i++)); do
		mkdir -p "$W/b$i"
		cp "$W/config.json" "$W/b$i/config.json"
	done

	local start=${EPOCHREALTIME/./}
	for ((i = 0; i < N; i++)); do
		hr create --bundle "$W/b$i" "load-$i" </dev/null >"$W/create-$i.out" 2>&1 &
		pids+=($!)
	done
	wait_all "${pids[@]}" || { cat "$W"/create-*.out; return 1; }
	local created=${EPOCHREALTIME/./}

	[ "$(runc --root "$(runtime_root runc)" list -q | wc -l)" -eq "$N" ]
	pids=()
	for ((i = 0; i < N; i++)); do
		hr start "load-$i" </dev/null >"$W/start-$i.out" 2>&1 &
		pids+=($!)
	done
	wait_all "${pids[@]}" || { cat "$W"/start-*.out; return 1; }
	local started=${EPOCHREALTIME/./}
	[ "$(runc --root "$(runtime_root runc)" list -f json | jq '[.[] | select(.status == "running")] | length')" -eq "$N" ]

	# every config hardened
	[ "$(jq -s '[.[] | select(.process.user.uid == 65534 and .process.noNewPrivileges == true
		and (.linux.seccomp | type) == "object")] | length' "$W"/b*/config.json)" -eq "$N" ]

	# the audit file: every line one whole JSON record, one create
	# decision per container
	local lines records
	lines=$(wc -l <"$AUDIT")
	records=$(jq -c . "$AUDIT" | wc -l)
	[ "$lines" -eq "$records" ] || { echo "$lines lines, $records JSON values"; return 1; }
	[ "$(jq -c 'select(.event == "decision" and .command == "create")' "$AUDIT" | wc -l)" -eq "$N" ]
	[ "$(jq -r 'select(.event == "decision" and .command == "create") | .id' "$AUDIT" | sort -u | wc -l)" -eq "$N" ]
	[ "$(jq -r 'select(.event == "decision" and .command == "create") | .result' "$AUDIT" | sort -u)" = changed ]

	pids=()
	for ((i = 0; i < N; i++)); do
		hr delete --force "load-$i" </dev/null >"$W/delete-$i.out" 2>&1 &
		pids+=($!)
	done
	wait_all "${pids[@]}" || { cat "$W"/delete-*.out; return 1; }
	local end=${EPOCHREALTIME/./}
	[ -z "$(runc --root "$(runtime_root runc)" list -q)" ]

	printf '# %d containers: create %d ms, start %d ms, delete %d ms, wall %d ms\n' "$N" \
		$(((created - start) / 1000)) $(((started - created) / 1000)) $(((end - started) / 1000)) \
		$(((end - start) / 1000)) >&3
}
