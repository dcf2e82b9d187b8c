#!/bin/sh
# bench/web.sh: the web side of dnsdeps watch with 10,000 domains in the store: the
# dashboard's table page load in headless Chromium and the /metrics render time (prints
# figures).
exec /usr/bin/python3 "$(dirname "$0")/web.py" "$@"
