#!/bin/sh
# install-deps.sh: install (idempotently) every Debian 12 package needed to
# build, run and test dnsdeps. Run as root. Works on a minimal debootstrap.
# With --package, also what building and checking the Debian package takes
# (scripts/deb.sh: debhelper, lintian).
set -eu

packages="
ca-certificates
gcc
libc6-dev
pkg-config
meson
ninja-build
libldns-dev
ldnsutils
libuv1-dev
libidn2-dev
libjansson-dev
libcurl4-openssl-dev
libpsl-dev
libsqlite3-dev
libmicrohttpd-dev
prometheus
chromium
chromium-driver
python3-selenium
systemd
libpq-dev
zlib1g-dev
postgresql-15
libcmocka-dev
nsd
python3
python3-pytest
iproute2
procps
time
libknot-dev
libgraphviz-dev
libmaxminddb-dev
util-linux
openssl
dpkg-dev
"
if [ "${1:-}" = "--package" ]; then
	packages="$packages debhelper lintian"
fi

missing=""
for p in $packages; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
if [ -n "$missing" ]; then
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing
fi
# Debian starts nsd as a service on installation; dnsdeps' test bed runs its own
# instances, so a system one on 127.0.0.1:53 would only get in the way.
if command -v service >/dev/null 2>&1 && [ -e /var/run/nsd/nsd.pid ]; then
	service nsd stop >/dev/null 2>&1 || true
fi
echo "install-deps: all packages present"
