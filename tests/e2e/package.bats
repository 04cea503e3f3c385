#!/usr/bin/env bats
#
# The Debian package: dpkg-buildpackage builds it from a copy of the tree,
# lintian checks it, and it is installed, run, reinstalled (the same
# version rebuilt) and purged in a throwaway root: an overlay of this
# machine's root file system, in a mount namespace of the test's own, so
# that nothing reaches the host or the tests running beside it. What the
# package leaves behind is what the overlay's upper directory holds after
# the purge.
#
# Environment: HARDRUN_SRCDIR (top of the source tree). The container runs
# through the installed /usr/sbin/hardrun, not $HARDRUN.

bats_require_minimum_version 1.5.0

load lib/common

setup_file() {
	export PKG_SKIP=""
	if [ "$(id -u)" -ne 0 ]; then
		PKG_SKIP="the throwaway root needs root"
	elif ! command -v dpkg-buildpackage >/dev/null 2>&1 || ! command -v dh >/dev/null 2>&1; then
		PKG_SKIP="dpkg-dev and debhelper are not installed"
	elif ! grep -qw overlay /proc/filesystems; then
		PKG_SKIP="the kernel has no overlay file system"
	fi
	[ -z "$PKG_SKIP" ] || return 0

	# A copy of the tree (without build directories), built as the issue's
	# operators would: dpkg-buildpackage -us -uc -b. The unit tests ran in
	# make check already.
	export PKG=$BATS_FILE_TMPDIR/pkg
	mkdir -p "$PKG/src" "$PKG/first" "$PKG/second"
	(cd "$HARDRUN_SRCDIR" && tar -cf - --exclude='./_build*' --exclude=./.git --exclude='./debian/hardrun' \
		--exclude='./debian/.debhelper' --exclude=./autom4te.cache .) | tar -xf - -C "$PKG/src"
	(cd "$PKG/src" && [ ! -f Makefile ] || make distclean >/dev/null 2>&1 || true)
	export DEB_BUILD_OPTIONS="nocheck parallel=2"
	if ! (cd "$PKG/src" && dpkg-buildpackage -us -uc -b) >"$PKG/build.log" 2>&1; then
		export PKG_BUILD_FAILED=1
		return 0
	fi
	mv "$PKG"/*.deb "$PKG"/*.changes "$PKG"/*.buildinfo "$PKG/first/"
	# The same version rebuilt: the binary package assembled anew.
	(cd "$PKG/src" && dpkg-buildpackage -us -uc -b -nc) >"$PKG/rebuild.log" 2>&1 || export PKG_BUILD_FAILED=1
	mv "$PKG"/*.deb "$PKG/second/" 2>/dev/null || true
	cache_rootfs
}

setup() {
	[ -z "$PKG_SKIP" ] || skip "$PKG_SKIP"
	if [ -n "${PKG_BUILD_FAILED:-}" ]; then
		tail -n 40 "$PKG/build.log" "$PKG/rebuild.log" 2>/dev/null
		return 1
	fi
	version=$(dpkg-parsechangelog -l "$HARDRUN_SRCDIR/debian/changelog" -S Version)
	arch=$(dpkg-architecture -qDEB_HOST_ARCH)
	DEB=$PKG/first/hardrun_${version}_${arch}.deb
}

@test "package: hardrun_<version>_<arch>.deb holds the binaries, hook, monitor and its unit, profiles, man pages and example policy, and no live policy" {
	[ -f "$DEB" ]
	[ -f "$PKG/second/hardrun_${version}_${arch}.deb" ]
	dpkg-deb -c "$DEB" | awk '{ print $6 ($7 == "->" ? " -> " $8 : "") }' | sed 's|^\./|/|' >"$BATS_TEST_TMPDIR/files"
	for f in /usr/sbin/hardrun "/usr/sbin/hardrun-baseline -> hardrun" /usr/sbin/hardrun-install \
		/usr/libexec/hardrun/hardrun-hook \
		/usr/share/hardrun/seccomp/default.json /usr/share/hardrun/apparmor/hardrun-default \
		/usr/share/man/man8/hardrun.8.gz /usr/share/man/man5/hardrun-policy.5.gz \
		/usr/share/man/man8/hardrun-install.8.gz \
		/usr/sbin/hardrun-monitor /usr/share/man/man8/hardrun-monitor.8.gz \
		/lib/systemd/system/hardrun-monitor.service \
		/usr/share/doc/hardrun/examples/policy.json /etc/logrotate.d/hardrun; do
		grep -qxF "$f" "$BATS_TEST_TMPDIR/files" || { echo "missing: $f"; cat "$BATS_TEST_TMPDIR/files"; return 1; }
	done
	# Installing the package must not change which profile a node applies.
	run grep '^/etc/hardrun' "$BATS_TEST_TMPDIR/files"
	[ "$status" -eq 1 ]

	run dpkg-deb -f "$DEB" Depends
	[ "$status" -eq 0 ]
	# ${shlibs:Depends}: the libraries hardrun links dynamically.
	[[ "$output" == *"libseccomp2"* ]]
	[[ "$output" == *"libyajl2"* ]]
	[[ "$output" == *"libc6"* ]]
	[[ "$output" == *"runc | crun"* ]]
}

@test "package: lintian reports no errors and no warnings" {
	command -v lintian >/dev/null 2>&1 || skip "lintian is not installed"
	run lintian --fail-on error,warning "$PKG/first/hardrun_${version}_${arch}.changes"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" != *"E: "* ]]
	[[ "$output" != *"W: "* ]]
}

# in_throwaway_root SCRIPT: runs SCRIPT (sh) in a new mount namespace whose
# root is an overlay of / with its upper directory in $T/upper; /proc, /sys
# and /dev are the host's, /run and /tmp fresh tmpfs, and $T/share is
# /mnt. Prints, after SCRIPT, "left:" and every path the upper directory
# holds that the host's root lacks or whose content differs, apart from
# dpkg's own database and log and man-db's index.
in_throwaway_root() {
	local t=$T
	mkdir -p "$t/upper" "$t/work" "$t/merged"
	cat >"$t/inner.sh" <<EOF
set -e
cd $t/merged
mkdir -p .oldroot
pivot_root . .oldroot
cd /
umount -l /.oldroot
rmdir /.oldroot
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
sh /mnt/script.sh
EOF
	cp "$1" "$t/share/script.sh"
	# shellcheck disable=SC2016 # expanded by the inner shell
	unshare -m --propagation private sh -c '
		set -e
		t=$1
		mount -t overlay overlay -o "lowerdir=/,upperdir=$t/upper,workdir=$t/work" "$t/merged"
		for d in proc sys dev; do mount --rbind "/$d" "$t/merged/$d"; done
		mount -t tmpfs tmpfs "$t/merged/run"
		mount -t tmpfs tmpfs "$t/merged/tmp"
		mount --bind "$t/share" "$t/merged/mnt"
		unshare -m --propagation private sh "$t/inner.sh"
	' sh "$t"
	echo "left:"
	(cd "$t/upper" && find . -mindepth 1 | sed 's|^\.||' | sort) | while read -r p; do
		case $p in
		/var/lib/dpkg | /var/lib/dpkg/* | /var/log/dpkg.log | /var/lib | /var/log | /var | /.oldroot) continue ;;
		# man-db's trigger brings its index up to date, with and without
		# hardrun's pages.
		/var/cache/man | /var/cache/man/index.db | /var/cache) continue ;;
		esac
		if [ ! -e "$p" ] && [ ! -L "$p" ]; then
			echo "new: $p"
		elif [ -f "$t/upper$p" ] && ! cmp -s "$t/upper$p" "$p"; then
			echo "changed: $p"
		fi
	done
}

@test "package: install, a container through the installed hardrun, reinstall rebuilt, purge: nothing left behind" {
	command -v unshare >/dev/null 2>&1 || skip "unshare is not installed"
	command -v pivot_root >/dev/null 2>&1 || skip "pivot_root is not installed"
	require_runtime runc
	T=$BATS_TEST_TMPDIR/root
	mkdir -p "$T/share"
	cp "$DEB" "$T/share/first.deb"
	cp "$PKG/second/hardrun_${version}_${arch}.deb" "$T/share/second.deb"
	# shellcheck disable=SC2016 # run by the container's shell
	make_bundle "$T/share/bundle" 'echo "uid=$(id -u) $(grep NoNewPrivs /proc/self/status | tr -d "\t")"; touch /probe 2>/dev/null && echo rootfs=rw || echo rootfs=ro'
	cat >"$BATS_TEST_TMPDIR/script.sh" <<'EOF'
set -e
run_container() {
	hardrun --root /run/pkgtest-runc run --bundle /mnt/bundle "pkgtest-$1" </dev/null
}
dpkg -i /mnt/first.deb >/dev/null
echo "installed: $(dpkg-query -W -f='${Status} ${Version}' hardrun)"
test ! -e /etc/hardrun/policy.json && echo "no live policy"
echo "baseline: $(readlink /usr/sbin/hardrun-baseline)"
echo "container: $(run_container 1)"
test -s /var/log/hardrun/audit.log && echo "audit trail written"
dpkg -i /mnt/second.deb >/dev/null
echo "reinstalled: $(dpkg-query -W -f='${Status} ${Version}' hardrun)"
echo "container: $(run_container 2)"
dpkg --purge hardrun >/dev/null
echo "purged: $(dpkg-query -W -f='${Status}' hardrun 2>/dev/null || echo gone)"
test ! -e /run/hardrun && test ! -e /var/log/hardrun && echo "state and audit trail removed"
# An administrator who keeps the audit trail: .keep in its directory.
dpkg -i /mnt/second.deb >/dev/null
run_container 3 >/dev/null
touch /var/log/hardrun/.keep
dpkg --purge hardrun >/dev/null
test -s /var/log/hardrun/audit.log && echo "audit trail kept"
rm -rf /var/log/hardrun /run/pkgtest-runc
EOF
	run in_throwaway_root "$BATS_TEST_TMPDIR/script.sh"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "installed: install ok installed $version
no live policy
baseline: hardrun
container: uid=65534 NoNewPrivs:1
rootfs=ro
audit trail written
reinstalled: install ok installed $version
container: uid=65534 NoNewPrivs:1
rootfs=ro
purged: gone
state and audit trail removed
audit trail kept
left:" ]
}
