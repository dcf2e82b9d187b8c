#!/bin/sh
# test.sh: the whole test suite. Builds the normal and the sanitizer build,
# runs the unit tests (cmocka, via meson) and the system tests (pytest over
# the mini-internet) under both, compiles the release, debugoptimized and
# hardened builds with -Werror (scripts/build-variants.sh, one test each),
# and ends with one line "N passed, N failed" counting them all. Needs root
# (the test bed lives in a private network namespace) and the packages of
# scripts/install-deps.sh.
set -u
cd "$(dirname "$0")/.."

sh scripts/build.sh --asan || { echo "0 passed, 1 failed"; exit 1; }

passed=0
failed=0
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT

# Sanitizer reports must fail the run, and be seen.
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:exitcode=99"
export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:exitcode=99"

count_meson() {
	ok=$(sed -n 's/^Ok: *\([0-9]*\).*/\1/p' "$1" | tail -n 1)
	bad=$(sed -n 's/^Fail: *\([0-9]*\).*/\1/p' "$1" | tail -n 1)
	to=$(sed -n 's/^Timeout: *\([0-9]*\).*/\1/p' "$1" | tail -n 1)
	passed=$((passed + ${ok:-0}))
	failed=$((failed + ${bad:-0} + ${to:-0}))
	if [ -z "$ok" ]; then failed=$((failed + 1)); fi
}

count_pytest() {
	line=$(grep -E '[0-9]+ (passed|failed|error)' "$1" | tail -n 1)
	p=$(echo "$line" | sed -n 's/.*[^0-9]\([0-9][0-9]*\) passed.*/\1/p;s/^\([0-9][0-9]*\) passed.*/\1/p' | head -n 1)
	f=$(echo "$line" | sed -n 's/.*[^0-9]\([0-9][0-9]*\) failed.*/\1/p;s/^\([0-9][0-9]*\) failed.*/\1/p' | head -n 1)
	e=$(echo "$line" | sed -n 's/.*[^0-9]\([0-9][0-9]*\) error.*/\1/p;s/^\([0-9][0-9]*\) error.*/\1/p' | head -n 1)
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-0} + ${e:-0}))
	if [ -z "$line" ]; then failed=$((failed + 1)); fi
}

for b in build build-asan; do
	echo "== unit tests ($b)"
	meson test -C "$b" --suite unit --print-errorlogs >"$log/unit-$b" 2>&1
	grep -E '^ *[0-9]+/[0-9]+ |^Ok:|^Fail:' "$log/unit-$b"
	count_meson "$log/unit-$b"
	echo "== system tests ($b)"
	DNSDEPS="$PWD/$b/dnsdeps" /usr/bin/python3 -m pytest tests/system -q -p no:cacheprovider \
		>"$log/system-$b" 2>&1
	tail -n 30 "$log/system-$b"
	count_pytest "$log/system-$b"
done

echo "== builds for users and packagers (-Werror)"
sh scripts/build-variants.sh >"$log/variants" 2>&1
rc=$?
cat "$log/variants"
ok=$(grep -c '^ok ' "$log/variants")
bad=$(grep -c '^FAIL ' "$log/variants")
passed=$((passed + ok))
failed=$((failed + bad))
if [ "$rc" -ne 0 ] && [ "$bad" -eq 0 ]; then failed=$((failed + 1)); fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
