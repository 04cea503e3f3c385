#!/usr/bin/env bats
# hardrun killed with SIGKILL at random points of a create: config.json is
# always either the original or the whole hardened document, the runtime
# only ever sees the hardened one, and no lock file is left that blocks the
# next create. The runtime is a fake that keeps a copy of the config it was
# started with, so that hundreds of iterations stay fast.

load lib/common

setup() {
	require_root
	command -v runc >/dev/null || skip "runc is not installed (for \"runc spec\")"
	W="$BATS_TEST_TMPDIR"
	B="$W/bundle"
	ID="crash-$$"
	STATE_DIR="${HARDRUN_STATE_DIR:-/run/hardrun}"
	mkdir -p "$B" "$W/seen"
	(cd "$B" && runc spec)
	# a dangerous workload: root, every capability, no no_new_privs
	jq "$DANGEROUS_JQ"'.process.user = {uid: 0, gid: 0}
		| .process.capabilities = caps_sets(all_caps)
		| .process.noNewPrivileges = false' "$B/config.json" >"$W/dangerous.json"
	jq -n --arg f "$W/audit.log" '{audit: {file: $f}}' >"$W/policy.json"
	# The fake runtime copies config.json, then renames the copy into
	# place: a seen.* file is always a whole copy, even if the runtime is
	# killed halfway.
	cat >"$W/runtime" <<EOF
#!/bin/sh
cp "$B/config.json" "$W/seen/.tmp.\$\$" && mv "$W/seen/.tmp.\$\$" "$W/seen/seen.\$\$"
EOF
	chmod +x "$W/runtime"
	# a runtime that is not executable: hardrun does all its work, then fails
	: >"$W/not-executable"
}

teardown() {
	"$HARDRUN" --hardrun-runtime /bin/true --root "$W/state" delete "$ID" 2>/dev/null || true
	# records a killed hardrun was writing
	rm -f "$STATE_DIR"/containers/*/".$ID".*.tmp
}

# hr_create: one create, in this process (so that "hr_create &" gives the
# pid of hardrun itself).
hr_create() {
	exec "$HARDRUN" --hardrun-runtime "$W/runtime" --hardrun-policy "$W/policy.json" --root "$W/state" \
		create --bundle "$B" "$ID" </dev/null >/dev/null 2>&1
}

# pause MICROSECONDS, without starting a process (sleep and read -t are
# too coarse for a few milliseconds)
pause() {
	local until=$((${EPOCHREALTIME/./} + $1))
	while ((${EPOCHREALTIME/./} < until)); do :; done
}

# every copy the runtime made must be the hardened document
check_seen() {
	local f
	for f in "$W"/seen/seen.*; do
		[ -e "$f" ] || continue
		cmp -s "$f" "$W/hardened.json" || { echo "the runtime saw a config that is not the hardened one:"; cat "$f"; return 1; }
		rm -f "$f"
		seen=$((seen + 1))
	done
}

@test "SIGKILL at random points of a create: config.json is whole, the runtime sees only the hardened spec" {
	local iterations=${HR_CRASH_ITERATIONS:-300}
	# The hardened output of an unkilled run, and how long a run takes.
	cp "$W/dangerous.json" "$B/config.json"
	(hr_create)
	cp "$B/config.json" "$W/hardened.json"
	[ "$(sha256sum <"$W/hardened.json")" != "$(sha256sum <"$W/dangerous.json")" ]
	jq -e '.process.user.uid == 65534 and .process.noNewPrivileges == true and .linux.seccomp != null' "$W/hardened.json"
	local seen=0
	check_seen
	[ "$seen" -eq 1 ]
	# How long hardrun itself takes, up to the exec of the runtime.
	local total=0 start i
	for i in 1 2 3 4 5; do
		cp "$W/dangerous.json" "$B/config.json"
		start=${EPOCHREALTIME/./}
		run "$HARDRUN" --hardrun-runtime "$W/not-executable" --hardrun-policy "$W/policy.json" --root "$W/state" \
			create --bundle "$B" "$ID"
		total=$((total + ${EPOCHREALTIME/./} - start))
		[[ "$output" == *"not an executable file"* ]]
		cmp "$B/config.json" "$W/hardened.json"
	done
	local run_us=$((total / 5))
	# delays from 0 to 1.5 times that: before, during and after the
	# write-back, and into the runtime
	local max_us=$((run_us * 3 / 2))

	local before=0 after=0 finished=0 locks=0 status delay pid
	seen=0
	for ((i = 0; i < iterations; i++)); do
		cp "$W/dangerous.json" "$B/config.json"
		delay=$((((RANDOM << 15) | RANDOM) % max_us))
		hr_create &
		pid=$!
		pause "$delay"
		kill -9 "$pid" 2>/dev/null || true
		status=0
		{ wait "$pid"; } 2>/dev/null || status=$?
		[ "$status" -eq 0 ] && finished=$((finished + 1))

		jq -e . "$B/config.json" >/dev/null || { echo "iteration $i: config.json does not parse"; return 1; }
		if cmp -s "$B/config.json" "$W/dangerous.json"; then
			before=$((before + 1))
		elif cmp -s "$B/config.json" "$W/hardened.json"; then
			after=$((after + 1))
		else
			echo "iteration $i (delay ${delay}us): config.json is neither the original nor the hardened document"
			diff <(jq -S . "$W/dangerous.json") <(jq -S . "$B/config.json") || true
			return 1
		fi
		[ -e "$B/config.json.hardrun-lock" ] && locks=$((locks + 1))
		check_seen

		# The next create is not blocked by anything the killed one left.
		cp "$W/dangerous.json" "$B/config.json"
		(hr_create) || { echo "iteration $i: the create after a kill failed"; return 1; }
		cmp "$B/config.json" "$W/hardened.json"
		[ ! -e "$B/config.json.hardrun-lock" ]
		check_seen
	done
	# a runtime killed while copying finishes on its own
	sleep 1
	check_seen

	local tmp_records
	tmp_records=$(find "$STATE_DIR/containers" -name ".$ID.*.tmp" 2>/dev/null | wc -l)
	printf '# %d iterations (hardrun takes %d us; delays 0-%d us): %d killed before the write-back, %d after it (%d ran to completion); %d lock files left and taken over; the runtime saw %d configs, all hardened; %d container record temporaries left\n' \
		"$iterations" "$run_us" "$max_us" "$before" "$after" "$finished" "$locks" "$seen" "$tmp_records" >&3
	[ $((before + after)) -eq "$iterations" ]
	[ "$before" -gt 0 ]
	[ "$after" -gt 0 ]
}
