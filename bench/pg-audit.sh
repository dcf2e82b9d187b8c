#!/bin/sh
# bench/pg-audit.sh: the distributed audit (dnsdeps audit --queue) on one PostgreSQL database
# and the bulk test bed of bench/live.sh (10,000 domains by default): 1, 2 and 4 workers'
# throughput, CPU per 1,000 domains (workers and database), statements and bytes per
# domain, a projection for a 2-million-delegation zone in one hour, and 3 workers with
# one killed and restarted compared with a single audit (prints figures).
exec /usr/bin/python3 "$(dirname "$0")/pg.py" --audit --domains 10000 "$@"
