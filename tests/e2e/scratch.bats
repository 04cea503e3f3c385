#!/usr/bin/env bats
# The restricted profile's writable places and low ports, checked from
# inside real containers run by runc and crun: the scratch tmpfs belongs to
# the process, keeps the image's contents and mode, cannot run programs,
# yields to the spec's own mounts, appears only where the runtime can mount
# it (user namespaces); a non-root process with no capability binds :80.

load lib/common

setup_file() {
	cache_rootfs
}

setup() {
	require_root
	LOG="$BATS_TEST_TMPDIR/log.json"
}

teardown() {
	cleanup_containers runc
	cleanup_containers crun
}

SCRATCH_PROBE='
id
stat -c "run %u:%g %a" /run
stat -c "tmp %u:%g %a" /tmp
stat -c "cache %u:%g %a" /var/cache
cat /run/app/marker
touch /run/app/new && echo RUN-APP-WRITABLE
touch /run/shared/new && echo RUN-SHARED-WRITABLE
touch /var/cache/new && echo CACHE-WRITABLE
touch /var/cache/app/new && echo ROOTS-DIR-WRITABLE
grep -E " /(run|tmp|var/cache) " /proc/mounts
cp /bin/busybox /tmp/bb && /tmp/bb true && echo TMP-EXECUTES
true'

# An image with directories in /run: the process's own (as Debian's
# postgres has /run/postgresql) and a world-writable one (as the official
# postgres image's 3777 /run/postgresql); and a root-owned /var/cache.
scratch_bundle() {
	local b=$1
	make_bundle "$b" "$SCRATCH_PROBE"
	mkdir -p "$b/rootfs/run/app" "$b/rootfs/run/shared" "$b/rootfs/var/cache/app"
	echo from-the-image >"$b/rootfs/run/app/marker"
	chown 65534:65534 "$b/rootfs/run/app"
	chmod 0777 "$b/rootfs/run/shared"
	chmod 0755 "$b/rootfs/run" "$b/rootfs/var/cache"
}

scratch_is_the_process_s() {
	local rt=$1 b="$BATS_TEST_TMPDIR/bundle"
	scratch_bundle "$b"
	run hr "$rt" run --bundle "$b" "scratch-$rt"
	[ "$status" -eq 0 ] || { echo "$output"; cat "$LOG"; return 1; }
	echo "$output"
	[[ "$output" == *"uid=65534"* ]]
	# owned by the process, with the image's modes
	[[ "$output" == *"run 65534:65534 755"* ]]
	[[ "$output" == *"tmp 65534:65534 1777"* ]]
	[[ "$output" == *"cache 65534:65534 755"* ]]
	# what the image had there is still there, and writable as it was
	[[ "$output" == *from-the-image* ]]
	[[ "$output" == *RUN-APP-WRITABLE* ]]
	[[ "$output" == *CACHE-WRITABLE* ]]
	# root's directory is the process's: it runs in root's place
	[[ "$output" == *ROOTS-DIR-WRITABLE* ]]
	# a world-writable directory stays so (runc before 1.1.10 loses the
	# mode when it copies up: hardrun gives it a tmpfs of its own)
	[[ "$output" == *RUN-SHARED-WRITABLE* ]]
	# noexec, nosuid, nodev, size-limited
	local m
	for m in /run /tmp /var/cache; do
		printf '%s\n' "$output" | grep -E "^tmpfs $m tmpfs .*nosuid,nodev,noexec,.*size=65536k" ||
			{ echo "$m not nosuid,nodev,noexec with a size"; return 1; }
	done
	[[ "$output" != *TMP-EXECUTES* ]]
	[[ "$output" == *"Permission denied"* ]]
}

@test "runc: scratch tmpfs is the process's, keeps the image's contents, runs nothing" {
	require_runtime runc
	scratch_is_the_process_s runc
}

@test "crun: scratch tmpfs is the process's, keeps the image's contents, runs nothing" {
	require_runtime crun
	scratch_is_the_process_s crun
}

@test "runc: a volume the spec mounts wins over the scratch tmpfs" {
	require_runtime runc
	local b="$BATS_TEST_TMPDIR/bundle" vol="$BATS_TEST_TMPDIR/vol"
	mkdir -p "$vol/cache"
	echo on-the-volume >"$vol/cache/v"
	chmod -R 0777 "$vol"
	make_bundle "$b" 'cat /var/cache/v; touch /var/cache/w && echo VOL-WRITABLE; grep -c " /var/cache " /proc/mounts; true'
	set_config "$b" '.mounts += [{destination: "/var", type: "bind", source: "'"$vol"'", options: ["rbind"]}]'
	run hr runc run --bundle "$b" vol-runc
	[ "$status" -eq 0 ] || { echo "$output"; cat "$LOG"; return 1; }
	[[ "$output" == *on-the-volume* ]]
	[[ "$output" == *VOL-WRITABLE* ]]
	# nothing was mounted below the volume
	jq -e '[.mounts[] | select(.destination | startswith("/var/"))] | length == 0' "$b/config.json"
}

low_ports() {
	local rt=$1 b="$BATS_TEST_TMPDIR/bundle"
	# Docker's default capabilities, as an engine asks for them
	make_bundle "$b" 'id; grep -E "^Cap(Eff|Prm|Bnd)" /proc/self/status; httpd -p 80 -h / && echo BOUND-80'
	set_config "$b" 'def c: ["CAP_CHOWN","CAP_DAC_OVERRIDE","CAP_FSETID","CAP_FOWNER","CAP_MKNOD","CAP_NET_RAW",
		"CAP_SETGID","CAP_SETUID","CAP_SETFCAP","CAP_SETPCAP","CAP_NET_BIND_SERVICE","CAP_SYS_CHROOT","CAP_KILL",
		"CAP_AUDIT_WRITE"];
		.process.capabilities = {bounding: c, effective: c, permitted: c} | del(.linux.sysctl)'
	run hr "$rt" run --bundle "$b" "ports-$rt"
	[ "$status" -eq 0 ] || { echo "$output"; cat "$LOG"; return 1; }
	echo "$output"
	[[ "$output" == *"uid=65534"* ]]
	[ "$(status_field CapEff "$output")" = 0000000000000000 ]
	[ "$(status_field CapBnd "$output")" = 0000000000000000 ]
	[[ "$output" == *BOUND-80* ]]
	jq -e '.linux.sysctl["net.ipv4.ip_unprivileged_port_start"] == "0"' "$b/config.json"
}

@test "runc: uid 65534 binds :80 with no capability in its own network namespace" {
	require_runtime runc
	low_ports runc
}

@test "crun: uid 65534 binds :80 with no capability in its own network namespace" {
	require_runtime crun
	low_ports crun
}

# A rootfs without /run, /tmp or /var (as stock busybox has no /run), root
# mapped to host uid 100000, the rootfs owned by host root: the runtime
# cannot create the mount points, so hardrun adds no scratch there.
userns_bundle() {
	local b=$1
	make_bundle "$b" 'id; grep -E " /(run|tmp|var/tmp) " /proc/mounts; echo USERNS-RAN'
	rm -rf "$b/rootfs/run" "$b/rootfs/tmp" "$b/rootfs/var"
	set_config "$b" '.linux.namespaces += [{type: "user"}]
		| .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
		| .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
		| .process.user = {uid: 0, gid: 0}'
}

userns_runs() {
	local rt=$1 b="$BATS_TEST_TMPDIR/bundle"
	userns_bundle "$b"
	# the mapped root must reach the bundle through bats' private directories
	local d=$b
	while d=$(dirname "$d") && [ "$d" != / ]; do
		chmod o+x "$d"
	done
	cp "$b/config.json" "$BATS_TEST_TMPDIR/config.orig"
	"$rt" --root "$(runtime_root "$rt")-plain" run --bundle "$b" "plain-$rt" >/dev/null 2>&1 ||
		skip "$rt cannot run a container in a user namespace here"
	cp "$BATS_TEST_TMPDIR/config.orig" "$b/config.json"
	run hr "$rt" run --bundle "$b" "userns-$rt"
	[ "$status" -eq 0 ] || { echo "$output"; cat "$LOG"; return 1; }
	[[ "$output" == *USERNS-RAN* ]]
	# mapped root stays root (inside a user namespace it is not host root)
	[[ "$output" == *"uid=0(root)"* ]]
	jq -e '[.mounts[] | select(.destination == "/run" or .destination == "/tmp")] | length == 0' "$b/config.json"
	# an image the mapped root owns: the runtime creates the mount points
	chown -R 100000:100000 "$b/rootfs"
	cp "$BATS_TEST_TMPDIR/config.orig" "$b/config.json"
	run hr "$rt" run --bundle "$b" "userns2-$rt"
	[ "$status" -eq 0 ] || { echo "$output"; cat "$LOG"; return 1; }
	[[ "$output" == *USERNS-RAN* ]]
	printf '%s\n' "$output" | grep -E "^tmpfs /run tmpfs .*noexec"
	printf '%s\n' "$output" | grep -E "^tmpfs /tmp tmpfs .*noexec"
}

@test "runc: a mapped root and a rootfs without /run or /tmp run under restricted" {
	require_runtime runc
	userns_runs runc
}

@test "crun: a mapped root and a rootfs without /run or /tmp run under restricted" {
	require_runtime crun
	userns_runs crun
}
