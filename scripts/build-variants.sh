#!/bin/sh
# build-variants.sh: compiles dnsdeps and its tests the ways users and
# packagers do, each from scratch in a temporary directory with warnings as
# errors: "release" (-O3 brings warnings -O2 does not), "debugoptimized"
# (meson.build's default) and "hardened-plain" (buildtype plain with Debian's
# CFLAGS/CPPFLAGS/LDFLAGS from dpkg-buildflags, hardening=+all, as
# debian/rules builds). Prints "ok NAME" or "FAIL NAME" (with the end of the
# compiler's output) per variant, exits 1 when any failed. Part of
# scripts/test.sh; needs the packages of scripts/install-deps.sh.
set -u
cd "$(dirname "$0")/.."

work=$(mktemp -d "${TMPDIR:-/tmp}/dnsdeps-variants.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
failed=0

# variant NAME MESON-OPTION...: CFLAGS and the like come from the environment.
variant() {
	name=$1
	shift
	if meson setup "$work/$name" -Dwerror=true "$@" >"$work/$name.log" 2>&1 &&
		meson compile -C "$work/$name" >>"$work/$name.log" 2>&1; then
		echo "ok $name"
	else
		echo "FAIL $name"
		tail -n 40 "$work/$name.log"
		failed=$((failed + 1))
	fi
	rm -rf "${work:?}/$name"
}

variant release -Dbuildtype=release
variant debugoptimized -Dbuildtype=debugoptimized
if command -v dpkg-buildflags >/dev/null 2>&1; then
	export DEB_BUILD_MAINT_OPTIONS=hardening=+all
	CFLAGS=$(dpkg-buildflags --get CFLAGS)
	CPPFLAGS=$(dpkg-buildflags --get CPPFLAGS)
	LDFLAGS=$(dpkg-buildflags --get LDFLAGS)
	export CFLAGS CPPFLAGS LDFLAGS
	variant hardened-plain -Dbuildtype=plain
else
	echo "FAIL hardened-plain"
	echo "dpkg-buildflags is missing (Debian package dpkg-dev, see scripts/install-deps.sh)"
	failed=$((failed + 1))
fi
[ "$failed" -eq 0 ]
