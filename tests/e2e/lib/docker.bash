# shellcheck shell=bash
#
# Helpers for the end-to-end tests.
#
# The first part is engine-neutral: the root check, the busybox image, the
# probes run inside a container and the assertions on what they print, and
# the cleanup primitives (processes, mounts, cgroups, host directories).
# podman.bash sources this file for that part.
#
# The second part runs a private dockerd for one bats file: its own
# daemon.json, socket, data-root, exec-root and cgroup parent under a
# temporary directory, with two runtimes:
#   hardrun           -> $HARDRUN
#   hardrun-baseline  -> $HARDRUN --hardrun-profile baseline (runtimeArgs)
#
# Bats 1.8 cannot skip from setup_file, so setup_file stores a reason in
# E2E_SKIP_REASON and every test's setup calls e2e_skip_if_unavailable.

E2E_IMAGE=hardrun-e2e:busybox

# Files docker masks in /proc.  Inside a hardened container each one must be
# absent on this kernel, unreadable, or read as empty.
E2E_MASKED_FILES="/proc/kcore /proc/keys /proc/timer_list /proc/interrupts /proc/latency_stats /proc/sched_debug /proc/timer_stats"

# Probes: POSIX sh run inside the container by busybox, used by the .bats
# files; "$" in them is for the container's shell.
# shellcheck disable=SC2034
E2E_PROBE_STATUS='id
grep -E "^(Cap(Inh|Prm|Eff|Bnd|Amb)|NoNewPrivs|Seccomp):" /proc/self/status'

# shellcheck disable=SC2034
E2E_PROBE_FS='if touch /x 2>/dev/null; then echo "rootfs=writable"; else echo "rootfs=read-only"; fi
if touch /tmp/x 2>/dev/null; then echo "tmp=writable"; else echo "tmp=read-only"; fi'

# shellcheck disable=SC2016,SC2034
E2E_PROBE_MASKED='for p in '"$E2E_MASKED_FILES"'; do
	if [ ! -e "$p" ]; then echo "$p=absent"
	elif ! head -c 1 "$p" >/dev/null 2>&1; then echo "$p=unreadable"
	elif [ "$(head -c 64 "$p" | wc -c)" -eq 0 ]; then echo "$p=empty"
	else echo "$p=readable"
	fi
done'

CAP_NET_RAW=13

# Seconds any one engine command may take: a hung runtime fails its test
# instead of stalling the whole run.
E2E_COMMAND_TIMEOUT=${E2E_COMMAND_TIMEOUT:-120}

# ---------------------------------------------------------------------------
# Engine-neutral helpers
# ---------------------------------------------------------------------------

e2e_skip_if_unavailable() {
	if [ -n "${E2E_SKIP_REASON:-}" ]; then
		skip "$E2E_SKIP_REASON"
	fi
}

# e2e_check_prerequisites: sets E2E_SKIP_REASON when not root; fails when
# HARDRUN does not name an executable, since that is a broken test setup.
e2e_check_prerequisites() {
	export E2E_SKIP_REASON=
	if [ "$(id -u)" -ne 0 ]; then
		E2E_SKIP_REASON="needs root"
		return 0
	fi
	case ${HARDRUN:-} in
	/*) ;;
	*)
		echo "HARDRUN must be the absolute path of the hardrun binary (got '${HARDRUN:-}')" >&2
		return 1
		;;
	esac
	if [ ! -x "$HARDRUN" ]; then
		echo "HARDRUN is not executable: $HARDRUN" >&2
		return 1
	fi
}

e2e_fail() {
	printf '%s\n' "$@" >&2
	return 1
}

# e2e_make_busybox_tar DIR: writes DIR/rootfs.tar, a root filesystem holding
# the static busybox, its applets, /etc/passwd and /etc/group.
e2e_make_busybox_tar() {
	local dir=$1 busybox applet
	local rootfs=$dir/rootfs

	busybox=$(command -v busybox) || e2e_fail "busybox not found (Debian package busybox-static)" || return
	mkdir -p "$rootfs"/bin "$rootfs"/dev "$rootfs"/etc "$rootfs"/proc "$rootfs"/sys \
		"$rootfs"/run "$rootfs"/tmp "$rootfs"/var/tmp
	chmod 1777 "$rootfs"/tmp "$rootfs"/var/tmp
	cp "$busybox" "$rootfs"/bin/busybox
	for applet in $("$busybox" --list); do
		[ "$applet" = busybox ] || ln -s busybox "$rootfs/bin/$applet"
	done
	printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' \
		'nobody:x:65534:65534:nobody:/nonexistent:/bin/sh' >"$rootfs"/etc/passwd
	printf '%s\n' 'root:x:0:' 'nogroup:x:65534:' >"$rootfs"/etc/group
	tar --numeric-owner --owner=0 --group=0 -C "$rootfs" -cf "$dir"/rootfs.tar .
	rm -rf "$rootfs"
}

# Assertions on the last `run`: on failure they show what the command printed.
# shellcheck disable=SC2154 # status and output are set by bats' run.
assert_success() {
	[ "$status" -eq 0 ] && return 0
	e2e_fail "expected status 0, got $status; output:" "$output"
}

# shellcheck disable=SC2154
assert_failure() {
	[ "$status" -ne 0 ] && return 0
	e2e_fail "expected a failure, got status 0; output:" "$output"
}

# assert_output_equals TEXT
assert_output_equals() {
	[ "$output" = "$1" ] && return 0
	e2e_fail "expected output '$1', got:" "$output"
}

# assert_output_contains TEXT...: each TEXT occurs in the output.
assert_output_contains() {
	local part bad=0

	for part in "$@"; do
		if [[ $output != *"$part"* ]]; then
			echo "the output lacks '$part'" >&2
			bad=1
		fi
	done
	[ "$bad" -eq 0 ] || e2e_fail "output:" "$output"
}

# e2e_status_field NAME TEXT: the value of "NAME:" in /proc/self/status text.
e2e_status_field() {
	printf '%s\n' "$2" | sed -n "s/^$1:[[:space:]]*//p" | head -n 1
}

# e2e_cap_is_set HEX BIT
e2e_cap_is_set() {
	(((16#$1 >> $2) & 1))
}

# assert_nonroot_identity TEXT: `id` in TEXT shows uid and gid 65534 and no
# supplementary group 0.
assert_nonroot_identity() {
	local text=$1 idline groups bad=0

	idline=$(printf '%s\n' "$text" | grep -E '^uid=' | head -n 1)
	if ! [[ $idline =~ ^uid=65534[\(\ ] ]]; then
		echo "expected uid=65534, got: '$idline'" >&2
		bad=1
	fi
	if ! [[ $idline =~ \ gid=65534[\(\ ] || $idline =~ \ gid=65534$ ]]; then
		echo "expected gid=65534, got: '$idline'" >&2
		bad=1
	fi
	groups=${idline#*groups=}
	if [ "$groups" != "$idline" ] && [[ ,$groups =~ ,0(\(|,|$) ]]; then
		echo "supplementary group 0 is still present: '$idline'" >&2
		bad=1
	fi
	return "$bad"
}

# assert_no_capabilities TEXT: every capability set in TEXT is empty.
assert_no_capabilities() {
	local text=$1 set value bad=0

	for set in CapInh CapPrm CapEff CapBnd CapAmb; do
		value=$(e2e_status_field "$set" "$text")
		if [ "$value" != 0000000000000000 ]; then
			echo "expected $set 0000000000000000, got '$value'" >&2
			bad=1
		fi
	done
	return "$bad"
}

# assert_nnp_and_seccomp TEXT: NoNewPrivs is 1 and a seccomp filter (mode 2)
# is installed.
assert_nnp_and_seccomp() {
	local text=$1 bad=0 value

	value=$(e2e_status_field NoNewPrivs "$text")
	if [ "$value" != 1 ]; then
		echo "expected NoNewPrivs 1, got '$value'" >&2
		bad=1
	fi
	value=$(e2e_status_field Seccomp "$text")
	if [ "$value" != 2 ]; then
		echo "expected Seccomp 2, got '$value'" >&2
		bad=1
	fi
	return "$bad"
}

# assert_hardened_status TEXT: output of E2E_PROBE_STATUS under the default
# profile.
assert_hardened_status() {
	local bad=0
	assert_nonroot_identity "$1" || bad=1
	assert_no_capabilities "$1" || bad=1
	assert_nnp_and_seccomp "$1" || bad=1
	return "$bad"
}

# assert_baseline_status TEXT: output of E2E_PROBE_STATUS run as uid 0 under
# the baseline profile: root stays root, but NoNewPrivs, seccomp and no
# CAP_NET_RAW.
assert_baseline_status() {
	local text=$1 bad=0 set value

	if ! printf '%s\n' "$text" | grep -Eq '^uid=0[( ]'; then
		echo "expected uid=0 to be allowed under the baseline profile" >&2
		bad=1
	fi
	assert_nnp_and_seccomp "$text" || bad=1
	for set in CapPrm CapEff CapBnd CapAmb CapInh; do
		value=$(e2e_status_field "$set" "$text")
		if [ -z "$value" ] || e2e_cap_is_set "$value" "$CAP_NET_RAW"; then
			echo "CAP_NET_RAW must not be in $set (got '$value')" >&2
			bad=1
		fi
	done
	return "$bad"
}

# assert_readonly_rootfs TEXT: output of E2E_PROBE_FS.
assert_readonly_rootfs() {
	local bad=0
	if ! printf '%s\n' "$1" | grep -qx 'rootfs=read-only'; then
		echo "the root filesystem is writable" >&2
		bad=1
	fi
	if ! printf '%s\n' "$1" | grep -qx 'tmp=writable'; then
		echo "/tmp is not writable" >&2
		bad=1
	fi
	return "$bad"
}

# assert_masked TEXT: output of E2E_PROBE_MASKED.
assert_masked() {
	local bad=0 line

	if ! printf '%s\n' "$1" | grep -q '^/proc/kcore='; then
		echo "the probe did not report /proc/kcore" >&2
		bad=1
	fi
	while IFS= read -r line; do
		case $line in
		*=readable)
			echo "not masked: ${line%=readable}" >&2
			bad=1
			;;
		esac
	done <<<"$1"
	return "$bad"
}

# e2e_pid_alive PID: the process exists and is not a zombie.
e2e_pid_alive() {
	local stat
	[ -n "${1:-}" ] || return 1
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	stat=${stat##*) }
	[ "${stat%% *}" != Z ]
}

# e2e_stop_pid PID SECONDS: SIGTERM, then SIGKILL after SECONDS.
e2e_stop_pid() {
	local pid=$1 tenths=$(($2 * 10))

	e2e_pid_alive "$pid" || return 0
	kill -TERM "$pid" 2>/dev/null || true
	while e2e_pid_alive "$pid" && [ "$tenths" -gt 0 ]; do
		sleep 0.1
		tenths=$((tenths - 1))
	done
	if e2e_pid_alive "$pid"; then
		kill -KILL "$pid" 2>/dev/null || true
		sleep 0.2
	fi
	# Reap it when it is our child; harmless otherwise.
	wait "$pid" 2>/dev/null || true
}

# e2e_pids_mentioning DIR: processes whose command line names a path under
# DIR (the per-file temporary directory, so only processes this file started).
e2e_pids_mentioning() {
	local dir=$1 f pid cmdline

	for f in /proc/[0-9]*/cmdline; do
		pid=${f#/proc/}
		pid=${pid%/cmdline}
		if [ "$pid" = "$$" ] || [ "$pid" = "${BASHPID:-}" ]; then
			continue
		fi
		cmdline=$(tr '\0' ' ' 2>/dev/null <"$f") || continue
		case $cmdline in
		*"$dir/"*) echo "$pid" ;;
		esac
	done
}

# e2e_shim_socket PID: the /run/containerd/s socket of a containerd runc v2
# shim: sha256 of "<containerd address>/<namespace>/<id>".
e2e_shim_socket() {
	local args=() i ns='' id='' address=''

	mapfile -d '' args 2>/dev/null <"/proc/$1/cmdline" || return 1
	for ((i = 0; i + 1 < ${#args[@]}; i++)); do
		case ${args[i]} in
		-namespace) ns=${args[i + 1]} ;;
		-id) id=${args[i + 1]} ;;
		-address) address=${args[i + 1]} ;;
		esac
	done
	[ -n "$ns" ] && [ -n "$id" ] && [ -n "$address" ] || return 1
	printf '/run/containerd/s/%s\n' \
		"$(printf '%s' "$address/$ns/$id" | sha256sum | cut -d' ' -f1)"
}

# e2e_kill_leftovers DIR: stops every process started for DIR (containerd,
# shims, conmon) and removes the shims' sockets.
e2e_kill_leftovers() {
	local pid socket

	for pid in $(e2e_pids_mentioning "$1"); do
		socket=$(e2e_shim_socket "$pid") || socket=
		e2e_stop_pid "$pid" 5
		[ -z "$socket" ] || rm -f "$socket"
	done
}

# e2e_runc_delete_all ROOT: force-deletes what runc still tracks in ROOT for
# the given container ids (all of ROOT when no id is given).
e2e_runc_delete_all() {
	local root=$1 dir
	shift

	[ -d "$root" ] || return 0
	if [ "$#" -eq 0 ]; then
		for dir in "$root"/*/; do
			[ -d "$dir" ] && set -- "$@" "$(basename "$dir")"
		done
	fi
	for dir in "$@"; do
		[ -e "$root/$dir/state.json" ] || continue
		runc --root "$root" delete --force "$dir" >/dev/null 2>&1 || true
	done
}

e2e_mounts_under() {
	awk -v d="$1" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo
}

# e2e_unmount_under DIR: unmounts everything at or below DIR, deepest first,
# until nothing is left (dockerd stacks its data-root bind on itself).
e2e_unmount_under() {
	local dir=$1 round mnt mounts=()

	for ((round = 0; round < 10; round++)); do
		mapfile -t mounts < <(e2e_mounts_under "$dir" | sort -r)
		[ "${#mounts[@]}" -gt 0 ] || return 0
		for mnt in "${mounts[@]}"; do
			umount "$mnt" 2>/dev/null || umount -l "$mnt" 2>/dev/null || true
		done
	done
	e2e_fail "still mounted under $dir:" "$(e2e_mounts_under "$dir")"
}

# e2e_remove_cgroup NAME: removes the cgroup NAME and everything below it in
# every hierarchy; only empty cgroups go, the kernel refuses the others.
e2e_remove_cgroup() {
	local dir

	for dir in /sys/fs/cgroup/"$1" /sys/fs/cgroup/*/"$1"; do
		[ -d "$dir" ] || continue
		find "$dir" -depth -type d -exec rmdir {} + 2>/dev/null || true
	done
}

# e2e_cgroup_exists NAME: NAME is a cgroup in some hierarchy.
e2e_cgroup_exists() {
	local dir

	for dir in /sys/fs/cgroup/"$1" /sys/fs/cgroup/*/"$1"; do
		[ -d "$dir" ] && return 0
	done
	return 1
}

# e2e_note_absent LIST PATH...: appends to LIST each PATH that does not
# exist yet, so that e2e_remove_noted can remove what the engine created.
e2e_note_absent() {
	local list=$1 path
	shift

	for path in "$@"; do
		[ -e "$path" ] || echo "$path" >>"$list"
	done
}

# e2e_remove_noted LIST: rmdir, deepest first, the noted paths that are now
# empty directories.
e2e_remove_noted() {
	[ -f "$1" ] || return 0
	sort -r "$1" | while IFS= read -r path; do
		rmdir "$path" 2>/dev/null || true
	done
}

# e2e_remove_tmpdir DIR: deletes DIR unless something is still mounted in it.
e2e_remove_tmpdir() {
	if [ -n "$(e2e_mounts_under "$1")" ]; then
		e2e_fail "not removing $1: mounts remain"
		return
	fi
	rm -rf "$1"
}

# ---------------------------------------------------------------------------
# Docker
# ---------------------------------------------------------------------------

DOCKER_CLI=${DOCKER_CLI:-/usr/bin/docker}

# docker: the Docker 20.10 CLI talking to this file's daemon.
docker() {
	DOCKER_CONFIG=$DOCKER_TMP/cli timeout -k 5 "$E2E_COMMAND_TIMEOUT" \
		"$DOCKER_CLI" -H "unix://$DOCKER_SOCK" "$@"
}

docker_write_config() {
	jq -n \
		--arg tmp "$DOCKER_TMP" \
		--arg sock "$DOCKER_SOCK" \
		--arg cgroup "/$DOCKER_CGROUP_PARENT" \
		--arg hardrun "$HARDRUN" \
		'{
			hosts: ["unix://" + $sock],
			"data-root": ($tmp + "/data"),
			"exec-root": ($tmp + "/exec"),
			pidfile: ($tmp + "/docker.pid"),
			"deprecated-key-path": ($tmp + "/key.json"),
			"storage-driver": "overlay2",
			iptables: false,
			"ip-forward": false,
			"ip-masq": false,
			bridge: "none",
			"exec-opts": ["native.cgroupdriver=cgroupfs"],
			"cgroup-parent": $cgroup,
			"shutdown-timeout": 5,
			"default-runtime": "hardrun",
			runtimes: {
				hardrun: {path: $hardrun},
				"hardrun-baseline": {
					path: $hardrun,
					runtimeArgs: ["--hardrun-profile", "baseline"]
				}
			}
		}' >"$DOCKER_TMP/daemon.json"
}

# docker_start_daemon: starts dockerd and waits until it answers.  On
# failure it cleans up and sets E2E_SKIP_REASON.
docker_start_daemon() {
	local dockerd i

	if ! dockerd=$(command -v dockerd); then
		E2E_SKIP_REASON="dockerd is not installed (Debian package docker.io)"
		return 0
	fi
	if [ ! -x "$DOCKER_CLI" ]; then
		E2E_SKIP_REASON="$DOCKER_CLI is not installed (Debian package docker.io)"
		return 0
	fi

	# Under /tmp, not $TMPDIR: containerd's sockets live below it and a unix
	# socket path must stay under 108 bytes.
	DOCKER_TMP=$(mktemp -d /tmp/hardrun-docker.XXXXXX)
	DOCKER_SOCK=$DOCKER_TMP/docker.sock
	DOCKER_EXEC_ROOT=$DOCKER_TMP/exec
	DOCKER_CGROUP_PARENT=hardrun-e2e-docker-${DOCKER_TMP##*.}
	export DOCKER_TMP DOCKER_SOCK DOCKER_EXEC_ROOT DOCKER_CGROUP_PARENT

	# dockerd creates these whatever its configuration.  /run/containerd/s
	# is shared with every other containerd on the host and stays.
	e2e_note_absent "$DOCKER_TMP/host-dirs" /run/docker /run/docker/plugins
	docker_write_config

	# fd 3 is bats' own: a daemon holding it open would hang the run.
	"$dockerd" --config-file "$DOCKER_TMP/daemon.json" \
		</dev/null >"$DOCKER_TMP/dockerd.log" 2>&1 3>&- &
	DOCKER_PID=$!
	export DOCKER_PID

	for ((i = 0; i < 150; i++)); do
		if docker version --format '{{.Server.Version}}' >/dev/null 2>&1; then
			return 0
		fi
		e2e_pid_alive "$DOCKER_PID" || break
		sleep 0.2
	done
	E2E_SKIP_REASON="dockerd did not start: $(tail -n 3 "$DOCKER_TMP/dockerd.log" | paste -sd ' ' -)"
	docker_stop_daemon
}

docker_remove_all_containers() {
	local ids=()
	mapfile -t ids < <(docker ps -aq 2>/dev/null)
	[ "${#ids[@]}" -eq 0 ] || docker rm -f "${ids[@]}" >/dev/null 2>&1 || true
}

# docker_stop_daemon: stops dockerd by PID and removes everything it left:
# containers, containerd and its shims, shim sockets, mounts, cgroups,
# host directories and the temporary directory.  Safe to call twice.
docker_stop_daemon() {
	[ -n "${DOCKER_TMP:-}" ] && [ -d "$DOCKER_TMP" ] || return 0

	if e2e_pid_alive "${DOCKER_PID:-}"; then
		docker_remove_all_containers
		e2e_stop_pid "$DOCKER_PID" 20
	fi
	e2e_runc_delete_all "$DOCKER_EXEC_ROOT/runtime-runc/moby"
	e2e_kill_leftovers "$DOCKER_TMP"
	e2e_unmount_under "$DOCKER_TMP" || true
	e2e_remove_cgroup "$DOCKER_CGROUP_PARENT"
	e2e_remove_noted "$DOCKER_TMP/host-dirs"
	e2e_remove_tmpdir "$DOCKER_TMP"
}

# docker_import_image: imports the busybox root filesystem as E2E_IMAGE.
docker_import_image() {
	e2e_make_busybox_tar "$DOCKER_TMP" &&
		docker import --change 'CMD ["sh"]' "$DOCKER_TMP/rootfs.tar" "$E2E_IMAGE" >/dev/null &&
		rm -f "$DOCKER_TMP/rootfs.tar"
}

# docker_bundle_config ID: the config.json containerd gave the runtime.
docker_bundle_config() {
	echo "$DOCKER_EXEC_ROOT/containerd/daemon/io.containerd.runtime.v2.task/moby/$1/config.json"
}
