#!/bin/sh
# zone.sh: benchmark of `dnsdeps audit --zone` (issue 6). Generates a synthetic
# zone of N delegations (default 10 million; 2-4 NS each over a few thousand
# operators, some glue) into a temporary file, audits it and the real .gov
# zone on one core, and prints records/s, wall time, peak RSS and bytes per
# delegation. Then compares the zone-file readers that were candidates (ldns,
# Knot's libzscanner, dnsdeps' own scanner) on .gov and a 1M-delegation zone.
# A benchmark that prints figures, not a test: it fails only when a run fails.
#
#   bench/zone.sh [N]     env: DNSDEPS (binary, default build/dnsdeps),
#                         GOV (zone file), TMPDIR (where the zone is written)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
n=${1:-10000000}
dnsdeps=${DNSDEPS:-$root/build/dnsdeps}
gov=${GOV:-$root/tests/data/zones/gov-2026-08-22.zone}
work=$(mktemp -d "${TMPDIR:-/tmp}/dnsdeps-zone-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

[ -x "$dnsdeps" ] || { echo "zone.sh: no dnsdeps binary at $dnsdeps (set DNSDEPS)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "zone.sh: /usr/bin/time missing (Debian package 'time')" >&2; exit 2; }
one_core=""
command -v taskset >/dev/null 2>&1 && one_core="taskset -c 0"

# audit NAME FILE: one audited run, one line of figures.
audit() {
	# shellcheck disable=SC2086
	$one_core /usr/bin/time -v "$dnsdeps" audit --zone "$2" --json -o "$work/out.json" \
		2>"$work/time.txt" || [ $? -le 2 ] || { cat "$work/time.txt" >&2; exit 1; }
	python3 - "$1" "$work/out.json" "$work/time.txt" <<'PY'
import json, re, sys
name, out, tv = sys.argv[1:]
j = json.load(open(out))
t = open(tv).read()
rss_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1))
wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", t).group(1)
secs = 0.0
for part in wall.split(":"):
    secs = secs * 60 + float(part)
rec = j["records"]["total"]
d = j["delegations"]["total"]
perf = j["performance"]
print(f"{name:<12} {rec:>11} records {d:>10} delegations  wall {secs:7.2f} s  "
      f"{rec / max(secs, 1e-9) / 1e6:6.2f} M records/s (audit alone "
      f"{perf['records_per_second'] / 1e6:.2f} M/s)  peak RSS {rss_kb / 1024:8.1f} MiB  "
      f"{rss_kb * 1024 / max(d, 1):6.0f} B/delegation RSS, "
      f"{perf['bytes_per_delegation']:.0f} B/delegation tables")
PY
}

echo "== dnsdeps audit --zone: $(nproc) cores here, pinned to one with '${one_core:-no taskset}'"
t0=$(date +%s.%N)
awk -v n="$n" -f "$here/zone_gen.awk" >"$work/synthetic.zone"
t1=$(date +%s.%N)
printf 'generated %s delegations (%s MB) in %.1f s\n' "$n" \
	"$(($(stat -c %s "$work/synthetic.zone") / 1000000))" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')"
[ -r "$gov" ] && audit ".gov" "$gov"
audit "synthetic" "$work/synthetic.zone"
rm -f "$work/synthetic.zone"

# The readers compared: built against the library next to the binary.
lib=$(dirname "$dnsdeps")/libdnsdeps.a
if ! pkg-config --exists libzscanner ldns || [ ! -r "$lib" ]; then
	echo "(reader comparison skipped: needs libknot-dev, libldns-dev and $lib)"
	exit 0
fi
cc -O2 -D_GNU_SOURCE -I"$root/src" -I"$(dirname "$dnsdeps")" -o "$work/zone_parsers" \
	"$here/zone_parsers.c" "$lib" \
	$(pkg-config --cflags --libs libzscanner ldns libpsl jansson libidn2 libuv libcurl) -lm
awk -v n=1000000 -f "$here/zone_gen.awk" >"$work/small.zone"
echo "== zone-file readers (best of 3; 'audit' = dnsdeps' scanner plus the whole analysis)"
for zone in "$gov:gov." "$work/small.zone:test."; do
	file=${zone%:*}
	origin=${zone##*:}
	[ -r "$file" ] || continue
	echo "-- $(basename "$file")"
	for reader in ldns-rr zscanner dnsdeps audit; do
		best=""
		for _ in 1 2 3; do
			line=$($one_core "$work/zone_parsers" "$reader" "$file" "$origin")
			rate=$(echo "$line" | awk '{print $(NF-1)}')
			if [ -z "$best" ] || awk -v a="$rate" -v b="$best" 'BEGIN { exit !(a > b) }'; then
				best=$rate
				best_line=$line
			fi
			# ldns is slow: one run of it is enough on the large zone
			[ "$reader" = ldns-rr ] && [ "$origin" = test. ] && break
		done
		echo "$best_line"
	done
done
