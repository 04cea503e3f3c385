#!/usr/bin/env bats
# Compatibility through Docker 20.10: nginx and redis (lib/compat.bash)
# started with "docker run -d --runtime hardrun" (restricted) and
# "--runtime hardrun-baseline", as root and as their named users, probed
# from inside the container's own network namespace on loopback. A
# private dockerd (lib/docker.bash); the image is compat-rootfs.sh's tree.

bats_require_minimum_version 1.5.0

load lib/docker
load lib/compat

COMPAT_IMAGE=hardrun-compat:1

setup_file() {
	e2e_check_prerequisites
	[ -z "$E2E_SKIP_REASON" ] || return 0
	compat_tree
	if [ -n "$COMPAT_SKIP" ]; then
		export E2E_SKIP_REASON=$COMPAT_SKIP
		return 0
	fi
	docker_start_daemon
	[ -z "$E2E_SKIP_REASON" ] || return 0
	tar -C "$COMPAT_TREE" --numeric-owner -cf - . | docker import - "$COMPAT_IMAGE" >/dev/null
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

# docker_serves RUNTIME NAME root|named
docker_serves() {
	local rt=$1 name=$2 as=$3 c="$2-$3-$1" i=0 v
	workload "$name" "$as"
	local opts=(-d --name "$c" --runtime "$rt" --network none -w "$W_CWD" -e "PATH=$COMPAT_PATH")
	[ "$as" = root ] || opts+=(-u "$W_UID:$W_GID")
	for v in $W_VOLS; do
		mkdir -p "$BATS_TEST_TMPDIR/vol$i"
		chmod 0777 "$BATS_TEST_TMPDIR/vol$i"
		opts+=(-v "$BATS_TEST_TMPDIR/vol$i:$v")
		i=$((i + 1))
	done
	mapfile -t envs < <(jq -r '.[]' <<<"$W_ENV")
	for v in "${envs[@]}"; do
		opts+=(-e "$v")
	done
	mapfile -t args < <(jq -r '.[]' <<<"$W_ARGS")
	run docker run "${opts[@]}" "$COMPAT_IMAGE" "${args[@]}"
	assert_success
	local pid
	pid=$(docker inspect -f '{{.State.Pid}}' "$c")
	run compat_probe "$pid"
	if [ "$status" -ne 0 ]; then
		echo "$output"
		docker ps -a --filter "name=$c" --format '{{.Status}}'
		docker logs "$c" 2>&1
		return 1
	fi
}

@test "docker, hardrun-baseline: nginx as root serves" { docker_serves hardrun-baseline nginx root; }
@test "docker, hardrun-baseline: nginx as www-data serves" { docker_serves hardrun-baseline nginx named; }
@test "docker, hardrun-baseline: redis as root serves" { docker_serves hardrun-baseline redis root; }
@test "docker, hardrun-baseline: redis as redis serves" { docker_serves hardrun-baseline redis named; }
@test "docker, hardrun: nginx as root serves" { docker_serves hardrun nginx root; }
@test "docker, hardrun: nginx as www-data serves" { docker_serves hardrun nginx named; }
@test "docker, hardrun: redis as root serves" { docker_serves hardrun redis root; }
@test "docker, hardrun: redis as redis serves" { docker_serves hardrun redis named; }

@test "docker: a container that fails soon after start leaves a hint that hardrun why explains" {
	# (dash, the image's sh, ends with status 2 when a redirection fails)
	run docker run -d --runtime hardrun --network none "$COMPAT_IMAGE" sh -c 'echo x >/etc/app.conf || exit 1'
	assert_success
	local id=$output i=0
	docker wait "$id" >/dev/null
	# the hook's watcher writes the exit record once the process is gone
	while [ $i -lt 100 ]; do
		"$HARDRUN" why "$id" 2>/dev/null | grep -q "hint:" && break
		sleep 0.1
		i=$((i + 1))
	done
	run "$HARDRUN" why "$id"
	assert_success
	[[ "$output" == *"profile \"restricted\""* ]]
	[[ "$output" == *"exited with status 1"* || "$output" == *"exit status unknown"* ]]
	[[ "$output" == *"hint: it ended soon after start, and hardrun changed it: it runs as a non-root user"* ]]
	[[ "$output" == *"hardrun why $id"* ]]
}
