"""test_watch: `dnsdeps watch` as a service on the demo world (data/demo/purism.toml,
healthy), with a real SQLite store, a real HTTP receiver for the webhook and a small
real SMTP receiver, both written here. The world is changed while the service runs
(World.edit rewrites a zone and reloads NSD; World.pause silences a server):

- the sm registry stops delegating puri.sm: within two intervals ONE alert naming
  the layer registration, with the change; restored: one recovery alert;
- a nameserver of puri.sm goes silent: an alert (nameservers), then the recovery;
- a DS record removed at the parent: the ds_changed event in the history;
- the registry's RDAP record gains serverHold: an alert naming registration, with
  status_added serverHold;
- a flapping server (silent every other round): no alert storm;
- kill -9 during a round, then a restart: no gap or duplicate in the history, the
  alert that could not be delivered before is sent;
- --once: exit status, exec (argv and environment, no shell) and e-mail alerts;
- history and status, text and JSON; a broken config on SIGHUP keeps the old one.
"""

import json
import os
import signal
import socket
import sqlite3
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from helpers import scenario
from minternet import World, default_dnsdeps
from minternet.regservers import RdapServer, json_reply

HOOK_IP, SMTP_IP, RDAP_IP = "127.88.0.1", "127.88.0.2", "127.88.0.3"
INTERVAL = 2
FAST = ("--timeout", "400", "--retries", "0", "--jitter", "0s", "--no-deps")
PURI = "puri.sm."


# ---- receivers ---------------------------------------------------------------

class Hook:
    """A real HTTP server recording the JSON documents POSTed to it."""

    def __init__(self, ip=HOOK_IP, port=8080, status=200):
        self.ip, self.port, self.status = ip, port, status
        self.alerts, self.lock = [], threading.Lock()
        self.server = None

    @property
    def url(self):
        return f"http://{self.ip}:{self.port}/hook"

    def __enter__(self):
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, fmt, *args):
                pass

            def do_POST(self):
                n = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(min(n, 1 << 20))
                ok = hook.status == 200
                if ok:
                    with hook.lock:
                        hook.alerts.append((time.monotonic(), self.headers.get("Content-Type"),
                                            json.loads(body)))
                self.send_response(hook.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer((self.ip, self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def kinds(self):
        with self.lock:
            return [a[2]["kind"] for a in self.alerts]

    def wait(self, n, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.alerts) >= n:
                    return list(self.alerts)
            time.sleep(0.05)
        with self.lock:
            raise AssertionError(f"{len(self.alerts)} alerts after {timeout}s, wanted {n}: "
                                 f"{[a[2]['kind'] for a in self.alerts]}")


class Smtp:
    """A small real SMTP server (RFC 5321: HELO/EHLO, MAIL, RCPT, DATA, QUIT)
    keeping each message's envelope and text."""

    def __init__(self, ip=SMTP_IP, port=2525):
        self.ip, self.port, self.mails = ip, port, []
        self.sock = None

    def __enter__(self):
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((self.ip, self.port))
        self.sock.listen(4)
        threading.Thread(target=self._serve, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.sock.close()

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._session, args=(conn,), daemon=True).start()

    def _session(self, conn):
        f = conn.makefile("rwb")
        mail = {"from": None, "to": [], "data": ""}

        def say(line):
            f.write(line.encode() + b"\r\n")
            f.flush()

        say("220 test ESMTP")
        conn.settimeout(10)
        try:
            for raw in f:
                line = raw.decode("utf-8", "replace").rstrip("\r\n")
                verb = line[:4].upper()
                if verb in ("EHLO", "HELO"):
                    say("250 test")
                elif verb == "MAIL":
                    mail["from"] = line.split(":", 1)[1].strip()
                    say("250 ok")
                elif verb == "RCPT":
                    mail["to"].append(line.split(":", 1)[1].strip())
                    say("250 ok")
                elif verb == "DATA":
                    say("354 go on")
                    lines = []
                    for d in f:
                        d = d.decode("utf-8", "replace").rstrip("\r\n")
                        if d == ".":
                            break
                        lines.append(d[1:] if d.startswith("..") else d)
                    mail["data"] = "\n".join(lines)
                    self.mails.append(dict(mail))
                    say("250 queued")
                elif verb == "QUIT":
                    say("221 bye")
                    break
                else:
                    say("250 ok")
        except OSError:
            pass
        conn.close()


# ---- the world and the service ---------------------------------------------------

@pytest.fixture
def world():
    with World.from_file(scenario("purism")) as w:
        yield w


@pytest.fixture
def hook():
    with Hook() as h:
        yield h


def puri_records(world):
    z = world.scenario.zone("sm.")
    return [r.text for r in z.records if r.owner and r.owner.endswith("puri.sm.")]


def undelegate(world):
    world.edit({"zone": "sm.", "remove_subtree": [PURI]})


def redelegate(world, records):
    world.edit({"zone": "sm.", "add": records})


class Watch:
    """`dnsdeps watch` running in the background, its log kept."""

    def __init__(self, world, store, *args):
        binary = world.dnsdeps or default_dnsdeps()
        self.argv = [binary, "watch", "--root-hints", world.root_hints, "--store", str(store),
                     "--interval", f"{INTERVAL}s", *args]
        self.log = open(str(store) + ".log", "ab")
        self.p = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL, stdout=self.log,
                                  stderr=self.log)

    def stop(self, sig=signal.SIGTERM, timeout=15):
        if self.p.poll() is None:
            self.p.send_signal(sig)
        rc = self.p.wait(timeout)
        self.log.close()
        return rc

    def text(self):
        with open(self.log.name, encoding="utf-8", errors="replace") as f:
            return f.read()


def rounds(store, domain=PURI):
    db = sqlite3.connect(str(store), timeout=10)
    try:
        return db.execute("SELECT time, status, layer FROM rounds WHERE domain = ? ORDER BY id",
                          (domain,)).fetchall()
    finally:
        db.close()


def events(store, domain=PURI):
    db = sqlite3.connect(str(store), timeout=10)
    try:
        return [k for (k,) in db.execute("SELECT kind FROM events WHERE domain = ? ORDER BY id",
                                         (domain,))]
    finally:
        db.close()


def wait_rounds(store, n, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if len(rounds(store)) >= n:
                return rounds(store)
        except sqlite3.OperationalError:
            pass  # not created yet
        time.sleep(0.1)
    raise AssertionError(f"fewer than {n} rounds after {timeout}s")


def no_sanitizer(text):
    assert "Sanitizer" not in text and "runtime error" not in text, text


# ---- tests ----------------------------------------------------------------------

def test_registry_stops_delegating(world, hook, tmp_path):
    store = tmp_path / "watch.db"
    saved = puri_records(world)
    w = Watch(world, store, *FAST, "--no-registration", "--alert-after", "1",
              "--recover-after", "1", "--webhook", hook.url, "puri.sm")
    try:
        first = wait_rounds(store, 1, 20)
        assert first[0][1] == 0, (first, w.text())
        undelegate(world)
        t_flip = time.monotonic()
        (t_alert, ctype, alert), = hook.wait(1, 4 * INTERVAL)
        assert t_alert - t_flip <= 2 * INTERVAL + 0.5, t_alert - t_flip
        assert ctype == "application/json"
        assert alert["schema"] == "dnsdeps.alert/1"
        assert alert["kind"] == "open" and alert["domain"] == PURI
        assert alert["status"] == "critical" and alert["layer"] == "registration"
        assert "registr" in alert["summary"]
        assert "delegation_lost" in [c["kind"] for c in alert["changes"]]
        assert alert["advice"]
        time.sleep(2 * INTERVAL + 0.5)
        assert hook.kinds() == ["open"]  # one alert for the incident, not one per round
        redelegate(world, saved)
        alerts = hook.wait(2, 4 * INTERVAL)
        assert [a[2]["kind"] for a in alerts] == ["open", "close"]
        close = alerts[1][2]
        assert close["incident"] == alert["incident"]
        assert "delegation_back" in [c["kind"] for c in close["changes"]]
        time.sleep(INTERVAL + 0.5)
        assert hook.kinds() == ["open", "close"]
    finally:
        rc = w.stop()
    assert rc == 0, w.text()
    no_sanitizer(w.text())
    kinds = events(store)
    assert "delegation_lost" in kinds and "delegation_back" in kinds
    r = world.run_dnsdeps("history", "--store", str(store), "--json", "puri.sm", hints=False)
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["schema"] == "dnsdeps.history/1"
    statuses = [x["status"] for x in doc["rounds"]]
    assert "critical" in statuses and statuses[0] == "ok" and statuses[-1] == "ok"
    assert "delegation_lost" in [e["kind"] for e in doc["events"]]
    r = world.run_dnsdeps("history", "--store", str(store), "puri.sm", hints=False)
    assert "delegation_lost" in r.stdout and "registration" in r.stdout
    r = world.run_dnsdeps("status", "--store", str(store), "--json", hints=False)
    assert r.returncode == 0, r.stderr
    row, = json.loads(r.stdout)["domains"]
    assert row["domain"] == PURI and row["status"] == "ok" and row.get("incident") is None
