#!/usr/bin/env bats
# Drop-in parity: the same command lines through runc and through hardrun
# in audit mode (which changes nothing) give the same exit status, stdout
# and stderr; hardrun's own lines only ever come after the runtime's.
# Also: process files given as /dev/fd/N, exec into a container that does
# not exist, and specs hardrun cannot read (audit records, audit mode).

load lib/common

setup_file() {
	cache_rootfs
}

setup() {
	require_root
	require_runtime runc
	RUNC=$(command -v runc)
	ROOT=$(runtime_root runc)
	export LOG="$BATS_TEST_TMPDIR/log.json"
}

teardown() {
	cleanup_containers runc
	cleanup_containers crun
}

# both NAME ARGS...: ARGS through runc and through hardrun (audit profile),
# in the current directory; outputs in $BATS_TEST_TMPDIR/NAME.{runc,hr}.*
both() {
	local name=$1 d
	shift
	d="$BATS_TEST_TMPDIR/$name"
	local s=0
	"$RUNC" "$@" >"$d.runc.out" 2>"$d.runc.err" </dev/null || s=$?
	echo "$s" >"$d.runc.status"
	s=0
	"$HARDRUN" --hardrun-runtime "$RUNC" --hardrun-profile audit "$@" >"$d.hr.out" 2>"$d.hr.err" </dev/null || s=$?
	echo "$s" >"$d.hr.status"
}

# runc's log lines carry the time: the rest must match.
normalize() {
	sed -E 's/time="[^"]*"/time="T"/' "$1"
}

# same NAME: equal exit status, stdout and stderr.
same() {
	local d="$BATS_TEST_TMPDIR/$1" f
	for f in status out err; do
		if ! diff -u <(normalize "$d.runc.$f") <(normalize "$d.hr.$f"); then
			echo "$1: $f differs"
			return 1
		fi
	done
}

# prefix NAME: equal status and stderr; runc's stdout, unchanged, begins
# hardrun's.
prefix() {
	local d="$BATS_TEST_TMPDIR/$1" n
	cmp "$d.runc.status" "$d.hr.status"
	cmp "$d.runc.err" "$d.hr.err"
	n=$(wc -c <"$d.runc.out")
	[ "$n" -gt 0 ]
	cmp -n "$n" "$d.runc.out" "$d.hr.out" || { diff -u "$d.runc.out" "$d.hr.out"; return 1; }
}

@test "-h and --help: runc's help first and unchanged, then hardrun's options" {
	local o
	for o in -h --help; do
		both "help$o" "$o"
		prefix "help$o"
		grep -q -- --hardrun-profile "$BATS_TEST_TMPDIR/help$o.hr.out"
	done
}

@test "-v and --version: runc's lines first and unchanged, then hardrun's version" {
	local o
	for o in -v --version; do
		both "version$o" "$o"
		prefix "version$o"
		[[ "$(tail -n 1 "$BATS_TEST_TMPDIR/version$o.hr.out")" == "hardrun "* ]]
		# the first line and the last one naming a version stay runc's
		head -n 1 "$BATS_TEST_TMPDIR/version$o.hr.out" | grep -q '^runc version'
		[[ "$(grep version "$BATS_TEST_TMPDIR/version$o.hr.out" | tail -n 1)" == "runc version"* ]]
	done
}

@test "spec and spec --rootless write the same config.json" {
	local o
	for o in "" --rootless; do
		mkdir -p "$BATS_TEST_TMPDIR/a$o" "$BATS_TEST_TMPDIR/b$o"
		(cd "$BATS_TEST_TMPDIR/a$o" && "$RUNC" spec $o)
		(cd "$BATS_TEST_TMPDIR/b$o" && "$HARDRUN" --hardrun-profile audit spec $o)
		cmp "$BATS_TEST_TMPDIR/a$o/config.json" "$BATS_TEST_TMPDIR/b$o/config.json"
	done
	cd "$BATS_TEST_TMPDIR/a"
	both spec-exists spec
	same spec-exists
	[ "$(cat "$BATS_TEST_TMPDIR/spec-exists.runc.status")" -ne 0 ]
}

# A container started by runc itself; pass-through commands on it.
start_runc() {
	local b="$BATS_TEST_TMPDIR/bundle"
	make_bundle "$b" 'trap "exit 0" TERM; while :; do sleep 1; done'
	"$RUNC" --root "$ROOT" run -d --bundle "$b" "$1" </dev/null >/dev/null 2>&1
}

@test "state, list, ps, update, pause and resume: the same through both" {
	start_runc par
	both state --root "$ROOT" state par
	same state
	both list --root "$ROOT" list
	same list
	both list-json --root "$ROOT" list -f json
	same list-json
	# ps's default columns hold the CPU share, which moves between calls
	both ps --root "$ROOT" ps par -o pid,ppid,args
	same ps
	both ps-json --root "$ROOT" ps --format json par
	same ps-json
	both update --root "$ROOT" update --pids-limit 321 par
	same update
	# pause and resume, each through both, and the state between
	"$RUNC" --root "$ROOT" pause par
	"$HARDRUN" --hardrun-profile audit --root "$ROOT" state par | jq -e '.status == "paused"'
	both paused --root "$ROOT" pause par
	same paused
	both resume --root "$ROOT" resume par
	# runc resumed it; hardrun's resume meets a running container, as a
	# second runc resume would
	"$RUNC" --root "$ROOT" pause par
	"$HARDRUN" --hardrun-profile audit --root "$ROOT" resume par
	"$RUNC" --root "$ROOT" state par | jq -e '.status == "running"'
	both resume-running --root "$ROOT" resume par
	same resume-running
	# missing containers
	both state-missing --root "$ROOT" state nosuch
	same state-missing
	both pause-missing --root "$ROOT" pause nosuch
	same pause-missing
}

@test "events --stats: the same record through both" {
	start_runc ev
	both events --root "$ROOT" events --stats ev
	# the counters move between two reads: compare the shape
	local d="$BATS_TEST_TMPDIR/events"
	cmp "$d.runc.status" "$d.hr.status"
	cmp "$d.runc.err" "$d.hr.err"
	[ "$(jq -c '[.type, .id, (.data | keys)]' "$d.runc.out")" = "$(jq -c '[.type, .id, (.data | keys)]' "$d.hr.out")" ]
}

process_json() {
	jq -n '{terminal: false, cwd: "/", args: ["sh", "-c", "id; echo from-process-file"], env: ["PATH=/bin"],
		user: {uid: 0, gid: 0}}' >"$1"
}

@test "exec -p /dev/fd/N and /proc/self/fd/N: the same through both" {
	local p="$BATS_TEST_TMPDIR/process.json" d="$BATS_TEST_TMPDIR"
	process_json "$p"
	start_runc fd
	local s=0
	"$RUNC" --root "$ROOT" exec -p <(cat "$p") fd >"$d/pipe.runc.out" 2>"$d/pipe.runc.err" || s=$?
	echo "$s" >"$d/pipe.runc.status"
	s=0
	"$HARDRUN" --hardrun-runtime "$RUNC" --hardrun-profile audit --root "$ROOT" exec -p <(cat "$p") fd \
		>"$d/pipe.hr.out" 2>"$d/pipe.hr.err" || s=$?
	echo "$s" >"$d/pipe.hr.status"
	same pipe
	grep -q from-process-file "$d/pipe.hr.out"
	both self --root "$ROOT" exec -p /proc/self/fd/5 fd 5<"$p"
	same self
	grep -q from-process-file "$d/self.hr.out"
	# and the file itself is left as it was
	process_json "$d/again.json"
	cmp "$p" "$d/again.json"
}

@test "exec into a container that does not exist: runc's status and message" {
	local p="$BATS_TEST_TMPDIR/process.json"
	process_json "$p"
	both missing --root "$ROOT" exec nosuch true
	same missing
	[ "$(cat "$BATS_TEST_TMPDIR/missing.runc.status")" -eq 255 ]
	grep -q "container does not exist" "$BATS_TEST_TMPDIR/missing.hr.err"
	both missing-p --root "$ROOT" exec -p "$p" nosuch
	same missing-p
	# under the default profile too
	run "$HARDRUN" --hardrun-runtime "$RUNC" --root "$ROOT" exec nosuch true
	[ "$status" -eq 255 ]
	[[ "$output" == *"container does not exist"* && "$output" != *"hardrun"* ]]
}

@test "crun: exec into a container that does not exist gives crun's own status and message" {
	require_runtime crun
	local crun r
	crun=$(command -v crun)
	r=$(runtime_root crun)
	run "$crun" --root "$r" exec nosuch true
	local want_status=$status want=$output
	run "$HARDRUN" --hardrun-runtime "$crun" --root "$r" exec nosuch true
	[ "$status" -eq "$want_status" ]
	[ "$output" = "$want" ]
}

@test "exec into a container runc has but hardrun did not create keeps hardrun's refusal" {
	start_runc foreign
	run "$HARDRUN" --hardrun-runtime "$RUNC" --root "$ROOT" exec foreign true
	[ "$status" -eq 1 ]
	[[ "$output" == *"was not created through hardrun"* ]]
}

@test "run and create in audit mode: same output and status, config.json untouched" {
	local a="$BATS_TEST_TMPDIR/a" b="$BATS_TEST_TMPDIR/b"
	make_bundle "$a" 'echo out; echo err >&2; exit 3'
	make_bundle "$b" 'echo out; echo err >&2; exit 3'
	cp "$b/config.json" "$BATS_TEST_TMPDIR/before.json"
	local sa=0 sb=0
	"$RUNC" --root "$ROOT" run --bundle "$a" ra >"$a.out" 2>"$a.err" </dev/null || sa=$?
	"$HARDRUN" --hardrun-runtime "$RUNC" --hardrun-profile audit --root "$ROOT" run --bundle "$b" rb \
		>"$b.out" 2>"$b.err" </dev/null || sb=$?
	[ "$sa" -eq 3 ] && [ "$sb" -eq 3 ]
	cmp "$a.out" "$b.out"
	cmp "$a.err" "$b.err"
	cmp "$b/config.json" "$BATS_TEST_TMPDIR/before.json"
}

@test "exec -p /dev/fd/N under restricted is hardened, with runc and crun" {
	local rt p="$BATS_TEST_TMPDIR/greedy.json"
	jq -n --arg p "$PROBE" '{terminal: false, cwd: "/", args: ["sh", "-c", $p], env: ["PATH=/bin"],
		user: {uid: 0, gid: 0}, noNewPrivileges: false,
		capabilities: {bounding: ["CAP_SYS_ADMIN"], effective: ["CAP_SYS_ADMIN"], permitted: ["CAP_SYS_ADMIN"]}}' >"$p"
	for rt in runc crun; do
		command -v "$rt" >/dev/null || continue
		if [ "$rt" = crun ]; then crun_host_setup || continue; fi
		local b="$BATS_TEST_TMPDIR/bundle-$rt"
		make_bundle "$b" 'trap "exit 0" TERM; while :; do sleep 1; done'
		hr "$rt" run -d --bundle "$b" "fd-$rt" </dev/null >/dev/null 2>&1
		run hr "$rt" exec -p <(cat "$p") "fd-$rt"
		[ "$status" -eq 0 ] || { echo "$output"; return 1; }
		assert_hardened "$output"
		run hr "$rt" exec -p /dev/fd/7 "fd-$rt" 7<"$p"
		[ "$status" -eq 0 ] || { echo "$output"; return 1; }
		assert_hardened "$output"
		# a symbolic link that is no descriptor is still refused
		ln -s "$p" "$BATS_TEST_TMPDIR/link.json"
		run hr "$rt" exec -p "$BATS_TEST_TMPDIR/link.json" "fd-$rt"
		[ "$status" -eq 1 ]
		[[ "$output" == *"is a symbolic link; refusing to follow it"* ]]
		rm "$BATS_TEST_TMPDIR/link.json"
	done
}

# cpu_twice DIR: linux.resources with both "cpu" and "CPU", which Go's
# decoder matches to one field.
cpu_twice() {
	set_config "$1" '.linux.resources.cpu = {shares: 512}'
	sed -i 's/"cpu": {/"CPU": {"shares": 1024}, "cpu": {/' "$1/config.json"
	grep -q '"CPU"' "$1/config.json"
}

@test "a config with both linux.resources.cpu and .CPU: refused under restricted, passed unchecked in audit mode, recorded both ways" {
	local b="$BATS_TEST_TMPDIR/bundle" pol="$BATS_TEST_TMPDIR/policy.json" audit="$BATS_TEST_TMPDIR/audit.log"
	jq -n --arg f "$audit" '{audit: {file: $f}}' >"$pol"
	make_bundle "$b" 'echo ran'
	cpu_twice "$b"
	cp "$b/config.json" "$BATS_TEST_TMPDIR/before.json"
	run hr runc --hardrun-policy "$pol" run --bundle "$b" cpu1
	[ "$status" -eq 1 ]
	[[ "$output" == *'key "cpu" duplicates "CPU"'* ]]
	run "$RUNC" --root "$ROOT" run --bundle "$b" cpu0
	local want_status=$status want=$output
	run hr runc --hardrun-policy "$pol" --hardrun-profile audit run --bundle "$b" cpu2
	[ "$status" -eq "$want_status" ]
	[ "$output" = "$want" ]
	cmp "$b/config.json" "$BATS_TEST_TMPDIR/before.json"
	[ "$(jq -r 'select(.id == "cpu1") | .result' "$audit")" = refused ]
	[ "$(jq -r 'select(.id == "cpu2") | .result' "$audit")" = unchecked ]
	jq -e 'select(.id == "cpu2") | .error | contains("duplicates")' "$audit"
}

@test "a process file that does not parse leaves an audit record" {
	local pol="$BATS_TEST_TMPDIR/policy.json" audit="$BATS_TEST_TMPDIR/audit.log"
	jq -n --arg f "$audit" '{audit: {file: $f}}' >"$pol"
	local b="$BATS_TEST_TMPDIR/bundle"
	make_bundle "$b" 'trap "exit 0" TERM; while :; do sleep 1; done'
	hr runc --hardrun-policy "$pol" run -d --bundle "$b" pf </dev/null >/dev/null 2>&1
	run hr runc --hardrun-policy "$pol" exec -p <(echo '{"args": ["true"], "args": ["id"]}') pf
	[ "$status" -eq 1 ]
	[ "$(jq -r 'select(.command == "exec") | .result' "$audit")" = refused ]
}
