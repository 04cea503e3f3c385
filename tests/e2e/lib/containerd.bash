# shellcheck shell=bash
# Shared helpers for the containerd end-to-end tests.
#
# One private containerd per bats file: its root, state, gRPC socket, runc
# root, FIFOs, CNI files and cgroups all live under one temporary directory
# (CTRD_DIR) or carry its random tag (CTRD_TAG), so that the cleanup can find
# and remove exactly what this daemon made and nothing else.
#
# Typical use from a bats file in tests/e2e/:
#
#   load lib/containerd
#   setup_file()    { ctrd_require_root || return 0; ctrd_init; ctrd_write_config "";
#                     ctrd_start || return 0;
#                     ctrd_import "$(ctrd_image busybox)" "$CTRD_NS"; }
#   teardown_file() { ctrd_cleanup; }
#   setup()         { ctrd_skip_if_needed; }
#   teardown()      { ctrd_clean_namespace "$CTRD_NS"; }

CTRD_SHIM_SOCKET_DIR=/run/containerd/s

# --- small utilities --------------------------------------------------------

# ctrd_log MSG...: a diagnostic line on stderr (bats shows it with the
# failing test or setup_file).
ctrd_log() {
	printf '# %s\n' "$*" >&2
}

# ctrd_pid_alive PID: true while PID exists and is not a zombie.
ctrd_pid_alive() {
	local stat
	[[ -n ${1-} ]] || return 1
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	stat=${stat##*) }
	[[ ${stat:0:1} != Z ]]
}

# ctrd_wait_gone PID SECONDS: wait until PID is gone (or a zombie).
ctrd_wait_gone() {
	local pid=$1 tries=$(($2 * 10))
	while ((tries-- > 0)); do
		ctrd_pid_alive "$pid" || return 0
		sleep 0.1
	done
	! ctrd_pid_alive "$pid"
}

# ctrd_retry SECONDS CMD...: run CMD every 0.2 s until it succeeds.
ctrd_retry() {
	local tries=$(($1 * 5))
	shift
	while ((tries-- > 0)); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.2
	done
	"$@"
}

# Skipping from setup_file: bats 1.8 (Debian 12) cannot `skip` there, so
# setup_file records the reason with ctrd_skip_file and returns 0, and each
# test's setup() calls ctrd_skip_if_needed, which skips with that reason.
#
#   setup_file() { ctrd_require_root || return 0; ...; ctrd_start || return 0; }
#   setup()      { ctrd_skip_if_needed; }

# ctrd_skip_file REASON: make every test of this file skip with REASON;
# returns 1 so that the caller can stop.
ctrd_skip_file() {
	CTRD_SKIP_REASON=$1
	export CTRD_SKIP_REASON
	ctrd_log "skipping: $1"
	return 1
}

ctrd_skip_if_needed() {
	if [[ -n ${CTRD_SKIP_REASON-} ]]; then
		skip "$CTRD_SKIP_REASON"
	fi
}

ctrd_require_root() {
	if [[ $(id -u) -ne 0 ]]; then
		ctrd_skip_file "needs root"
	fi
}

# ctrd_srcdir: the source tree top.
ctrd_srcdir() {
	if [[ -n ${HARDRUN_SRCDIR-} ]]; then
		printf '%s\n' "$HARDRUN_SRCDIR"
	else
		(cd "$BATS_TEST_DIRNAME/../.." && pwd)
	fi
}

# ctrd_require_hardrun: fail early and clearly if $HARDRUN is unusable.
ctrd_require_hardrun() {
	if [[ -z ${HARDRUN-} || ! -x $HARDRUN ]]; then
		printf 'HARDRUN must name an executable (got "%s")\n' "${HARDRUN-}" >&2
		return 1
	fi
	[[ $HARDRUN == /* ]] || HARDRUN=$(cd "$(dirname "$HARDRUN")" && pwd)/$(basename "$HARDRUN")
	export HARDRUN
}

# --- the daemon -------------------------------------------------------------

# ctrd_init: make CTRD_DIR and the names derived from it; exported so that
# the tests (separate processes) see them.
ctrd_init() {
	ctrd_require_hardrun
	CTRD_DIR=$(mktemp -d /tmp/hre2e.XXXXXX)
	CTRD_TAG=${CTRD_DIR##*.}
	CTRD_NS=hre2e-$CTRD_TAG
	CTRD_SOCK=$CTRD_DIR/containerd.sock
	CTRD_CONFIG=$CTRD_DIR/config.toml
	CTRD_LOG=$CTRD_DIR/containerd.log
	CTRD_RUNC_ROOT=$CTRD_DIR/runc
	CTRD_FIFO_DIR=$CTRD_DIR/fifo
	# Cgroup parent for everything this daemon starts: ctr puts a task at
	# /<namespace>/<id>, the CRI tests pass it as the pods' cgroup_parent.
	CTRD_CGROUP=$CTRD_NS
	mkdir -p "$CTRD_DIR"/{root,state,opt,runc,fifo}
	export CTRD_DIR CTRD_TAG CTRD_NS CTRD_SOCK CTRD_CONFIG CTRD_LOG \
		CTRD_RUNC_ROOT CTRD_FIFO_DIR CTRD_CGROUP
	printf '%s\n' "$CTRD_DIR" >"$CTRD_DIR/.hre2e"
}

# ctrd_write_config EXTRA_TOML: write config.toml. EXTRA_TOML is appended
# verbatim (plugin sections). The CRI plugin is disabled unless EXTRA_TOML
# configures it (a line containing io.containerd.grpc.v1.cri).
ctrd_write_config() {
	local extra=${1-} disabled
	disabled='"io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing"'
	if [[ $extra != *'"io.containerd.grpc.v1.cri"'* ]]; then
		disabled+=', "io.containerd.grpc.v1.cri"'
	fi
	cat >"$CTRD_CONFIG" <<EOF
version = 2
root = "$CTRD_DIR/root"
state = "$CTRD_DIR/state"
disabled_plugins = [$disabled]
oom_score = 0

[grpc]
  address = "$CTRD_SOCK"

[debug]
  level = "info"

[plugins."io.containerd.internal.v1.opt"]
  path = "$CTRD_DIR/opt"

$extra
EOF
}

# ctrd_start: start containerd in the background and wait until it answers.
# If the daemon cannot start at all, marks the file's tests to be skipped
# (ctrd_skip_file) and returns 1.
ctrd_start() {
	local i
	command -v containerd >/dev/null || ctrd_skip_file "containerd is not installed" || return 1
	command -v ctr >/dev/null || ctrd_skip_file "ctr is not installed" || return 1
	# fd 3 is bats' own output channel: a daemon holding it open would keep
	# bats waiting forever.
	containerd --config "$CTRD_CONFIG" >>"$CTRD_LOG" 2>&1 3>&- </dev/null &
	CTRD_PID=$!
	export CTRD_PID
	printf '%s\n' "$CTRD_PID" >"$CTRD_DIR/containerd.pid"
	for ((i = 0; i < 150; i++)); do
		if ! ctrd_pid_alive "$CTRD_PID"; then
			ctrd_log "containerd exited during start-up; log:"
			sed 's/^/#   /' "$CTRD_LOG" | tail -n 30 >&2
			ctrd_skip_file "containerd cannot start here: $(grep -v '^time=' "$CTRD_LOG" | tail -n 1)"
			return 1
		fi
		if ctr -a "$CTRD_SOCK" version >/dev/null 2>&1; then
			return 0
		fi
		sleep 0.1
	done
	ctrd_log "containerd did not answer within 15 s; log:"
	tail -n 30 "$CTRD_LOG" | sed 's/^/#   /' >&2
	ctrd_skip_file "containerd cannot start here (no answer on $CTRD_SOCK within 15 s)"
}

# hr_ctr ARGS...: ctr talking to this file's daemon in namespace $CTRD_NS.
hr_ctr() {
	ctr -a "$CTRD_SOCK" -n "$CTRD_NS" "$@"
}

# --- images -----------------------------------------------------------------

# ctrd_image KIND: path of an image tar built by tests/lib/mkimage.sh, built
# at most once per bats run. KIND is busybox (command sh, named
# hrtest/busybox:1) or pause (sleeps forever, named hrtest/pause:1).
ctrd_image() {
	local kind=$1 dir tar mk
	dir=${BATS_RUN_TMPDIR:-$CTRD_DIR}/hre2e-images
	tar=$dir/$kind.tar
	if [[ ! -s $tar ]]; then
		mkdir -p "$dir"
		mk=$(ctrd_srcdir)/tests/lib/mkimage.sh
		case $kind in
		busybox) bash "$mk" "$tar.$$" hrtest/busybox:1 sh >&2 ;;
		pause) bash "$mk" --pause "$tar.$$" hrtest/pause:1 >&2 ;;
		*) return 1 ;;
		esac
		mv -f "$tar.$$" "$tar"
	fi
	printf '%s\n' "$tar"
}

# shellcheck disable=SC2034 # used by the bats files
CTRD_BUSYBOX_REF=docker.io/hrtest/busybox:1
# shellcheck disable=SC2034
CTRD_PAUSE_REF=docker.io/hrtest/pause:1

# ctrd_import TAR NAMESPACE: import (and unpack) an image tar.
ctrd_import() {
	ctr -a "$CTRD_SOCK" -n "$2" images import "$1" >&2
}

# --- cleanup ----------------------------------------------------------------

# ctrd_clean_namespace NS: kill and delete every task and container in NS
# through the daemon (the polite way, so the shims exit and clean up).
ctrd_clean_namespace() {
	local - ns=$1 id
	set +e # best effort: keep going past whatever fails
	[[ -n ${CTRD_SOCK-} && -S $CTRD_SOCK ]] || return 0
	for id in $(timeout 20 ctr -a "$CTRD_SOCK" -n "$ns" tasks ls -q 2>/dev/null); do
		timeout 20 ctr -a "$CTRD_SOCK" -n "$ns" tasks kill -a -s SIGKILL "$id" >/dev/null 2>&1 || true
		timeout 20 ctr -a "$CTRD_SOCK" -n "$ns" tasks delete -f "$id" >/dev/null 2>&1 || true
	done
	for id in $(timeout 20 ctr -a "$CTRD_SOCK" -n "$ns" containers ls -q 2>/dev/null); do
		timeout 20 ctr -a "$CTRD_SOCK" -n "$ns" tasks delete -f "$id" >/dev/null 2>&1 || true
		timeout 20 ctr -a "$CTRD_SOCK" -n "$ns" containers delete "$id" >/dev/null 2>&1 || true
	done
}

# ctrd_shim_pids: PIDs of the shims serving this daemon (their command line
# names our socket after -address).
ctrd_shim_pids() {
	local p cmd
	for p in $(pgrep -f containerd-shim); do
		{ cmd=$(tr '\0' ' ' <"/proc/$p/cmdline"); } 2>/dev/null || continue
		[[ $cmd == *" -address $CTRD_SOCK "* ]] && printf '%s\n' "$p"
	done
	return 0
}

# ctrd_shim_sockets: shim sockets this daemon's shims made. The runc v2 shim
# records its socket in an "address" file in each bundle.
ctrd_shim_sockets() {
	local f a
	for f in "$CTRD_DIR"/state/io.containerd.runtime.v2.task/*/*/address; do
		[[ -f $f ]] || continue
		a=$(cat "$f")
		a=${a#unix://}
		[[ $a == "$CTRD_SHIM_SOCKET_DIR"/* ]] && printf '%s\n' "$a"
	done
	return 0
}

# ctrd_cgroup_dirs: this daemon's cgroup directories, deepest first.
ctrd_cgroup_dirs() {
	local d
	for d in /sys/fs/cgroup/*/"$CTRD_CGROUP" /sys/fs/cgroup/"$CTRD_CGROUP"; do
		[[ -d $d ]] && find "$d" -depth -type d
	done
	return 0
}

# ctrd_kill_cgroups: kill whatever still runs in this daemon's cgroups
# (frozen ones are thawed first, or SIGKILL would not be delivered), then
# remove the directories.
ctrd_kill_cgroups() {
	local d pid round
	for round in 1 2 3; do
		for d in $(ctrd_cgroup_dirs); do
			[[ -f $d/freezer.state ]] && echo THAWED >"$d/freezer.state" 2>/dev/null
			while read -r pid; do
				[[ -n $pid ]] && kill -KILL "$pid" 2>/dev/null
			done <"$d/cgroup.procs"
		done
		sleep 0.1
		for d in $(ctrd_cgroup_dirs); do
			rmdir "$d" 2>/dev/null
		done
		[[ -z $(ctrd_cgroup_dirs) ]] && return 0
		sleep "0.$((round * 2))"
	done
	ctrd_log "cgroup directories left behind: $(ctrd_cgroup_dirs | tr '\n' ' ')"
}

# ctrd_umount_all: unmount everything mounted below CTRD_DIR, deepest first.
ctrd_umount_all() {
	local m round mnts
	for round in 1 2 3; do
		mapfile -t mnts < <(awk -v d="$CTRD_DIR/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -r)
		[[ ${#mnts[@]} -eq 0 ]] && return 0
		for m in "${mnts[@]}"; do
			m=$(printf '%b' "$m") # mountinfo escapes blanks as \040
			umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
		done
	done
	ctrd_log "mounts left behind below $CTRD_DIR"
}

# ctrd_stop: stop the daemon (SIGTERM, then SIGKILL after 10 s).
ctrd_stop() {
	local pid=${CTRD_PID-}
	[[ -z $pid && -f ${CTRD_DIR-}/containerd.pid ]] && pid=$(cat "$CTRD_DIR/containerd.pid")
	[[ -n $pid ]] || return 0
	if ctrd_pid_alive "$pid"; then
		kill -TERM "$pid" 2>/dev/null
		ctrd_wait_gone "$pid" 10 || kill -KILL "$pid" 2>/dev/null
		ctrd_wait_gone "$pid" 5 || true
	fi
	wait "$pid" 2>/dev/null || true
}

# ctrd_cleanup [EXTRA_NAMESPACES...]: remove every trace of this daemon:
# tasks and containers (politely, through the daemon), the daemon itself,
# stray shims and container processes, cgroups, mounts, shim sockets in
# /run/containerd/s and CTRD_DIR.
ctrd_cleanup() {
	local - ns p s pids sockets
	set +e # best effort: keep going past whatever fails
	[[ -n ${CTRD_DIR-} && -f $CTRD_DIR/.hre2e ]] || return 0
	if [[ -S $CTRD_SOCK ]]; then
		for ns in $(timeout 20 ctr -a "$CTRD_SOCK" namespaces ls -q 2>/dev/null) "$@"; do
			ctrd_clean_namespace "$ns"
		done
	fi
	mapfile -t sockets < <(ctrd_shim_sockets)
	ctrd_stop
	# Shims outlive the daemon by design; end the ones that serve ours.
	mapfile -t pids < <(ctrd_shim_pids)
	for p in "${pids[@]}"; do
		kill -KILL "$p" 2>/dev/null
	done
	for p in "${pids[@]}"; do
		ctrd_wait_gone "$p" 5 || true
	done
	ctrd_kill_cgroups
	ctrd_umount_all
	mapfile -t -O "${#sockets[@]}" sockets < <(ctrd_shim_sockets)
	for s in "${sockets[@]}"; do
		rm -f "$s"
	done
	# /run/containerd/s itself stays: other containerd instances (dockerd's,
	# a system one) share it.
	if [[ -n $(awk -v d="$CTRD_DIR/" 'index($5, d) == 1' /proc/self/mountinfo) ]]; then
		ctrd_log "not removing $CTRD_DIR: still mounted"
		return 1
	fi
	rm -rf "$CTRD_DIR"
}

# --- hardening assertions ---------------------------------------------------
# Each takes the text to check (output of `id`, /proc/self/status...) and
# says which check failed.

# _ctrd_status_field TEXT NAME: value of a /proc/PID/status field.
_ctrd_status_field() {
	awk -v k="$2:" '$1 == k { print $2; exit }' <<<"$1"
}

# ctrd_show TEXT: TEXT without the /proc/PID/status fields that no
# assertion looks at, for readable failure reports.
ctrd_show() {
	awk -F: '/^[A-Za-z_]+:\t/ && $1 !~ /^(Name|Uid|Gid|Groups|Cap...|NoNewPrivs|Seccomp)$/ { next } { print }' <<<"$1"
}

# _ctrd_fail MESSAGE TEXT: report a failed check; TEXT (what was checked)
# is printed only when CTRD_SHOW_CHECKED is set, since the tests print it.
_ctrd_fail() {
	printf 'assertion failed: %s\n' "$1" >&2
	[[ -z ${CTRD_SHOW_CHECKED-} ]] || printf '%s\n' "$(ctrd_show "$2")" >&2
	return 1
}

# assert_hardened_status STATUS_TEXT: every capability set empty,
# no_new_privs set, seccomp in filter mode.
assert_hardened_status() {
	local text=$1 f v
	[[ $text == *CapEff:* ]] || _ctrd_fail "no /proc/self/status in output" "$text" || return 1
	for f in CapInh CapPrm CapEff CapBnd CapAmb; do
		v=$(_ctrd_status_field "$text" "$f")
		[[ $v == 0000000000000000 ]] || _ctrd_fail "$f is '$v', want 0000000000000000" "$text" || return 1
	done
	v=$(_ctrd_status_field "$text" NoNewPrivs)
	[[ $v == 1 ]] || _ctrd_fail "NoNewPrivs is '$v', want 1" "$text" || return 1
	v=$(_ctrd_status_field "$text" Seccomp)
	[[ $v == 2 ]] || _ctrd_fail "Seccomp is '$v', want 2" "$text" || return 1
}

# assert_baseline_status STATUS_TEXT: some capabilities kept (CapEff not
# zero), but no_new_privs and a seccomp filter.
assert_baseline_status() {
	local text=$1 v
	[[ $text == *CapEff:* ]] || _ctrd_fail "no /proc/self/status in output" "$text" || return 1
	v=$(_ctrd_status_field "$text" CapEff)
	[[ -n $v && $v != 0000000000000000 ]] || _ctrd_fail "CapEff is '$v', want some capabilities" "$text" || return 1
	v=$(_ctrd_status_field "$text" NoNewPrivs)
	[[ $v == 1 ]] || _ctrd_fail "NoNewPrivs is '$v', want 1" "$text" || return 1
	v=$(_ctrd_status_field "$text" Seccomp)
	[[ $v == 2 ]] || _ctrd_fail "Seccomp is '$v', want 2" "$text" || return 1
}

# assert_hardened_id ID_OUTPUT: `id` ran as 65534:65534.
assert_hardened_id() {
	local text=$1
	[[ $text =~ (^|[^[:alnum:]])uid=65534[\(\ ] ]] || _ctrd_fail "not uid 65534" "$text" || return 1
	[[ $text =~ [^[:alnum:]]gid=65534[\(\ ] ]] || _ctrd_fail "not gid 65534" "$text" || return 1
}

# assert_root_id ID_OUTPUT: `id` ran as uid 0.
assert_root_id() {
	[[ $1 =~ (^|[^[:alnum:]])uid=0[\(\ ] ]] || _ctrd_fail "not uid 0" "$1"
}

# The probe below prints one marker per filesystem check. A non-root
# process cannot write to a root-owned / anyway, so "readonly" means the
# write failed with EROFS ("Read-only file system"), not just any error.
# shellcheck disable=SC2016,SC2034
CTRD_FS_PROBE='if e=$(touch /x 2>&1); then echo ROOTFS=writable; else case $e in *"Read-only file system"*) echo ROOTFS=readonly ;; *) echo "ROOTFS=unwritable ($e)" ;; esac; fi; if e=$(touch /tmp/x 2>&1); then echo TMP=writable; else echo "TMP=unwritable ($e)"; fi'

assert_readonly_rootfs() {
	local text=$1
	[[ $text == *ROOTFS=readonly* ]] || _ctrd_fail "touch /x did not fail with EROFS" "$text" || return 1
	[[ $text == *TMP=writable* ]] || _ctrd_fail "touch /tmp/x failed" "$text" || return 1
}

# assert_refused TEXT WORD...: TEXT is an error that contains "refused"
# and every WORD.
assert_refused() {
	local text=$1 w
	shift
	for w in refused "$@"; do
		[[ $text == *"$w"* ]] || _ctrd_fail "error does not contain '$w'" "$text" || return 1
	done
}

# cri ARGS...: the CRI client (cri_client.py) talking to this file's
# containerd.
cri() {
	/usr/bin/python3 "$BATS_TEST_DIRNAME/cri_client.py" \
		--address "$CTRD_SOCK" --descriptor-cache "$CTRD_DIR/api.pb" "$@"
}

image_known() {
	cri ImageStatus "{\"image\": {\"image\": \"$1\"}}" | jq -e '.image.id != ""' >/dev/null
}

# cri_start NETWORK BRIDGE SUBNET DEFAULT NAME=BINARY...: containerd (after
# ctrd_init) with the CRI plugin, a bridge network NETWORK of its own, and a
# runc v2 handler NAME per argument, each running BINARY with the test's
# runc root; DEFAULT is the default handler. Imports the pause and busybox
# images into k8s.io and waits until the CRI plugin knows them. Returns 1,
# having skipped the file, when containerd or the plugin does not come up.
cri_start() {
	local network=$1 bridge=$2 subnet=$3 default=$4 h name rt
	shift 4
	mkdir -p "$CTRD_DIR/cni/net.d" "$CTRD_DIR/cni/ipam"
	cat >"$CTRD_DIR/cni/net.d/10-$network.conflist" <<CNI
{
  "cniVersion": "0.4.0",
  "name": "$network",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "$bridge",
      "isGateway": false,
      "ipMasq": false,
      "hairpinMode": false,
      "ipam": {
        "type": "host-local",
        "ranges": [[{ "subnet": "$subnet" }]],
        "dataDir": "$CTRD_DIR/cni/ipam"
      }
    }
  ]
}
CNI
	local cri='plugins."io.containerd.grpc.v1.cri"'
	local config="[$cri]
  sandbox_image = \"$CTRD_PAUSE_REF\"
  restrict_oom_score_adj = true
  stream_server_address = \"127.0.0.1\"
  stream_server_port = \"0\"
  netns_mounts_under_state_dir = true
  enable_selinux = false
  disable_apparmor = true
  [$cri.containerd]
    snapshotter = \"overlayfs\"
    default_runtime_name = \"$default\"
  [$cri.cni]
    bin_dir = \"/usr/lib/cni\"
    conf_dir = \"$CTRD_DIR/cni/net.d\"
    max_conf_num = 1
"
	for h in "$@"; do
		name=${h%%=*}
		rt="$cri.containerd.runtimes.$name"
		config+="
  [$rt]
    runtime_type = \"io.containerd.runc.v2\"
    [$rt.options]
      BinaryName = \"${h#*=}\"
      Root = \"$CTRD_RUNC_ROOT\"
      SystemdCgroup = false
"
	done
	ctrd_write_config "$config"
	ctrd_start || return 1
	ctrd_import "$(ctrd_image pause)" k8s.io
	ctrd_import "$(ctrd_image busybox)" k8s.io
	if ! cri ready --wait 30; then
		grep -i -E 'level=(error|warning)' "$CTRD_LOG" | tail -n 20 | sed 's/^/#   /' >&2
		ctrd_skip_file "the CRI plugin did not become ready"
		return 1
	fi
	# The CRI plugin learns about imported images from events.
	ctrd_retry 10 image_known "$CTRD_PAUSE_REF"
	ctrd_retry 10 image_known "$CTRD_BUSYBOX_REF"
}

# cri_stop BRIDGE NETWORK: the other half of cri_start, best effort: the
# pods, containerd, the bridge and CNI's result cache entries (which name
# the sandboxes, in case the daemon could not tear the networks down).
cri_stop() {
	local - bridge=$1 network=$2 sandboxes id
	set +e
	[[ -n ${CTRD_DIR-} ]] || return 0
	[[ -S ${CTRD_SOCK-} ]] && cri cleanup >/dev/null 2>&1
	sandboxes=$(ls "$CTRD_DIR/root/io.containerd.grpc.v1.cri/sandboxes" 2>/dev/null)
	ctrd_cleanup k8s.io
	if [[ -n $bridge ]] && ip link show "$bridge" >/dev/null 2>&1; then
		ip link delete "$bridge"
	fi
	[[ -n $network ]] && rm -f /var/lib/cni/results/"$network"-*
	for id in $sandboxes; do
		rm -f /var/lib/cni/results/cni-loopback-"$id"-lo
	done
	return 0
}
