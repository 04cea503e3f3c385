#!/usr/bin/env bats
# What the kernel will use, not what the spec says: a user namespace the
# container joins is judged by its real maps, and an idmapped mount by the
# owners it shows. Checked from inside the container and with canary files
# on the host.

load lib/common

setup_file() {
	cache_rootfs
}

setup() {
	require_root
	LOG="$BATS_TEST_TMPDIR/log.json"
	# bundles a mapped root can reach: bats' own directories are private
	WORK=$(mktemp -d /tmp/hardrun-userns.XXXXXX)
	chmod 755 "$WORK"
	CANARY="$WORK/canary"
	mkdir -p "$CANARY"
	chmod 755 "$CANARY"
}

teardown() {
	cleanup_containers runc
	cleanup_containers crun
	[ -z "${WORK:-}" ] || rm -rf "$WORK"
}

# userns_holder RT ID MAP: a container made directly with the runtime (not
# through hardrun) whose user namespace has uid and gid map MAP (a jq
# array); prints the path of its user namespace.
userns_holder() {
	local rt=$1 id=$2 b="$WORK/bundle-$2"
	make_bundle "$b" 'trap "exit 0" TERM; while :; do sleep 1; done'
	set_config "$b" ".linux.namespaces += [{type: \"user\"}] | .linux.uidMappings = $3 | .linux.gidMappings = $3"
	"$rt" --root "$(runtime_root "$rt")" run -d --bundle "$b" "$id" </dev/null >/dev/null 2>"$b.err" || { cat "$b.err" >&2; return 1; }
	echo "/proc/$("$rt" --root "$(runtime_root "$rt")" state "$id" | jq .pid)/ns/user"
}

# joiner DIR NS MAP: a bundle whose process joins NS (runc 1.1 also wants
# the maps in the spec, crun does not) and writes to the canary directory.
joiner() {
	make_bundle "$1" 'id; cat /proc/self/uid_map; touch /canary/x && echo WROTE'
	mkdir -p "$1/rootfs/canary"
	set_config "$1" ".linux.namespaces += [{type: \"user\", path: \"$2\"}]
		| .linux.uidMappings = $3 | .linux.gidMappings = $3
		| .mounts += [{destination: \"/canary\", type: \"bind\", source: \"$CANARY\", options: [\"rbind\", \"rw\"]}]"
}

EVIL_MAP='[{"containerID":0,"hostID":100000,"size":65534},{"containerID":65534,"hostID":0,"size":1}]'
GOOD_MAP='[{"containerID":0,"hostID":100000,"size":65536}]'

joined_evil() {
	local rt=$1 ns
	ns=$(userns_holder "$rt" "holder-$rt" "$EVIL_MAP")
	joiner "$WORK/b" "$ns" "$EVIL_MAP"
	run hr "$rt" run --bundle "$WORK/b" "joiner-$rt" </dev/null
	[ "$status" -eq 1 ] || { echo "$output"; return 1; }
	[[ "$output" == *"uid 65534 is host root in the joined user namespace \"$ns\""* ]] || { echo "$output"; return 1; }
	[[ "$output" == *"gid 65534 is host root in the joined user namespace"* ]] || { echo "$output"; return 1; }
	[ -z "$(ls -A "$CANARY")" ]
}

@test "runc: joining a user namespace where 65534 is host root is refused" {
	require_runtime runc
	joined_evil runc
}

@test "crun: joining a user namespace where 65534 is host root is refused" {
	require_runtime crun
	joined_evil crun
}

joined_good() {
	local rt=$1 ns
	ns=$(userns_holder "$rt" "holder-$rt" "$GOOD_MAP")
	joiner "$WORK/b" "$ns" "$GOOD_MAP"
	run hr "$rt" run --bundle "$WORK/b" "joiner-$rt" </dev/null
	if [[ "$output" != *"uid=65534"* ]]; then echo "status $status: $output"; cat "$LOG"; return 1; fi
	[[ "$output" == *"100000"*"65536"* ]] || { echo "$output"; return 1; }
	[[ "$output" == *"Permission denied"* && "$output" != *WROTE* ]] || { echo "$output"; return 1; }
	[ -z "$(ls -A "$CANARY")" ]
}

@test "runc: joining a user namespace with root mapped away runs, as host uid 165534" {
	require_runtime runc
	joined_good runc
}

@test "crun: joining a user namespace with root mapped away runs, as host uid 165534" {
	require_runtime crun
	joined_good crun
}

# victim: a host directory holding a root-owned file and one of uid 1000.
victim() {
	local v="$WORK/victim"
	mkdir -p "$v"
	chmod 755 "$v"
	echo secret >"$v/root-file"
	chmod 644 "$v/root-file"
	echo mine >"$v/user-file"
	chown 1000:1000 "$v/user-file"
	chmod 644 "$v/user-file"
	echo "$v"
}

# idmapped_bundle DIR MOUNT-JQ: a bundle running as 65534 that tries to
# write both files of the victim directory, mounted at /v by MOUNT-JQ.
idmapped_bundle() {
	make_bundle "$1" 'id; ls -ln /v; echo x >>/v/root-file && echo ROOT-WROTE; echo x >>/v/user-file && echo USER-WROTE'
	mkdir -p "$1/rootfs/v"
	set_config "$1" ".process.user = {uid: 65534, gid: 65534} | .mounts += [$2]"
}

idmapped_root_refused() {
	local rt=$1 v
	v=$(victim)
	idmapped_bundle "$WORK/b1" "{destination: \"/v\", type: \"bind\", source: \"$v\", options: [\"bind\"],
		uidMappings: [{containerID: 0, hostID: 65534, size: 1}], gidMappings: [{containerID: 0, hostID: 65534, size: 1}]}"
	run hr "$rt" run --bundle "$WORK/b1" "im1-$rt" </dev/null
	[ "$status" -eq 1 ] || { echo "$output"; return 1; }
	[[ "$output" == *"idmapped mount at \"/v\" shows host root's files (on-disk uid 0) as uid 65534"* ]] ||
		{ echo "$output"; return 1; }

	idmapped_bundle "$WORK/b2" "{destination: \"/v\", type: \"bind\", source: \"$v\",
		options: [\"bind\", \"idmap=uids=0-65534-1;gids=0-65534-1\"]}"
	run hr "$rt" run --bundle "$WORK/b2" "im2-$rt" </dev/null
	[ "$status" -eq 1 ] || { echo "$output"; return 1; }
	[[ "$output" == *"shows host root's files"* ]] || { echo "$output"; return 1; }

	# a user namespace with root mapped away, and "idmap" with its map
	idmapped_bundle "$WORK/b3" "{destination: \"/v\", type: \"bind\", source: \"$v\",
		options: [\"bind\", \"idmap\"]}"
	set_config "$WORK/b3" ".linux.namespaces += [{type: \"user\"}]
		| .linux.uidMappings = $GOOD_MAP | .linux.gidMappings = $GOOD_MAP | .process.user = {uid: 0, gid: 0}"
	run hr "$rt" run --bundle "$WORK/b3" "im3-$rt" </dev/null
	[ "$status" -eq 1 ] || { echo "$output"; return 1; }
	[[ "$output" == *"(on-disk uid 0) as uid 100000"* ]] || { echo "$output"; return 1; }

	[ "$(cat "$v/root-file")" = secret ]
	[ "$(stat -c %u "$v/root-file")" = 0 ]
}

@test "runc: idmapped binds reaching host root are refused (runc 1.1 cannot idmap; judged all the same)" {
	require_runtime runc
	idmapped_root_refused runc
}

@test "crun: idmapped binds reaching host root are refused" {
	require_runtime crun
	idmapped_root_refused crun
}

@test "crun: an idmapped bind away from root runs, and root's files stay out of reach" {
	require_runtime crun
	local v
	v=$(victim)
	idmapped_bundle "$WORK/b" "{destination: \"/v\", type: \"bind\", source: \"$v\", options: [\"bind\"],
		uidMappings: [{containerID: 1000, hostID: 65534, size: 1}], gidMappings: [{containerID: 1000, hostID: 65534, size: 1}]}"
	run hr crun run --bundle "$WORK/b" im-ok </dev/null
	# a kernel or crun without idmapped mounts fails the mount itself
	if [[ "$output" == *"mount_setattr"* || "$output" == *"open_tree"* ]]; then
		skip "idmapped mounts are not supported here: $output"
	fi
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	[[ "$output" == *USER-WROTE* && "$output" != *ROOT-WROTE* ]] || { echo "$output"; return 1; }
	[ "$(cat "$v/root-file")" = secret ]
	[ "$(stat -c %u "$v/user-file")" = 1000 ]
}

@test "a user namespace whose maps are not written yet is refused (they could be written after the check)" {
	require_runtime runc
	command -v unshare >/dev/null || skip "unshare is not installed"
	# the child says when it is in its own user namespace
	mkfifo "$WORK/ready"
	unshare --user sh -c 'echo in >"$1"; exec sleep 300' sh "$WORK/ready" &
	local pid=$!
	read -r _ <"$WORK/ready"
	joiner "$WORK/b" "/proc/$pid/ns/user" "$GOOD_MAP"
	run hr runc run --bundle "$WORK/b" unwritten </dev/null
	kill "$pid"
	wait "$pid" 2>/dev/null || true
	[ "$status" -eq 1 ] || { echo "$output"; return 1; }
	[[ "$output" == *"uid 65534 is not mapped in the joined user namespace"* ]] || { echo "$output"; return 1; }
	[ -z "$(ls -A "$CANARY")" ]
}

@test "crun: a user namespace without maps is refused (crun would map the process to host root)" {
	require_runtime crun
	# crun, run as root, maps the process's uid and gid to its own (0)
	# through root's subordinate ids; this host may have none, so only the
	# refusal itself is checked
	make_bundle "$WORK/b" 'id'
	set_config "$WORK/b" '.linux.namespaces += [{type: "user"}] | del(.linux.uidMappings) | del(.linux.gidMappings)'
	run hr crun run --bundle "$WORK/b" nomaps </dev/null
	[ "$status" -eq 1 ] || { echo "$output"; return 1; }
	[[ "$output" == *"a user namespace without linux.uidMappings"* ]] || { echo "$output"; return 1; }
}
