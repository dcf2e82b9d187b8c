#!/bin/sh
# judge.sh: what judging one domain costs once its evidence is in (the checks,
# the verdict, the JSON line the audit writes): brings up the live benchmark's
# world (bench/live_world.py, in a private network namespace; run as root),
# saves the evidence of a few of its domains with `dnsdeps check`, builds
# bench/judge.c against the library next to the binary and prints
# microseconds per domain for each phase. Figures, not a test.
#
#   bench/judge.sh [ITERATIONS]     env: DNSDEPS (binary, default build/dnsdeps)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
dnsdeps=${DNSDEPS:-$root/build/dnsdeps}
lib=$(dirname "$dnsdeps")/libdnsdeps.a
work=$(mktemp -d "${TMPDIR:-/tmp}/dnsdeps-judge-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

[ -r "$lib" ] || { echo "judge.sh: no $lib (set DNSDEPS to a built binary)" >&2; exit 2; }
# shellcheck disable=SC2046
cc -O2 -D_GNU_SOURCE -I"$root/src" -I"$(dirname "$dnsdeps")" -o "$work/judge" \
	"$here/judge.c" "$lib" \
	$(pkg-config --cflags --libs ldns libpsl jansson libidn2 libuv libcurl libmaxminddb libgvc sqlite3 libpq zlib) -lm
# Domains 0-7 of the world: six "ok", one "vanity", one "two-ops" (live_world.py).
/usr/bin/python3 "$here/live_world.py" --domains 64 -- sh -c '
	for d in $(head -8 "$DOMAINS"); do
		"$0" check --root-hints "$ROOT_HINTS" --save-evidence "$1/${d%.}.json" "$d" >/dev/null ||
			[ $? -le 2 ]
	done' "$dnsdeps" "$work" 2>/dev/null
echo "== judging one domain ($lib)"
for f in "$work"/*.json; do
	"$work/judge" "$f" "${1:-2000}"
done | sed "s|$work/||"
