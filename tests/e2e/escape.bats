#!/usr/bin/env bats
# Escapes to the host's root through bind sources that the runtime resolves
# later than hardrun looks, tried against real runc and crun: every family
# must be refused, or run with the host's root out of reach. A canary file
# outside the root filesystem must stay unread and unchanged. Ordinary
# Kubernetes volume shapes (emptyDir, hostPath, a projected configMap with
# its ..data symlink, a subPath) must keep working.

load lib/common

setup_file() {
	cache_rootfs
}

setup() {
	require_root
	LOG="$BATS_TEST_TMPDIR/log.json"
	CANARY="/var/tmp/hardrun-canary-$BATS_SUITE_TEST_NUMBER-$$"
	echo intact >"$CANARY"
	chmod 644 "$CANARY"
	B="$BATS_TEST_TMPDIR/bundle"
	# What the container tries through the mount at /x: read the canary and
	# overwrite it, as if /x were the host's "/".
	ATTACK="cat /x$CANARY 2>/dev/null && echo READ-HOST; echo pwned >/x$CANARY 2>/dev/null && echo WROTE-HOST; true"
}

teardown() {
	cleanup_containers runc
	cleanup_containers crun
	rm -f "$CANARY"
	[ -z "${KUBELET_POD:-}" ] || {
		umount "$KUBELET_POD/volume-subpaths/cache/app/0" 2>/dev/null || true
		rm -rf "$KUBELET_POD"
	}
}


# add_bind SOURCE [DEST]: appends a bind mount to the bundle.
add_bind() {
	edit_config "$B" --arg s "$1" --arg d "${2:-/x}" \
		'.mounts += [{destination: $d, type: "bind", source: $s, options: ["rbind"]}]'
}

# edit_config DIR JQ-ARGS...: edits DIR/config.json.
edit_config() {
	local dir=$1
	shift
	jq "$@" "$dir/config.json" >"$dir/config.json.new" && mv "$dir/config.json.new" "$dir/config.json"
}

# refused RT ID REASON: the run through hardrun fails, names REASON in the
# runtime's log, created no container, and the canary is intact.
refused() {
	local rt=$1 id=$2 reason=$3
	cp "$B/config.json" "$BATS_TEST_TMPDIR/before.json"
	run hr "$rt" run --bundle "$B" "$id"
	[ "$status" -ne 0 ] || { echo "not refused: $output"; return 1; }
	[[ "$output" != *READ-HOST* && "$output" != *WROTE-HOST* ]] || { echo "escaped: $output"; return 1; }
	jq -r .msg "$LOG" | grep -qF -- "$reason" || { echo "log lacks: $reason"; cat "$LOG"; return 1; }
	cmp -s "$B/config.json" "$BATS_TEST_TMPDIR/before.json" || { echo "config.json was changed"; return 1; }
	[ "$(cat "$CANARY")" = intact ] || { echo "canary changed"; return 1; }
	run "$rt" --root "$(runtime_root "$rt")" state "$id"
	[ "$status" -ne 0 ] || { echo "a container $id exists"; return 1; }
	[ "$rt" != crun ] || restore_dev_null
}

# Each family, through runc and through crun.
family() {
	local fn=$1 rt
	for rt in runc crun; do
		require_runtime "$rt"
		rm -rf "$B"
		"$fn" "$rt"
	done
}

# ---- the families ----

procfs_of_the_container() {
	local rt=$1 p
	for p in 1 self thread-self; do
		rm -rf "$B"
		make_bundle "$B" "$ATTACK"
		add_bind "$B/rootfs/proc/$p/root"
		refused "$rt" "proc-$p-$rt" "inside the container's root filesystem"
	done
}

@test "a source through the container's own procfs (pid 1, self, thread-self) is refused" {
	family procfs_of_the_container
}

hosts_procfs() {
	local rt=$1
	make_bundle "$B" "$ATTACK"
	ln -s "/proc/$$/root" "$BATS_TEST_TMPDIR/pid-root"
	add_bind "$BATS_TEST_TMPDIR/pid-root"
	refused "$rt" "proclink-$rt" "reached through a procfs link"
	rm -f "$BATS_TEST_TMPDIR/pid-root"
}

@test "a source through a procfs link of the host (a symlink to /proc/PID/root) is refused" {
	family hosts_procfs
}

earlier_mount_exposes_symlink() {
	local rt=$1 vol="$BATS_TEST_TMPDIR/vol-$1"
	make_bundle "$B" "$ATTACK"
	# The image ships nothing at /links; an earlier bind makes a directory
	# visible there that holds an absolute symlink to "/".
	mkdir -p "$vol" "$B/rootfs/links"
	ln -sfn / "$vol/up"
	add_bind "$vol" /links
	add_bind "$B/rootfs/links/up"
	refused "$rt" "earlier-$rt" "inside the container's root filesystem"
	# and the same through a name that resolves into the root filesystem
	edit_config "$B" '.mounts |= .[:-1]'
	ln -sfn "$B/rootfs/links" "$BATS_TEST_TMPDIR/into-root"
	add_bind "$BATS_TEST_TMPDIR/into-root/x"
	mkdir -p "$B/rootfs/links/x"
	refused "$rt" "earlier2-$rt" "inside the container's root filesystem"
}

@test "a symlink in the root filesystem made visible by an earlier mount is refused" {
	family earlier_mount_exposes_symlink
}

missing_source() {
	local rt=$1
	make_bundle "$B" "$ATTACK"
	add_bind "$BATS_TEST_TMPDIR/not-yet"
	refused "$rt" "missing-$rt" "does not exist"
}

@test "a source that does not exist is refused" {
	family missing_source
}

inside_root() {
	local rt=$1
	make_bundle "$B" "$ATTACK"
	mkdir -p "$B/rootfs/data"
	add_bind "$B/rootfs/data"
	refused "$rt" "inroot-$rt" "inside the container's root filesystem"
}

@test "a source inside root.path is refused" {
	family inside_root
}

relative_source() {
	local rt=$1
	make_bundle "$B" "$ATTACK"
	mkdir -p "$B/../outside-$rt"
	add_bind "../outside-$rt"
	refused "$rt" "rel-out-$rt" "leads out of the bundle"
	edit_config "$B" '.mounts |= .[:-1]'
	add_bind "rootfs/../../../../../../../"
	refused "$rt" "rel-root-$rt" "bind mount of \"/\""
	# a plain relative source inside the bundle runs, bound by its path
	edit_config "$B" '.mounts |= .[:-1]'
	mkdir -p "$B/data"
	echo inside >"$B/data/f"
	add_bind data /data
	edit_config "$B" --arg c "cat /data/f; $PROBE" '.process.args = ["sh", "-c", $c]'
	run hr "$rt" run --bundle "$B" "rel-ok-$rt"
	[ "$status" -eq 0 ] || { echo "$output"; cat "$LOG"; return 1; }
	[[ "$output" == inside* ]]
	assert_hardened "$output"
	[ "$rt" != crun ] || restore_dev_null
}

@test "a relative source is judged from the bundle and may not leave it" {
	family relative_source
}

dotdot_after_symlink() {
	local rt=$1 d="$BATS_TEST_TMPDIR/dd-$1"
	make_bundle "$B" "$ATTACK"
	mkdir -p "$d"
	# lexically "$d/link/.." is "$d"; the kernel takes the link first, then
	# its physical parent: /etc
	ln -sfn /etc/ssl "$d/link"
	add_bind "$d/link/.."
	refused "$rt" "dotdot-$rt" "bind mount of \"/etc\""
}

@test "\"..\" after a symlink is judged where the kernel takes it" {
	family dotdot_after_symlink
}

swappable_parent() {
	local rt=$1 d="$BATS_TEST_TMPDIR/shared-$1"
	make_bundle "$B" "$ATTACK"
	mkdir -p "$d/vol"
	chmod 0777 "$d"
	add_bind "$d/vol"
	refused "$rt" "swap-$rt" "is writable by anyone, who could replace it with a symlink"
}

@test "a source whose parent others could swap for a symlink is refused" {
	family swappable_parent
}

# ---- Kubernetes volumes, built in their real shapes ----

kube_volumes() {
	local rt=$1
	KUBELET_POD="/var/lib/kubelet/pods/hardrun-test-$$-$rt"
	local vols="$KUBELET_POD/volumes"
	local empty="$vols/kubernetes.io~empty-dir/cache" cm="$vols/kubernetes.io~configmap/config"
	local host="/srv/hardrun-test-hostpath-$$"
	mkdir -p "$empty" "$cm" "$host"
	chmod 0777 "$empty"
	echo from-host >"$host/h"
	# a projected configMap: a timestamped directory, ..data, and links
	mkdir -p "$cm/..2026_12_03_10_00_00.000000001"
	echo value >"$cm/..2026_12_03_10_00_00.000000001/key"
	ln -sfn ..2026_12_03_10_00_00.000000001 "$cm/..data"
	ln -sfn ..data/key "$cm/key"
	# subPath: kubelet binds the subdirectory under volume-subpaths first
	mkdir -p "$empty/sub" "$KUBELET_POD/volume-subpaths/cache/app/0"
	echo sub >"$empty/sub/s"
	mount --bind "$empty/sub" "$KUBELET_POD/volume-subpaths/cache/app/0"

	make_bundle "$B" "echo w >/cache/w && cat /config/key /hostdir/h /sub/s && $PROBE"
	add_bind "$empty" /cache
	add_bind "$cm" /config
	add_bind "$host" /hostdir
	add_bind "$KUBELET_POD/volume-subpaths/cache/app/0" /sub
	run hr "$rt" run --bundle "$B" "kube-$rt"
	umount "$KUBELET_POD/volume-subpaths/cache/app/0"
	rm -rf "$host"
	[ "$status" -eq 0 ] || { echo "$output"; cat "$LOG"; return 1; }
	[[ "$output" == *value*from-host*sub* ]] || { echo "$output"; return 1; }
	[ "$(cat "$empty/w")" = w ]
	assert_hardened "$output"
	rm -rf "$KUBELET_POD"
	[ "$rt" != crun ] || restore_dev_null
}

@test "Kubernetes volumes keep working: emptyDir, hostPath, a projected configMap, a subPath" {
	family kube_volumes
}

# ---- what is mounted, not what it is called ----

root_on_a_volume() {
	local rt=$1 vol="/var/lib/docker/volumes/hardrun-test-$$-$1/_data"
	mkdir -p "$vol"
	mount --bind / "$vol"
	make_bundle "$B" "$ATTACK"
	add_bind "$vol"
	if [ "$rt" = runc ]; then
		# The attack is real: bare runc gives the container the host's "/".
		run runc --root "$(runtime_root runc)" run --bundle "$B" "bare-$rt"
		[[ "$output" == *READ-HOST* ]] || { echo "bare runc: $output"; return 1; }
		echo intact >"$CANARY"
	fi
	refused "$rt" "vol-root-$rt" "what is mounted there is the host's \"/\""
	umount "$vol"
	mount --bind /run "$vol"
	refused "$rt" "vol-run-$rt" "what is mounted there is the host's \"/run\""
	umount "$vol"
	rm -rf "${vol%/_data}"
}

@test "a volume directory onto which the host's / or /run is mounted is judged as / or /run" {
	family root_on_a_volume
}

cwd_under_proc() {
	local rt=$1
	make_bundle "$B" "pwd; $PROBE"
	edit_config "$B" '.process.cwd = "/proc/self/fd/7"'
	refused "$rt" "cwd-$rt" "is under \"/proc\""
	edit_config "$B" '.process.cwd = "/work"'
	ln -sfn /proc/self/fd/7 "$B/rootfs/work"
	refused "$rt" "cwd2-$rt" "leads through \"/proc\" (the image's symlinks)"
}

@test "a working directory under /proc, or an image symlink into it, is refused" {
	family cwd_under_proc
}

exec_cwd() {
	local rt=$1 id="cwd-exec-$1"
	make_bundle "$B" 'trap "exit 0" TERM; while :; do sleep 1; done'
	mkdir -p "$B/rootfs/app"
	ln -sfn /proc/self/fd/7 "$B/rootfs/work"
	hr "$rt" run -d --bundle "$B" "$id" </dev/null >/dev/null 2>&1
	run hr "$rt" exec --cwd /app "$id" pwd
	[ "$status" -eq 0 ] && [ "$output" = /app ] || { echo "$output"; cat "$LOG"; return 1; }
	for cwd in /proc/1/cwd /dev/fd/7 /work /work/../..; do
		: >"$LOG"
		run hr "$rt" exec --cwd "$cwd" "$id" pwd
		[ "$status" -ne 0 ] || { echo "exec --cwd $cwd ran: $output"; return 1; }
		jq -r .msg "$LOG" | grep -q "working directory" || { cat "$LOG"; return 1; }
	done
	jq -n '{cwd: "/work", args: ["pwd"], user: {uid: 65534, gid: 65534}, noNewPrivileges: true}' \
		>"$BATS_TEST_TMPDIR/process.json"
	: >"$LOG"
	run hr "$rt" exec --process "$BATS_TEST_TMPDIR/process.json" "$id"
	[ "$status" -ne 0 ] || { echo "exec --process with cwd /work ran: $output"; return 1; }
	jq -r .msg "$LOG" | grep -q "leads through \"/proc\"" || { cat "$LOG"; return 1; }
	[ "$rt" != crun ] || restore_dev_null
}

@test "exec: a working directory under /proc, or through the image's symlink into it, is refused" {
	family exec_cwd
}

socket_group() {
	local rt=$1
	make_bundle "$B" 'id'
	edit_config "$B" '.process.user = {uid: 1000, gid: 1000, additionalGids: [4242, 27]}'
	# A private mount namespace with its own /run, where a runtime socket
	# that group 4242 may write stands at /run/docker.sock.
	run unshare -m --propagation private sh -c '
		mount -t tmpfs tmpfs /run &&
		python3 -c "import socket; s = socket.socket(socket.AF_UNIX); s.bind(\"/run/docker.sock\")" &&
		chgrp 4242 /run/docker.sock && chmod 660 /run/docker.sock &&
		"$0" --hardrun-runtime "$(command -v "$1")" --root "$2" --log "$3" --log-format json run --bundle "$4" "$5"' \
		"$HARDRUN" "$rt" "$(runtime_root "$rt")" "$LOG" "$B" "group-$rt"
	[ "$status" -eq 0 ] || { echo "$output"; cat "$LOG"; return 1; }
	[[ "$output" == *"groups="*"27"* && "$output" != *4242* ]] || { echo "$output"; return 1; }
	# where no socket of that group stands, the group stays
	edit_config "$B" '.process.user = {uid: 1000, gid: 1000, additionalGids: [4242, 27]}'
	run hr "$rt" run --bundle "$B" "group2-$rt"
	[[ "$output" == *4242* ]] || { echo "$output"; return 1; }
	[ "$rt" != crun ] || restore_dev_null
}

@test "a supplementary group that may write a runtime socket is dropped (checked with id inside)" {
	family socket_group
}
