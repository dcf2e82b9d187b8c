"""conftest: the system tests run inside a private network namespace.

If pytest starts outside one, pytest_configure re-executes the whole session
under `unshare --net` (needs root) with lo up, so no packet of the tests, of
NSD or of dnsdeps can leave loopback. A missing tool is a usage error, never
a skip.
"""

import pytest

from minternet import MinternetError, netns
from minternet.common import find_tool


def pytest_configure(config):
    try:
        netns.check_tools()
        find_tool("drill", "ldnsutils")
    except MinternetError as e:
        raise pytest.UsageError(str(e)) from None
    capman = config.pluginmanager.getplugin("capturemanager")

    def release_capture():
        if capman is not None:
            capman.stop_global_capturing()

    try:
        netns.enter(before_exec=release_capture)
    except MinternetError as e:
        raise pytest.UsageError(str(e)) from None

