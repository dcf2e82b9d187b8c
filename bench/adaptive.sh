#!/bin/sh
# bench/adaptive.sh: would an adaptive timeout (srtt + 4 rttvar per address) save time on
# faults without timing out servers that answer? Replays the test bed's exchanges (prints figures).
exec /usr/bin/python3 "$(dirname "$0")/adaptive.py" "$@"
