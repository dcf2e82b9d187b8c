#!/bin/sh
# bench/pg.sh: dnsdeps watch workers (1, 2 and 4 by default) sharing one PostgreSQL store
# on the bulk test bed of bench/live.sh: throughput, each worker's CPU seconds per 1,000
# domain-rounds and the database's, statements and bytes per domain-round (prints figures).
exec /usr/bin/python3 "$(dirname "$0")/pg.py" "$@"
