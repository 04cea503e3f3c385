#!/usr/bin/env bats
#
# Podman driving hardrun with user namespaces: "--userns=container:NAME"
# joins another container's namespace, judged by its real maps; ":idmap"
# volumes are judged by the owners they show. Over runc and over crun.
# Also "--privileged", which runc could not start under hardrun before the
# device cgroup allowed the devices hardrun keeps.

bats_require_minimum_version 1.5.0

load lib/podman

setup_file() {
	e2e_check_prerequisites
	[ -z "$E2E_SKIP_REASON" ] || return 0
	podman_setup
	[ -z "$E2E_SKIP_REASON" ] || return 0
	podman_import_image
	# hardrun over crun, named "crun" so that podman passes --log
	mkdir -p "$PODMAN_TMP/over-crun"
	printf '#!/bin/sh\nexec %s --hardrun-runtime %s "$@"\n' "$HARDRUN" "$(command -v crun)" \
		>"$PODMAN_TMP/over-crun/crun"
	chmod 755 "$PODMAN_TMP/over-crun/crun"
	# the holders' root: a plain directory (--rootfs) that a mapped root
	# can reach; podman's overlay storage cannot mount an image for a map
	# that sends 65534 to host root
	HOLDER_ROOT=$(mktemp -d /tmp/hardrun-holder.XXXXXX)
	chmod 755 "$HOLDER_ROOT"
	mkdir "$HOLDER_ROOT/root"
	e2e_make_busybox_tar "$HOLDER_ROOT" && tar -C "$HOLDER_ROOT/root" -xf "$HOLDER_ROOT/rootfs.tar"
	export HOLDER_ROOT
}

teardown_file() {
	podman_cleanup
	[ -z "${HOLDER_ROOT:-}" ] || rm -rf "$HOLDER_ROOT"
}

setup() {
	e2e_skip_if_unavailable
	VICTIM=$(mktemp -d /tmp/hardrun-victim.XXXXXX)
	chmod 755 "$VICTIM"
	echo secret >"$VICTIM/root-file"
	chmod 644 "$VICTIM/root-file"
}

teardown() {
	[ -n "$E2E_SKIP_REASON" ] || podman_remove_all_containers
	[ -z "${VICTIM:-}" ] || rm -rf "$VICTIM"
	# crun 1.8.1 chowns the host's /dev/null to the container user (crun#1845)
	chown 0:0 /dev/null 2>/dev/null || true
	chmod 666 /dev/null 2>/dev/null || true
}

# need_runtime NAME: skips without the runtime. crun refuses cgroup v1
# "hybrid" hosts until hugetlb is mounted as v1 (as in lib/common.bash).
need_runtime() {
	command -v "$1" >/dev/null 2>&1 || skip "$1 is not installed"
	if [ "$1" = crun ] && [ -d /sys/fs/cgroup/unified ] && ! mountpoint -q /sys/fs/cgroup/hugetlb 2>/dev/null; then
		mkdir -p /sys/fs/cgroup/hugetlb 2>/dev/null
		mount -t cgroup -o hugetlb cgroup /sys/fs/cgroup/hugetlb 2>/dev/null ||
			skip "crun cannot run on this host: cannot mount the hugetlb cgroup"
	fi
}

# runtime_for NAME: podman's --runtime for hardrun over runc or crun.
runtime_for() {
	case $1 in
	runc) echo hardrun ;;
	crun) echo "$PODMAN_TMP/over-crun/crun" ;;
	esac
}

# holder NAME ROOT MAP...: a long-running container made without hardrun
# (plain crun) whose user namespace has the --uidmap/--gidmap MAPs; ROOT is
# "image" or "rootfs" (a plain directory: podman cannot mount its image
# storage for every map, and a container that joins the namespace of one
# made from an image shares its mapped storage).
holder() {
	local name=$1 root=$2 m args=()
	shift 2
	for m in "$@"; do
		args+=(--uidmap "$m" --gidmap "$m")
	done
	if [ "$root" = rootfs ]; then
		args+=(--rootfs "$HOLDER_ROOT/root")
	else
		args+=("localhost/$E2E_IMAGE")
	fi
	podman --runtime "$(command -v crun)" run -d --name "$name" --network none "${args[@]}" sleep 300 >/dev/null
}

joined_evil() {
	local rt=$1
	need_runtime "$rt"
	need_runtime crun
	holder evil-holder rootfs 0:100000:65534 65534:0:1
	run podman --runtime "$(runtime_for "$rt")" run --rm --network none --userns=container:evil-holder \
		-v "$VICTIM:/v" "localhost/$E2E_IMAGE" sh -c 'id; echo x >>/v/root-file'
	assert_failure
	assert_output_contains "hardrun refused container" "uid 65534 is host root in the joined user namespace"
	[ "$(cat "$VICTIM/root-file")" = secret ]
	# the holder's namespace is what made it dangerous: plain crun joins it
	# and its root, with CAP_DAC_OVERRIDE over the ids the map holds,
	# writes host root's file
	run podman --runtime "$(command -v crun)" run --rm --network none --userns=container:evil-holder \
		-v "$VICTIM:/v" "localhost/$E2E_IMAGE" sh -c 'echo x >>/v/root-file && echo WROTE'
	[[ $output == *WROTE* ]] || skip "without hardrun the write failed too here: $output"
}

@test "userns=container: joining a namespace where 65534 is host root is refused (runc)" {
	joined_evil runc
}

@test "userns=container: joining a namespace where 65534 is host root is refused (crun)" {
	joined_evil crun
}

joined_good() {
	local rt=$1
	need_runtime "$rt"
	need_runtime crun
	holder good-holder image 0:100000:65536
	run podman --runtime "$(runtime_for "$rt")" run --rm --network none --userns=container:good-holder \
		-v "$VICTIM:/v" "localhost/$E2E_IMAGE" sh -c 'id; cat /proc/self/uid_map; echo x >>/v/root-file && echo WROTE'
	assert_output_contains "uid=65534" "100000"
	[[ $output != *WROTE* ]] || e2e_fail "wrote a root-owned host file:" "$output"
	[ "$(cat "$VICTIM/root-file")" = secret ]
}

@test "userns=container: joining a namespace with root mapped away runs, as non-root (runc)" {
	joined_good runc
}

@test "userns=container: joining a namespace with root mapped away runs, as non-root (crun)" {
	joined_good crun
}

idmap_volume() {
	local rt=$1
	need_runtime "$rt"
	run podman --runtime "$(runtime_for "$rt")" run --rm --network none \
		--uidmap 0:100000:65536 --gidmap 0:100000:65536 -v "$VICTIM:/v:idmap" \
		"localhost/$E2E_IMAGE" sh -c 'id; ls -ln /v; echo x >>/v/root-file && echo WROTE'
	assert_failure
	assert_output_contains "hardrun refused container" "idmapped mount at \"/v\" shows host root's files (on-disk uid 0) as uid 100000"
	[ "$(cat "$VICTIM/root-file")" = secret ]
}

@test ":idmap volume with root mapped away is refused (runc)" {
	idmap_volume runc
}

@test ":idmap volume with root mapped away is refused (crun)" {
	idmap_volume crun
}

@test "podman run --privileged starts with only the default devices, usable (runc)" {
	run podman --runtime hardrun run --rm --privileged --network none "localhost/$E2E_IMAGE" sh -c '
		echo x >/dev/null && echo null=ok
		ls /dev
		id'
	assert_success
	assert_output_contains "null=ok" "uid=65534"
	for dev in kmsg mem sda vda loop0; do
		if printf '%s\n' "$output" | grep -qx "$dev"; then
			e2e_fail "host device /dev/$dev is in the container:" "$output"
		fi
	done
}
