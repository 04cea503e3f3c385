#!/usr/bin/env bats
#
# deploy/hardrun-install on copies of real engine configuration files:
# containerd's default config, a Docker daemon.json with keys of its own,
# Podman's packaged containers.conf and a small one without
# [engine.runtimes]. Nothing outside the test's temporary directory is
# touched, and no engine is started: each result is checked by the engine's
# own parser where it has one (`containerd config dump`, `podman info`), and
# by jq or Python's tomllib.
#
# Environment: HARDRUN_SRCDIR (top of the source tree); HARDRUN is not used.

bats_require_minimum_version 1.5.0

setup() {
	: "${HARDRUN_SRCDIR:=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)}"
	INSTALL=$HARDRUN_SRCDIR/deploy/hardrun-install
	W=$BATS_TEST_TMPDIR
	# A stand-in binary and its baseline symlink, so that the installer
	# finds what it points the engines at.
	BIN=$W/sbin/hardrun
	mkdir -p "$W/sbin"
	printf '#!/bin/sh\necho "hardrun version 0"\n' >"$BIN"
	chmod 755 "$BIN"
	ln -s hardrun "$W/sbin/hardrun-baseline"
}

# hr_install ARGS...: the installer with the stand-in binary, under `run`.
hr_install() {
	run "$INSTALL" --binary "$BIN" "$@"
}

need() {
	command -v "$1" >/dev/null 2>&1 || skip "$1 is not installed"
}

# A Python with tomllib (3.11+); Debian's is /usr/bin/python3.
toml_python() {
	local p
	for p in /usr/bin/python3 python3; do
		if command -v "$p" >/dev/null 2>&1 && "$p" -c 'import tomllib' 2>/dev/null; then
			echo "$p"
			return 0
		fi
	done
	return 1
}

# toml_get FILE KEY...: prints the JSON value at KEY... of TOML FILE; fails
# if FILE does not parse or the key is missing.
toml_get() {
	local py
	py=$(toml_python) || skip "no python3 with tomllib"
	"$py" - "$@" <<'EOF'
import json, sys, tomllib
with open(sys.argv[1], "rb") as f:
    d = tomllib.load(f)
for k in sys.argv[2:]:
    d = d[k]
print(json.dumps(d))
EOF
}

# containerd_default FILE: containerd's own default config.
containerd_default() {
	need containerd
	containerd config default >"$1"
}

# containerd_dump FILE: containerd parses FILE and prints the merged config.
containerd_dump() {
	containerd --config "$1" config dump 2>"$W/dump.err"
}

# assert_same A B: byte-identical files.
assert_same() {
	if ! cmp -s "$1" "$2"; then
		diff -u "$1" "$2" || true
		return 1
	fi
}

# podman_runtime CONF NAME: the runtime podman resolves NAME to with CONF
# (with private storage, so nothing of the host's podman is touched).
podman_runtime() {
	need podman
	[ "$(id -u)" -eq 0 ] || skip "podman info with private storage needs root here"
	local d=$W/podman
	mkdir -p "$d/tmp"
	printf '[storage]\ndriver = "vfs"\ngraphroot = "%s/root"\nrunroot = "%s/runroot"\n' "$d" "$d" >"$d/storage.conf"
	CONTAINERS_CONF=$1 CONTAINERS_STORAGE_CONF=$d/storage.conf \
		CONTAINERS_REGISTRIES_CONF=/dev/null \
		podman --runtime "$2" --tmpdir "$d/tmp" --cgroup-manager cgroupfs --events-backend file \
		info --format '{{.Host.OCIRuntime.Name}} {{.Host.OCIRuntime.Path}}'
}

# ---- containerd ----------------------------------------------------------------

@test "containerd: install adds both handlers to the default config and containerd still loads it" {
	containerd_default "$W/config.toml"
	cp "$W/config.toml" "$W/orig"
	hr_install --containerd "$W/config.toml"
	[ "$status" -eq 0 ]
	[[ "$output" == *"$W/config.toml: changed"* ]]
	assert_same "$W/orig" "$W/config.toml.hardrun-backup"

	run containerd_dump "$W/config.toml"
	[ "$status" -eq 0 ] || cat "$W/dump.err"
	[[ "$output" == *'[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.hardrun]'* ]]
	[[ "$output" == *'[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.hardrun-baseline]'* ]]
	[[ "$output" == *'[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]'* ]]
	[[ "$output" == *"BinaryName = \"$BIN\""* ]]
	[[ "$output" == *"BinaryName = \"$W/sbin/hardrun-baseline\""* ]]
	[[ "$output" == *'pod_annotations = ["hardrun.io/*"]'* ]]

	run toml_get "$W/config.toml" plugins io.containerd.grpc.v1.cri containerd runtimes hardrun options BinaryName
	[ "$status" -eq 0 ]
	[ "$output" = "\"$BIN\"" ]
}

@test "containerd: installing twice changes nothing" {
	containerd_default "$W/config.toml"
	hr_install --containerd "$W/config.toml"
	[ "$status" -eq 0 ]
	cp "$W/config.toml" "$W/once"
	cp "$W/config.toml.hardrun-backup" "$W/backup-once"
	hr_install --containerd "$W/config.toml"
	[ "$status" -eq 0 ]
	[[ "$output" == *"$W/config.toml: unchanged"* ]]
	assert_same "$W/once" "$W/config.toml"
	assert_same "$W/backup-once" "$W/config.toml.hardrun-backup"
}

@test "containerd: uninstall restores the original byte for byte" {
	containerd_default "$W/config.toml"
	cp "$W/config.toml" "$W/orig"
	hr_install --containerd "$W/config.toml"
	hr_install --containerd "$W/config.toml" --uninstall
	[ "$status" -eq 0 ]
	[[ "$output" == *"$W/config.toml: changed"* ]]
	assert_same "$W/orig" "$W/config.toml"
	[ ! -e "$W/config.toml.hardrun-backup" ]
	hr_install --containerd "$W/config.toml" --uninstall
	[ "$status" -eq 0 ]
	[[ "$output" == *"$W/config.toml: unchanged"* ]]
}

@test "containerd: --dry-run shows the change and writes nothing" {
	containerd_default "$W/config.toml"
	cp "$W/config.toml" "$W/orig"
	hr_install --containerd "$W/config.toml" --dry-run
	[ "$status" -eq 0 ]
	[[ "$output" == *"+[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.hardrun]"* ]]
	[[ "$output" == *"dry run"* ]]
	assert_same "$W/orig" "$W/config.toml"
	[ ! -e "$W/config.toml.hardrun-backup" ]
}

@test "containerd: uninstall after other edits removes only hardrun's lines and keeps the backup" {
	containerd_default "$W/config.toml"
	hr_install --containerd "$W/config.toml"
	sed -i 's/^oom_score = 0$/oom_score = -500/' "$W/config.toml"
	sed 's/^oom_score = 0$/oom_score = -500/' "$W/config.toml.hardrun-backup" >"$W/expected"
	hr_install --containerd "$W/config.toml" --uninstall
	[ "$status" -eq 0 ]
	assert_same "$W/expected" "$W/config.toml"
	[ -e "$W/config.toml.hardrun-backup" ]
}

@test "containerd: a version 3 config (containerd 2.x) gets io.containerd.cri.v1.runtime handlers with the runc handler's cgroup driver" {
	cat >"$W/config.toml" <<'EOF'
version = 3

[plugins.'io.containerd.cri.v1.runtime'.containerd]
  default_runtime_name = 'runc'
  [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc]
    runtime_type = 'io.containerd.runc.v2'
    [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc.options]
      SystemdCgroup = true
EOF
	cp "$W/config.toml" "$W/orig"
	hr_install --containerd "$W/config.toml"
	[ "$status" -eq 0 ]
	[[ "$output" == *"SystemdCgroup"* ]]
	run toml_get "$W/config.toml" plugins io.containerd.cri.v1.runtime containerd runtimes hardrun-baseline options
	[ "$status" -eq 0 ]
	[ "$output" = "{\"BinaryName\": \"$W/sbin/hardrun-baseline\", \"SystemdCgroup\": true}" ]
	run toml_get "$W/config.toml" plugins io.containerd.cri.v1.runtime containerd runtimes runc runtime_type
	[ "$output" = '"io.containerd.runc.v2"' ]
	hr_install --containerd "$W/config.toml" --uninstall
	assert_same "$W/orig" "$W/config.toml"
}

@test "containerd: a config without handlers gets the runc handler too, so that CRI still has its default" {
	need containerd
	printf 'version = 2\n\n[plugins."io.containerd.grpc.v1.cri"]\n  sandbox_image = "pause:1"\n' >"$W/config.toml"
	hr_install --containerd "$W/config.toml"
	[ "$status" -eq 0 ]
	run containerd_dump "$W/config.toml"
	[ "$status" -eq 0 ]
	[[ "$output" == *'[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]'* ]]
	[[ "$output" == *'[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.hardrun]'* ]]
}

@test "containerd: a file without a final newline and a missing file round-trip exactly" {
	printf 'version = 2\n[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]\n  runtime_type = "io.containerd.runc.v2"' >"$W/config.toml"
	cp "$W/config.toml" "$W/orig"
	hr_install --containerd "$W/config.toml"
	[ "$status" -eq 0 ]
	run toml_get "$W/config.toml" plugins io.containerd.grpc.v1.cri containerd runtimes hardrun runtime_type
	[ "$output" = '"io.containerd.runc.v2"' ]
	# Without the backup the lines are removed, and the newline the
	# installer added goes too.
	rm "$W/config.toml.hardrun-backup"
	hr_install --containerd "$W/config.toml" --uninstall
	assert_same "$W/orig" "$W/config.toml"

	hr_install --containerd "$W/new.toml"
	[ "$status" -eq 0 ]
	run toml_get "$W/new.toml" version
	[ "$output" = 2 ]
	hr_install --containerd "$W/new.toml" --uninstall
	[ "$status" -eq 0 ]
	[ ! -e "$W/new.toml" ]
}

@test "containerd: a hardrun handler written by hand is refused and the file left alone" {
	containerd_default "$W/config.toml"
	printf '[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.hardrun]\n  runtime_type = "io.containerd.runc.v2"\n' >>"$W/config.toml"
	cp "$W/config.toml" "$W/orig"
	hr_install --containerd "$W/config.toml"
	[ "$status" -eq 1 ]
	[[ "$output" == *"already defines the runtime"* ]]
	assert_same "$W/orig" "$W/config.toml"
	[ ! -e "$W/config.toml.hardrun-backup" ]
}

@test "containerd: --restart restarts only when the config changed, and retries a failed restart" {
	containerd_default "$W/config.toml"
	# A stand-in for nsenter into PID 1: systemd is "running", systemctl
	# is logged and fails while $W/fail exists.
	mkdir -p "$W/bin"
	cat >"$W/bin/nsenter" <<EOF
#!/bin/sh
while [ "\$1" != -- ]; do shift; done
shift
case \$1 in
systemctl) echo "\$*" >>"$W/systemctl.log"; [ ! -e "$W/fail" ] ;;
test) [ "\$3" = /run/systemd/system ] || exec "\$@" ;;
*) exec "\$@" ;;
esac
EOF
	chmod 755 "$W/bin/nsenter"
	touch "$W/fail"
	PATH=$W/bin:$PATH hr_install --containerd "$W/config.toml" --restart --nsenter
	[ "$status" -eq 1 ]
	[[ "$output" == *"systemctl restart containerd failed"* ]]
	rm "$W/fail"
	PATH=$W/bin:$PATH hr_install --containerd "$W/config.toml" --restart --nsenter
	[ "$status" -eq 0 ]
	[[ "$output" == *"unchanged"* ]]
	PATH=$W/bin:$PATH hr_install --containerd "$W/config.toml" --restart --nsenter
	[ "$status" -eq 0 ]
	run cat "$W/systemctl.log"
	[ "$output" = "systemctl restart containerd
systemctl restart containerd" ]
}

# ---- Docker --------------------------------------------------------------------

write_daemon_json() {
	cat >"$1" <<'EOF'
{
    "log-driver": "json-file",
    "log-opts": { "max-size": "10m", "max-file": "3" },
    "storage-driver": "overlay2",
    "runtimes": {
        "kata": { "path": "/usr/bin/kata-runtime" }
    },
    "live-restore": true
}
EOF
}

@test "docker: install adds both runtimes and keeps every other key" {
	need jq
	write_daemon_json "$W/daemon.json"
	cp "$W/daemon.json" "$W/orig"
	hr_install --docker "$W/daemon.json"
	[ "$status" -eq 0 ]
	[[ "$output" == *"$W/daemon.json: changed"* ]]
	assert_same "$W/orig" "$W/daemon.json.hardrun-backup"
	run jq -c '.runtimes' "$W/daemon.json"
	[ "$status" -eq 0 ]
	[ "$output" = "{\"kata\":{\"path\":\"/usr/bin/kata-runtime\"},\"hardrun\":{\"path\":\"$BIN\"},\"hardrun-baseline\":{\"path\":\"$BIN\",\"runtimeArgs\":[\"--hardrun-profile\",\"baseline\"]}}" ]
	run jq -S -c 'del(.runtimes.hardrun, .runtimes["hardrun-baseline"])' "$W/daemon.json"
	[ "$output" = "$(jq -S -c . "$W/orig")" ]
}

@test "docker: installing twice changes nothing" {
	need jq
	write_daemon_json "$W/daemon.json"
	hr_install --docker "$W/daemon.json"
	cp "$W/daemon.json" "$W/once"
	hr_install --docker "$W/daemon.json"
	[ "$status" -eq 0 ]
	[[ "$output" == *"$W/daemon.json: unchanged"* ]]
	assert_same "$W/once" "$W/daemon.json"
}

@test "docker: uninstall restores the original byte for byte" {
	need jq
	write_daemon_json "$W/daemon.json"
	cp "$W/daemon.json" "$W/orig"
	hr_install --docker "$W/daemon.json"
	hr_install --docker "$W/daemon.json" --uninstall
	[ "$status" -eq 0 ]
	assert_same "$W/orig" "$W/daemon.json"
	[ ! -e "$W/daemon.json.hardrun-backup" ]
}

@test "docker: --dry-run writes nothing" {
	need jq
	write_daemon_json "$W/daemon.json"
	cp "$W/daemon.json" "$W/orig"
	hr_install --docker "$W/daemon.json" --dry-run
	[ "$status" -eq 0 ]
	[[ "$output" == *'"hardrun-baseline"'* ]]
	assert_same "$W/orig" "$W/daemon.json"
	[ ! -e "$W/daemon.json.hardrun-backup" ]
}

@test "docker: malformed daemon.json is refused with a message and left untouched" {
	need jq
	printf '{\n  "log-driver": "json-file",,\n}\n' >"$W/daemon.json"
	cp "$W/daemon.json" "$W/orig"
	hr_install --docker "$W/daemon.json"
	[ "$status" -eq 1 ]
	[[ "$output" == *"$W/daemon.json"*"malformed JSON"* ]]
	assert_same "$W/orig" "$W/daemon.json"
	[ ! -e "$W/daemon.json.hardrun-backup" ]
	[ -z "$(find "$W" -maxdepth 1 -name '.daemon.json.hardrun-*')" ]
}

@test "docker: uninstall refuses while default-runtime names hardrun" {
	need jq
	printf '{"debug": true}\n' >"$W/daemon.json"
	hr_install --docker "$W/daemon.json"
	jq '."default-runtime" = "hardrun"' "$W/daemon.json" >"$W/edited"
	cp "$W/edited" "$W/daemon.json"
	hr_install --docker "$W/daemon.json" --uninstall
	[ "$status" -eq 1 ]
	[[ "$output" == *'"default-runtime" is "hardrun"'* ]]
	assert_same "$W/edited" "$W/daemon.json"
}

# ---- Podman --------------------------------------------------------------------

@test "podman: the packaged containers.conf ([engine.runtimes] present) gets both runtimes and podman resolves them" {
	[ -f /usr/share/containers/containers.conf ] || skip "no /usr/share/containers/containers.conf"
	cp /usr/share/containers/containers.conf "$W/containers.conf"
	cp "$W/containers.conf" "$W/orig"
	hr_install --podman "$W/containers.conf"
	[ "$status" -eq 0 ]
	[[ "$output" == *"$W/containers.conf: changed"* ]]
	run toml_get "$W/containers.conf" engine runtimes
	[ "$status" -eq 0 ]
	[ "$output" = "{\"hardrun\": [\"$BIN\"], \"hardrun-baseline\": [\"$W/sbin/hardrun-baseline\"]}" ]
	run toml_get "$W/containers.conf" engine runtime_supports_json
	[[ "$output" == *'"runc", '*'"hardrun", "hardrun-baseline"]' ]]

	run podman_runtime "$W/containers.conf" hardrun-baseline
	[ "$status" -eq 0 ]
	[ "$output" = "hardrun-baseline $W/sbin/hardrun-baseline" ]

	cp "$W/containers.conf" "$W/once"
	hr_install --podman "$W/containers.conf"
	[[ "$output" == *"unchanged"* ]]
	assert_same "$W/once" "$W/containers.conf"
	hr_install --podman "$W/containers.conf" --uninstall
	[ "$status" -eq 0 ]
	assert_same "$W/orig" "$W/containers.conf"
}

@test "podman: a containers.conf without [engine.runtimes] gets the tables; twice and uninstall are exact" {
	printf '[containers]\nnetns = "host"\n\n[engine]\ncgroup_manager = "cgroupfs"\nruntime_supports_json = ["crun", "runc"]\n' >"$W/containers.conf"
	cp "$W/containers.conf" "$W/orig"
	hr_install --podman "$W/containers.conf" --dry-run
	[ "$status" -eq 0 ]
	assert_same "$W/orig" "$W/containers.conf"
	hr_install --podman "$W/containers.conf"
	[ "$status" -eq 0 ]
	run toml_get "$W/containers.conf" engine
	[ "$output" = "{\"cgroup_manager\": \"cgroupfs\", \"runtime_supports_json\": [\"crun\", \"runc\", \"hardrun\", \"hardrun-baseline\"], \"runtimes\": {\"hardrun\": [\"$BIN\"], \"hardrun-baseline\": [\"$W/sbin/hardrun-baseline\"]}}" ]
	run toml_get "$W/containers.conf" containers netns
	[ "$output" = '"host"' ]

	run podman_runtime "$W/containers.conf" hardrun
	[ "$status" -eq 0 ]
	[ "$output" = "hardrun $BIN" ]

	cp "$W/containers.conf" "$W/once"
	hr_install --podman "$W/containers.conf"
	assert_same "$W/once" "$W/containers.conf"
	# Line-exact removal, as without a backup.
	rm "$W/containers.conf.hardrun-backup"
	hr_install --podman "$W/containers.conf" --uninstall
	[ "$status" -eq 0 ]
	assert_same "$W/orig" "$W/containers.conf"
}

@test "podman: a containers.conf with no [engine] at all" {
	printf '[network]\nnetwork_backend = "cni"\n' >"$W/containers.conf"
	cp "$W/containers.conf" "$W/orig"
	hr_install --podman "$W/containers.conf"
	[ "$status" -eq 0 ]
	run toml_get "$W/containers.conf" engine runtimes hardrun
	[ "$output" = "[\"$BIN\"]" ]
	hr_install --podman "$W/containers.conf" --uninstall
	assert_same "$W/orig" "$W/containers.conf"
}

# ---- usage -----------------------------------------------------------------------

@test "usage errors exit 1 with a message" {
	run "$INSTALL"
	[ "$status" -eq 1 ]
	[[ "$output" == *"give one of --containerd, --docker and --podman"* ]]
	run "$INSTALL" --docker "$W/daemon.json" --binary relative/hardrun
	[ "$status" -eq 1 ]
	[[ "$output" == *"expected an absolute path"* ]]
	run "$INSTALL" --docker "$W/nodir/daemon.json"
	[ "$status" -eq 1 ]
	[[ "$output" == *"does not exist"* ]]
}
