#!/usr/bin/env bats
#
# deploy/hardrun-install on copies of real engine configuration files:
# containerd's default config and Debian's packaged one, configs with
# imports, runtimes and plugin settings of their own, a Docker daemon.json
# with keys of its own, and Podman drop-in directories. Nothing outside the
# test's temporary directory is touched, and no engine is started: each
# result is checked by the engine's own parser where it has one (`containerd
# config dump` before and after, `podman info` in a mount namespace of its
# own), and by jq or Python's tomllib.
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

# ---- containerd: what its merged configuration holds ------------------------------

# dump_delta BEFORE AFTER PLUGIN: compares two `containerd config dump`
# outputs. Prints the BinaryName of each hardrun handler of AFTER, then
# "same" when AFTER without them equals BEFORE, or the difference. A
# handler's options that are zero values count as unset: the dump of
# containerd's built-in runc handler lists runc's options with their zero
# values, the same handler written in a file lists the ones it sets, and
# the shim reads both alike. The files loaded ("imports") are compared as
# a set.
dump_delta() {
	local py
	py=$(toml_python) || skip "no python3 with tomllib"
	"$py" - "$@" <<'PY'
import sys, tomllib
before, after = (tomllib.load(open(p, "rb")) for p in sys.argv[1:3])
for d in (before, after):
    # config dump lists the files it loaded in no fixed order.
    d["imports"] = sorted(d.get("imports", []))
    for h in d["plugins"][sys.argv[3]]["containerd"]["runtimes"].values():
        h["options"] = {k: v for k, v in h.get("options", {}).items() if v not in ("", 0, False, [])}
rts = after["plugins"][sys.argv[3]]["containerd"]["runtimes"]
for name in ("hardrun", "hardrun-baseline"):
    h = rts.pop(name, {})
    print(name, h.get("runtime_type"), h.get("options", {}).get("BinaryName"))
def diff(a, b, path=""):
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            yield from diff(a.get(k), b.get(k), path + "." + k)
    elif a != b:
        yield "%s: %r -> %r" % (path, a, b)
print("same" if before == after else "DIFFERENT: " + "; ".join(diff(before, after)))
PY
}

# Debian 12's packaged /etc/containerd/config.toml: CNI settings and no
# runtime handler at all.
write_debian_containerd_config() {
	cat >"$1" <<'TOML'
version = 2

[plugins]
  [plugins."io.containerd.grpc.v1.cri"]
    [plugins."io.containerd.grpc.v1.cri".cni]
      bin_dir = "/usr/lib/cni"
      conf_dir = "/etc/cni/net.d"
  [plugins."io.containerd.internal.v1.opt"]
    path = "/var/lib/containerd/opt"
TOML
}

@test "containerd 1.6: a drop-in through imports replaces the main file's CRI section (why the main file is edited)" {
	need containerd
	mkdir -p "$W/conf.d"
	write_debian_containerd_config "$W/config.toml"
	sed -i "1i imports = [\"$W/conf.d/*.toml\"]" "$W/config.toml"
	printf '[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.hardrun]\n  runtime_type = "io.containerd.runc.v2"\n' >"$W/conf.d/hardrun.toml"
	run containerd_dump "$W/config.toml"
	[ "$status" -eq 0 ]
	[[ "$output" == *'.runtimes.hardrun]'* ]]
	# The CNI setting is back to the default, and the runc handler is gone.
	[[ "$output" == *'bin_dir = "/opt/cni/bin"'* ]]
	[[ "$output" != *'.runtimes.runc]'* ]]
}

@test "containerd: Debian's packaged config: config dump after install is the one before plus the handlers" {
	need containerd
	write_debian_containerd_config "$W/config.toml"
	containerd_dump "$W/config.toml" >"$W/before"
	hr_install --containerd "$W/config.toml"
	[ "$status" -eq 0 ]
	containerd_dump "$W/config.toml" >"$W/after"
	run dump_delta "$W/before" "$W/after" io.containerd.grpc.v1.cri
	[ "$status" -eq 0 ]
	[ "$output" = "hardrun io.containerd.runc.v2 $BIN
hardrun-baseline io.containerd.runc.v2 $W/sbin/hardrun-baseline
same" ]
	grep -q 'bin_dir = "/usr/lib/cni"' "$W/after"
	grep -q 'runtimes.runc]' "$W/after"
}

@test "containerd: a config with imports, its own runtimes and plugin settings keeps all of them in config dump" {
	need containerd
	mkdir -p "$W/conf.d"
	cat >"$W/config.toml" <<'TOML'
# Site configuration.
version = 2
imports = ["@W@/conf.d/*.toml"]
oom_score = -999

[grpc]
  max_recv_message_size = 16777216

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "registry.example/pause:3.9"
  enable_unprivileged_ports = true
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
  [plugins."io.containerd.grpc.v1.cri".containerd]
    default_runtime_name = "crun"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.crun]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.crun.options]
        BinaryName = "/usr/bin/crun"
        SystemdCgroup = true
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.kata]
      runtime_type = "io.containerd.kata.v2"
  [plugins."io.containerd.grpc.v1.cri".registry]
    config_path = "/etc/containerd/certs.d"
TOML
	sed -i "s|@W@|$W|" "$W/config.toml"
	# An import for another plugin: merged with the main file's as before.
	printf '[plugins."io.containerd.gc.v1.scheduler"]\n  pause_threshold = 0.05\n' >"$W/conf.d/gc.toml"
	cp "$W/config.toml" "$W/orig"
	containerd_dump "$W/config.toml" >"$W/before"
	hr_install --containerd "$W/config.toml"
	[ "$status" -eq 0 ]
	[[ "$output" == *'"crun" uses SystemdCgroup = true'* ]]
	[[ "$output" == *'runs "/usr/bin/crun"'* ]]
	# The original bytes stay where they were; the handlers follow them.
	[ "$(head -c "$(stat -c %s "$W/orig")" "$W/config.toml" | cmp - "$W/orig" && echo same)" = same ]
	containerd_dump "$W/config.toml" >"$W/after"
	run dump_delta "$W/before" "$W/after" io.containerd.grpc.v1.cri
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "hardrun io.containerd.runc.v2 $BIN" ]
	[ "${lines[2]}" = same ]
	grep -q 'pause_threshold = 0.05' "$W/after"
	run toml_get "$W/config.toml" plugins io.containerd.grpc.v1.cri containerd runtimes hardrun options SystemdCgroup
	[ "$output" = true ]
	hr_install --containerd "$W/config.toml" --uninstall
	assert_same "$W/orig" "$W/config.toml"
}

@test "containerd 1.x: an import that names the CRI plugin is refused, since it would drop the handlers" {
	need containerd
	mkdir -p "$W/conf.d"
	containerd_default "$W/config.toml"
	sed -i 's|^imports = .*|imports = ["'"$W"'/conf.d/*.toml"]|' "$W/config.toml"
	printf 'version = 2\n[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "/etc/containerd/certs.d"\n' >"$W/conf.d/registry.toml"
	cp "$W/config.toml" "$W/orig"
	hr_install --containerd "$W/config.toml"
	[ "$status" -eq 1 ]
	[[ "$output" == *"conf.d/registry.toml\" sets plugins.\"io.containerd.grpc.v1.cri\""* ]]
	assert_same "$W/orig" "$W/config.toml"
	# Registered in the import instead, the handlers reach the merged config.
	hr_install --containerd "$W/conf.d/registry.toml"
	[ "$status" -eq 0 ]
	run containerd_dump "$W/config.toml"
	[[ "$output" == *"BinaryName = \"$BIN\""* ]]
	[[ "$output" == *'config_path = "/etc/containerd/certs.d"'* ]]
	[[ "$output" == *'.runtimes.runc]'* ]]
}

@test "containerd 2.x: a version 3 config importing conf.d/*.toml gets a drop-in there; merged, it is the original plus the handlers" {
	# No containerd 2.x here. 2.0 and later merge an imported file's plugin
	# sections key by key (1.x replaces them whole), so the handlers go to
	# a drop-in and config.toml stays as it is; the merge is replayed in
	# Python as containerd 2.x does it (cmd/containerd/server/config:
	# mergeConfig, mergo.WithOverride).
	mkdir -p "$W/conf.d"
	cat >"$W/config.toml" <<'TOML'
version = 3
imports = ['conf.d/*.toml']

[plugins]
  [plugins.'io.containerd.cri.v1.images']
    snapshotter = 'overlayfs'
    [plugins.'io.containerd.cri.v1.images'.pinned_images]
      sandbox = 'registry.example/pause:3.10'

  [plugins.'io.containerd.cri.v1.runtime']
    enable_selinux = false
    [plugins.'io.containerd.cri.v1.runtime'.containerd]
      default_runtime_name = 'runc'
      [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes]
        [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc]
          runtime_type = 'io.containerd.runc.v2'
          [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc.options]
            SystemdCgroup = true
    [plugins.'io.containerd.cri.v1.runtime'.cni]
      bin_dirs = ['/usr/lib/cni']
TOML
	printf "version = 3\n[plugins.'io.containerd.cri.v1.runtime'.cni]\n  conf_dir = '/etc/cni/site.d'\n" >"$W/conf.d/cni.toml"
	cp "$W/config.toml" "$W/orig"
	hr_install --containerd "$W/config.toml" --dry-run
	[ "$status" -eq 0 ]
	[ ! -e "$W/conf.d/hardrun.toml" ]
	hr_install --containerd "$W/config.toml"
	[ "$status" -eq 0 ]
	[[ "$output" == *"$W/conf.d/hardrun.toml: changed"* ]]
	assert_same "$W/orig" "$W/config.toml"
	[ ! -e "$W/config.toml.hardrun-backup" ]
	py=$(toml_python) || skip "no python3 with tomllib"
	run "$py" - "$W/config.toml" "$W"/conf.d/*.toml <<'PY'
import sys, tomllib
def merge(to, frm):
    for k, v in frm.items():
        if isinstance(v, dict) and isinstance(to.get(k), dict):
            merge(to[k], v)
        else:
            to[k] = v
    return to
docs = [tomllib.load(open(p, "rb")) for p in sys.argv[1:]]
before, after = {}, {}
for path, d in zip(sys.argv[1:], docs):
    merge(after, d)
    if not path.endswith("/hardrun.toml"):
        merge(before, d)
rts = after["plugins"]["io.containerd.cri.v1.runtime"]["containerd"]["runtimes"]
for name in ("hardrun", "hardrun-baseline"):
    o = rts.pop(name)["options"]
    print(name, o["BinaryName"], o.get("SystemdCgroup"))
print("same" if before == after else "DIFFERENT")
PY
	[ "$output" = "hardrun $BIN True
hardrun-baseline $W/sbin/hardrun-baseline True
same" ]
	cp "$W/conf.d/hardrun.toml" "$W/once"
	hr_install --containerd "$W/config.toml"
	[[ "$output" == *"$W/conf.d/hardrun.toml: unchanged"* ]]
	assert_same "$W/once" "$W/conf.d/hardrun.toml"

	hr_install --containerd "$W/config.toml" --uninstall
	[ "$status" -eq 0 ]
	[ ! -e "$W/conf.d/hardrun.toml" ]
	assert_same "$W/orig" "$W/config.toml"
	# An import with a hardrun handler of its own would win: refused.
	printf "version = 3\n[plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.hardrun]\n  runtime_type = 'x'\n" >"$W/conf.d/zz.toml"
	hr_install --containerd "$W/config.toml"
	[ "$status" -eq 1 ]
	[[ "$output" == *"defines a hardrun runtime"* ]]
	[ ! -e "$W/conf.d/hardrun.toml" ]
}

@test "containerd 2.x: without a matching import, a version 3 config gets the block; one that has the block keeps it there" {
	printf "version = 3\nimports = ['/etc/containerd/site.toml']\n" >"$W/config.toml"
	cp "$W/config.toml" "$W/orig"
	hr_install --containerd "$W/config.toml"
	[ "$status" -eq 0 ]
	[[ "$output" == *"$W/config.toml: changed"* ]]
	run toml_get "$W/config.toml" plugins io.containerd.cri.v1.runtime containerd runtimes hardrun options BinaryName
	[ "$output" = "\"$BIN\"" ]
	# The block stays the place even once the file imports a directory.
	sed -i "s|^imports = .*|imports = ['conf.d/*.toml']|" "$W/config.toml"
	mkdir -p "$W/conf.d"
	hr_install --containerd "$W/config.toml"
	[[ "$output" == *"$W/config.toml: unchanged"* ]]
	[ ! -e "$W/conf.d/hardrun.toml" ]
}

@test "containerd 2.x: with --host-root (the DaemonSet's /host), absolute imports are the host's" {
	H=$W/host
	mkdir -p "$H/etc/containerd/conf.d"
	printf "version = 3\nimports = ['/etc/containerd/conf.d/*.toml']\n" >"$H/etc/containerd/config.toml"
	cp "$H/etc/containerd/config.toml" "$W/orig"
	hr_install --containerd "$H/etc/containerd/config.toml" --host-root "$H"
	[ "$status" -eq 0 ]
	[[ "$output" == *"$H/etc/containerd/conf.d/hardrun.toml: changed"* ]]
	assert_same "$W/orig" "$H/etc/containerd/config.toml"
	grep -qx '# imported by /etc/containerd/config.toml.' "$H/etc/containerd/conf.d/hardrun.toml"
	run toml_get "$H/etc/containerd/conf.d/hardrun.toml" plugins io.containerd.cri.v1.runtime containerd runtimes hardrun options BinaryName
	[ "$output" = "\"$BIN\"" ]
	hr_install --containerd "$H/etc/containerd/config.toml" --host-root "$H" --uninstall
	[ "$status" -eq 0 ]
	[ -z "$(ls "$H/etc/containerd/conf.d")" ]
}

@test "containerd: an inline runtimes table cannot be extended by appending: refused, file untouched" {
	printf 'version = 2\n[plugins."io.containerd.grpc.v1.cri".containerd]\n  runtimes = { runc = { runtime_type = "io.containerd.runc.v2" } }\n' >"$W/config.toml"
	cp "$W/config.toml" "$W/orig"
	hr_install --containerd "$W/config.toml"
	[ "$status" -eq 1 ]
	[[ "$output" == *"nothing written"* ]]
	assert_same "$W/orig" "$W/config.toml"
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
#
# Podman reads /etc/containers/containers.conf.d/*.conf only when
# CONTAINERS_CONF is unset, so podman runs in a mount namespace of its own
# where a directory of the test's is bind-mounted on /etc/containers; the
# host's files are never touched.

# podman_scratch: $W/etc-containers with a containers.conf of the test's.
podman_scratch() {
	need podman
	[ "$(id -u)" -eq 0 ] || skip "a private mount namespace needs root here"
	command -v unshare >/dev/null 2>&1 || skip "unshare is not installed"
	mkdir -p "$W/etc-containers"
	cat >"$W/etc-containers/containers.conf" <<'CONF'
# The site's settings: they must stay in effect.
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
runtime_supports_json = ["crun", "runc", "site-runc"]

[engine.runtimes]
site-runc = ["/usr/bin/runc"]
CONF
}

# podman_scratch_info RUNTIME FORMAT: podman info with RUNTIME, reading the
# scratch /etc/containers (and private storage).
podman_scratch_info() {
	local d=$W/podman
	mkdir -p "$d/tmp"
	printf '[storage]\ndriver = "vfs"\ngraphroot = "%s/root"\nrunroot = "%s/runroot"\n' "$d" "$d" >"$d/storage.conf"
	# shellcheck disable=SC2016 # expanded by the inner sh
	env -u CONTAINERS_CONF CONTAINERS_STORAGE_CONF="$d/storage.conf" CONTAINERS_REGISTRIES_CONF=/dev/null \
		unshare -m --propagation private sh -c 'mount --bind "$1" /etc/containers && shift && exec "$@"' sh \
		"$W/etc-containers" podman --runtime "$1" --tmpdir "$d/tmp" info --format "$2"
}

@test "podman: the drop-in registers both runtimes; podman info resolves them and containers.conf still holds" {
	podman_scratch
	D=$W/etc-containers/containers.conf.d
	cp "$W/etc-containers/containers.conf" "$W/orig"
	hr_install --podman "$D"
	[ "$status" -eq 0 ]
	[[ "$output" == *"$D/hardrun.conf: changed"* ]]
	assert_same "$W/orig" "$W/etc-containers/containers.conf"
	[ "$(ls "$D")" = hardrun.conf ]
	run toml_get "$D/hardrun.conf" engine runtimes
	[ "$output" = "{\"hardrun\": [\"$BIN\"], \"hardrun-baseline\": [\"$W/sbin/hardrun-baseline\"]}" ]
	# The list in containers.conf, extended: a list in a later file
	# replaces the earlier one.
	run toml_get "$D/hardrun.conf" engine runtime_supports_json
	[ "$output" = '["crun", "runc", "site-runc", "hardrun", "hardrun-baseline"]' ]

	run podman_scratch_info hardrun '{{.Host.OCIRuntime.Name}} {{.Host.OCIRuntime.Path}} {{.Host.CgroupManager}} {{.Host.EventLogger}}'
	[ "$status" -eq 0 ]
	[ "$output" = "hardrun $BIN cgroupfs file" ]
	run podman_scratch_info hardrun-baseline '{{.Host.OCIRuntime.Path}}'
	[ "$output" = "$W/sbin/hardrun-baseline" ]
	run podman_scratch_info site-runc '{{.Host.OCIRuntime.Path}}'
	[ "$output" = /usr/bin/runc ]
	run podman_scratch_info runc '{{.Host.OCIRuntime.Name}}'
	[ "$output" = runc ]
}

@test "podman: installing twice changes nothing; --dry-run writes nothing; uninstall removes the drop-in" {
	podman_scratch
	D=$W/etc-containers/containers.conf.d
	mkdir "$D"
	printf '[containers]\nlog_size_max = 1048576\n' >"$D/10-site.conf"
	hr_install --podman "$D" --dry-run
	[ "$status" -eq 0 ]
	[[ "$output" == *'+hardrun = ["'"$BIN"'"]'* ]]
	[ ! -e "$D/hardrun.conf" ]
	hr_install --podman "$D"
	[ "$status" -eq 0 ]
	cp "$D/hardrun.conf" "$W/once"
	hr_install --podman "$D"
	[ "$status" -eq 0 ]
	[[ "$output" == *"$D/hardrun.conf: unchanged"* ]]
	assert_same "$W/once" "$D/hardrun.conf"
	run podman_scratch_info hardrun '{{.Host.OCIRuntime.Path}}'
	[ "$output" = "$BIN" ]

	hr_install --podman "$D" --uninstall
	[ "$status" -eq 0 ]
	[[ "$output" == *"$D/hardrun.conf: changed"* ]]
	[ "$(ls "$D")" = 10-site.conf ]
	hr_install --podman "$D" --uninstall
	[[ "$output" == *"unchanged"* ]]
	run podman_scratch_info hardrun '{{.Host.OCIRuntime.Path}}'
	[ "$status" -ne 0 ]
}

@test "podman: without a list in containers.conf the drop-in repeats Podman's built-in one" {
	mkdir -p "$W/etc/containers.conf.d"
	printf '[network]\nnetwork_backend = "cni"\n' >"$W/etc/containers.conf"
	hr_install --podman "$W/etc/containers.conf.d"
	[ "$status" -eq 0 ]
	run toml_get "$W/etc/containers.conf.d/hardrun.conf" engine runtime_supports_json
	# Debian's /usr/share/containers/containers.conf leaves it commented out.
	[[ "$output" == '["crun", "runc", '*'"hardrun", "hardrun-baseline"]' ]]
}

@test "podman: a hardrun.conf of someone else's, or a containers.conf file, is refused" {
	mkdir -p "$W/etc/containers.conf.d"
	printf '[engine.runtimes]\nhardrun = ["/opt/other"]\n' >"$W/etc/containers.conf.d/hardrun.conf"
	cp "$W/etc/containers.conf.d/hardrun.conf" "$W/orig"
	hr_install --podman "$W/etc/containers.conf.d"
	[ "$status" -eq 1 ]
	[[ "$output" == *"not written by hardrun-install"* ]]
	assert_same "$W/orig" "$W/etc/containers.conf.d/hardrun.conf"
	printf '[engine]\n' >"$W/etc/containers.conf"
	hr_install --podman "$W/etc/containers.conf"
	[ "$status" -eq 1 ]
	[[ "$output" == *"expected a drop-in directory"* ]]
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
