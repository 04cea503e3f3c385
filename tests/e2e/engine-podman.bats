#!/usr/bin/env bats
#
# Podman 4.3 driving hardrun: "podman --runtime hardrun" with a private
# configuration and storage, checked from inside containers.
#
# "plumbing:" tests need only a runtime that behaves like runc.
# "hardening:" tests check what hardrun changes in the container.

bats_require_minimum_version 1.5.0

load lib/podman

setup_file() {
	e2e_check_prerequisites
	[ -z "$E2E_SKIP_REASON" ] || return 0
	podman_setup
	[ -z "$E2E_SKIP_REASON" ] || return 0
	podman_import_image
}

teardown_file() {
	podman_cleanup
}

setup() {
	e2e_skip_if_unavailable
}

teardown() {
	[ -n "$E2E_SKIP_REASON" ] || podman_remove_all_containers
}

# hardrun_run ARGS...: a throw-away container under hardrun.  The network
# namespace is asked for explicitly: containers.conf defaults to the host's.
hardrun_run() {
	podman --runtime hardrun run --rm --network none "localhost/$E2E_IMAGE" "$@"
}

# hardrun_start NAME: a long-running container under hardrun.
hardrun_start() {
	podman --runtime hardrun run -d --name "$1" --network none "localhost/$E2E_IMAGE" \
		sleep 300 >/dev/null
}

# hardrun_run_with_socket: a container given a bind mount named docker.sock;
# hardrun judges the mount by its name, so a plain file will do.
hardrun_run_with_socket() {
	podman --runtime hardrun run --rm --network none \
		-v "$PODMAN_TMP/docker.sock:/var/run/docker.sock" "localhost/$E2E_IMAGE" true
}

@test "plumbing: podman --runtime hardrun run prints the container's output" {
	run hardrun_run echo hello
	assert_success
	assert_output_equals hello
}

@test "plumbing: run --rm leaves no container behind" {
	run hardrun_run true
	assert_success
	run podman ps --all --external --quiet
	assert_success
	assert_output_equals ""
}

@test "hardening: the container runs as 65534:65534 without group 0" {
	run hardrun_run sh -c "$E2E_PROBE_STATUS"
	assert_success
	assert_nonroot_identity "$output"
}

@test "hardening: the container has no capabilities in any set" {
	run hardrun_run sh -c "$E2E_PROBE_STATUS"
	assert_success
	assert_no_capabilities "$output"
}

@test "hardening: the container has NoNewPrivs and a seccomp filter" {
	run hardrun_run sh -c "$E2E_PROBE_STATUS"
	assert_success
	assert_nnp_and_seccomp "$output"
}

@test "hardening: the root filesystem is read-only and /tmp is writable" {
	run hardrun_run sh -c "$E2E_PROBE_FS"
	assert_success
	assert_readonly_rootfs "$output"
}

@test "hardening: /proc/kcore and the other masked /proc files are masked" {
	run hardrun_run sh -c "$E2E_PROBE_MASKED"
	assert_success
	assert_masked "$output"
}

@test "plumbing: podman exec runs in a container started by hardrun" {
	hardrun_start e2e-exec
	run podman exec e2e-exec echo exec-ok
	assert_success
	assert_output_equals exec-ok
}

@test "hardening: podman exec stays uid 65534 without capabilities" {
	hardrun_start e2e-exec-plain
	run podman exec e2e-exec-plain sh -c "$E2E_PROBE_STATUS"
	assert_success
	assert_hardened_status "$output"
}

@test "hardening: podman exec --user 0 stays uid 65534 without capabilities" {
	hardrun_start e2e-exec-root
	run podman exec --user 0 e2e-exec-root sh -c "$E2E_PROBE_STATUS"
	assert_success
	assert_hardened_status "$output"
}

@test "hardening: podman exec --privileged --user 0 stays uid 65534 without capabilities" {
	hardrun_start e2e-exec-privileged
	run podman exec --privileged --user 0 e2e-exec-privileged sh -c "$E2E_PROBE_STATUS"
	assert_success
	assert_hardened_status "$output"
}

@test "plumbing: podman logs holds only the container's own output" {
	local line="hardrun-e2e: one line from the container"

	podman --runtime hardrun run -d --name e2e-logs --network none "localhost/$E2E_IMAGE" \
		echo "$line" >/dev/null
	run podman wait e2e-logs
	assert_success
	assert_output_equals 0
	run --separate-stderr podman logs e2e-logs
	assert_success
	assert_output_equals "$line"
	[ -z "$stderr" ] || e2e_fail "podman logs wrote to stderr:" "$stderr"
}

@test "hardening: a bind mount named docker.sock is refused with podman's error display" {
	: >"$PODMAN_TMP/docker.sock"
	run hardrun_run_with_socket
	assert_failure
	assert_output_contains "Error: OCI runtime error: " refused
	run podman ps --all --external --quiet
	assert_output_equals ""
}

@test "hardening: the host network namespace is refused" {
	run podman --runtime hardrun run --rm --network host "localhost/$E2E_IMAGE" true
	assert_failure
	assert_output_contains refused
}

@test "hardening: a podman volume bound to the host's / is refused" {
	podman volume rm -f hardrun-rootvol >/dev/null 2>&1 || true
	podman volume create --opt type=none --opt o=bind --opt device=/ hardrun-rootvol >/dev/null
	run podman --runtime hardrun run --rm --network none -v hardrun-rootvol:/x "localhost/$E2E_IMAGE" \
		cat /x/etc/hostname
	podman volume rm -f hardrun-rootvol >/dev/null
	assert_failure
	assert_output_contains refused "what is mounted there is the host's" "the host's root filesystem"
}

@test "plumbing: podman run --init binds catatonit read-only and runs" {
	command -v catatonit >/dev/null || [ -x /usr/libexec/podman/catatonit ] || skip "no catatonit here"
	run podman --runtime hardrun run --rm --init --network none "localhost/$E2E_IMAGE" sh -c "$E2E_PROBE_STATUS"
	assert_success
	assert_hardened_status "$output"
}

@test "hardening: podman --annotation cannot lower the profile under the example policy" {
	local ann=(--annotation io.kubernetes.cri.sandbox-namespace=kube-system
		--annotation io.kubernetes.cri.container-type=container
		--annotation io.kubernetes.cri.sandbox-id=0000000000000000000000000000000000000000000000000000000000000000
		--annotation io.kubernetes.cri.sandbox-name=frontend-0
		--annotation io.kubernetes.cri.image-name=registry.example.com/netops/ping:1
		--annotation hardrun.io/profile=legacy-audit)
	run podman --runtime hardrun-example run --rm --network none "${ann[@]}" "localhost/$E2E_IMAGE" \
		sh -c "$E2E_PROBE_STATUS"
	assert_success
	assert_nonroot_identity "$output"
	assert_no_capabilities "$output"
	jq -s -e 'any(.[]; .event == "decision" and .command == "create" and .profile == "restricted"
		and .rule == "default" and any(.findings[]; .action == "note"
		and (.message | contains("ignored: annotation \"io.kubernetes.cri.sandbox-namespace\""))))' \
		"$PODMAN_TMP/example-audit.log" || e2e_fail "audit trail:" "$(cat "$PODMAN_TMP/example-audit.log")"
}
