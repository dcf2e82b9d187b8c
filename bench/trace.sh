#!/bin/sh
# bench/trace.sh: dnsdeps trace vs drill -T medians on the mini-internet (prints figures).
exec /usr/bin/python3 "$(dirname "$0")/trace.py" "$@"
