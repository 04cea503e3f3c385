#!/bin/bash
# Build a one-layer busybox image as a tar that `ctr images import`,
# `podman load` and `docker load` all accept: an OCI image layout
# (oci-layout, index.json, blobs/sha256/*) plus a docker-archive
# manifest.json pointing at the same blobs.
#
# usage: mkimage.sh [--pause] OUT.tar NAME[:TAG] [CMD...]
#
#   --pause   the image command sleeps until SIGTERM/SIGINT (a CRI sandbox
#             image); CMD must then be empty.
#   CMD       the image command (default: sh).
#
# The output is byte-for-byte reproducible for the same busybox binary,
# name and command: fixed timestamps, owners and entry order.
# Environment: BUSYBOX (default /bin/busybox), SOURCE_DATE_EPOCH (default 0).
set -euo pipefail

die() {
	printf 'mkimage.sh: %s\n' "$*" >&2
	exit 1
}

usage() {
	printf 'usage: %s [--pause] OUT.tar NAME[:TAG] [CMD...]\n' "${0##*/}" >&2
	exit 2
}

pause=0
if [[ ${1-} == --pause ]]; then
	pause=1
	shift
fi
[[ $# -ge 2 ]] || usage
out=$1
name=$2
shift 2
if ((pause)); then
	[[ $# -eq 0 ]] || die "--pause takes no command"
	set -- /bin/sh -c 'trap "exit 0" TERM INT; while :; do sleep 86400 & wait $!; done'
elif [[ $# -eq 0 ]]; then
	set -- sh
fi

busybox=${BUSYBOX:-/bin/busybox}
epoch=${SOURCE_DATE_EPOCH:-0}
[[ -x $busybox ]] || die "$busybox not found (install busybox-static)"
command -v jq >/dev/null || die "jq not found"
command -v sha256sum >/dev/null || die "sha256sum not found"
python=/usr/bin/python3
[[ -x $python ]] || python=$(command -v python3) || die "python3 not found"

# A reference without a tag gets :latest; one without a registry gets the
# same docker.io/library/ prefix that containerd and docker give it.
last=${name##*/}
[[ $last == *:* || $last == *@* ]] || name=$name:latest
case $name in
*/*)
	first=${name%%/*}
	if [[ $first == *.* || $first == *:* || $first == localhost ]]; then
		fullname=$name
	else
		fullname=docker.io/$name
	fi
	;;
*) fullname=docker.io/library/$name ;;
esac
tag=${name##*:}

case $(uname -m) in
x86_64) arch=amd64 ;;
aarch64) arch=arm64 ;;
armv7l) arch=arm ;;
i?86) arch=386 ;;
*) arch=$(uname -m) ;;
esac

work=$(mktemp -d "${TMPDIR:-/tmp}/mkimage.XXXXXX")
trap 'rm -rf "$work"' EXIT
umask 022

# --- root filesystem -------------------------------------------------------
root=$work/rootfs
mkdir -p "$root"/{bin,dev,etc,proc,root,run,sys,tmp,usr/bin,var/tmp,home}
chmod 1777 "$root/tmp" "$root/var/tmp"
chmod 0700 "$root/root"
cp "$busybox" "$root/bin/busybox"
chmod 0755 "$root/bin/busybox"
# One relative symlink per applet, made in one process (a fork per link is
# slow on a loaded machine).
"$busybox" --list | "$python" -c '
import os, sys
for name in sys.stdin.read().split():
    if name != "busybox" and "/" not in name:
        os.symlink("busybox", os.path.join(sys.argv[1], name))
' "$root/bin"
cat >"$root/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
cat >"$root/etc/group" <<'EOF'
root:x:0:
nogroup:x:65534:
EOF
# Mount points the engines bind files onto.
: >"$root/etc/hosts"
: >"$root/etc/hostname"
: >"$root/etc/resolv.conf"
chmod 0644 "$root"/etc/*

mkdir -p "$work/blobs/sha256"
layer=$work/layer.tar
(cd "$root" && find . -mindepth 1 -printf '%P\n' | LC_ALL=C sort) >"$work/files"
tar --create --file="$layer" --directory="$root" --format=gnu \
	--numeric-owner --owner=0 --group=0 --mtime="@$epoch" \
	--no-recursion --verbatim-files-from --files-from="$work/files"

# put FILE: move FILE into blobs/ by its digest; prints "DIGEST SIZE".
put() {
	local sum size
	sum=$(sha256sum "$1")
	sum=${sum%% *}
	size=$(stat -c %s "$1")
	mv "$1" "$work/blobs/sha256/$sum"
	printf 'sha256:%s %s\n' "$sum" "$size"
}

read -r layer_digest layer_size < <(put "$layer")

created=$(date -u -d "@$epoch" +%Y-%m-%dT%H:%M:%SZ)
# One --arg per word, so that words such as "-c" reach jq as data.
cmd='[]'
for word in "$@"; do
	cmd=$(jq -cn --argjson c "$cmd" --arg w "$word" '$c + [$w]')
done
jq -cnS --arg arch "$arch" --arg created "$created" --argjson cmd "$cmd" \
	--arg diff "$layer_digest" --arg by "mkimage.sh $fullname" \
	'{architecture: $arch, os: "linux", created: $created,
	  config: {Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
	           Cmd: $cmd, WorkingDir: "/"},
	  rootfs: {type: "layers", diff_ids: [$diff]},
	  history: [{created: $created, created_by: $by}]}' >"$work/config.json"
read -r config_digest config_size < <(put "$work/config.json")

jq -cnS --arg cd "$config_digest" --argjson cs "$config_size" \
	--arg ld "$layer_digest" --argjson ls "$layer_size" \
	'{schemaVersion: 2,
	  mediaType: "application/vnd.oci.image.manifest.v1+json",
	  config: {mediaType: "application/vnd.oci.image.config.v1+json", digest: $cd, size: $cs},
	  layers: [{mediaType: "application/vnd.oci.image.layer.v1.tar", digest: $ld, size: $ls}]}' \
	>"$work/manifest"
read -r manifest_digest manifest_size < <(put "$work/manifest")

jq -cnS --arg md "$manifest_digest" --argjson ms "$manifest_size" \
	--arg arch "$arch" --arg full "$fullname" --arg tag "$tag" \
	'{schemaVersion: 2,
	  mediaType: "application/vnd.oci.image.index.v1+json",
	  manifests: [{mediaType: "application/vnd.oci.image.manifest.v1+json",
	               digest: $md, size: $ms,
	               platform: {architecture: $arch, os: "linux"},
	               annotations: {"io.containerd.image.name": $full,
	                             "org.opencontainers.image.ref.name": $tag}}]}' \
	>"$work/index.json"
printf '{"imageLayoutVersion":"1.0.0"}' >"$work/oci-layout"

jq -cn --arg c "blobs/sha256/${config_digest#sha256:}" \
	--arg l "blobs/sha256/${layer_digest#sha256:}" --arg full "$fullname" \
	'[{Config: $c, RepoTags: [$full], Layers: [$l]}]' >"$work/manifest.json"

chmod 0644 "$work/blobs/sha256"/* "$work"/index.json "$work"/oci-layout "$work"/manifest.json
tmp_out=$work/out.tar
(cd "$work" && find blobs index.json oci-layout manifest.json -printf '%p\n' | LC_ALL=C sort) >"$work/outfiles"
tar --create --file="$tmp_out" --directory="$work" --format=gnu \
	--numeric-owner --owner=0 --group=0 --mtime="@$epoch" \
	--no-recursion --verbatim-files-from --files-from="$work/outfiles"
mv -f "$tmp_out" "$out"
