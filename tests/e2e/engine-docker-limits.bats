#!/usr/bin/env bats
#
# Docker driving hardrun where it changes limits and devices: "docker update"
# is held to the container's profile, and "docker run --privileged" starts
# with only the default devices, usable. Checked from inside the container.

bats_require_minimum_version 1.5.0

load lib/docker

setup_file() {
	e2e_check_prerequisites
	[ -z "$E2E_SKIP_REASON" ] || return 0
	docker_start_daemon
	[ -z "$E2E_SKIP_REASON" ] || return 0
	docker_import_image
}

teardown_file() {
	docker_stop_daemon
}

setup() {
	e2e_skip_if_unavailable
}

teardown() {
	[ -n "$E2E_SKIP_REASON" ] || docker_remove_all_containers
}

# pids_max NAME: the pids limit as the container sees it (cgroup v1 or v2).
pids_max() {
	docker exec "$1" sh -c 'cat /sys/fs/cgroup/pids/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids.max'
}

@test "update: docker update --pids-limit -1 is refused and the limit stays" {
	docker run -d --name u1 --runtime hardrun --network none "$E2E_IMAGE" sleep 300 >/dev/null
	run pids_max u1
	assert_success
	assert_output_equals 4096

	run docker update --pids-limit -1 u1
	assert_failure
	assert_output_contains "hardrun refused update" "would remove the pids limit"
	run pids_max u1
	assert_success
	assert_output_equals 4096
}

@test "update: docker update --pids-limit above the profile's is refused" {
	docker run -d --name u2 --runtime hardrun --network none "$E2E_IMAGE" sleep 300 >/dev/null
	run docker update --pids-limit 100000 u2
	assert_failure
	assert_output_contains "is above the container's pids limit"
	run pids_max u2
	assert_output_equals 4096
}

@test "update: docker update within the limit and of other resources goes through" {
	docker run -d --name u3 --runtime hardrun --network none "$E2E_IMAGE" sleep 300 >/dev/null
	run docker update --pids-limit 100 u3
	assert_success
	run pids_max u3
	assert_output_equals 100
	run docker update --cpu-shares 512 u3
	assert_success
	run pids_max u3
	assert_output_equals 100
}

@test "devices: docker run --privileged starts with only the default devices, usable" {
	run docker run --rm --privileged --runtime hardrun --network none "$E2E_IMAGE" sh -c '
		echo x >/dev/null && echo null=ok
		head -c 4 /dev/zero | wc -c
		ls /dev
		cat /sys/fs/cgroup/devices/devices.list 2>/dev/null
		id'
	assert_success
	assert_output_contains "null=ok" "uid=65534"
	[[ $output != *"a *:* rwm"* ]] || e2e_fail "the device cgroup allows everything:" "$output"
	for dev in kmsg mem sda vda loop0 nvme0n1; do
		if printf '%s\n' "$output" | grep -qx "$dev"; then
			e2e_fail "host device /dev/$dev is in the container:" "$output"
		fi
	done
}

@test "devices: docker run --privileged is still hardened inside" {
	run docker run --rm --privileged --runtime hardrun --network none "$E2E_IMAGE" sh -c "$E2E_PROBE_STATUS"
	assert_success
	assert_hardened_status "$output"
}
