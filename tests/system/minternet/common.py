"""common: the test bed's error type and how it finds the tools it needs."""

import os
import shutil

SBIN_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


class MinternetError(RuntimeError):
    """The mini-internet cannot be built or run (never a finding about DNS)."""


def find_tool(name, package):
    """Absolute path of a required program; a missing one is a hard failure."""
    path = os.environ.get("PATH", "") + ":" + SBIN_PATH
    found = shutil.which(name, path=path)
    if not found:
        raise MinternetError(f"required program '{name}' not found "
                             f"(Debian package {package}; see scripts/install-deps.sh)")
    return found
