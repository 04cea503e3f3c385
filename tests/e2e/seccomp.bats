#!/usr/bin/env bats
# hardrun's seccomp profile in real containers (runc and crun): Seccomp: 2,
# the documented errno for each blocked call (docs/seccomp.md), and an
# ordinary workload still working.

load lib/common

setup_file() {
	[ "$(id -u)" -eq 0 ] || return 0
	export HR_ROOTFS_CACHE="$BATS_FILE_TMPDIR/rootfs"
	make_rootfs "$HR_ROOTFS_CACHE"
	cp "$HARDRUN_BUILDDIR/tests/e2e/probe/syscall-probe" "$HR_ROOTFS_CACHE/bin/syscall-probe"
}

setup() {
	require_root
	[ -x "$HARDRUN_BUILDDIR/tests/e2e/probe/syscall-probe" ] || skip "the syscall probe was not built"
}

teardown() {
	cleanup_containers runc
	cleanup_containers crun
}

blocked_calls() {
	local rt=$1 b="$BATS_TEST_TMPDIR/bundle"
	make_bundle "$b" 'grep Seccomp: /proc/self/status; syscall-probe'
	run "$HARDRUN" --hardrun-runtime "$(command -v "$rt")" --root "$(runtime_root "$rt")" run --bundle "$b" "sc-$rt"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	echo "$output"
	[[ "$output" == *"Seccomp:	2"* ]]
	local want
	for want in unshare=EPERM mount=EPERM keyctl=EPERM bpf=EPERM ptrace=EPERM socket_alg=EPERM \
		socket_vsock=EPERM clone_newuser=EPERM clone3=ENOSYS unknown=ENOSYS socket_inet=ok fork=ok; do
		[[ "$output" == *"$want"* ]] || { echo "expected $want"; return 1; }
	done
	# restricted filters the machine's own architecture only: a 32-bit
	# system call meets libseccomp's bad-architecture action (SIGSYS).
	# Only where the kernel runs 32-bit calls at all.
	if [ "$("$HARDRUN_BUILDDIR/tests/e2e/probe/syscall-probe" compat)" = compat=ok ]; then
		[[ "$output" == *compat=SIGSYS* ]] || { echo "expected compat=SIGSYS"; return 1; }
	fi
	grep -q '"architectures":\["SCMP_ARCH_X86_64"\]' "$b/config.json" || [ "$(uname -m)" != x86_64 ]
}

@test "runc: blocked system calls fail with the documented errno" {
	require_runtime runc
	blocked_calls runc
}

@test "crun: blocked system calls fail with the documented errno" {
	require_runtime crun
	blocked_calls crun
}

ordinary() {
	local rt=$1 b="$BATS_TEST_TMPDIR/bundle"
	make_bundle "$b" '
		mkdir -p /tmp/www && echo served >/tmp/www/index.html
		httpd -p 127.0.0.1:8081 -h /tmp/www
		sleep 0.3
		wget -qO- http://127.0.0.1:8081/index.html
		sleep 0.2 && echo slept
		echo data >/tmp/f && cat /tmp/f'
	run "$HARDRUN" --hardrun-runtime "$(command -v "$rt")" --root "$(runtime_root "$rt")" run --bundle "$b" "ord-$rt"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	[[ "$output" == *served* && "$output" == *slept* && "$output" == *data* ]]
}

@test "runc: shell, a local HTTP server and wget, sleep and /tmp writes work under the filter" {
	require_runtime runc
	ordinary runc
}

@test "crun: shell, a local HTTP server and wget, sleep and /tmp writes work under the filter" {
	require_runtime crun
	ordinary crun
}
