"""netns: run the current process inside a private network namespace.

enter() re-executes the process under `unshare --net` unless it already runs
in a namespace made that way, then brings `lo` up. Children (NSD, dnsdeps,
drill) inherit the namespace, so no packet can leave loopback. The namespace
made for a process is recorded in $MINTERNET_NETNS (its inode number).
"""

import os
import subprocess
import sys

from .common import MinternetError, find_tool

ENV_NS = "MINTERNET_NETNS"
ENV_FROM = "MINTERNET_NETNS_FROM"


def current():
    """Inode number of this process's network namespace."""
    return os.stat("/proc/self/ns/net").st_ino


def inside():
    """True in a private namespace made by enter() (here or in an ancestor)."""
    return os.environ.get(ENV_NS) == str(current())


def require_inside():
    if not inside():
        raise MinternetError("not inside a private network namespace: call "
                             "minternet.netns.enter() when the process starts")


def check_tools():
    """The programs the test bed cannot work without."""
    for name, pkg in (("unshare", "util-linux"), ("ip", "iproute2"), ("nsd", "nsd")):
        find_tool(name, pkg)


def _ip(*args):
    ip = find_tool("ip", "iproute2")
    return subprocess.run([ip, *args], capture_output=True, text=True)


def _lo_up():
    r = _ip("link", "set", "lo", "up")
    if r.returncode != 0:
        raise MinternetError(f"ip link set lo up failed: {r.stderr.strip()}")


def enter(argv=None, fresh=False, before_exec=None):
    """Return once this process runs in a private network namespace.

    argv: the command line to run again (default: this interpreter with
    sys.orig_argv). fresh: make a new namespace even if already inside one.
    before_exec: called just before the process image is replaced.
    """
    origin = os.environ.pop(ENV_FROM, None)
    if origin is not None:
        if str(current()) == origin:
            raise MinternetError("unshare --net did not give a new network namespace")
        os.environ[ENV_NS] = str(current())
        _lo_up()
        return
    if not fresh and inside():
        return
    if os.geteuid() != 0:
        raise MinternetError("the mini-internet needs root to make a private "
                             "network namespace (unshare --net)")
    check_tools()
    unshare = find_tool("unshare", "util-linux")
    if argv is None:
        argv = [sys.executable, *sys.orig_argv[1:]]
    env = dict(os.environ)
    env[ENV_FROM] = str(current())
    env.pop(ENV_NS, None)
    if before_exec:
        before_exec()
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(unshare, [unshare, "--net", "--", *argv], env)


def add_ipv6(address):
    """Put address on lo (nodad); True if it was added, False if already there."""
    require_inside()
    r = _ip("-6", "addr", "add", f"{address}/128", "dev", "lo", "nodad")
    if r.returncode == 0:
        return True
    if "File exists" in r.stderr:
        return False
    raise MinternetError(f"ip -6 addr add {address}/128 dev lo failed: {r.stderr.strip()}")


def del_ipv6(address):
    require_inside()
    _ip("-6", "addr", "del", f"{address}/128", "dev", "lo")
