#!/usr/bin/env bats
#
# Docker 20.10 driving hardrun: a private dockerd whose runtimes "hardrun"
# and "hardrun-baseline" point at $HARDRUN, checked from inside containers.
#
# "plumbing:" tests need only a runtime that behaves like runc.
# "hardening:" tests check what hardrun changes in the container.

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

# hardrun_run ARGS...: a throw-away container under the default profile.
hardrun_run() {
	docker run --rm --runtime hardrun --network none "$E2E_IMAGE" "$@"
}

# hardrun_start NAME: a long-running container under the default profile;
# prints its id.
hardrun_start() {
	docker run -d --name "$1" --runtime hardrun --network none "$E2E_IMAGE" sleep 300
}

# hardrun_run_with_socket: a container given this daemon's own socket.
hardrun_run_with_socket() {
	docker run --rm --runtime hardrun --network none \
		-v "$DOCKER_SOCK:/var/run/docker.sock" "$E2E_IMAGE" true
}

@test "plumbing: docker run --runtime hardrun prints the container's output" {
	run hardrun_run echo hello
	assert_success
	assert_output_equals hello
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

@test "plumbing: docker exec runs in a container started by hardrun" {
	hardrun_start e2e-exec >/dev/null
	run docker exec e2e-exec echo exec-ok
	assert_success
	assert_output_equals exec-ok
}

@test "hardening: docker exec --privileged -u 0 stays uid 65534 without capabilities" {
	hardrun_start e2e-exec-privileged >/dev/null
	run docker exec --privileged -u 0 e2e-exec-privileged sh -c "$E2E_PROBE_STATUS"
	assert_success
	assert_hardened_status "$output"
}

@test "plumbing: docker logs holds only the container's own output" {
	local line="hardrun-e2e: one line from the container"

	docker run -d --name e2e-logs --runtime hardrun --network none "$E2E_IMAGE" echo "$line" >/dev/null
	run docker wait e2e-logs
	assert_success
	assert_output_equals 0
	run --separate-stderr docker logs e2e-logs
	assert_success
	assert_output_equals "$line"
	[ -z "$stderr" ] || e2e_fail "docker logs wrote to stderr:" "$stderr"
}

@test "plumbing: docker info lists the hardrun runtimes without error" {
	local runtimes default errors

	run docker info
	assert_success
	runtimes=" $(printf '%s\n' "$output" | sed -n 's/^ *Runtimes: //p') "
	[[ $runtimes == *" hardrun "* && $runtimes == *" hardrun-baseline "* ]] ||
		e2e_fail "Runtimes: $runtimes"
	default=$(printf '%s\n' "$output" | sed -n 's/^ *Default Runtime: //p')
	[ "$default" = hardrun ] || e2e_fail "Default Runtime: $default"
	errors=$(printf '%s\n' "$output" | grep -Ei '^ *error' || true)
	[ -z "$errors" ] || e2e_fail "docker info reports errors:" "$errors"
}

@test "plumbing: docker info reads a runc version through hardrun --version" {
	# hardrun is the daemon's default runtime, so dockerd runs
	# "$HARDRUN --version" and parses it as runc's output.
	run --separate-stderr docker info --format '{{.RuncCommit.ID}}'
	assert_success
	if [ -z "$output" ] || [ "$output" = N/A ]; then
		e2e_fail "dockerd could not parse '$HARDRUN --version' (runc commit '$output')"
	fi
}

@test "plumbing: the hardrun-baseline runtime (runtimeArgs) runs a container" {
	run docker run --rm --runtime hardrun-baseline --network none -u 0 "$E2E_IMAGE" echo baseline-ok
	assert_success
	assert_output_equals baseline-ok
}

@test "hardening: hardrun-baseline allows uid 0 but sets NoNewPrivs, seccomp and drops CAP_NET_RAW" {
	run docker run --rm --runtime hardrun-baseline --network none -u 0 "$E2E_IMAGE" \
		sh -c "$E2E_PROBE_STATUS"
	assert_success
	assert_baseline_status "$output"
}

@test "hardening: a bind mount of the docker socket is refused with a message" {
	run hardrun_run_with_socket
	assert_failure
	assert_output_contains "OCI runtime create failed" refused mounts
}

@test "hardening: the host network namespace is refused" {
	run docker run --rm --runtime hardrun --network host "$E2E_IMAGE" true
	assert_failure
	assert_output_contains refused
}

@test "plumbing: a --network none container sees only the loopback interface" {
	run hardrun_run sed -n 's/^ *\([^:]*\):.*/\1/p' /proc/net/dev
	assert_success
	assert_output_equals lo
}

@test "plumbing: the libnetwork-setkey prestart hook stays in config.json" {
	local id config

	id=$(hardrun_start e2e-hook)
	config=$(docker_bundle_config "$id")
	[ -f "$config" ]
	# as Docker 20.10 writes it: the whole argv, and no env; hardrun's
	# allowlist entry matches all of it (the container started, so the
	# prestart hook ran and succeeded)
	run jq -e --arg exe "/proc/$DOCKER_PID/exe" --arg id "$id" \
		'[.hooks.prestart[]? | select(.path == $exe and .args[0] == "libnetwork-setkey"
			and (.args | length) == 4 and (.args[1] | startswith("-exec-root=/")) and .args[2] == $id
			and (.args[3] | test("^[0-9a-f]{12}$")) and (has("env") | not))] | length == 1' \
		"$config"
	[ "$status" -eq 0 ] || e2e_fail "hooks in $config:" "$(jq -c .hooks "$config")"
	[ "$(docker inspect -f '{{.State.Running}}' "$id")" = true ]
}

@test "hardening: the bundle's config.json was rewritten in place" {
	local id config

	id=$(hardrun_start e2e-bundle)
	config=$(docker_bundle_config "$id")
	[ -f "$config" ]
	run jq -e '.process.user.uid == 65534 and .process.user.gid == 65534
		and .process.noNewPrivileges == true
		and .root.readonly == true
		and ([.process.capabilities[]?[]?] | length == 0)
		and (.linux.seccomp != null)' "$config"
	[ "$status" -eq 0 ] || e2e_fail "$config is not hardened:" "$(jq -c '{
		user: .process.user,
		noNewPrivileges: .process.noNewPrivileges,
		root: .root,
		capabilities: .process.capabilities,
		seccomp: (.linux.seccomp != null)
	}' "$config")"
}

# A local volume whose driver bound a host directory onto its _data: the
# spec names a harmless volume path, but what is mounted there decides.
volume_bound_to() {
	docker volume rm -f "$1" >/dev/null 2>&1 || true
	docker volume create --driver local -o type=none -o o=bind -o device="$2" "$1" >/dev/null
}

@test "hardening: a local volume bound to the host's / is refused" {
	volume_bound_to hardrun-rootvol /
	run docker run --rm --runtime hardrun --network none -v hardrun-rootvol:/x "$E2E_IMAGE" cat /x/etc/hostname
	docker volume rm -f hardrun-rootvol >/dev/null
	assert_failure
	assert_output_contains refused "what is mounted there is the host's" "the host's root filesystem"
}

@test "hardening: a local volume bound to /run, where the runtime sockets live, is refused" {
	volume_bound_to hardrun-runvol /run
	run docker run --rm --runtime hardrun --network none -v hardrun-runvol:/x "$E2E_IMAGE" ls /x
	docker volume rm -f hardrun-runvol >/dev/null
	assert_failure
	assert_output_contains refused "container runtime socket"
}

@test "hardening: a local volume of the host's root block device, mounted again, is refused" {
	local dev fstype
	dev=$(findmnt -no SOURCE /) fstype=$(findmnt -no FSTYPE /)
	[ -b "$dev" ] || skip "the root filesystem is not on a block device here ($dev)"
	docker volume rm -f hardrun-devvol >/dev/null 2>&1 || true
	docker volume create --driver local -o type="$fstype" -o device="$dev" hardrun-devvol >/dev/null
	run docker run --rm --runtime hardrun --network none -v hardrun-devvol:/x "$E2E_IMAGE" ls /x
	docker volume rm -f hardrun-devvol >/dev/null
	assert_failure
	assert_output_contains refused "what is mounted there is the host's"
}

@test "hardening: a local volume that is an overlay of the host's / is refused" {
	local up="$DOCKER_TMP/ov-up" work="$DOCKER_TMP/ov-work"
	mkdir -p "$up" "$work"
	docker volume rm -f hardrun-ovvol >/dev/null 2>&1 || true
	docker volume create --driver local -o type=overlay -o device=overlay -o o="lowerdir=/,upperdir=$up,workdir=$work" \
		hardrun-ovvol >/dev/null
	# the attack is real: under plain runc the container reads the host's files
	run docker run --rm --runtime runc --network none -v hardrun-ovvol:/x "$E2E_IMAGE" cat /x/etc/hostname
	[ "$status" -eq 0 ] && [ "$output" = "$(cat /etc/hostname)" ] || e2e_fail "bare runc:" "$output"
	run docker run --rm --runtime hardrun --network none -v hardrun-ovvol:/x "$E2E_IMAGE" cat /x/etc/hostname
	docker volume rm -f hardrun-ovvol >/dev/null
	assert_failure
	assert_output_contains refused "the overlay mounted there shows the host's" "the host's root filesystem"
}

@test "plumbing: an ordinary local volume still works" {
	docker volume rm -f hardrun-plainvol >/dev/null 2>&1 || true
	docker volume create hardrun-plainvol >/dev/null
	run docker run --rm --runtime hardrun --network none --user 0 -v hardrun-plainvol:/data "$E2E_IMAGE" \
		sh -c 'ls -d /data && cat /proc/self/status | grep ^CapEff'
	docker volume rm -f hardrun-plainvol >/dev/null
	assert_success
	assert_output_contains /data
}

@test "plumbing: docker run --init binds docker-init read-only and runs" {
	command -v docker-init >/dev/null || [ -x /usr/libexec/docker/docker-init ] || skip "no docker-init here"
	run docker run --rm --init --runtime hardrun --network none "$E2E_IMAGE" sh -c "$E2E_PROBE_STATUS"
	assert_success
	assert_hardened_status "$output"
}
