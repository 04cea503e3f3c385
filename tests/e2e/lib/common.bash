# Shared helpers for hardrun's end-to-end tests with real runtimes.
# shellcheck shell=bash

: "${HARDRUN:?HARDRUN must name the hardrun binary}"
: "${HARDRUN_SRCDIR:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)}"

require_root() {
	[ "$(id -u)" -eq 0 ] || skip "needs root to start containers"
}

require_runtime() {
	command -v "$1" >/dev/null 2>&1 || skip "$1 is not installed"
	if [ "$1" = crun ]; then
		crun_host_setup || skip "crun cannot run on this host: $crun_setup_error"
	fi
}

# crun refuses cgroup v1 "hybrid" hosts until hugetlb is mounted as v1.
crun_host_setup() {
	crun_setup_error=""
	if [ -d /sys/fs/cgroup/unified ] && ! mountpoint -q /sys/fs/cgroup/hugetlb 2>/dev/null; then
		mkdir -p /sys/fs/cgroup/hugetlb 2>/dev/null
		mount -t cgroup -o hugetlb cgroup /sys/fs/cgroup/hugetlb 2>/dev/null ||
			crun_setup_error="cannot mount the hugetlb cgroup"
	fi
	[ -z "$crun_setup_error" ]
}

# crun 1.8.1 chowns the host's /dev/null to the container user (crun#1845).
restore_dev_null() {
	chown 0:0 /dev/null 2>/dev/null || true
	chmod 666 /dev/null 2>/dev/null || true
}

# make_rootfs DIR: a busybox root filesystem.
make_rootfs() {
	local root=$1 bb
	bb=$(command -v busybox) || skip "busybox is not installed"
	mkdir -p "$root/bin" "$root/proc" "$root/sys" "$root/dev" "$root/etc" "$root/tmp" "$root/var/tmp" "$root/run"
	chmod 1777 "$root/tmp" "$root/var/tmp"
	cp "$bb" "$root/bin/busybox"
	"$root/bin/busybox" --list | while read -r applet; do
		[ "$applet" = busybox ] || ln -sf busybox "$root/bin/$applet"
	done
	echo 'root:x:0:0:root:/root:/bin/sh' >"$root/etc/passwd"
	echo 'nobody:x:65534:65534:nobody:/:/bin/sh' >>"$root/etc/passwd"
	echo 'root:x:0:' >"$root/etc/group"
	echo 'nogroup:x:65534:' >>"$root/etc/group"
}

# cache_rootfs: one busybox root filesystem per bats file, copied into each
# bundle by make_bundle (call it from setup_file).
cache_rootfs() {
	[ "$(id -u)" -eq 0 ] || return 0
	export HR_ROOTFS_CACHE="$BATS_FILE_TMPDIR/rootfs"
	make_rootfs "$HR_ROOTFS_CACHE"
}

# hr RUNTIME ARGS...: hardrun over RUNTIME with the test's own state root
# and runc's JSON log in $LOG.
hr() {
	local rt=$1
	shift
	"$HARDRUN" --hardrun-runtime "$(command -v "$rt")" --root "$(runtime_root "$rt")" \
		--log "$LOG" --log-format json "$@"
}

# make_bundle DIR CMD...: a bundle from "runc spec" running CMD (sh -c).
make_bundle() {
	local dir=$1
	shift
	mkdir -p "$dir"
	if [ -n "${HR_ROOTFS_CACHE:-}" ] && [ -d "$HR_ROOTFS_CACHE" ]; then
		cp -a "$HR_ROOTFS_CACHE" "$dir/rootfs"
	else
		make_rootfs "$dir/rootfs"
	fi
	(cd "$dir" && runc spec)
	local args
	args=$(jq -cn --arg c "$*" '["sh","-c",$c]')
	jq --argjson a "$args" '.process.terminal=false | .process.args=$a' "$dir/config.json" >"$dir/config.json.new"
	mv "$dir/config.json.new" "$dir/config.json"
}

# jq definitions for the dangerous configs the tests feed hardrun; put in
# front of a filter:
#   all_caps        every capability a workload could ask for
#   caps_sets(l)    the list l in all five capability sets
#   dangerous(hook) what the restricted profile rewrites outside the
#                   process: a writable root, no seccomp, no masked paths,
#                   a host device, a sysctl, the prestart hook HOOK,
#                   annotations it drops, a writable /sys
# shellcheck disable=SC2034 # used by the files that load this one
DANGEROUS_JQ='
def all_caps: ["CAP_CHOWN","CAP_DAC_OVERRIDE","CAP_DAC_READ_SEARCH","CAP_FOWNER","CAP_FSETID","CAP_KILL",
	"CAP_SETGID","CAP_SETUID","CAP_SETPCAP","CAP_NET_BIND_SERVICE","CAP_NET_ADMIN","CAP_NET_RAW",
	"CAP_IPC_LOCK","CAP_SYS_MODULE","CAP_SYS_RAWIO","CAP_SYS_CHROOT","CAP_SYS_PTRACE","CAP_SYS_ADMIN",
	"CAP_SYS_BOOT","CAP_SYS_NICE","CAP_MKNOD","CAP_AUDIT_WRITE","CAP_SETFCAP","CAP_SYSLOG","CAP_BPF"];
def caps_sets(l): {bounding: l, effective: l, permitted: l, inheritable: l, ambient: l};
def dangerous(hook):
	.root.readonly = false
	| del(.linux.seccomp)
	| .linux.maskedPaths = [] | .linux.readonlyPaths = []
	| .linux.devices = [{path: "/dev/kmsg", type: "c", major: 1, minor: 11, fileMode: 438, uid: 0, gid: 0}]
	| .linux.resources.devices = [{allow: true, access: "rwm"}]
	| .linux.sysctl = {"kernel.msgmax": "12345", "net.ipv4.tcp_syncookies": "1"}
	| .hooks = {prestart: [{path: hook}]}
	| .annotations = {"run.oci.seccomp_bpf_data": "AAAA", "org.criu.config": "/tmp/x", "keep.me": "yes"}
	| .mounts |= map(if .destination == "/sys" then .options -= ["ro"] else . end);
'

# set_config DIR JQ-FILTER: edits DIR/config.json.
set_config() {
	jq "$2" "$1/config.json" >"$1/config.json.new" && mv "$1/config.json.new" "$1/config.json"
}

# A state root of the test's own for each runtime.
runtime_root() {
	echo "$BATS_FILE_TMPDIR/state-$1"
}

# cleanup_containers RUNTIME: deletes every container left under its root.
cleanup_containers() {
	local rt=$1 root id
	root=$(runtime_root "$rt")
	[ -d "$root" ] || return 0
	for id in $("$rt" --root "$root" list -q 2>/dev/null); do
		"$rt" --root "$root" delete --force "$id" >/dev/null 2>&1 || true
	done
	[ "$rt" = crun ] && restore_dev_null
	return 0
}

# status_field NAME TEXT: the value of NAME: in /proc/self/status text.
status_field() {
	printf '%s\n' "$2" | awk -v k="$1:" '$1 == k { print $2 }'
}

# assert_hardened TEXT: TEXT holds `id` and /proc/self/status of a process
# that must be non-root with no capabilities, no_new_privs and seccomp.
assert_hardened() {
	local out=$1 f
	[[ "$out" == *"uid=65534"* ]] || { echo "not non-root: $out"; return 1; }
	[[ "$out" != *"gid=0("* && "$out" != *"gid=0 "* ]] || { echo "gid 0: $out"; return 1; }
	for f in CapInh CapPrm CapEff CapBnd CapAmb; do
		[ "$(status_field "$f" "$out")" = 0000000000000000 ] || { echo "$f not empty: $out"; return 1; }
	done
	[ "$(status_field NoNewPrivs "$out")" = 1 ] || { echo "NoNewPrivs not set: $out"; return 1; }
	[ "$(status_field Seccomp "$out")" = 2 ] || { echo "no seccomp filter: $out"; return 1; }
}

# The shell snippet that prints what assert_hardened checks (run by sh -c
# inside the container, so its quotes are meant literally).
# shellcheck disable=SC2089
PROBE='id; grep -E "^(Cap|NoNewPrivs|Seccomp)" /proc/self/status'
# shellcheck disable=SC2090
export PROBE
