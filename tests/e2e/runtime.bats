#!/usr/bin/env bats
# hardrun as a drop-in runc: the whole lifecycle through real runc and crun,
# output and exit status as the runtime gives them, runtime resolution.

load lib/common

setup_file() {
	cache_rootfs
}

setup() {
	require_root
}

teardown() {
	cleanup_containers runc
	cleanup_containers crun
}

lifecycle() {
	local rt=$1 root b id=lc-$1
	root=$(runtime_root "$rt")
	b="$BATS_TEST_TMPDIR/bundle"
	make_bundle "$b" "sleep 300"

	# The container inherits create's stdio: keep it off bats' pipes.
	"$HARDRUN" --hardrun-runtime "$(command -v "$rt")" --root "$root" create --bundle "$b" "$id" \
		</dev/null >"$BATS_TEST_TMPDIR/create.out" 2>&1 || { cat "$BATS_TEST_TMPDIR/create.out"; return 1; }
	[ ! -s "$BATS_TEST_TMPDIR/create.out" ] || { echo "create printed:"; cat "$BATS_TEST_TMPDIR/create.out"; return 1; }

	# state, list and ps pass through unchanged: compare with the runtime.
	run "$HARDRUN" --hardrun-runtime "$(command -v "$rt")" --root "$root" state "$id"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq -r .status)" = created ]
	[ "$output" = "$("$rt" --root "$root" state "$id")" ]

	"$HARDRUN" --hardrun-runtime "$(command -v "$rt")" --root "$root" start "$id"
	[ "$("$HARDRUN" --hardrun-runtime "$(command -v "$rt")" --root "$root" state "$id" | jq -r .status)" = running ]

	run "$HARDRUN" --hardrun-runtime "$(command -v "$rt")" --root "$root" list
	[ "$status" -eq 0 ]
	[ "$output" = "$("$rt" --root "$root" list)" ]

	run "$HARDRUN" --hardrun-runtime "$(command -v "$rt")" --root "$root" ps --format json "$id"
	[ "$status" -eq 0 ]
	[ "$output" = "$("$rt" --root "$root" ps --format json "$id")" ]

	run "$HARDRUN" --hardrun-runtime "$(command -v "$rt")" --root "$root" exec "$id" sh -c "$PROBE"
	[ "$status" -eq 0 ] || { echo "exec: $output"; return 1; }
	assert_hardened "$output"

	run "$HARDRUN" --hardrun-runtime "$(command -v "$rt")" --root "$root" exec "$id" sh -c 'exit 3'
	[ "$status" -eq 3 ]

	"$HARDRUN" --hardrun-runtime "$(command -v "$rt")" --root "$root" pause "$id"
	[ "$("$rt" --root "$root" state "$id" | jq -r .status)" = paused ]
	"$HARDRUN" --hardrun-runtime "$(command -v "$rt")" --root "$root" resume "$id"
	[ "$("$rt" --root "$root" state "$id" | jq -r .status)" = running ]

	"$HARDRUN" --hardrun-runtime "$(command -v "$rt")" --root "$root" kill "$id" KILL
	for _ in $(seq 50); do
		[ "$("$rt" --root "$root" state "$id" | jq -r .status)" = stopped ] && break
		sleep 0.1
	done
	[ "$("$rt" --root "$root" state "$id" | jq -r .status)" = stopped ]
	"$HARDRUN" --hardrun-runtime "$(command -v "$rt")" --root "$root" delete "$id"
	run "$rt" --root "$root" state "$id"
	[ "$status" -ne 0 ]
}

@test "runc: create, start, state, list, ps, exec, pause, resume, kill, delete" {
	require_runtime runc
	lifecycle runc
}

@test "crun: create, start, state, list, ps, exec, pause, resume, kill, delete" {
	require_runtime crun
	lifecycle crun
}

run_exit_status() {
	local rt=$1 b="$BATS_TEST_TMPDIR/bundle"
	make_bundle "$b" 'echo out; echo err >&2; exit 7'
	run "$HARDRUN" --hardrun-runtime "$(command -v "$rt")" --root "$(runtime_root "$rt")" run --bundle "$b" "exit-$rt"
	[ "$status" -eq 7 ]
	[[ "$output" == *out* && "$output" == *err* ]]
	[[ "$output" != *hardrun* ]]
}

@test "runc: run passes the container's output and exit status back" {
	require_runtime runc
	run_exit_status runc
}

@test "crun: run passes the container's output and exit status back" {
	require_runtime crun
	run_exit_status crun
}

@test "--version prints the runtime's version, then hardrun's, as docker info parses it" {
	run "$HARDRUN" --version
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "runc version "* ]]
	[[ "${lines[-1]}" == "hardrun "* ]]
	# docker takes the last line that mentions "version" and the commit line
	[[ "$(printf '%s\n' "$output" | grep version | tail -n 1)" == "runc version"* ]]
	[[ "$output" == *"commit:"* ]]
}

@test "features is the runtime's JSON with hardrun's annotations" {
	run "$HARDRUN" features
	[ "$status" -eq 0 ]
	echo "$output" | jq -e '.ociVersionMin and .annotations["io.hardrun.version"]'
	[ "$(echo "$output" | jq -r '.hooks | length')" = "$(runc features | jq -r '.hooks | length')" ]
}

@test "--hardrun-help lists hardrun's options" {
	run "$HARDRUN" --hardrun-help
	[ "$status" -eq 0 ]
	[[ "$output" == *--hardrun-profile* && "$output" == *--hardrun-policy* && "$output" == *--hardrun-runtime* ]]
}

@test "installed as runc first in PATH, it finds the real runc and does not loop" {
	local dir="$BATS_TEST_TMPDIR/bin"
	mkdir -p "$dir"
	ln -s "$HARDRUN" "$dir/runc"
	PATH="$dir:$PATH" run runc --version
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "runc version "* ]]
	[[ "${lines[-1]}" == "hardrun "* ]]
	# a copy rather than a link, too
	rm "$dir/runc"
	cp "$HARDRUN" "$dir/runc"
	PATH="$dir:$PATH" run runc --version
	[ "$status" -eq 0 ]
	[[ "$output" == *"runc version"* ]]
}

@test "a runtime path that leads back to hardrun is stopped with a clear error" {
	local dir="$BATS_TEST_TMPDIR/bin"
	mkdir -p "$dir"
	printf '#!/bin/sh\nexec "%s" "$@"\n' "$HARDRUN" >"$dir/loop"
	chmod +x "$dir/loop"
	run "$HARDRUN" --hardrun-runtime "$dir/loop" --log "$BATS_TEST_TMPDIR/log.json" --log-format json state x
	[ "$status" -eq 1 ]
	[[ "$output" == *"started by itself"* ]]
	run "$HARDRUN" --hardrun-runtime "$HARDRUN" state x
	[ "$status" -eq 1 ]
	[[ "$output" == *"is hardrun itself"* ]]
}

@test "a missing runtime is reported in runc's JSON log format" {
	local log="$BATS_TEST_TMPDIR/log.json"
	PATH=/nonexistent run "$HARDRUN" --log "$log" --log-format json state no-record-here
	[ "$status" -eq 1 ]
	[[ "$output" == *"no runtime found"* ]]
	[ "$(jq -r .level "$log")" = error ]
	[[ "$(jq -r .msg "$log")" == *"no runtime found"* ]]
	jq -e '.time' "$log"
	# and in logrus text format
	local tlog="$BATS_TEST_TMPDIR/log.txt"
	PATH=/nonexistent run "$HARDRUN" --log "$tlog" --log-format text state no-record-here
	grep -q '^time=".*" level=error msg="no runtime found' "$tlog"
}

@test "an unopenable log file does not stop a container" {
	local b="$BATS_TEST_TMPDIR/bundle"
	make_bundle "$b" 'true'
	mkdir -p "$BATS_TEST_TMPDIR/logdir"
	run "$HARDRUN" --log "$BATS_TEST_TMPDIR/logdir" --log-format json --root "$(runtime_root runc)" run --bundle "$b" logdir-ok
	# runc itself cannot open a directory as its log either; hardrun must
	# not be the one that fails
	[[ "$output" != *hardrun:* ]]
}

@test "pass-through commands do not read config.json" {
	local b="$BATS_TEST_TMPDIR/bundle"
	make_bundle "$b" 'true'
	echo '{ not json' >"$b/config.json"
	cd "$b"
	run "$HARDRUN" --root "$(runtime_root runc)" state does-not-exist
	[ "$status" -ne 0 ]
	[[ "$output" != *hardrun:* ]]
	[[ "$output" == *"does not exist"* || "$output" == *"not exist"* ]]
}

@test "hardrun's own options never reach the runtime" {
	local dir="$BATS_TEST_TMPDIR/bin"
	mkdir -p "$dir"
	printf '#!/bin/sh\nprintf "%%s\\n" "$@" > "%s/argv"\n' "$dir" >"$dir/fake"
	chmod +x "$dir/fake"
	run "$HARDRUN" --hardrun-profile baseline --hardrun-runtime "$dir/fake" --root /r --log /l state --help-me-not c1
	[ "$status" -eq 0 ]
	run cat "$dir/argv"
	[ "$output" = "$(printf '%s\n' --root /r --log /l state --help-me-not c1)" ]
}
