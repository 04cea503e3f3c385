#!/usr/bin/env bats
# hardrun explain --kubernetes: the prediction, held to what the node does.
#
# Each manifest of tests/data/kubernetes is explained, then run through
# containerd 1.6's CRI under a runtime handler whose binary is hardrun with
# this file's policy (namespace rules select profiles), the way kubelet
# would ask for it (tests/e2e/kube_trust.py). A pod predicted "refused" must
# be refused; any other must run, and hardrun's audit record of the sandbox
# and of each container must hold exactly the predicted findings. The
# config.json containerd wrote (kept by the handler's wrapper before hardrun
# changes it) must equal the derived one in what the controls judge, and
# inside each running container the user, capabilities, no_new_privs,
# seccomp and read-only root must be the predicted ones. A probe pod first
# captures containerd's RuntimeDefault seccomp filters for the prediction.

load lib/containerd

CORPUS_SUBNET=10.88.78.0/24

setup_file() {
	export KUBE_DATA=$BATS_TEST_DIRNAME/../data/kubernetes
	export KUBE_TMP=$BATS_FILE_TMPDIR
	# the manifests' hostPath socket: a file named docker.sock of this test's
	export KUBE_SOCKDIR=$KUBE_TMP/sock
	mkdir -p "$KUBE_SOCKDIR"
	: >"$KUBE_SOCKDIR/docker.sock"
	ctrd_require_root || return 0
	[[ -x /usr/lib/cni/bridge && -x /usr/lib/cni/host-local && -x /usr/lib/cni/loopback ]] ||
		ctrd_skip_file "CNI plugins missing in /usr/lib/cni (containernetworking-plugins)" || return 0
	/usr/bin/python3 -c 'import grpc, google.protobuf, yaml' 2>/dev/null ||
		ctrd_skip_file "python3-grpcio, python3-protobuf and python3-yaml are needed" || return 0
	ctrd_init
	# CRI annotations select profiles only under containerd's CRI, known by
	# the runc root of its k8s.io namespace
	cat >"$KUBE_TMP/policy.json" <<EOF
{
  "defaultProfile": "restricted",
  "rules": [
    { "match": { "namespace": "hr-open" }, "profile": "privileged" },
    { "match": { "namespace": "hr-base" }, "profile": "baseline" }
  ],
  "cri": { "runtimeRoots": ["$CTRD_RUNC_ROOT/k8s.io"] },
  "audit": { "file": "$KUBE_TMP/audit.log" }
}
EOF
	export KUBE_BRIDGE=hk$CTRD_TAG
	mkdir -p "$CTRD_DIR"/{bin,cni/net.d,cni/ipam,logs,kubelet}
	# The handler's binary keeps a copy of each config.json containerd wrote
	# (before hardrun changes it), named by container ID, then runs hardrun.
	mkdir -p "$CTRD_DIR/configs"
	cat >"$CTRD_DIR/bin/hardrun-kube" <<EOF
#!/bin/sh
bundle= prev=
for a in "\$@"; do
	[ "\$prev" = --bundle ] && bundle=\$a
	case \$a in --bundle=*) bundle=\${a#--bundle=} ;; esac
	prev=\$a
done
if [ -n "\$bundle" ] && [ -f "\$bundle/config.json" ]; then
	cp "\$bundle/config.json" "$CTRD_DIR/configs/\$(basename "\$bundle").json"
fi
exec "$HARDRUN" --hardrun-policy "$KUBE_TMP/policy.json" "\$@"
EOF
	chmod 0755 "$CTRD_DIR/bin/hardrun-kube"
	cri_start "$CTRD_NS" "$KUBE_BRIDGE" "$CORPUS_SUBNET" hardrun-kube hardrun-kube="$CTRD_DIR/bin/hardrun-kube" ||
		return 0
	capture_runtime_default
}

# capture_runtime_default: the seccomp filter containerd writes for
# seccompProfile RuntimeDefault here, taken from a probe container in a
# namespace the policy leaves alone, for explain --runtime-default-seccomp.
capture_runtime_default() {
	local probe f
	probe=$(manifest seccomp-probe)
	/usr/bin/python3 "$BATS_TEST_DIRNAME/kube_trust.py" --run-only \
		--cri "/usr/bin/python3 $BATS_TEST_DIRNAME/cri_client.py --address $CTRD_SOCK --descriptor-cache $CTRD_DIR/api.pb" \
		--handler hardrun-kube --kubelet-dir "$CTRD_DIR/kubelet" --log-dir "$CTRD_DIR/logs" \
		--cgroup-parent "/$CTRD_CGROUP" --audit /dev/null --prediction /dev/null "$probe" >&2
	for f in "$CTRD_DIR"/configs/*.json; do
		if jq -e '.annotations["io.kubernetes.cri.sandbox-name"] == "seccomp-probe"' "$f" >/dev/null; then
			cp "$f" "$KUBE_TMP/runtime-default-$(jq -r '.annotations["io.kubernetes.cri.container-type"]' "$f").json"
		fi
	done
	cri cleanup >&2 || true
	jq -e '.linux.seccomp.defaultAction' "$KUBE_TMP/runtime-default-sandbox.json" \
		"$KUBE_TMP/runtime-default-container.json" >/dev/null ||
		ctrd_skip_file "containerd's RuntimeDefault seccomp filter could not be captured"
}

teardown_file() {
	cri_stop "${KUBE_BRIDGE-}" "${CTRD_NS-}"
}

teardown() {
	if [[ -n ${CTRD_SOCK-} && -S ${CTRD_SOCK-} ]]; then
		cri cleanup >&2 || true
	fi
}



# manifest NAME: the corpus file with this test's socket directory.
manifest() {
	sed "s|@SOCKDIR@|$KUBE_SOCKDIR|g" "$KUBE_DATA/$1.yaml" >"$KUBE_TMP/$1.yaml"
	printf '%s\n' "$KUBE_TMP/$1.yaml"
}

explain() {
	"$HARDRUN" --hardrun-policy "$KUBE_TMP/policy.json" explain --kubernetes "$@"
}

# trust NAME VERDICT [KNOWN_START_FAILURE]: predict (VERDICT, with explain's
# exit status), run through the CRI, compare with the audit records. A pod
# that fails to start with KNOWN_START_FAILURE (a problem that is not the
# prediction's) has its findings compared, then the test skips.
trust() {
	local m pred status=0 ran=0 known=()
	[[ -n ${3-} ]] && known=(--known-start-failure "$3")
	ctrd_skip_if_needed
	m=$(manifest "$1")
	pred=$KUBE_TMP/$1.prediction.json
	explain --json --no-apparmor --runtime-default-seccomp "$KUBE_TMP/runtime-default-sandbox.json" \
		--runtime-default-seccomp "$KUBE_TMP/runtime-default-container.json" "$m" >"$pred" || status=$?
	echo "predicted: $(jq -r '.pods[0].verdict' "$pred"), explain exit status $status"
	[ "$(jq -r '.pods[0].verdict' "$pred")" = "$2" ]
	case $2 in
	refused) [ "$status" -eq 3 ] ;;
	changed) [ "$status" -eq 2 ] ;;
	compliant) [ "$status" -eq 0 ] ;;
	esac
	/usr/bin/python3 "$BATS_TEST_DIRNAME/kube_trust.py" \
		--cri "/usr/bin/python3 $BATS_TEST_DIRNAME/cri_client.py --address $CTRD_SOCK --descriptor-cache $CTRD_DIR/api.pb" \
		--handler hardrun-kube --kubelet-dir "$CTRD_DIR/kubelet" --log-dir "$CTRD_DIR/logs" \
		--cgroup-parent "/$CTRD_CGROUP" --audit "$KUBE_TMP/audit.log" --prediction "$pred" \
		--configs "$CTRD_DIR/configs" "${known[@]}" "$m" ||
		ran=$?
	[ "$ran" -eq 0 ] || [ "$ran" -eq 2 ]
	if [ "$ran" -eq 2 ]; then
		skip "findings as predicted, but the pod does not start: $3"
	fi
}

@test "trust: restricted-compliant pod changes only as predicted" {
	trust restricted changed
}

@test "trust: root pod changes only as predicted" {
	trust root changed
}

@test "trust: privileged pod changes only as predicted" {
	trust privileged changed
}

@test "trust: hostPath docker.sock pod is refused as predicted" {
	trust docker-sock refused
}

@test "trust: hostNetwork pod is refused as predicted" {
	trust host-network refused
}

@test "trust: hostPID pod: its sandbox gets a pid namespace of its own, the app joins it" {
	trust host-pid changed
}

@test "trust: hostIPC pod is refused as predicted (the host's /dev/shm)" {
	trust host-ipc refused
}

@test "trust: pod with sysctls changes only as predicted" {
	trust sysctls changed
}

@test "trust: pod with projected and emptyDir volumes and an init container" {
	trust projected changed
}

@test "trust: procMount Unmasked pod changes only as predicted" {
	trust proc-unmasked changed
}

@test "trust: a Deployment's pod template, with an emptyDir and NET_BIND_SERVICE" {
	trust deployment changed
}

@test "trust: namespace rule selects profile privileged: the pod runs unchanged" {
	trust ns-open compliant
}

@test "trust: namespace rule selects profile baseline" {
	trust ns-baseline changed
}
