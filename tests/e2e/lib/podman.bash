# shellcheck shell=bash
#
# Helpers for engine-podman.bats: Podman 4.3 with its own containers.conf,
# storage.conf and registries.conf under a temporary directory, and the
# runtime "hardrun" pointing at $HARDRUN.

# The engine-neutral helpers (image, probes, assertions, cleanup) live in
# docker.bash.
# shellcheck source=tests/e2e/lib/docker.bash
source "${BASH_SOURCE[0]%/*}/docker.bash"

# podman: the podman CLI, always with this file's configuration, so that a
# test never reaches the host's default storage.
podman() {
	CONTAINERS_CONF=$PODMAN_TMP/conf/containers.conf \
		CONTAINERS_STORAGE_CONF=$PODMAN_TMP/conf/storage.conf \
		CONTAINERS_REGISTRIES_CONF=$PODMAN_TMP/conf/registries.conf \
		timeout -k 5 "$E2E_COMMAND_TIMEOUT" podman "$@"
}

podman_write_config() {
	local tmp=$PODMAN_TMP

	mkdir -p "$tmp/conf" "$tmp/tmp" "$tmp/networks"
	# netns "host" is the default the engine needs here; the tests still
	# ask for --network none, since hardrun refuses the host's namespace.
	cat >"$tmp/conf/containers.conf" <<EOF
[containers]
netns = "host"
default_ulimits = ["nofile=4096:4096", "nproc=4096:4096"]

[network]
network_config_dir = "$tmp/networks"

[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$tmp/events.log"
tmp_dir = "$tmp/tmp"
image_copy_tmp_dir = "$tmp/tmp"
volume_path = "$tmp/volumes"
lock_type = "file"
runtime_supports_json = ["hardrun", "hardrun-example", "crun", "runc"]

[engine.runtimes]
hardrun = ["$HARDRUN"]
hardrun-example = ["$tmp/hardrun-example"]
EOF
	# hardrun-example: hardrun under deploy/policy's example policy, its
	# audit trail moved here and the runtime left to hardrun's defaults
	jq --arg a "$tmp/example-audit.log" 'del(.runtime) | .audit.file = $a' \
		"$HARDRUN_SRCDIR/deploy/policy/policy.json" >"$tmp/example-policy.json"
	printf '#!/bin/sh\nexec "%s" --hardrun-policy "%s" "$@"\n' "$HARDRUN" "$tmp/example-policy.json" \
		>"$tmp/hardrun-example"
	chmod 0755 "$tmp/hardrun-example"
	cat >"$tmp/conf/storage.conf" <<EOF
[storage]
driver = "overlay"
graphroot = "$tmp/storage"
runroot = "$tmp/runroot"
EOF
	cat >"$tmp/conf/registries.conf" <<EOF
unqualified-search-registries = []
short-name-mode = "disabled"
EOF
}

# podman_setup: writes the configuration and checks that podman works with
# it.  On failure it cleans up and sets E2E_SKIP_REASON.
podman_setup() {
	if ! command -v podman >/dev/null; then
		E2E_SKIP_REASON="podman is not installed (Debian package podman)"
		return 0
	fi

	# Under /tmp, not $TMPDIR, to keep the sockets below it short.
	PODMAN_TMP=$(mktemp -d /tmp/hardrun-podman.XXXXXX)
	export PODMAN_TMP

	# Host paths podman creates whatever the configuration.  /run/runc,
	# runc's default state directory, is shared with other engines and stays.
	e2e_note_absent "$PODMAN_TMP/host-dirs" /run/containers /run/containers/networks \
		/var/lib/containers /var/lib/containers/cache
	# With cgroupfs every podman puts its containers and conmon below
	# libpod_parent; remove it at the end only if it is this file's.
	PODMAN_OWNS_LIBPOD_PARENT=
	e2e_cgroup_exists libpod_parent || PODMAN_OWNS_LIBPOD_PARENT=1
	export PODMAN_OWNS_LIBPOD_PARENT
	podman_write_config

	if ! podman info >/dev/null 2>"$PODMAN_TMP/info.err"; then
		E2E_SKIP_REASON="podman does not start: $(tail -n 3 "$PODMAN_TMP/info.err" | paste -sd ' ' -)"
		podman_cleanup
	fi
}

# podman_import_image: imports the busybox root filesystem as E2E_IMAGE.
podman_import_image() {
	e2e_make_busybox_tar "$PODMAN_TMP" &&
		podman import --quiet --change 'CMD ["sh"]' "$PODMAN_TMP/rootfs.tar" \
			"localhost/$E2E_IMAGE" >/dev/null &&
		rm -f "$PODMAN_TMP/rootfs.tar"
}

podman_remove_all_containers() {
	podman rm --all --force --time 0 >/dev/null 2>&1 || true
}

# podman_container_ids: every container id in this file's event log.
podman_container_ids() {
	[ -f "$PODMAN_TMP/events.log" ] || return 0
	jq -r 'select(.Type == "container") | .ID // empty' "$PODMAN_TMP/events.log" 2>/dev/null |
		sort -u
}

# podman_cleanup: removes the containers, conmon processes, runc state,
# cgroups, storage mounts, host directories and the temporary directory.
# Safe to call twice.
podman_cleanup() {
	local ids=() id

	[ -n "${PODMAN_TMP:-}" ] && [ -d "$PODMAN_TMP" ] || return 0

	podman_remove_all_containers
	mapfile -t ids < <(podman_container_ids)
	[ "${#ids[@]}" -eq 0 ] || e2e_runc_delete_all /run/runc "${ids[@]}"
	e2e_kill_leftovers "$PODMAN_TMP"
	for id in "${ids[@]}"; do
		e2e_remove_cgroup "libpod_parent/libpod-$id"
	done
	[ -z "${PODMAN_OWNS_LIBPOD_PARENT:-}" ] || e2e_remove_cgroup libpod_parent
	e2e_unmount_under "$PODMAN_TMP" || true

	# The blob info cache is the one file podman keeps outside its storage.
	if grep -qx /var/lib/containers/cache "$PODMAN_TMP/host-dirs" 2>/dev/null; then
		rm -f /var/lib/containers/cache/blob-info-cache-v1.boltdb
	fi
	e2e_remove_noted "$PODMAN_TMP/host-dirs"
	e2e_remove_tmpdir "$PODMAN_TMP"
}
