#!/bin/sh
# fuzz.sh: build the libFuzzer targets with clang (ASan + UBSan) into
# build-fuzz/ and run each for SECONDS (default 60), growing the committed
# corpora in tests/fuzz/corpus/. Crashes are left as crash-* files in the
# current directory for a regression test. Not part of CI (it never ends
# the same way twice); the corpora it grows are replayed by the unit tests.
#   sh scripts/fuzz.sh [SECONDS] [TARGET...]
set -eu
cd "$(dirname "$0")/.."
secs=${1:-60}
[ $# -gt 0 ] && shift
targets=${*:-"reply evidence reg zone hints asn dnssec wsrv anchor list resume conf rows"}
if [ ! -f build-fuzz/build.ninja ]; then
	CC=clang meson setup build-fuzz -Dfuzz=true -Db_sanitize=address,undefined \
		-Db_lundef=false -Dbuildtype=debugoptimized >/dev/null
fi
meson compile -C build-fuzz >/dev/null
for t in $targets; do
	mkdir -p "tests/fuzz/corpus/$t"
	echo "== fuzz_$t for $secs s"
	./build-fuzz/tests/fuzz/fuzz_"$t" -max_total_time="$secs" -max_len=65536 \
		-timeout=10 -rss_limit_mb=2048 "tests/fuzz/corpus/$t" 2>&1 |
		grep -E '^(#[0-9]+[[:space:]]+(INITED|DONE)|Done [0-9]+ runs|==[0-9]+==|SUMMARY|artifact)' |
		tail -n 4
done
