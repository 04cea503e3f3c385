#!/bin/sh
# compat-rootfs.sh: builds (or finds in the cache) a root filesystem
# with Debian's server packages for the compatibility suite
# (tests/e2e/compat.bats): nginx, redis, postgres, memcached, haproxy,
# lighttpd and Python, unpacked with dpkg-deb -x (no maintainer scripts
# run), plus the users and directories the official images create.
#
# The packages and the unpacked tree are cached under $HARDRUN_TEST_CACHE
# (default /var/cache/hardrun-test), keyed by the exact versions apt would
# fetch, so a second run costs nothing. Prints the tree's path; callers
# mount it as the lower layer of an overlay and never write to it. Exits 77
# when the packages cannot be fetched (no mirror), so that the caller can
# skip.
set -eu

cache=${HARDRUN_TEST_CACHE:-/var/cache/hardrun-test}
pkgs="nginx-light redis-server postgresql-15 memcached haproxy lighttpd python3.11 gosu
	bash coreutils dash sed grep findutils util-linux mawk libc-bin base-files"

mkdir -p "$cache/debs"
state=$(mktemp -d)
trap 'rm -rf "$state"' EXIT
: >"$state/status"
# The whole dependency closure as if nothing were installed: apt reads an
# empty status file instead of the host's.
# shellcheck disable=SC2086 # the package list is meant to split
apt-get -s install --no-install-recommends -o Dir::State::status="$state/status" $pkgs 2>/dev/null |
	awk '/^Inst / { v = $3; gsub(/[()\[\]]/, "", v); print $2 "=" v }' | sort >"$state/list"
[ -s "$state/list" ] || { echo "compat-rootfs: apt cannot resolve the packages" >&2; exit 77; }
# the recipe (this script and its files) is part of the key
here=$(cd "$(dirname "$0")" && pwd)
key=$(cat "$state/list" "$0" "$here"/compat/* | sha256sum | cut -c1-16)
tree="$cache/rootfs-$key"

if [ ! -d "$tree" ]; then
	(
		# one apt-get for what the cache lacks, into a fresh directory
		mkdir -p "$state/get"
		cd "$state/get"
		missing=""
		while IFS= read -r pv; do
			p=${pv%%=*}
			v=${pv#*=}
			v=$(printf '%s' "$v" | sed 's/:/%3a/')
			ls "$cache/debs/${p}_${v}_"*.deb >/dev/null 2>&1 || missing="$missing $pv"
		done <"$state/list"
		if [ -n "$missing" ]; then
			# shellcheck disable=SC2086
			apt-get download $missing >"$state/apt.log" 2>&1 || {
				tail -3 "$state/apt.log" >&2
				exit 77
			}
			mv ./*.deb "$cache/debs/"
		fi
	) || exit $?
	tmp="$tree.tmp.$$"
	rm -rf "$tmp"
	mkdir -p "$tmp"
	while IFS= read -r pv; do
		p=${pv%%=*}
		v=$(printf '%s' "${pv#*=}" | sed 's/:/%3a/')
		dpkg-deb -x "$cache/debs/${p}_${v}_"*.deb "$tmp"
	done <"$state/list"
	r=$tmp
	# what no workload here reads: documentation, translations, and the
	# LLVM that only postgres' optional JIT loads
	rm -rf "$r/usr/share/doc" "$r/usr/share/man" "$r/usr/share/locale" "$r/usr/share/info" \
		"$r"/usr/lib/x86_64-linux-gnu/libLLVM* "$r"/usr/lib/postgresql/*/lib/llvmjit* \
		"$r"/usr/lib/postgresql/*/lib/bitcode
	mkdir -p "$r/proc" "$r/sys" "$r/dev" "$r/tmp" "$r/var/tmp" "$r/run" "$r/data" "$r/root"
	chmod 1777 "$r/tmp" "$r/var/tmp"
	# as in Debian's images: /var/run and /var/lock lead into /run
	mkdir -p "$r/run/lock"
	for d in run lock; do
		if [ -d "$r/var/$d" ] && [ ! -L "$r/var/$d" ]; then
			cp -a "$r/var/$d/." "$r/run/$([ $d = lock ] && echo lock/)" 2>/dev/null || true
			rm -rf "${r:?}/var/$d"
		fi
	done
	rm -f "$r/run/run"
	ln -sfn /run "$r/var/run"
	ln -sfn /run/lock "$r/var/lock"
	# The named users, as the official images (or Debian's postinst) make them.
	cat >"$r/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/bash
www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin
redis:x:100:101:redis:/var/lib/redis:/usr/sbin/nologin
postgres:x:102:103:PostgreSQL administrator:/var/lib/postgresql:/bin/bash
memcache:x:104:105:memcached:/nonexistent:/usr/sbin/nologin
haproxy:x:106:107:haproxy:/var/lib/haproxy:/usr/sbin/nologin
app:x:1000:1000:app:/home/app:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
EOF
	cat >"$r/etc/group" <<'EOF'
root:x:0:
www-data:x:33:
redis:x:101:
postgres:x:103:
memcache:x:105:
haproxy:x:107:
app:x:1000:
nogroup:x:65534:
EOF
	# What the official images' Dockerfiles and Debian's postinst scripts
	# create (see compat.bats for the sources).
	mkdir -p "$r/var/lib/postgresql" "$r/run/postgresql" "$r/var/lib/redis" "$r/var/log/redis" \
		"$r/var/lib/nginx" "$r/var/log/nginx" "$r/var/lib/haproxy" "$r/run/haproxy" \
		"$r/var/cache/lighttpd" "$r/var/log/lighttpd" "$r/run/lighttpd" "$r/home/app" "$r/var/www/html"
	chown 102:103 "$r/var/lib/postgresql" "$r/run/postgresql"
	# postgres' Dockerfile: "chmod 3777 /var/run/postgresql"
	chmod 3777 "$r/run/postgresql"
	chown 100:101 "$r/var/lib/redis" "$r/var/log/redis"
	chown 33:33 "$r/var/cache/lighttpd" "$r/var/log/lighttpd" "$r/run/lighttpd"
	chown 1000:1000 "$r/home/app"
	echo "compat ok" >"$r/var/www/html/index.html"
	# each workload's configuration and entrypoint (tests/lib/compat/)
	mkdir -p "$r/var/cache/nginx" "$r/usr/local/bin" "$r/etc/haproxy"
	cp "$here"/compat/nginx-*.conf "$r/etc/nginx/"
	cp "$here"/compat/haproxy-*.cfg "$r/etc/haproxy/"
	cp "$here"/compat/lighttpd-*.conf "$r/etc/lighttpd/"
	cp "$here"/compat/*-entrypoint.sh "$r/usr/local/bin/"
	chmod 0755 "$r"/usr/local/bin/*-entrypoint.sh
	# another run may have finished the same tree meanwhile: keep its
	mv -T "$tmp" "$tree" 2>/dev/null || rm -rf "$tmp"
fi
echo "$tree"
