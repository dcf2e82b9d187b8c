#!/bin/sh
# deb.sh: the Debian package, built and tried as a user gets it. Clones HEAD
# into a temporary directory, builds the .deb there (dpkg-buildpackage -b),
# runs lintian (any error fails), installs it with apt-get, checks that
# /usr/bin/dnsdeps reads only /usr/share/dnsdeps and that `dnsdeps demo`
# tells the puri.sm story from there, then purges the package. Changes the
# system: run as root on a machine where you may install packages (CI does).
# Needs `scripts/install-deps.sh --package`. With --keep DIR, the .deb and
# lintian's report are left in DIR.
set -eu
cd "$(dirname "$0")/.."

keep=""
if [ "${1:-}" = "--keep" ]; then
	keep=${2:?--keep needs a directory}
fi
if dpkg-query -W -f='${Status}' dnsdeps 2>/dev/null | grep -q "install ok installed"; then
	echo "deb.sh: a dnsdeps package is installed already; remove it first" >&2
	exit 1
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/dnsdeps-deb.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

git clone -q . "$work/dnsdeps"
(cd "$work/dnsdeps" && dpkg-buildpackage -b -us -uc) >"$work/build.log" 2>&1 ||
	{ tail -n 60 "$work/build.log"; echo "deb.sh: dpkg-buildpackage failed" >&2; exit 1; }
deb=$(ls "$work"/dnsdeps_*.deb)
echo "deb.sh: built $(basename "$deb")"

lintian --pedantic --display-info "$work"/dnsdeps_*.changes >"$work/lintian.txt" 2>&1 || true
cat "$work/lintian.txt"
if grep -q '^E: ' "$work/lintian.txt"; then
	echo "deb.sh: lintian reports errors" >&2
	exit 1
fi
if [ -n "$keep" ]; then
	mkdir -p "$keep"
	cp "$deb" "$work/lintian.txt" "$keep/"
fi

export DEBIAN_FRONTEND=noninteractive
apt-get install -y -qq "$deb" >"$work/apt.log" 2>&1 ||
	{ cat "$work/apt.log"; echo "deb.sh: apt-get install failed" >&2; exit 1; }
status=0
# From / with no override: the installed data, and nothing of any source tree.
data=$(cd / && env -u DNSDEPS_DATADIR /usr/bin/dnsdeps version | sed -n 2p)
if [ "$data" != "data: /usr/share/dnsdeps (installed)" ]; then
	echo "deb.sh: /usr/bin/dnsdeps reads '$data'" >&2
	status=1
fi
if (cd / && env -u DNSDEPS_DATADIR /usr/bin/dnsdeps demo) </dev/null >"$work/demo.txt" 2>&1 &&
	grep -Eq 'puri\.sm\.[[:space:]]+0 ok[[:space:]]+2 critical' "$work/demo.txt"; then
	echo "deb.sh: /usr/bin/dnsdeps demo: ok"
else
	cat "$work/demo.txt"
	echo "deb.sh: /usr/bin/dnsdeps demo failed" >&2
	status=1
fi
apt-get purge -y -qq dnsdeps >/dev/null 2>&1 || { echo "deb.sh: cannot purge dnsdeps" >&2; status=1; }
[ "$status" -eq 0 ] && echo "deb.sh: the package builds, installs, runs the demo and is removed"
exit "$status"
