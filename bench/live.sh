#!/bin/sh
# bench/live.sh: dnsdeps audit on a generated world of >= 10,000 domains and 57 NSD
# servers (domains/s, peak RSS, CPU), and zonemaster-cli on a sample (prints figures).
exec /usr/bin/python3 "$(dirname "$0")/live.py" "$@"
