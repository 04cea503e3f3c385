#!/usr/bin/env bats
# "hardrun why ID": what hardrun changed in a container and how it ended,
# from the audit trail, with the lifecycle hook's hint when a changed
# container fails soon after start; and the runtime log's warning line
# pointing there. Real containers through runc and crun.

load lib/common

setup_file() {
	cache_rootfs
}

setup() {
	require_root
	LOG="$BATS_TEST_TMPDIR/log.json"
	AUDIT="$BATS_TEST_TMPDIR/audit.log"
	POLICY="$BATS_TEST_TMPDIR/policy.json"
	printf '{"audit": {"file": "%s"}}\n' "$AUDIT" >"$POLICY"
}

teardown() {
	cleanup_containers runc
	cleanup_containers crun
}

# why_after_failure RUNTIME: a workload written for a writable root fails
# under restricted; the warning, the records and "why" tell the story.
why_after_failure() {
	local rt=$1 b="$BATS_TEST_TMPDIR/bundle" id="why-$1"
	make_bundle "$b" 'touch /etc/app.conf || exit 3'
	run hr "$rt" --hardrun-policy "$POLICY" run --bundle "$b" "$id"
	[ "$status" -eq 3 ] || { echo "$output"; cat "$LOG"; return 1; }
	[[ "$output" == *"Read-only file system"* ]]
	# the one line engines keep says where to look
	grep -q "hardrun why $id" "$LOG"
	# the hook's watcher writes the exit record once the process is gone;
	# runc has deleted the container by now, so only its write is left
	local i=0
	until grep -q '"event":"exit"' "$AUDIT" || [ $i -ge 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	run "$HARDRUN" --hardrun-policy "$POLICY" why "$id"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	echo "$output"
	[[ "$output" == *"profile \"restricted\" (selected by default): changed"* ]]
	[[ "$output" == *"changed  user"*"process.user.uid"* ]]
	[[ "$output" == *"changed  rootfs"*"no writable scratch space at \"/run\""* ]]
	[[ "$output" == *"started (pid "* ]]
	# the exit status is read while the process is a zombie; its parent
	# (runc here) may reap it first, and then it is "unknown"
	[[ "$output" == *"exited with status 3"* || "$output" == *"exit status unknown"* ]]
	[[ "$output" == *"hint: it ended soon after start, and hardrun changed it: it runs as a non-root user"* ]]
	[[ "$output" == *"the root filesystem is read-only"* ]]
	[[ "$output" == *"stopped and deleted"* ]]
	# the same as JSON: the records themselves
	run "$HARDRUN" --hardrun-policy "$POLICY" why --json "$id"
	[ "$status" -eq 0 ]
	printf '%s' "$output" | jq -e '.[0].event == "decision" and .[0].profile == "restricted"
		and (map(select(.event == "exit"))[0].hint | contains("hardrun why"))'
}

@test "runc: why tells the changes, the exit and the hint of a container that failed" {
	require_runtime runc
	why_after_failure runc
}

@test "crun: why tells the changes, the exit and the hint of a container that failed" {
	require_runtime crun
	why_after_failure crun
}

@test "runc: a container that succeeds gets no hint" {
	require_runtime runc
	local b="$BATS_TEST_TMPDIR/bundle"
	make_bundle "$b" 'true'
	run hr runc --hardrun-policy "$POLICY" run --bundle "$b" why-ok
	[ "$status" -eq 0 ] || { echo "$output"; cat "$LOG"; return 1; }
	local i=0
	until grep -q '"event":"exit"' "$AUDIT" || [ $i -ge 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	run "$HARDRUN" --hardrun-policy "$POLICY" why why-ok
	[ "$status" -eq 0 ]
	[[ "$output" == *"exited with status 0"* || "$output" == *"exit status unknown"* ]]
	if [[ "$output" == *"exited with status 0"* ]]; then
		[[ "$output" != *"hint:"* ]]
	fi
}

@test "why: a container with no record, and no audit file, are errors that say so" {
	run "$HARDRUN" --hardrun-policy "$POLICY" why nosuch
	[ "$status" -eq 1 ]
	[[ "$output" == *"no record of container \"nosuch\""* ]]
	echo '{"audit": {"file": null}}' >"$POLICY"
	run "$HARDRUN" --hardrun-policy "$POLICY" why nosuch
	[ "$status" -eq 1 ]
	[[ "$output" == *"keeps no audit file"* ]]
}
