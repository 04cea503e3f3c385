#!/usr/bin/env bats
# Hostile input: config.json, process files, policy files and log paths
# built to break a parser or a writer. Each refusal names its cause exactly,
# exits 1, leaves the file byte for byte as it was and starts nothing.

load lib/common

setup_file() {
	cache_rootfs
}

setup() {
	require_root
	require_runtime runc
	B="$BATS_TEST_TMPDIR/bundle"
	LOG="$BATS_TEST_TMPDIR/log.json"
	AUDIT="$BATS_TEST_TMPDIR/audit.log"
	POLICY="$BATS_TEST_TMPDIR/policy.json"
	RUNTIME=$(command -v runc)
	ID=hostile
	SMALL="$BATS_TEST_TMPDIR/small"
	jq -n --arg f "$AUDIT" '{audit: {file: $f}}' >"$POLICY"
	fresh_bundle
}

fresh_bundle() {
	rm -rf "$B"
	make_bundle "$B" 'echo RAN'
}

teardown() {
	if mountpoint -q "$SMALL" 2>/dev/null; then
		umount "$SMALL"
	fi
	cleanup_containers runc
	cleanup_containers crun
	# the container records hardrun kept
	local rt
	for rt in runc crun; do
		"$HARDRUN" --hardrun-runtime /bin/true --root "$(runtime_root "$rt")" delete "$ID" 2>/dev/null || true
	done
}

# hr ARGS...: hardrun over $RUNTIME with the policy file ($policy if set,
# else $POLICY), the JSON log, and a deadline: hostile input must never
# hang it.
hr() {
	timeout 10 "$HARDRUN" --hardrun-runtime "$RUNTIME" --hardrun-policy "${policy:-$POLICY}" --root "$(runtime_root runc)" \
		--log "$LOG" --log-format json "$@"
}

# fake_runtime: a runtime that only notes that it was started.
fake_runtime() {
	RUNTIME="$BATS_TEST_TMPDIR/fake-runtime"
	# "state" is hardrun asking whether the container exists before an
	# exec: every container does, and asking is not running it
	printf '#!/bin/sh\ncase " $* " in *" state "*) exit 0 ;; esac\necho "$@" >>"%s/runtime-ran"\n' \
		"$BATS_TEST_TMPDIR" >"$RUNTIME"
	chmod +x "$RUNTIME"
}

# error_msg: the message of the error line in the runtime log; every line
# of the log must be JSON.
error_msg() {
	jq -e . "$LOG" >/dev/null || { echo "log is not JSON lines:"; cat "$LOG"; return 1; }
	jq -r 'select(.level == "error") | .msg' "$LOG"
}

no_container() {
	run runc --root "$(runtime_root runc)" state "$ID"
	[ "$status" -ne 0 ]
	[ -z "$(runc --root "$(runtime_root runc)" list -q 2>/dev/null)" ]
}

# refused_with MSG [BUNDLE [POLICY]]: create is refused with exactly MSG in
# the log and on stderr, config.json is unchanged and no container exists.
refused_with() {
	local want=$1 bundle=${2:-$B} policy=${3:-} before
	before=$(sha256sum <"$B/config.json")
	rm -f "$LOG"
	run hr create --bundle "$bundle" "$ID"
	[ "$status" -ne 124 ] || { echo "hardrun hung"; return 1; }
	[ "$status" -eq 1 ] || { echo "status $status: $output"; return 1; }
	local msg
	msg=$(error_msg)
	[ "$msg" = "$want" ] || { printf 'log:      %s\nexpected: %s\n' "$msg" "$want"; return 1; }
	[[ "$output" == *"hardrun: $want"* ]] || { echo "stderr: $output"; return 1; }
	[[ "$output" != *RAN* ]]
	[ "$(sha256sum <"$B/config.json")" = "$before" ] || { echo "config.json changed"; return 1; }
	[ ! -e "$B/config.json.hardrun-lock" ]
	no_container
}

# the config as runc spec wrote it, with one key inserted at the top
with_first_member() {
	sed "1s/^{/{$1,/" "$B/config.json" >"$B/config.new" && mv "$B/config.new" "$B/config.json"
}

line_of() {
	grep -n -m 1 -- "$1" "$B/config.json" | cut -d: -f1
}

# ---- size and shape -------------------------------------------------------

@test "an empty config.json" {
	: >"$B/config.json"
	refused_with "config.json: empty document"
}

@test "a truncated config.json" {
	head -c 200 "$B/config.json" >"$B/config.new"
	mv "$B/config.new" "$B/config.json"
	local lines
	lines=$(($(tr -cd '\n' <"$B/config.json" | wc -c) + 1))
	refused_with "config.json: line $lines: invalid JSON: parse error: premature EOF"
}

@test "a 100 MiB config.json is refused before it is read" {
	truncate -s 100M "$B/config.json"
	refused_with "config.json: larger than 4194304 bytes"
}

@test "10,000 levels of nesting" {
	local open close
	open=$(printf '[%.0s' {1..9999})
	close=$(printf ']%.0s' {1..9999})
	printf '{"ociVersion":%s%s}\n' "$open" "$close" >"$B/config.json"
	local path
	path=ociVersion$(printf '[0]%.0s' {1..63})
	refused_with "config.json: \"$path\": nested deeper than 64 levels"
}

# ---- bytes ----------------------------------------------------------------

@test "a raw NUL byte" {
	with_first_member '"hostname": "a\x00b"'
	[ "$(tr -cd '\000' <"$B/config.json" | wc -c)" -eq 1 ]
	refused_with "config.json: contains a NUL byte"
}

@test "invalid UTF-8 in a string and in a key" {
	with_first_member '"hostname": "\xff\xfe"'
	refused_with "config.json: line 1: invalid JSON: lexical error: invalid bytes in UTF8 string."
	fresh_bundle
	with_first_member '"host\xffname": "x"'
	refused_with "config.json: line 1: invalid JSON: lexical error: invalid bytes in UTF8 string."
}

@test "UTF-8 that is well formed but not valid: overlong, surrogate, above U+10FFFF" {
	local bytes
	for bytes in '\xc0\x80' '\xed\xa0\x80' '\xf4\x90\x80\x80'; do
		fresh_bundle
		with_first_member "\"hostname\": \"$bytes\""
		refused_with 'config.json: "hostname": string is not valid UTF-8'
	done
}

@test "a \\u0000 escape" {
	with_first_member '"hostname": "a\\u0000b"'
	refused_with 'config.json: line 1: string contains a NUL character (\u0000)'
}

@test "a lone surrogate escape" {
	with_first_member '"hostname": "a\\ud800"'
	refused_with 'config.json: line 1: string has a lone surrogate escape'
}

# ---- keys runc would read differently ---------------------------------------

@test "a duplicate key" {
	local later
	later=$(line_of '^  "process"')
	with_first_member '"process": {}'
	refused_with "config.json: line $later: key \"process\" duplicates \"process\""
}

@test "case variants of a key: process and Process" {
	local later
	later=$(line_of '^  "process"')
	with_first_member '"Process": {}'
	refused_with "config.json: line $later: key \"process\" duplicates \"Process\""
}

@test "Go's other folds: proceſs (U+017F) is process" {
	local later
	later=$(line_of '^  "process"')
	with_first_member '"proce\xc5\xbfs": {}'
	refused_with "config.json: line $later: key \"process\" duplicates \"proceſs\""
}

@test "case variants in process.user: uid and UID" {
	set_config "$B" '.process.user = {uid: 0, gid: 0}'
	sed 's/"uid": 0,/"uid": 0, "UID": 65534,/' "$B/config.json" >"$B/config.new"
	mv "$B/config.new" "$B/config.json"
	grep -q UID "$B/config.json"
	refused_with 'config.json: "process.user": key "UID" duplicates "uid"'
}

@test "case variants in annotations" {
	set_config "$B" '.annotations = {"io.example.tier": "a"}'
	sed 's/"io.example.tier": "a"/"io.example.tier": "a", "IO.Example.Tier": "b"/' "$B/config.json" >"$B/config.new"
	mv "$B/config.new" "$B/config.json"
	refused_with 'config.json: "annotations": key "IO.Example.Tier" duplicates "io.example.tier"'
}

# ---- values -----------------------------------------------------------------

@test "process.args empty is refused by hardrun, not left to the runtime" {
	set_config "$B" '.process.args = []'
	refused_with 'config.json: "process.args": must not be empty'
	set_config "$B" 'del(.process.args)'
	refused_with 'config.json: "process.args": must not be empty'
}

@test "an exec process file with empty args is refused" {
	fake_runtime
	jq '.process | .args = []' "$B/config.json" >"$BATS_TEST_TMPDIR/process.json"
	cp "$BATS_TEST_TMPDIR/process.json" "$BATS_TEST_TMPDIR/process.before"
	run hr exec --process "$BATS_TEST_TMPDIR/process.json" "$ID"
	[ "$status" -eq 1 ]
	[ "$(error_msg)" = "process file \"$BATS_TEST_TMPDIR/process.json\": \"args\": must not be empty" ]
	cmp "$BATS_TEST_TMPDIR/process.json" "$BATS_TEST_TMPDIR/process.before"
	[ ! -e "$BATS_TEST_TMPDIR/runtime-ran" ]
}

@test "uid 4294967296 (0 once narrowed to 32 bits)" {
	set_config "$B" '.process.user.uid = 4294967296'
	refused_with 'config.json: "process.user.uid": expected an integer from 0 to 4294967295, got 4294967296'
}

@test "uid -1" {
	set_config "$B" '.process.user.uid = -1'
	refused_with 'config.json: "process.user.uid": expected an integer from 0 to 4294967295, got -1'
}

# ---- counts -----------------------------------------------------------------

@test "8193 mounts" {
	set_config "$B" '.mounts += [range(8193 - (.mounts | length)) | {destination: "/m\(.)", type: "tmpfs", source: "tmpfs"}]'
	[ "$(jq '.mounts | length' "$B/config.json")" -eq 8193 ]
	refused_with 'config.json: "mounts": more than 8192 entries'
}

@test "16385 environment variables" {
	set_config "$B" '.process.env = [range(16385) | "V\(.)=x"]'
	refused_with 'config.json: "process.env": more than 16384 entries'
}

@test "16385 annotations" {
	set_config "$B" '.annotations = ([range(16385) | {key: "k\(.)", value: "v"}] | from_entries)'
	refused_with 'config.json: "annotations": more than 16384 entries'
}

# ---- paths ------------------------------------------------------------------

@test "mount destinations with .. are judged by where they lead and stay in the rootfs" {
	# Behaviour: hardrun keeps the destination as written and judges its
	# normalized form (sysfs at /../../sys is made read-only like /sys);
	# runc resolves it inside the rootfs, so /etc of the host is untouched.
	set_config "$B" '.process.args = ["sh", "-c", "grep -E \" /(etc|sys) \" /proc/mounts; touch /sys/x; true"]
		| .mounts |= map(if .destination == "/sys" then .destination = "/../../sys" | .options -= ["ro"] else . end)
		| .mounts += [{destination: "/../../etc", type: "tmpfs", source: "tmpfs", options: ["size=64k"]}]'
	local host_etc
	host_etc=$(findmnt -n -o SOURCE,FSTYPE /etc || true)
	run hr run --bundle "$B" "$ID"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	[[ "$output" == *"tmpfs /etc tmpfs"* ]]
	[[ "$output" == *"sysfs /sys sysfs ro,"* ]]
	[[ "$output" == *"Read-only file system"* ]]
	jq -e '.mounts[] | select(.destination == "/../../sys") | .options | index("ro")' "$B/config.json"
	jq -e '.mounts[] | select(.destination == "/../../etc")' "$B/config.json"
	[ "$(findmnt -n -o SOURCE,FSTYPE /etc || true)" = "$host_etc" ]
}

@test "a config.json that is a symlink" {
	mv "$B/config.json" "$B/real.json"
	ln -s real.json "$B/config.json"
	refused_with "config.json: is a symbolic link; refusing to follow it"
	[ "$(readlink "$B/config.json")" = real.json ]
}

@test "a bundle path with .." {
	mkdir "$B/sub"
	refused_with "config.json: the path \"$B/sub/..\" has a \"..\" component" "$B/sub/.."
	refused_with "config.json: the path \"$B/sub/../\" has a \"..\" component" "$B/sub/../"
}

@test "a rootfs that is a symlink is left to the runtime" {
	# Behaviour: hardrun does not rewrite root.path; runc 1.1 refuses a
	# symlinked rootfs itself, crun follows it and runs the process hardened.
	mv "$B/rootfs" "$BATS_TEST_TMPDIR/realroot"
	ln -s "$BATS_TEST_TMPDIR/realroot" "$B/rootfs"
	jq --arg p "$PROBE" '.process.args = ["sh", "-c", $p]' "$B/config.json" >"$B/config.new"
	mv "$B/config.new" "$B/config.json"
	run hr run --bundle "$B" "$ID"
	[ "$status" -ne 0 ]
	[[ "$output" == *"invalid rootfs"* ]]
	[[ "$output" != *hardrun:* ]]
	[ "$(jq -r .root.path "$B/config.json")" = rootfs ]
	[ "$(jq -r .process.user.uid "$B/config.json")" = 65534 ]
	if command -v crun >/dev/null && crun_host_setup; then
		run timeout 30 "$HARDRUN" --hardrun-runtime "$(command -v crun)" --hardrun-policy "$POLICY" \
			--root "$(runtime_root crun)" run --bundle "$B" "$ID"
		restore_dev_null
		[ "$status" -eq 0 ] || { echo "$output"; return 1; }
		assert_hardened "$output"
	fi
}

@test "a root filesystem that resolves to the host's / is refused" {
	rm -rf "$B/rootfs"
	ln -s / "$B/rootfs"
	refused_with "hardrun refused container \"$ID\" (profile \"restricted\"): rootfs: root filesystem \"/\": the host's root filesystem"
	rm "$B/rootfs"
	set_config "$B" '.root.path = "/"'
	refused_with "hardrun refused container \"$ID\" (profile \"restricted\"): rootfs: root filesystem \"/\": the host's root filesystem"
}

# ---- the policy file ----------------------------------------------------------

@test "a policy file that is a directory" {
	local dir="$BATS_TEST_TMPDIR/policy.d"
	mkdir "$dir"
	refused_with "policy file: $dir: not a regular file" "$B" "$dir"
}

@test "a policy file that cannot be read" {
	chmod 000 "$POLICY"
	# root reads anything: take away the capabilities that let it
	local before
	before=$(sha256sum <"$B/config.json")
	run timeout 10 setpriv --bounding-set -dac_override,-dac_read_search "$HARDRUN" --hardrun-runtime "$RUNTIME" \
		--hardrun-policy "$POLICY" --root "$(runtime_root runc)" --log "$LOG" --log-format json create --bundle "$B" "$ID"
	[ "$status" -eq 1 ]
	[ "$(error_msg)" = "policy file \"$POLICY\": Permission denied" ]
	[[ "$output" == *"hardrun: policy file \"$POLICY\": Permission denied"* ]]
	[ "$(sha256sum <"$B/config.json")" = "$before" ]
	no_container
}

@test "a policy file that is a FIFO with no writer does not hang hardrun" {
	local fifo="$BATS_TEST_TMPDIR/policy.fifo"
	mkfifo "$fifo"
	refused_with "policy file: $fifo: not a regular file" "$B" "$fifo"
}

@test "a policy file that is a symlink loop" {
	local loop="$BATS_TEST_TMPDIR/policy.loop"
	ln -s policy.loop "$loop"
	refused_with "policy file \"$loop\": Too many levels of symbolic links" "$B" "$loop"
}

# ---- the log ----------------------------------------------------------------

@test "--log naming a directory: the runtime still runs, and errors still reach stderr" {
	fake_runtime
	LOG="$BATS_TEST_TMPDIR/logdir"
	mkdir "$LOG"
	run hr create --bundle "$B" "$ID"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	grep -q "create --bundle $B $ID" "$BATS_TEST_TMPDIR/runtime-ran"
	[ -z "$(ls -A "$LOG")" ]
	rm "$BATS_TEST_TMPDIR/runtime-ran"

	: >"$B/config.json"
	run hr create --bundle "$B" "$ID"
	[ "$status" -eq 1 ]
	[ "$output" = "hardrun: config.json: empty document" ]
	[ ! -e "$BATS_TEST_TMPDIR/runtime-ran" ]
	[ -d "$LOG" ]
}

# ---- the lock file ------------------------------------------------------------

@test "a lock file that is a symlink is not followed" {
	echo secret >"$BATS_TEST_TMPDIR/target"
	ln -s "$BATS_TEST_TMPDIR/target" "$B/config.json.hardrun-lock"
	local before
	before=$(sha256sum <"$B/config.json")
	run hr create --bundle "$B" "$ID"
	[ "$status" -eq 1 ]
	local want='config.json: cannot remove stale lock file "config.json.hardrun-lock": Too many levels of symbolic links'
	[ "$(error_msg)" = "$want" ]
	[[ "$output" == *"hardrun: $want"* ]]
	[ "$(cat "$BATS_TEST_TMPDIR/target")" = secret ]
	[ -L "$B/config.json.hardrun-lock" ]
	[ "$(sha256sum <"$B/config.json")" = "$before" ]
	no_container
}

@test "a lock file that is a directory" {
	mkdir "$B/config.json.hardrun-lock"
	local before
	before=$(sha256sum <"$B/config.json")
	run hr create --bundle "$B" "$ID"
	[ "$status" -eq 1 ]
	[ "$(error_msg)" = 'config.json: cannot remove stale lock file "config.json.hardrun-lock": Is a directory' ]
	[ "$(sha256sum <"$B/config.json")" = "$before" ]
	no_container
}

@test "a lock file that is a FIFO is taken over without hanging" {
	fake_runtime
	mkfifo "$B/config.json.hardrun-lock"
	run hr create --bundle "$B" "$ID"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	[ "$(jq -r .process.user.uid "$B/config.json")" = 65534 ]
	[ ! -e "$B/config.json.hardrun-lock" ]
	[ -e "$BATS_TEST_TMPDIR/runtime-ran" ]
}

# ---- a full filesystem ----------------------------------------------------------

@test "a process file on a full filesystem: exec refused, the file intact" {
	fake_runtime
	mkdir "$SMALL"
	mount -t tmpfs -o size=64k tmpfs "$SMALL"
	# uid 0: hardrun must rewrite it
	jq '.process | .user = {uid: 0, gid: 0}' "$B/config.json" >"$SMALL/process.json"
	cp "$SMALL/process.json" "$BATS_TEST_TMPDIR/process.before"
	dd if=/dev/zero of="$SMALL/fill" bs=4k 2>/dev/null || true
	[ "$(df --output=avail "$SMALL" | tail -n 1 | tr -d ' ')" -eq 0 ]
	run hr exec --process "$SMALL/process.json" "$ID"
	[ "$status" -eq 1 ]
	local want="process file \"$SMALL/process.json\": cannot write \"process.json.hardrun-lock\": No space left on device"
	[ "$(error_msg)" = "$want" ]
	[[ "$output" == *"hardrun: $want"* ]]
	cmp "$SMALL/process.json" "$BATS_TEST_TMPDIR/process.before"
	[ ! -e "$SMALL/process.json.hardrun-lock" ]
	[ ! -e "$BATS_TEST_TMPDIR/runtime-ran" ]
	umount "$SMALL"
}
