#!/bin/sh
# bench/watch.sh: dnsdeps watch over the bulk test bed of bench/live.sh (10,000 domains by
# default) at a 60 s interval for a few intervals: schedule lag, RSS, store bytes per
# domain-round (prints figures).
exec /usr/bin/python3 "$(dirname "$0")/watch.py" "$@"
