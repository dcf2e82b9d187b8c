#!/bin/sh
# bench/check.sh: dnsdeps check vs zonemaster-cli --hints medians on the mini-internet (prints figures).
exec /usr/bin/python3 "$(dirname "$0")/check.py" "$@"
