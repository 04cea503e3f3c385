#!/usr/bin/env bats
# Descriptor hygiene (CVE-2024-21626 in mind): no descriptor hardrun opens
# (bundle directory, config.json, lock file, policy, log, audit file,
# container record) survives into the runtime, while the descriptors the
# caller hands on (--preserve-fds) still do. And from inside a container
# started through hardrun, nothing points back to the host.

load lib/common

setup_file() {
	cache_rootfs
}

setup() {
	require_root
	require_runtime runc
	W="$BATS_TEST_TMPDIR"
	B="$W/bundle"
	LOG="$W/log.json"
	AUDIT="$W/audit.log"
	POLICY="$W/policy.json"
	ID=fds
	jq -n --arg f "$AUDIT" '{audit: {file: $f}}' >"$POLICY"
	# The fake runtime replaces itself with ls, which lists the
	# descriptors it was started with plus its own directory descriptor.
	export FD_OUT="$W/fds.txt"
	# shellcheck disable=SC2016 # expanded by the fake runtime
	printf '#!/bin/sh\nexec ls -l /proc/self/fd/ >"$FD_OUT"\n' >"$W/fake-runtime"
	chmod +x "$W/fake-runtime"
}

teardown() {
	cleanup_containers runc
	local root
	for root in "$(runtime_root runc)" "$(runtime_root fake)"; do
		"$HARDRUN" --hardrun-runtime /bin/true --root "$root" delete "$ID" 2>/dev/null || true
	done
}

# clean CMD...: runs CMD with only descriptors 0, 1 and 2 open, so that
# whatever else CMD's children hold was opened by CMD.
clean() {
	(
		local fd
		for fd in /proc/"$BASHPID"/fd/*; do
			fd=${fd##*/}
			if [ "$fd" -gt 2 ]; then eval "exec $fd>&-"; fi
		done
		"$@"
	)
}

hr_fake() {
	"$HARDRUN" --hardrun-runtime "$W/fake-runtime" --hardrun-policy "$POLICY" --root "$(runtime_root fake)" \
		--log "$LOG" --log-format json "$@"
}

# fds_seen: "FD TARGET" for each descriptor the fake runtime had, without
# ls's own directory descriptor.
fds_seen() {
	awk '/ -> / { print $(NF - 2), $NF }' "$FD_OUT" | grep -Ev ' /proc/[0-9]+/fd$'
}

# only_stdio: the fake runtime had 0, 1 and 2 and nothing else.
only_stdio() {
	local got
	got=$(fds_seen)
	[ "$(printf '%s\n' "$got" | cut -d' ' -f1 | tr '\n' ' ')" = "0 1 2 " ] ||
		{ echo "the runtime inherited:"; printf '%s\n' "$got"; cat "$FD_OUT"; return 1; }
}

@test "create: only stdio reaches the runtime (with --log and an audit file)" {
	mkdir -p "$B"
	(cd "$B" && runc spec)
	set_config "$B" '.process.user = {uid: 0, gid: 0}'
	clean hr_fake create --bundle "$B" "$ID" </dev/null >"$W/out" 2>&1 || { cat "$W/out"; return 1; }
	only_stdio
	# it did harden, write back, log and audit
	[ "$(jq -r .process.user.uid "$B/config.json")" = 65534 ]
	grep -q '"level":"warning"' "$LOG"
	grep -q '"command":"create"' "$AUDIT"
}

@test "exec --process: only stdio reaches the runtime" {
	mkdir -p "$B"
	(cd "$B" && runc spec)
	jq '.process | .user = {uid: 0, gid: 0}' "$B/config.json" >"$W/process.json"
	clean hr_fake exec --process "$W/process.json" "$ID" </dev/null >"$W/out" 2>&1 || { cat "$W/out"; return 1; }
	only_stdio
	[ "$(jq -r .user.uid "$W/process.json")" = 65534 ]
	grep -q '"command":"exec"' "$AUDIT"
}

@test "exec with flags: only stdio reaches the runtime" {
	# a container created through hardrun, so that exec has its record
	mkdir -p "$B"
	(cd "$B" && runc spec)
	clean hr_fake create --bundle "$B" "$ID" </dev/null >"$W/out" 2>&1 || { cat "$W/out"; return 1; }
	rm "$FD_OUT"
	clean hr_fake exec --user 0:0 --cap CAP_SYS_ADMIN "$ID" true </dev/null >"$W/out" 2>&1 || { cat "$W/out"; return 1; }
	only_stdio
}

@test "pass-through commands (state, delete): only stdio reaches the runtime" {
	clean hr_fake state "$ID" </dev/null >"$W/out" 2>&1 || { cat "$W/out"; return 1; }
	only_stdio
	clean hr_fake delete "$ID" </dev/null >"$W/out" 2>&1 || { cat "$W/out"; return 1; }
	only_stdio
}

@test "a refused create leaves nothing open either: the runtime never starts" {
	mkdir -p "$B"
	(cd "$B" && runc spec)
	: >"$B/config.json"
	run clean hr_fake create --bundle "$B" "$ID"
	[ "$status" -eq 1 ]
	[ ! -e "$FD_OUT" ]
}

@test "descriptors the caller hands on (--preserve-fds) still reach the runtime" {
	mkdir -p "$B"
	(cd "$B" && runc spec)
	: >"$W/passed"
	# shellcheck disable=SC2016 # expanded by sh -c
	clean sh -c 'exec 3<"$1"; shift; exec "$@"' sh "$W/passed" \
		"$HARDRUN" --hardrun-runtime "$W/fake-runtime" --hardrun-policy "$POLICY" --root "$(runtime_root fake)" \
		--log "$LOG" --log-format json create --preserve-fds 1 --bundle "$B" "$ID" </dev/null >"$W/out" 2>&1 ||
		{ cat "$W/out"; return 1; }
	[ "$(fds_seen | cut -d' ' -f1 | tr '\n' ' ')" = "0 1 2 3 " ] || { cat "$FD_OUT"; return 1; }
	[ "$(fds_seen | awk '$1 == 3 { print $2 }')" = "$W/passed" ]
}

# inside_fds TEXT: TEXT is busybox "ls -l /proc/self/fd" from inside a
# container: only 0-2 and ls's directory (3, which busybox can no longer
# resolve once it has closed it), and nothing that leads to the host.
inside_fds() {
	local out=$1 fds
	fds=$(printf '%s\n' "$out" | awk '$1 ~ /^l[rwx-]/ {
		for (i = 1; i <= NF; i++) if ($i == "->") { print $(i - 1); next }
		print $NF }' | tr '\n' ' ')
	[ "$fds" = "0 1 2 3 " ] || { echo "descriptors inside: $out"; return 1; }
	[[ "$out" != *" 3 -> "* || "$out" =~ \ 3\ -\>\ /proc/[0-9]+/fd ]] || { echo "fd 3 is not ls's directory: $out"; return 1; }
	[[ "$out" != *"/sys/fs/cgroup"* ]]
	[[ "$out" != *"$W"* ]]
	[[ "$out" != *"/run/hardrun"* ]]
	[[ "$out" != *"$(runtime_root runc)"* ]]
	[[ "$out" != *"audit"* ]]
}

@test "runc run: inside the container only 0-2 and ls's own directory are open" {
	make_bundle "$B" 'ls -l /proc/self/fd'
	run clean "$HARDRUN" --hardrun-runtime "$(command -v runc)" --hardrun-policy "$POLICY" --root "$(runtime_root runc)" \
		--log "$LOG" --log-format json run --bundle "$B" "$ID"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	inside_fds "$output"
}

@test "runc exec (flags and --process): inside only 0-2 and ls's own directory are open" {
	make_bundle "$B" 'trap "exit 0" TERM; while :; do sleep 1; done'
	local hr=("$HARDRUN" --hardrun-runtime "$(command -v runc)" --hardrun-policy "$POLICY" --root "$(runtime_root runc)"
		--log "$LOG" --log-format json)
	clean "${hr[@]}" run -d --bundle "$B" "$ID" </dev/null >/dev/null 2>&1
	run clean "${hr[@]}" exec --user 0:0 "$ID" ls -l /proc/self/fd
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	inside_fds "$output"
	jq '.process | .user = {uid: 0, gid: 0} | .args = ["ls", "-l", "/proc/self/fd"]' "$B/config.json" >"$W/process.json"
	run clean "${hr[@]}" exec --process "$W/process.json" "$ID"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	inside_fds "$output"
	[ "$(jq -r .user.uid "$W/process.json")" = 65534 ]
}
