"""test_systemd: the service unit the Debian package installs (debian/dnsdeps.service).
systemd is not PID 1 here, so the unit is checked offline with systemd's own tools:
`systemd-analyze verify` (the directives, the commands: the unit with this build's
binary in ExecStart) and `systemd-analyze security --offline` (its exposure level, 0
best .. 10 worst, must stay at most 2.0); and its ExecStart command line runs: the
same arguments with the paths moved into the test's directory start the service,
which answers on its web port, and stop cleanly on SIGTERM. Type=notify: a datagram
socket of the test's, named in NOTIFY_SOCKET as systemd names its own, receives
READY=1 (the web port already answering), STATUS= after a round, WATCHDOG=1 at half
of WATCHDOG_USEC, and STOPPING=1 on SIGTERM.
"""

import os
import re
import shlex
import signal
import socket
import subprocess
import time
import urllib.request

from minternet import default_dnsdeps

UNIT = os.path.join(os.path.dirname(__file__), "..", "..", "debian", "dnsdeps.service")


def unit_text():
    with open(UNIT, encoding="utf-8") as f:
        return f.read()


def directive(text, key):
    return [l.split("=", 1)[1] for l in text.splitlines() if l.startswith(key + "=")]


def test_unit_verifies(tmp_path):
    text = unit_text().replace("/usr/bin/dnsdeps", os.path.abspath(default_dnsdeps()))
    unit = tmp_path / "dnsdeps.service"
    unit.write_text(text)
    r = subprocess.run(["systemd-analyze", "verify", "--man=no", str(unit)],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stderr.strip() == "", r.stderr


def test_unit_exposure_and_user():
    r = subprocess.run(["systemd-analyze", "security", "--offline=yes", UNIT],
                       capture_output=True, text=True, timeout=60)
    m = re.search(r"Overall exposure level for dnsdeps.service: ([0-9.]+)", r.stdout)
    assert m, r.stdout + r.stderr
    assert float(m.group(1)) <= 2.0, r.stdout
    text = unit_text()
    assert directive(text, "DynamicUser") == ["yes"]
    assert directive(text, "StateDirectory") == ["dnsdeps"]
    assert directive(text, "ProtectSystem") == ["strict"]
    assert directive(text, "NoNewPrivileges") == ["yes"]
    assert directive(text, "Type") == ["notify"]
    assert directive(text, "NotifyAccess") == ["main"] and directive(text, "WatchdogSec")


def silent_root(tmp_path):
    """Root hints at a loopback address nobody serves: no packet leaves."""
    hints = tmp_path / "hints"
    hints.write_text(". 3600 NS a.root.test.\na.root.test. 3600 A 127.0.0.250\n")
    return str(hints)


def test_exec_start_runs(tmp_path):
    """ExecStart's arguments, with its two paths in tmp_path, run the service."""
    argv = shlex.split(directive(unit_text(), "ExecStart")[0])
    assert argv[0] == "/usr/bin/dnsdeps" and argv[1] == "watch"
    conf, store = tmp_path / "dnsdeps.conf", tmp_path / "watch.db"
    conf.write_text("watch:\n  http: 127.0.0.1:8479\n  interval: 1h\n  no-registration: yes\n"
                    "  domain: example.invalid\n")
    moved = {"/etc/dnsdeps/dnsdeps.conf": str(conf), "/var/lib/dnsdeps/watch.db": str(store)}
    argv = [default_dnsdeps()] + [moved.get(a, a) for a in argv[1:]]
    assert set(moved.values()) <= set(argv), argv
    log = open(tmp_path / "log", "wb")
    p = subprocess.Popen(argv + ["--root-hints", silent_root(tmp_path), "--timeout", "200",
                                 "--retries", "0", "--no-deps"], stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen("http://127.0.0.1:8479/metrics", timeout=5) as r:
                    assert r.status == 200
                    break
            except OSError:
                assert time.monotonic() < deadline and p.poll() is None, \
                    (tmp_path / "log").read_text()
                time.sleep(0.2)
    finally:
        p.send_signal(signal.SIGTERM)
        rc = p.wait(30)
        log.close()
    assert rc == 0, (tmp_path / "log").read_text()
    assert store.exists()


def test_debian_package_installs_the_unit():
    """dh_installsystemd installs debian/dnsdeps.service (named after the package),
    not enabled nor started; the build depends on libmicrohttpd."""
    debian = os.path.join(os.path.dirname(UNIT))
    with open(os.path.join(debian, "rules"), encoding="utf-8") as f:
        rules = f.read()
    assert "dh_installsystemd --no-enable --no-start" in rules, rules
    with open(os.path.join(debian, "control"), encoding="utf-8") as f:
        control = f.read()
    assert "libmicrohttpd-dev" in control and "Package: dnsdeps" in control


def receive(sock, until, timeout):
    """The messages (one datagram each) until one contains until."""
    got = []
    deadline = time.monotonic() + timeout
    while not any(until in m for m in got):
        sock.settimeout(max(deadline - time.monotonic(), 0.01))
        try:
            got.append(sock.recv(4096).decode())
        except socket.timeout:
            raise AssertionError(f"no {until} within {timeout}s: {got}") from None
    return got


def test_notify_protocol(tmp_path):
    path = str(tmp_path / "notify")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    store = tmp_path / "watch.db"
    env = {**os.environ, "NOTIFY_SOCKET": path, "WATCHDOG_USEC": "2000000"}
    env.pop("WATCHDOG_PID", None)
    log = open(tmp_path / "log", "wb")
    later = []
    p = subprocess.Popen([default_dnsdeps(), "watch", "--store", str(store), "--interval", "2s",
                          "--jitter", "0s", "--root-hints", silent_root(tmp_path), "--timeout",
                          "200", "--retries", "0", "--no-deps", "--no-registration", "--http",
                          "127.0.0.1:8480", "example.invalid"],
                         stdout=log, stderr=log, env=env)
    try:
        first = receive(sock, "READY=1", 20)
        # Ready means listening: the port answers at once.
        with urllib.request.urlopen("http://127.0.0.1:8480/metrics", timeout=5) as r:
            assert r.status == 200
        assert len(first) == 1, first  # nothing before READY=1
        later = receive(sock, "last round", 20)
        t0 = time.monotonic()
        pings = [m for m in receive(sock, "WATCHDOG=1", 10) if m == "WATCHDOG=1"]
        pings += [m for m in receive(sock, "WATCHDOG=1", 10) if m == "WATCHDOG=1"]
        # Two pings at half of WATCHDOG_USEC (1 s) apart at least.
        assert len(pings) >= 2 and time.monotonic() - t0 >= 0.9, pings
        assert any(m.startswith("STATUS=watching 1 domain(s); last round: 1 checked")
                   for m in later), later
    finally:
        p.send_signal(signal.SIGTERM)
    try:
        stopping = receive(sock, "STOPPING=1", 20)
        assert "READY=1" not in "".join(later + stopping)
    finally:
        rc = p.wait(30)
        log.close()
        sock.close()
    assert rc == 0, (tmp_path / "log").read_text()


def test_notify_socket_unusable(tmp_path):
    """A NOTIFY_SOCKET that names no socket the protocol allows is a start-up error,
    not a service that never tells it is ready."""
    r = subprocess.run([default_dnsdeps(), "watch", "--store", str(tmp_path / "w.db"),
                        "--root-hints", silent_root(tmp_path), "example.invalid"],
                       env={**os.environ, "NOTIFY_SOCKET": "relative/path"},
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 3 and "NOTIFY_SOCKET" in r.stderr, r.stderr
