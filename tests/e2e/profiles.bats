#!/usr/bin/env bats
# hardrun's own profiles: the AppArmor profile parses, the seccomp profile
# compiles with libseccomp for every architecture it lists.

load lib/common

@test "the AppArmor profile parses (apparmor_parser -Q)" {
	command -v apparmor_parser >/dev/null || skip "apparmor_parser is not installed"
	run apparmor_parser -Q -K "$HARDRUN_SRCDIR/profiles/apparmor/hardrun-default"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
}

@test "policy check compiles the seccomp profile and parses the AppArmor profile" {
	run "$HARDRUN" policy check
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	[[ "$output" == *"ok ("* ]]
}

@test "policy check names a broken seccomp profile" {
	local p="$BATS_TEST_TMPDIR/policy.json" sc="$BATS_TEST_TMPDIR/seccomp.json"
	jq '.syscalls[0].names += ["no_such_syscall"]' "$HARDRUN_SRCDIR/profiles/seccomp/default.json" >"$sc"
	printf '{"profiles": {"p": {"seccomp": {"profile": "%s"}}}}\n' "$sc" >"$p"
	run "$HARDRUN" policy check "$p"
	[ "$status" -eq 1 ]
	[[ "$output" == *no_such_syscall* ]]
}
