#!/bin/sh
# digest.sh: benchmark of DNS reply handling in src/dns (dd_dns_digest,
# dd_dns_sections_text, dd_dns_query_wire): builds bench/digest.c against the
# library next to the binary and prints nanoseconds per call and a hash of the
# outputs for each set of replies (see digest.c). A benchmark that prints
# figures, not a test: it fails only when the build or a run fails.
#
#   bench/digest.sh [ROUNDS]     env: DNSDEPS (binary, default build/dnsdeps)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
dnsdeps=${DNSDEPS:-$root/build/dnsdeps}
lib=$(dirname "$dnsdeps")/libdnsdeps.a
work=$(mktemp -d "${TMPDIR:-/tmp}/dnsdeps-digest-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

[ -r "$lib" ] || { echo "digest.sh: no $lib (set DNSDEPS to a built binary)" >&2; exit 2; }
one_core=""
command -v taskset >/dev/null 2>&1 && one_core="taskset -c 0"

# shellcheck disable=SC2046
cc -O2 -D_GNU_SOURCE -I"$root/src" -I"$(dirname "$dnsdeps")" -o "$work/digest" \
	"$here/digest.c" "$lib" \
	$(pkg-config --cflags --libs ldns libpsl jansson libidn2 libuv libcurl libmaxminddb libgvc) -lm
echo "== src/dns per reply ($lib, pinned with '${one_core:-no taskset}')"
# shellcheck disable=SC2086
$one_core "$work/digest" "$root/tests/unit/data/packets" "$root/tests/fuzz/corpus/reply" "${1:-200}"
