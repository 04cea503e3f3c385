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

	cat >"$CTRD_DIR/cni/net.d/10-$CRI_NETWORK.conflist" <<EOF
{
  "cniVersion": "0.4.0",
  "name": "$CRI_NETWORK",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "$CRI_BRIDGE",
      "isGateway": false,
      "ipMasq": false,
      "hairpinMode": false,
      "ipam": {
        "type": "host-local",
        "ranges": [[{ "subnet": "$CRI_SUBNET" }]],
        "dataDir": "$CTRD_DIR/cni/ipam"
      }
    }
  ]
}
EOF

	local cri='plugins."io.containerd.grpc.v1.cri"' rt extra name bin
	extra="[$cri]
  sandbox_image = \"$CTRD_PAUSE_REF\"
  restrict_oom_score_adj = true
  stream_server_address = \"127.0.0.1\"
  stream_server_port = \"0\"
  netns_mounts_under_state_dir = true
  enable_selinux = false
  disable_apparmor = true
  [$cri.containerd]
    snapshotter = \"overlayfs\"
    default_runtime_name = \"hardrun-monitored\"
  [$cri.cni]
    bin_dir = \"/usr/lib/cni\"
    conf_dir = \"$CTRD_DIR/cni/net.d\"
    max_conf_num = 1
"
	name=hardrun-monitored
	bin=$CTRD_DIR/bin/$name
	rt="$cri.containerd.runtimes.$name"
	extra+="
  [$rt]
    runtime_type = \"io.containerd.runc.v2\"
    [$rt.options]
      BinaryName = \"$bin\"
      Root = \"$CTRD_RUNC_ROOT\"
      SystemdCgroup = false
"
	ctrd_write_config "$extra"
	ctrd_start || return 0
	ctrd_import "$(ctrd_image pause)" k8s.io
	ctrd_import "$(ctrd_image busybox)" k8s.io
	if ! cri ready --wait 30; then
		grep -i -E 'level=(error|warning)' "$CTRD_LOG" | tail -n 20 | sed 's/^/#   /' >&2
		ctrd_skip_file "the CRI plugin did not become ready"
		return 0
	fi
	# The CRI plugin learns about imported images from events.
	ctrd_retry 10 image_known "$CTRD_PAUSE_REF"
	ctrd_retry 10 image_known "$CTRD_BUSYBOX_REF"
}

teardown_file() {
	local - sandboxes id
	set +e # best effort: keep going past whatever fails
	[[ -s ${BATS_FILE_TMPDIR}/monitor.pid ]] && kill "$(cat "$BATS_FILE_TMPDIR/monitor.pid")"
	[[ -n ${CTRD_DIR-} ]] || return 0
	[[ -S ${CTRD_SOCK-} ]] && cri cleanup >/dev/null 2>&1
	# Sandbox IDs, to find the CNI result cache entries if the daemon could
	# not tear the networks down itself.
	sandboxes=$(ls "$CTRD_DIR/root/io.containerd.grpc.v1.cri/sandboxes" 2>/dev/null)
	ctrd_cleanup k8s.io
	if [[ -n ${CRI_BRIDGE-} ]] && ip link show "$CRI_BRIDGE" >/dev/null 2>&1; then
		ip link delete "$CRI_BRIDGE"
	fi
	[[ -n ${CRI_NETWORK-} ]] && rm -f /var/lib/cni/results/"$CRI_NETWORK"-*
	for id in $sandboxes; do
		rm -f /var/lib/cni/results/cni-loopback-"$id"-lo
	done
}

setup() {
	ctrd_skip_if_needed
}

teardown() {
	cri cleanup >&2 || true
}

# cri ARGS...: the CRI client talking to this file's containerd.
cri() {
	/usr/bin/python3 "$BATS_TEST_DIRNAME/cri_client.py" \
		--address "$CTRD_SOCK" --descriptor-cache "$CTRD_DIR/api.pb" "$@"
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

image_known() {
	cri ImageStatus "{\"image\": {\"image\": \"$1\"}}" | jq -e '.image.id != ""' >/dev/null
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
