#!/usr/bin/env bats
# hardrun-monitor with real runc and crun: blocked attack syscalls keep
# their errno and become alerts naming the container; a monitor that is
# down or killed never fails a container and never lets a syscall through;
# attestation kills a container a runtime started wrong. Every monitor here
# listens on a socket of the test's own (the policy file names it), never
# on /run/hardrun/monitor.sock.

load lib/common

setup_file() {
	[ "$(id -u)" -eq 0 ] || return 0
	export HR_ROOTFS_CACHE="$BATS_FILE_TMPDIR/rootfs"
	make_rootfs "$HR_ROOTFS_CACHE"
	cp "$HARDRUN_BUILDDIR/tests/e2e/probe/syscall-probe" "$HR_ROOTFS_CACHE/bin/syscall-probe"
	export MONITOR="$HARDRUN_BUILDDIR/monitor/hardrun-monitor"
	export MSOCK="$BATS_FILE_TMPDIR/monitor.sock"
	export POLICY="$BATS_FILE_TMPDIR/policy.json"
	cat >"$POLICY" <<-JSON
		{"monitor": {"socket": "$MSOCK"}, "audit": {"file": "$BATS_FILE_TMPDIR/audit.log"}}
	JSON
}

setup() {
	require_root
	[ -x "$MONITOR" ] || skip "hardrun-monitor was not built"
	ALERTS="$BATS_TEST_TMPDIR/alerts.jsonl"
	MPID=""
}

teardown() {
	stop_monitor
	cleanup_containers runc
	cleanup_containers crun
	[ -z "${HOOK_PID:-}" ] || kill "$HOOK_PID" 2>/dev/null || true
}

# start_monitor ARGS...: hardrun-monitor on $MSOCK, alerts to $ALERTS.
start_monitor() {
	rm -f "$MSOCK"
	"$MONITOR" --socket "$MSOCK" --output "$ALERTS" "$@" >/dev/null 2>"$BATS_TEST_TMPDIR/monitor.err" 3>&- &
	MPID=$!
	local i
	for i in $(seq 100); do
		[ -S "$MSOCK" ] && return 0
		sleep 0.05
	done
	cat "$BATS_TEST_TMPDIR/monitor.err"
	return 1
}

stop_monitor() {
	[ -n "${MPID:-}" ] || return 0
	kill "$MPID" 2>/dev/null || true
	wait "$MPID" 2>/dev/null || true
	MPID=""
}

# wait_alerts JQ-FILTER [N]: waits (at most 10 s) until N (default 1)
# alerts match.
wait_alerts() {
	local i n
	for i in $(seq 200); do
		n=$(jq -c "select($1)" "$ALERTS" 2>/dev/null | wc -l)
		[ "$n" -ge "${2:-1}" ] && return 0
		sleep 0.05
	done
	echo "alerts matching $1: $n, wanted ${2:-1}"
	cat "$ALERTS" 2>/dev/null
	return 1
}

hrun() {
	local rt=$1
	shift
	timeout 120 "$HARDRUN" --hardrun-policy "$POLICY" --hardrun-runtime "$(command -v "$rt")" \
		--root "$(runtime_root "$rt")" "$@"
}

same_errno() {
	local rt=$1 b="$BATS_TEST_TMPDIR/bundle"
	make_bundle "$b" 'syscall-probe'
	run hrun "$rt" run --bundle "$b" "plain-$rt"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	local without=$output
	[ "$(jq -r '.linux.seccomp.listenerPath // "none"' "$b/config.json")" = none ]

	start_monitor
	b="$BATS_TEST_TMPDIR/bundle2"
	make_bundle "$b" 'syscall-probe'
	run hrun "$rt" run --bundle "$b" "mon-$rt"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	[ "$(jq -r .linux.seccomp.listenerPath "$b/config.json")" = "$MSOCK" ]
	echo "without: $without"
	echo "with:    $output"
	[ "$output" = "$without" ]
	[[ "$output" == *unshare=EPERM* && "$output" == *mount=EPERM* && "$output" == *clone3=ENOSYS* ]]
	wait_alerts ".rule == \"Blocked attack syscall\" and .output_fields.\"container.id\" == \"mon-$rt\" and .output_fields.\"evt.type\" == \"unshare\""
	wait_alerts ".output_fields.\"container.id\" == \"mon-$rt\" and .output_fields.\"evt.type\" == \"mount\" and .output_fields.\"evt.res\" == \"EPERM\" and .output_fields.\"proc.exe\" == \"/bin/syscall-probe\" and .output_fields.\"user.uid\" == 65534"
	# Falco's format
	jq -e 'has("time") and has("rule") and has("priority") and has("output") and has("source") and has("tags") and has("hostname") and (.output_fields | has("k8s.ns.name") and has("k8s.pod.name") and has("container.image.repository") and has("proc.cmdline") and has("proc.pid"))' "$ALERTS" >/dev/null
}

@test "runc: a blocked unshare and mount get the same errno with the monitor, and alerts name the container" {
	require_runtime runc
	same_errno runc
}

@test "crun: a blocked unshare and mount get the same errno with the monitor, and alerts name the container" {
	require_runtime crun
	same_errno crun
}

monitor_down() {
	local rt=$1 b="$BATS_TEST_TMPDIR/bundle"
	# killed: its socket file stays behind and refuses connections
	start_monitor
	kill -9 "$MPID"
	wait "$MPID" 2>/dev/null || true
	MPID=""
	[ -S "$MSOCK" ]
	make_bundle "$b" 'syscall-probe'
	run hrun "$rt" run --bundle "$b" "down-$rt"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	echo "$output"
	[[ "$output" == *unshare=EPERM* && "$output" == *mount=EPERM* ]]
	[ "$(jq -r '.linux.seccomp.listenerPath // "none"' "$b/config.json")" = none ]
	# never started: no socket at all
	rm -f "$MSOCK"
	b="$BATS_TEST_TMPDIR/bundle2"
	make_bundle "$b" 'syscall-probe'
	run hrun "$rt" run --bundle "$b" "none-$rt"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	[[ "$output" == *unshare=EPERM* && "$output" == *mount=EPERM* ]]
}

@test "runc: with the monitor down the container starts and the syscalls still fail" {
	require_runtime runc
	monitor_down runc
}

@test "crun: with the monitor down the container starts and the syscalls still fail" {
	require_runtime crun
	monitor_down crun
}

exec_down() {
	local rt=$1 b="$BATS_TEST_TMPDIR/bundle"
	start_monitor
	make_bundle "$b" 'sleep 60'
	hrun "$rt" run -d --bundle "$b" "xdown-$rt" </dev/null >/dev/null 2>&1 3>&-
	[ "$(jq -r .linux.seccomp.listenerPath "$b/config.json")" = "$MSOCK" ]
	kill -9 "$MPID"
	wait "$MPID" 2>/dev/null || true
	MPID=""
	# the runtime hands the exec's descriptor to a stand-in: the exec runs,
	# and its watched syscalls fail (ENOSYS: the listener has gone)
	run hrun "$rt" exec "xdown-$rt" syscall-probe storm 5
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "storm ok=0 EPERM=0 ENOSYS=5 other=0" ]
	# a create meanwhile is not handed to the stand-in
	local b2="$BATS_TEST_TMPDIR/bundle2"
	make_bundle "$b2" 'syscall-probe storm 1'
	run hrun "$rt" run --bundle "$b2" "xnew-$rt"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	[ "$output" = "storm ok=0 EPERM=1 ENOSYS=0 other=0" ]
	[ "$(jq -r '.linux.seccomp.listenerPath // "none"' "$b2/config.json")" = none ]
}

@test "runc: with the monitor killed an exec into a monitored container still runs, its syscalls failing" {
	require_runtime runc
	exec_down runc
}

@test "crun: with the monitor killed an exec into a monitored container still runs, its syscalls failing" {
	require_runtime crun
	exec_down crun
}

storm() {
	local rt=$1 b="$BATS_TEST_TMPDIR/bundle"
	start_monitor --rate-interval 1
	make_bundle "$b" 'syscall-probe storm 20000 4'
	hrun "$rt" run --bundle "$b" "storm-$rt" >"$BATS_TEST_TMPDIR/storm.out" 2>&1 3>&- &
	local cpid=$!
	# the storm is under way once the monitor has answered some of it
	wait_alerts ".output_fields.\"container.id\" == \"storm-$rt\""
	kill -9 "$MPID"
	MPID=""
	# no container hangs: the run ends (timeout 120 in hrun would fail it)
	wait "$cpid"
	cat "$BATS_TEST_TMPDIR/storm.out"
	[ "$(grep -c '^storm ' "$BATS_TEST_TMPDIR/storm.out")" -eq 4 ]
	# nothing was allowed; after the kill the kernel answers ENOSYS
	! grep -q 'ok=[1-9]' "$BATS_TEST_TMPDIR/storm.out"
	! grep -q 'other=[1-9]' "$BATS_TEST_TMPDIR/storm.out"
	grep -q 'ENOSYS=[1-9]' "$BATS_TEST_TMPDIR/storm.out"
	# rate limited: a handful of alerts for 80000 notifications
	[ "$(jq -c 'select(.rule == "Blocked attack syscall")' "$ALERTS" | wc -l)" -le 2 ]
}

@test "runc: SIGKILL of the monitor during a storm allows nothing and hangs no container" {
	require_runtime runc
	storm runc
}

@test "crun: SIGKILL of the monitor during a storm allows nothing and hangs no container" {
	require_runtime crun
	storm crun
}

@test "runc: a loop on a blocked syscall gives one alert, then counts" {
	require_runtime runc
	local b="$BATS_TEST_TMPDIR/bundle"
	start_monitor --rate-interval 1
	make_bundle "$b" 'syscall-probe storm 3000; sleep 1.5; syscall-probe storm 3000'
	run hrun runc run --bundle "$b" loop
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	[ "$output" = "$(printf 'storm ok=0 EPERM=3000 ENOSYS=0 other=0\nstorm ok=0 EPERM=3000 ENOSYS=0 other=0')" ]
	wait_alerts '.rule == "Blocked attack syscall repeated"'
	[ "$(jq -c 'select(.rule == "Blocked attack syscall")' "$ALERTS" | wc -l)" -eq 1 ]
	local counted
	counted=$(jq -s '[.[] | select(.rule == "Blocked attack syscall repeated") | .output_fields."evt.count"] | add' "$ALERTS")
	[ "$counted" -eq 5999 ]
}

@test "runc: a webhook receiver on loopback gets the Falco-format JSON" {
	require_runtime runc
	command -v python3 >/dev/null || skip "python3 is not installed"
	! "$MONITOR" --help | grep -q 'without libcurl' || skip "hardrun-monitor was built without libcurl"
	local port_file="$BATS_TEST_TMPDIR/port" got="$BATS_TEST_TMPDIR/webhook.jsonl"
	python3 - "$port_file" "$got" <<-'PY' 3>&- &
		import http.server, sys
		port_file, out = sys.argv[1], sys.argv[2]
		class H(http.server.BaseHTTPRequestHandler):
		    def do_POST(self):
		        body = self.rfile.read(int(self.headers["Content-Length"]))
		        with open(out, "ab") as f:
		            f.write(body + b"\n")
		        self.send_response(200)
		        self.end_headers()
		    def log_message(self, *a):
		        pass
		s = http.server.HTTPServer(("127.0.0.1", 0), H)
		open(port_file, "w").write(str(s.server_port))
		s.serve_forever()
	PY
	HOOK_PID=$!
	local i
	for i in $(seq 100); do [ -s "$port_file" ] && break; sleep 0.05; done
	start_monitor --webhook "http://127.0.0.1:$(cat "$port_file")/"
	local b="$BATS_TEST_TMPDIR/bundle"
	make_bundle "$b" 'syscall-probe'
	run hrun runc run --bundle "$b" hook
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	for i in $(seq 200); do grep -q '"evt.type":"unshare"' "$got" 2>/dev/null && break; sleep 0.05; done
	grep '"evt.type":"unshare"' "$got" | head -1 | jq -e '.rule == "Blocked attack syscall" and .output_fields."container.id" == "hook"
		and .source == "syscall" and .priority == "Error" and (.tags | index("hardrun")) != null'
	kill -USR1 "$MPID"
	sleep 0.2
	grep -q '"sink":"webhook","queued":[1-9][0-9]*,"written":[1-9]' "$BATS_TEST_TMPDIR/monitor.err"
}

@test "runc: a dead webhook loses alerts with a counted drop and never holds up an answer" {
	require_runtime runc
	local b="$BATS_TEST_TMPDIR/bundle"
	! "$MONITOR" --help | grep -q 'without libcurl' || skip "hardrun-monitor was built without libcurl"
	# port 9 (discard) is closed here: every POST is retried, then fails
	start_monitor --rate-interval 0 --queue 2 --webhook http://127.0.0.1:9/
	make_bundle "$b" 'syscall-probe storm 300'
	run hrun runc run --bundle "$b" deadhook
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	[ "$output" = "storm ok=0 EPERM=300 ENOSYS=0 other=0" ]
	# (--queue holds every sink to 2 alerts: the file drops some too)
	wait_alerts '.output_fields."container.id" == "deadhook"'
	kill -USR1 "$MPID"
	sleep 0.2
	grep '"answered"' "$BATS_TEST_TMPDIR/monitor.err"
	grep -q '"answered":300,' "$BATS_TEST_TMPDIR/monitor.err"
	grep -q '"sink":"webhook","queued":[0-9]*,"written":0,"dropped":[1-9]' "$BATS_TEST_TMPDIR/monitor.err"
}

tampered() {
	local rt=$1 b="$BATS_TEST_TMPDIR/bundle" fake="$BATS_TEST_TMPDIR/runtime-ignoring-user"
	# a runtime stand-in that ignores process.user: the container runs as root
	cat >"$fake" <<-EOF
		#!/bin/sh
		prev=""
		for a in "\$@"; do
			case "\$prev" in --bundle | -b) b=\$a ;; esac
			prev=\$a
		done
		if [ -n "\${b:-}" ]; then
			jq '.process.user.uid = 0 | .process.user.gid = 0' "\$b/config.json" >"\$b/config.json.t" &&
				mv "\$b/config.json.t" "\$b/config.json"
		fi
		exec $(command -v "$rt") "\$@"
	EOF
	chmod +x "$fake"
	start_monitor
	make_bundle "$b" 'echo started; sleep 30; echo survived'
	run timeout 120 "$HARDRUN" --hardrun-policy "$POLICY" --hardrun-runtime "$fake" --root "$(runtime_root "$rt")" \
		run --bundle "$b" "tamper-$rt"
	echo "$output"
	[[ "$output" != *survived* ]]
	wait_alerts ".rule == \"Container attestation failed\" and .priority == \"Critical\" and .output_fields.\"container.id\" == \"tamper-$rt\""
	jq -e "select(.rule == \"Container attestation failed\") | .output_fields.\"hardrun.message\" | test(\"Uid 0 where 65534 is required\")" "$ALERTS"
	grep -q "\"id\":\"tamper-$rt\".*\"attestation\":\"failed\"" "$BATS_FILE_TMPDIR/audit.log"
	# the token and the key are all the hook's argv holds: the monitor's
	# socket reached it through the sink hardrun wrote
	local key
	key=$(jq -r '.hooks.poststart[-1].args[2]' "$b/config.json")
	jq -e '.hooks.poststart[-1].args[3] == "--attest" and (.hooks.poststart[-1].args[4] | test("^uid=65534,gid=65534,"))' \
		"$b/config.json"
	jq -e --arg s "$MSOCK" '[.hooks[][] | .args[]?] | index($s) == null' "$b/config.json"
	jq -e --arg s "$MSOCK" '.monitor == $s' "/run/hardrun/sinks/$key.json"
	# nothing of the container is left running
	! pgrep -f 'sleep 30' >/dev/null || [ -z "$(pgrep -f 'sleep 30' | xargs -r -I{} sh -c 'grep -l tamper /proc/{}/cgroup 2>/dev/null')" ]
}

@test "runc: a runtime that ignores process.user is caught by attestation, killed and alerted" {
	require_runtime runc
	tampered runc
}

@test "crun: a runtime that ignores process.user is caught by attestation, killed and alerted" {
	require_runtime crun
	tampered crun
}

@test "runc: an honest start passes attestation" {
	require_runtime runc
	local b="$BATS_TEST_TMPDIR/bundle"
	make_bundle "$b" "$PROBE"
	run hrun runc run --bundle "$b" honest
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	assert_hardened "$output"
	grep -q '"id":"honest".*"attestation":"ok"' "$BATS_FILE_TMPDIR/audit.log"
}

@test "a refused container and a dropped hook raise alerts" {
	require_runtime runc
	start_monitor
	local b="$BATS_TEST_TMPDIR/bundle"
	make_bundle "$b" true
	set_config "$b" '.mounts += [{"destination": "/var/run/docker.sock", "type": "bind", "source": "/var/run/docker.sock", "options": ["rbind"]}]'
	run hrun runc create --bundle "$b" refused
	[ "$status" -ne 0 ]
	wait_alerts '.rule == "Container refused by hardrun" and .output_fields."container.id" == "refused"'
	b="$BATS_TEST_TMPDIR/bundle2"
	make_bundle "$b" true
	set_config "$b" '.hooks = {prestart: [{path: "/usr/bin/true"}]}'
	run hrun runc run --bundle "$b" hooked
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	wait_alerts '.rule == "OCI hook dropped by hardrun" and .output_fields."container.id" == "hooked"'
}

@test "runc: an exec held to its container's ceiling raises an alert" {
	require_runtime runc
	start_monitor
	local b="$BATS_TEST_TMPDIR/bundle"
	make_bundle "$b" 'sleep 30'
	hrun runc run -d --bundle "$b" held </dev/null >/dev/null 2>&1 3>&-
	run hrun runc exec --user 0:0 held id -u
	echo "$output"
	[ "$output" = 65534 ]
	wait_alerts '.rule == "Exec held to its container'"'"'s ceiling" and .output_fields."container.id" == "held"'
}

@test "runc: 100 containers with the monitor running" {
	require_runtime runc
	start_monitor
	local b="$BATS_TEST_TMPDIR/bundle" i
	make_bundle "$b" 'syscall-probe storm 1; sleep 60'
	for i in $(seq 100); do
		hrun runc run -d --bundle "$b" "many-$i" </dev/null >/dev/null 2>&1 3>&- ||
			{ echo "container $i did not start"; return 1; }
	done
	wait_alerts '.rule == "Blocked attack syscall"' 100
	[ "$(jq -r 'select(.rule == "Blocked attack syscall") | .output_fields."container.id"' "$ALERTS" | sort -u | wc -l)" -eq 100 ]
	kill -USR1 "$MPID"
	sleep 0.2
	grep -q '"containers":100,' "$BATS_TEST_TMPDIR/monitor.err"
}
