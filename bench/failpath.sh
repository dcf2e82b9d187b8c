#!/bin/sh
# bench/failpath.sh: the time one fault costs (silent TLD, one silent NS, dead NS,
# REFUSED NS of three) for dnsdeps check and zonemaster-cli in the same run, then
# the audit rate with dnsdeps's default (polite) limits against --qps 0 (prints figures).
exec /usr/bin/python3 "$(dirname "$0")/failpath.py" "$@"
