#!/usr/bin/env bats
# hardrun-monitor under containerd 1.6's CRI plugin (a runtime handler, as a
# Kubernetes RuntimeClass selects): the alert for a blocked syscall names
# the pod's namespace, the pod, the container and the image, from the
# annotations containerd writes. The monitor listens on a socket of this
# file's own, named by the handler's policy file.
#
# Pods get their own network namespace on a private bridge with no gateway,
# no masquerading and addresses from 10.88.78.0/24; nothing is routed
# anywhere, and the bridge is deleted afterwards.

# Single-quoted $(( )) and $! are for the container's shell.
# shellcheck disable=SC2016
load lib/containerd

CRI_SUBNET=10.88.78.0/24

setup_file() {
	ctrd_require_root || return 0
	[[ -x /usr/lib/cni/bridge && -x /usr/lib/cni/host-local && -x /usr/lib/cni/loopback ]] ||
		ctrd_skip_file "CNI plugins missing in /usr/lib/cni (containernetworking-plugins)" || return 0
	/usr/bin/python3 -c 'import grpc, google.protobuf' 2>/dev/null ||
		ctrd_skip_file "python3-grpcio and python3-protobuf are needed" || return 0
	ctrd_init
	export CRI_BRIDGE=hr$CTRD_TAG
	export CRI_NETWORK=$CTRD_NS

	mkdir -p "$CTRD_DIR"/{bin,cni/net.d,cni/ipam,logs}
	export MSOCK="$BATS_FILE_TMPDIR/monitor.sock" ALERTS="$BATS_FILE_TMPDIR/alerts.jsonl"
	export POLICY="$BATS_FILE_TMPDIR/policy.json"
	jq -n --arg s "$MSOCK" '{monitor: {socket: $s}, audit: {file: null}}' >"$POLICY"
	# BinaryName takes no arguments: a wrapper names the test's policy
	cat >"$CTRD_DIR/bin/hardrun-monitored" <<EOF
#!/bin/sh
exec "$HARDRUN" --hardrun-policy "$POLICY" "\$@"
EOF
	chmod 0755 "$CTRD_DIR/bin/hardrun-monitored"
	"$HARDRUN_BUILDDIR/monitor/hardrun-monitor" --socket "$MSOCK" --output "$ALERTS" \
		>/dev/null 2>"$BATS_FILE_TMPDIR/monitor.err" 3>&- &
	echo $! >"$BATS_FILE_TMPDIR/monitor.pid"

	cri_start "$CRI_NETWORK" "$CRI_BRIDGE" "$CRI_SUBNET" hardrun-monitored \
		hardrun-monitored="$CTRD_DIR/bin/hardrun-monitored" || return 0
}

teardown_file() {
	[[ -s ${BATS_FILE_TMPDIR}/monitor.pid ]] && kill "$(cat "$BATS_FILE_TMPDIR/monitor.pid")"
	cri_stop "${CRI_BRIDGE-}" "${CRI_NETWORK-}"
}

setup() {
	ctrd_skip_if_needed
}

teardown() {
	cri cleanup >&2 || true
}


# pod_request NAME HANDLER [NETWORK_MODE]: a RunPodSandboxRequest as JSON.
# NETWORK_MODE is POD (own network namespace, the default) or NODE.
pod_request() {
	mkdir -p "$CTRD_DIR/logs/$1"
	jq -cn --arg name "$1" --arg handler "$2" --arg net "${3:-POD}" \
		--arg logs "$CTRD_DIR/logs/$1" --arg cg "/$CTRD_CGROUP" \
		'{runtime_handler: $handler,
		  config: {metadata: {name: $name, uid: ("uid-" + $name), namespace: "hre2e", attempt: 0},
		           hostname: (if $net == "NODE" then "" else $name end),
		           log_directory: $logs,
		           linux: {cgroup_parent: $cg,
		                   security_context: {namespace_options: {network: $net, pid: "CONTAINER", ipc: "POD"}}}}}'
}




@test "CRI: a blocked unshare in a pod raises an alert naming its namespace, pod, container and image" {
	local out pod app
	out=$(cri up "$(jq -cn --argjson p "$(pod_request mon1 hardrun-monitored)" --arg image "$CTRD_BUSYBOX_REF" \
		'{pod: $p, container: {metadata: {name: "app"}, image: {image: $image},
		  command: ["sh", "-c", "unshare -U true; trap \"exit 0\" TERM; sleep 600 & wait $!"],
		  log_path: "app.log", linux: {security_context: {}}}}')")
	pod=$(jq -er .pod_sandbox_id <<<"$out")
	app=$(jq -er .container_id <<<"$out")
	local _
	for _ in $(seq 200); do
		grep -q "\"container.id\":\"$app\"" "$ALERTS" 2>/dev/null && break
		sleep 0.05
	done
	grep "\"container.id\":\"$app\"" "$ALERTS" | head -1 | jq -e --arg img "${CTRD_BUSYBOX_REF%:*}" '
		.rule == "Blocked attack syscall" and .output_fields."evt.type" == "unshare"
		and .output_fields."evt.res" == "EPERM"
		and .output_fields."k8s.ns.name" == "hre2e" and .output_fields."k8s.pod.name" == "mon1"
		and .output_fields."container.name" == "app" and .output_fields."container.image.repository" == $img'
	# the workload sees the errno it sees without the monitor
	run cri exec "$app" sh -c 'unshare -U true 2>&1; echo rc=$?'
	echo "$output"
	[[ "$output" == *"Operation not permitted"* ]]
	[ -n "$pod" ]
}
