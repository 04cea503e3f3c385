#!/usr/bin/env bats
# containerd 1.6's CRI plugin selecting hardrun through runtime handlers,
# the way a Kubernetes RuntimeClass does, driven by cri_client.py.
#
# Handlers:
#   hardrun           BinaryName = $HARDRUN
#   hardrun-baseline  BinaryName = a symlink named hardrun-baseline to $HARDRUN
#                     (hardrun picks its profile from its invocation name)
#   hardrun-audit     BinaryName = a wrapper script recording every call,
#                     then exec'ing $HARDRUN
#
# Tests named "plumbing: ..." only need hardrun to pass the calls through to
# runc; tests named "hardening: ..." check what hardrun changed.
#
# Pods get their own network namespace on a private bridge with no gateway,
# no masquerading and addresses from 10.88.77.0/24; nothing is routed
# anywhere, and the bridge is deleted afterwards.

# Single-quoted $(( )) and $! are for the container's shell.
# shellcheck disable=SC2016
load lib/containerd

CRI_SUBNET=10.88.77.0/24

setup_file() {
	ctrd_require_root || return 0
	[[ -x /usr/lib/cni/bridge && -x /usr/lib/cni/host-local && -x /usr/lib/cni/loopback ]] ||
		ctrd_skip_file "CNI plugins missing in /usr/lib/cni (containernetworking-plugins)" || return 0
	/usr/bin/python3 -c 'import grpc, google.protobuf' 2>/dev/null ||
		ctrd_skip_file "python3-grpcio and python3-protobuf are needed" || return 0
	ctrd_init
	export CRI_BRIDGE=hr$CTRD_TAG
	export CRI_NETWORK=$CTRD_NS
	export CRI_AUDIT_LOG=$CTRD_DIR/audit.log

	mkdir -p "$CTRD_DIR"/{bin,cni/net.d,cni/ipam,logs}
	ln -s "$HARDRUN" "$CTRD_DIR/bin/hardrun-baseline"
	cat >"$CTRD_DIR/bin/hardrun-audit" <<EOF
#!/bin/sh
# Record each call (and, for create, the CRI container type from the
# bundle), then run hardrun with the arguments unchanged. Prints nothing:
# during create its stdio is the container's.
bundle= prev=
for a in "\$@"; do
	[ "\$prev" = --bundle ] && bundle=\$a
	case \$a in --bundle=*) bundle=\${a#--bundle=} ;; esac
	prev=\$a
done
type=
if [ -n "\$bundle" ] && [ -f "\$bundle/config.json" ]; then
	type=\$(jq -r '.annotations["io.kubernetes.cri.container-type"] // ""' "\$bundle/config.json" 2>/dev/null)
fi
printf 'type=%s argv=%s\n' "\$type" "\$*" >>"$CRI_AUDIT_LOG"
exec "$HARDRUN" "\$@"
EOF
	chmod 0755 "$CTRD_DIR/bin/hardrun-audit"
	# hardrun-policy: hardrun under a policy of the test's own, which trusts
	# this containerd's runtime root as the k8s.io namespace's
	printf '#!/bin/sh\nexec "%s" --hardrun-policy "%s" "$@"\n' "$HARDRUN" "$CTRD_DIR/policy.json" \
		>"$CTRD_DIR/bin/hardrun-policy"
	chmod 0755 "$CTRD_DIR/bin/hardrun-policy"
	cri_write_policy

	cri_start "$CRI_NETWORK" "$CRI_BRIDGE" "$CRI_SUBNET" hardrun hardrun="$HARDRUN" \
		hardrun-baseline="$CTRD_DIR/bin/hardrun-baseline" hardrun-audit="$CTRD_DIR/bin/hardrun-audit" \
		hardrun-policy="$CTRD_DIR/bin/hardrun-policy" || return 0
}

# The policy of handler hardrun-policy: rules for namespace hre2e by pod
# name, an image allowlist, and the floor.
cri_write_policy() {
	jq -n --arg a "$CTRD_DIR/policy-audit.log" --arg root "$CTRD_RUNC_ROOT/k8s.io" --arg img "$CTRD_BUSYBOX_REF" \
		--arg repo "${CTRD_BUSYBOX_REF%:*}" '{
		audit: {file: $a}, floor: "restricted", cri: {runtimeRoots: [$root]},
		profiles: {
			"trusted-images": {extends: "baseline", modes: {images: "enforce"}, images: {allow: [$repo]}},
			"other-images": {extends: "restricted", modes: {images: "enforce"},
				images: {allow: ["registry.example.com/*", ($repo + "@sha256:" + ("0" * 64))]}}},
		rules: [
			{match: {namespace: "hre2e", podName: "img-ok*"}, profile: "trusted-images"},
			{match: {namespace: "hre2e", podName: "img-bad*"}, profile: "other-images"},
			{match: {namespace: "hre2*", podName: "glob-*"}, profile: "baseline"}]}' >"$CTRD_DIR/policy.json"
}

teardown_file() {
	cri_stop "${CRI_BRIDGE-}" "${CRI_NETWORK-}"
}

setup() {
	ctrd_skip_if_needed
	: >"$CRI_AUDIT_LOG"
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

# app_config: a ContainerConfig for a long-running busybox container.
app_config() {
	jq -cn --arg image "$CTRD_BUSYBOX_REF" \
		'{metadata: {name: "app"}, image: {image: $image},
		  command: ["sh", "-c", "trap \"exit 0\" TERM; sleep 600 & wait $!"],
		  log_path: "app.log", linux: {security_context: {}}}'
}

# pod_and_app NAME HANDLER: a running pod with a running app container
# (RunPodSandbox, CreateContainer, StartContainer); sets POD and APP.
pod_and_app() {
	local out
	out=$(cri up "$(jq -cn --argjson p "$(pod_request "$1" "$2")" --argjson c "$(app_config)" \
		'{pod: $p, container: $c}')")
	POD=$(jq -er .pod_sandbox_id <<<"$out")
	APP=$(jq -er .container_id <<<"$out")
}

# run_pod NAME HANDLER [NETWORK_MODE]: RunPodSandbox alone.
run_pod() {
	cri up "$(jq -cn --argjson p "$(pod_request "$@")" '{pod: $p}')"
}

container_state() {
	cri ContainerStatus "{\"container_id\": \"$1\"}" | jq -r .status.state
}

pod_state() {
	cri PodSandboxStatus "{\"pod_sandbox_id\": \"$1\"}" | jq -r .status.state
}

# pod_pid POD_ID: PID of the sandbox's init process (from verbose status).
pod_pid() {
	cri PodSandboxStatus "{\"pod_sandbox_id\": \"$1\", \"verbose\": true}" |
		jq -r '.info.info | fromjson | .pid'
}

# Everything the hardening checks need from one ExecSync.
PROBE='id; cat /proc/self/status; '$CTRD_FS_PROBE

@test "plumbing: pod sandbox and container under handler hardrun, one RPC at a time" {
	local req pod app
	req=$(pod_request web1 hardrun)
	pod=$(cri RunPodSandbox "$req" | jq -er .pod_sandbox_id)
	app=$(cri CreateContainer "$(jq -cn --arg pod "$pod" --argjson r "$req" --argjson c "$(app_config)" \
		'{pod_sandbox_id: $pod, config: $c, sandbox_config: $r.config}')" | jq -er .container_id)
	cri StartContainer "{\"container_id\": \"$app\"}" >/dev/null
	[ "$(pod_state "$pod")" = SANDBOX_READY ]
	[ "$(container_state "$app")" = CONTAINER_RUNNING ]

	run cri exec "$app" sh -c 'echo "exec $((6 * 7))"; exit 3'
	echo "$output"
	[ "$status" -eq 3 ]
	[ "$output" = "exec 42" ]

	cri StopContainer "{\"container_id\": \"$app\", \"timeout\": 10}" >/dev/null
	[ "$(container_state "$app")" = CONTAINER_EXITED ]
	cri RemoveContainer "{\"container_id\": \"$app\"}" >/dev/null
	cri StopPodSandbox "{\"pod_sandbox_id\": \"$pod\"}" >/dev/null
	[ "$(pod_state "$pod")" = SANDBOX_NOTREADY ]
	cri RemovePodSandbox "{\"pod_sandbox_id\": \"$pod\"}" >/dev/null
	run cri ListPodSandbox '{}'
	[[ $output != *"$pod"* ]]
}

@test "plumbing: sandbox and app container share the pod's own network namespace" {
	pod_and_app net1 hardrun
	local pid pod_ns app_ns ip
	pid=$(pod_pid "$POD")
	[[ $pid =~ ^[0-9]+$ ]]
	pod_ns=$(readlink "/proc/$pid/ns/net")
	app_ns=$(cri exec "$APP" readlink /proc/self/ns/net)
	echo "sandbox: $pod_ns app: $app_ns host: $(readlink /proc/self/ns/net)"
	[[ $pod_ns == net:\[* ]]
	[ "$app_ns" = "$pod_ns" ]
	[ "$pod_ns" != "$(readlink /proc/self/ns/net)" ]
	# The app sees the pod's address on its eth0.
	ip=$(cri PodSandboxStatus "{\"pod_sandbox_id\": \"$POD\"}" | jq -r .status.network.ip)
	echo "pod ip: $ip"
	[[ $ip == 10.88.77.* ]]
	run cri exec "$APP" ip -4 addr show eth0
	echo "$output"
	[[ $output == *"inet $ip/"* ]]
}

@test "plumbing: sandbox, container and ExecSync all go through the runtime" {
	pod_and_app audit1 hardrun-audit
	run cri exec "$APP" true
	cat "$CRI_AUDIT_LOG"
	echo "$output"
	[ "$status" -eq 0 ]
	grep -Eq "^type=sandbox argv=.* create .*--bundle .* $POD\$" "$CRI_AUDIT_LOG"
	grep -Eq "^type=container argv=.* create .*--bundle .* $APP\$" "$CRI_AUDIT_LOG"
	grep -Eq "^type= argv=.* start $POD\$" "$CRI_AUDIT_LOG"
	grep -Eq "^type= argv=.* start $APP\$" "$CRI_AUDIT_LOG"
	grep -Eq "^type= argv=.* exec --process .* $APP\$" "$CRI_AUDIT_LOG"
}

@test "hardening: CRI app container is uid/gid 65534 with no capabilities, no_new_privs and seccomp" {
	pod_and_app hard1 hardrun
	run cri exec "$APP" sh -c "$PROBE"
	ctrd_show "$output"
	[ "$status" -eq 0 ]
	assert_hardened_id "$output"
	assert_hardened_status "$output"
	assert_readonly_rootfs "$output"
}

@test "hardening: CRI sandbox (pause) process is hardened" {
	pod_and_app hard2 hardrun
	local pid status_text
	pid=$(pod_pid "$POD")
	[[ $pid =~ ^[0-9]+$ ]]
	status_text=$(cat "/proc/$pid/status")
	ctrd_show "$status_text"
	assert_hardened_status "$status_text"
	grep -Eq '^Uid:[[:space:]]+65534[[:space:]]' <<<"$status_text"
}

@test "hardening: pod asking for the host network is refused under handler hardrun" {
	run run_pod hostnet1 hardrun NODE
	echo "$output"
	[ "$status" -ne 0 ]
	assert_refused "$output"
}

@test "hardening: pod asking for the host network is refused under handler hardrun-baseline" {
	run run_pod hostnet2 hardrun-baseline NODE
	echo "$output"
	[ "$status" -ne 0 ]
	assert_refused "$output"
}

@test "plumbing: pod and container under handler hardrun-baseline (symlink)" {
	pod_and_app base1 hardrun-baseline
	[ "$(container_state "$APP")" = CONTAINER_RUNNING ]
	run cri exec "$APP" sh -c 'echo "baseline $((6 * 7))"'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "baseline 42" ]
}

@test "hardening: baseline container runs as root with some capabilities, no_new_privs and seccomp" {
	pod_and_app base2 hardrun-baseline
	run cri exec "$APP" sh -c 'id; cat /proc/self/status'
	ctrd_show "$output"
	[ "$status" -eq 0 ]
	assert_root_id "$output"
	assert_baseline_status "$output"
}

# ---- annotation sources, the floor and images (handler hardrun-policy) ----

@test "trust: a rule for a named namespace selects baseline, and its image is on the allowlist" {
	pod_and_app img-ok1 hardrun-policy
	run cri exec "$APP" id -u
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = 0 ]
	jq -s -e --arg app "$APP" 'any(.[]; .event == "decision" and .id == $app and .profile == "trusted-images")' \
		"$CTRD_DIR/policy-audit.log"
}

@test "images: an image not on the allowlist is refused, and the CRI error says why" {
	run cri up "$(jq -cn --argjson p "$(pod_request img-bad1 hardrun-policy)" --argjson c "$(app_config)" \
		'{pod: $p, container: $c}')"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ $output == *"images: image \"$CTRD_BUSYBOX_REF\" is not on the allowlist"* ]]
}

@test "trust: a rule for a glob of namespaces cannot go below the floor" {
	pod_and_app glob-1 hardrun-policy
	run cri exec "$APP" id -u
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = 65534 ]
	jq -s -e --arg app "$APP" 'any(.[]; .event == "decision" and .id == $app and .profile == "restricted"
		and (.rule | contains("raised to the floor")))' "$CTRD_DIR/policy-audit.log"
}
