#!/bin/sh
# build.sh: configure (once) and compile dnsdeps into build/, and with
# "--asan" the AddressSanitizer + UndefinedBehaviorSanitizer build into
# build-asan/. Safe to run again at any time. Warnings are errors here (the
# project's own builds); meson.build leaves them off for packagers' builds.
set -eu
cd "$(dirname "$0")/.."

setup() {
	dir=$1
	shift
	if [ ! -f "$dir/build.ninja" ]; then
		meson setup "$dir" -Dwerror=true "$@" >/dev/null
	else
		meson configure "$dir" -Dwerror=true >/dev/null
	fi
	meson compile -C "$dir" >/dev/null
}

setup build
if [ "${1:-}" = "--asan" ]; then
	setup build-asan -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug
fi
