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

    def __init__(self, world, store, *args, interval=f"{INTERVAL}s", log=None):
        binary = world.dnsdeps or default_dnsdeps()
        self.argv = [binary, "watch", "--root-hints", world.root_hints, "--store", str(store),
                     *(["--interval", interval] if interval else []), *args]
        self.log = open(log or str(store) + ".log", "ab")
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


def test_nameserver_goes_silent(world, hook, tmp_path):
    store = tmp_path / "watch.db"
    w = Watch(world, store, *FAST, "--no-registration", "--alert-after", "1",
              "--recover-after", "1", "--webhook", hook.url, "puri.sm")
    try:
        assert wait_rounds(store, 1, 20)[0][1] == 0, w.text()
        world.pause("ns1.puri.sm.")
        (_, _, alert), = hook.wait(1, 4 * INTERVAL)
        assert alert["kind"] == "open" and alert["layer"] == "nameservers", alert
        assert alert["status"] in ("warning", "critical")
        assert any(c["kind"] == "finding_appeared" for c in alert["changes"]), alert
        world.resume("ns1.puri.sm.")
        assert [a[2]["kind"] for a in hook.wait(2, 4 * INTERVAL)] == ["open", "close"]
    finally:
        world.resume("ns1.puri.sm.")
        assert w.stop() == 0, w.text()
    no_sanitizer(w.text())


def test_ds_removed_at_parent(world, hook, tmp_path):
    store = tmp_path / "watch.db"
    ds = "puri 86400 DS 12345 13 2 " + "ab" * 32
    world.edit({"zone": "sm.", "add": [ds]})
    w = Watch(world, store, *FAST, "--no-registration", "--webhook", hook.url, "puri.sm")
    try:
        wait_rounds(store, 1, 20)
        world.edit({"zone": "sm.", "remove": [ds]})
        n = len(rounds(store))
        wait_rounds(store, n + 2, 6 * INTERVAL)
    finally:
        assert w.stop() == 0, w.text()
    no_sanitizer(w.text())
    assert "ds_changed" in events(store)
    r = world.run_dnsdeps("history", "--store", str(store), "--json", "puri.sm", hints=False)
    ev, = [e for e in json.loads(r.stdout)["events"] if e["kind"] == "ds_changed"]
    assert "12345 13 2" in ev["detail"] and ev["detail"].endswith("-> (none)"), ev


def rdap_domain(name, status, expires="2030-01-01T00:00:00Z"):
    return json.dumps({
        "objectClassName": "domain", "ldhName": name, "status": list(status),
        "events": [{"eventAction": "expiration", "eventDate": expires}],
        "entities": [{"objectClassName": "entity", "roles": ["registrar"],
                      "vcardArray": ["vcard", [["version", {}, "text", "4.0"],
                                               ["fn", {}, "text", "Test Registrar"]]]}],
    }).encode()


def test_registry_puts_server_hold(world, hook, tmp_path):
    store = tmp_path / "watch.db"
    with RdapServer(RDAP_IP) as rdap:
        route = "/rdap/domain/puri.sm"
        rdap.routes[route] = json_reply(rdap_domain("puri.sm", ["active",
                                                                "client transfer prohibited"]))
        boot = tmp_path / "boot.json"
        boot.write_text(json.dumps({"version": "1.0", "publication": "2026-01-01T00:00:00Z",
                                    "services": [[["sm"], [rdap.url("/rdap/")]]]}))
        table = tmp_path / "whois-servers"
        table.write_text("# none\n")
        w = Watch(world, store, *FAST, "--rdap-bootstrap", str(boot), "--whois-servers",
                  str(table), "--ca-file", rdap.ca_file, "--alert-after", "1",
                  "--webhook", hook.url, "puri.sm")
        try:
            assert wait_rounds(store, 1, 20)[0][1] == 0, w.text()
            rdap.routes[route] = json_reply(rdap_domain("puri.sm", ["server hold"]))
            (_, _, alert), = hook.wait(1, 4 * INTERVAL)
        finally:
            assert w.stop() == 0, w.text()
    no_sanitizer(w.text())
    assert alert["layer"] == "registration" and alert["status"] == "critical", alert
    changes = {(c["kind"], c["detail"]) for c in alert["changes"]}
    assert ("status_added", "serverHold") in changes, changes
    assert ("transfer_lock_removed", "clientTransferProhibited") in changes, changes
    assert "REG_SERVER_HOLD" in [f["code"] for f in alert["findings"]]


def test_ns_domain_expires_first(world, hook, tmp_path):
    """With the dependencies (the default): the registration of puri.sm's nameserver
    domain dnshost.test moves before puri.sm's own expiry. The verdict stays ok, and
    the change is told once (kind "change")."""
    store = tmp_path / "watch.db"
    locked = ["active", "client transfer prohibited"]
    with RdapServer(RDAP_IP) as rdap:
        for name in ("nic.sm", "nic.test", "root.test", "dnshost.test", "puri.sm"):
            rdap.routes[f"/rdap/domain/{name}"] = json_reply(rdap_domain(
                name, locked, "2040-01-01T00:00:00Z" if name != "puri.sm" else
                "2030-01-01T00:00:00Z"))
        boot = tmp_path / "boot.json"
        boot.write_text(json.dumps({"version": "1.0", "publication": "2026-01-01T00:00:00Z",
                                    "services": [[["sm", "test"], [rdap.url("/rdap/")]]]}))
        table = tmp_path / "whois-servers"
        table.write_text("# none\n")
        w = Watch(world, store, "--timeout", "400", "--retries", "0", "--jitter", "0s",
                  "--rdap-bootstrap", str(boot), "--whois-servers", str(table),
                  "--ca-file", rdap.ca_file, "--webhook", hook.url, "puri.sm")
        try:
            first = wait_rounds(store, 1, 30)
            assert first[0][1] == 0, (first, w.text())
            rdap.routes["/rdap/domain/dnshost.test"] = json_reply(rdap_domain(
                "dnshost.test", locked, "2029-06-01T00:00:00Z"))
            (_, _, alert), = hook.wait(1, 10 * INTERVAL)
            n = len(rounds(store))
            wait_rounds(store, n + 2, 8 * INTERVAL)
        finally:
            assert w.stop() == 0, w.text()
    no_sanitizer(w.text())
    assert alert["kind"] == "change" and alert["status"] == "ok", alert
    assert {"kind": "finding_appeared", "detail": "DEPS_NS_DOMAIN_EXPIRES_FIRST"} in \
        alert["changes"], alert
    assert hook.kinds() == ["change"]  # told once, not every round


def test_flapping_server_no_storm(world, hook, tmp_path):
    """The domain's servers answer every other round: incidents open and close
    in the store, and no alert goes out (alert-after 2)."""
    store = tmp_path / "watch.db"
    servers = ["ns1.puri.sm.", "ns2.puri.sm.", "ns3.dnshost.test."]
    w = Watch(world, store, *FAST, "--no-registration", "--webhook", hook.url, "puri.sm")
    seen, silent = 0, False
    try:
        deadline = time.monotonic() + 14 * INTERVAL
        while len(seen_rounds := rounds_or_none(store)) < 10 and time.monotonic() < deadline:
            if len(seen_rounds) > seen:
                seen = len(seen_rounds)
                silent = not silent
                for s in servers:
                    (world.pause if silent else world.resume)(s)
            time.sleep(0.05)
    finally:
        for s in servers:
            world.resume(s)
        assert w.stop() == 0, w.text()
    no_sanitizer(w.text())
    statuses = [r[1] for r in rounds(store)]
    assert len(statuses) >= 8, statuses
    assert statuses.count(0) >= 3 and statuses.count(2) >= 3, statuses
    assert all(a != b for a, b in zip(statuses[1:], statuses[2:8])), statuses
    assert hook.kinds() == [], hook.kinds()


def rounds_or_none(store):
    try:
        return rounds(store)
    except sqlite3.OperationalError:
        return []


def pending_alerts(store):
    db = sqlite3.connect(str(store), timeout=10)
    try:
        return db.execute("SELECT domain, kind FROM outbox WHERE delivered IS NULL"
                          " ORDER BY id").fetchall()
    finally:
        db.close()


def test_kill9_during_round_then_restart(world, tmp_path):
    """Rounds last longer than the interval (example.sm's servers are silent, and
    a round lasts as long as its slowest domain), so the service is always inside
    one when it is killed."""
    store = tmp_path / "watch.db"
    args = ("--timeout", "400", "--retries", "1", "--jitter", "0s", "--no-deps",
            "--no-registration", "--alert-after", "1")
    with Hook(status=500) as down:
        for s in ("ns1.example.sm.", "ns2.example.sm."):
            world.pause(s)
        w = Watch(world, store, *args, "--webhook", down.url, "puri.sm", "example.sm")
        wait_rounds(store, 2, 30)
        undelegate(world)
        deadline = time.monotonic() + 8 * INTERVAL
        while (PURI, "open") not in pending_alerts(store) and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(0.7)
        w.p.send_signal(signal.SIGKILL)
        assert w.p.wait(10) == -signal.SIGKILL
        w.log.close()
        pending = pending_alerts(store)
        assert (PURI, "open") in pending, w.text()
        before = rounds(store)
    t_restart = time.time()
    with Hook() as up:
        w2 = Watch(world, store, *args, "--webhook", up.url, "puri.sm", "example.sm")
        try:
            alerts = up.wait(len(pending), 3 * INTERVAL)
            wait_rounds(store, len(before) + 2, 10 * INTERVAL)
            time.sleep(INTERVAL)
        finally:
            for s in ("ns1.example.sm.", "ns2.example.sm."):
                world.resume(s)
            assert w2.stop() == 0, w2.text()
        no_sanitizer(w2.text())
        # Each pending alert sent once, none queued again by the restarted service.
        assert sorted((a[2]["domain"], a[2]["kind"]) for a in alerts) == sorted(pending)
        assert len(up.alerts) == len(pending), up.kinds()
    assert pending_alerts(store) == []
    after = rounds(store)
    times = [r[0] for r in after]
    assert after[:len(before)] == before  # nothing committed was lost
    assert times == sorted(times) and len(set(times)) == len(times), times  # no duplicate
    gaps = [b - a for a, b in zip(times, times[1:])]
    usual = max(gaps[:len(before) - 1])  # a round lasts as long as its slowest domain
    assert max(gaps) <= usual + (t_restart - before[-1][0]) + 2, (gaps, times)
    first_after = after[len(before)][0]
    assert first_after - t_restart <= usual + 1, (first_after, t_restart, usual)  # no gap


def test_once_exec_and_email(world, tmp_path):
    undelegate(world)
    out = tmp_path / "exec.out"
    prog = tmp_path / "alert.py"
    prog.write_text("#!/usr/bin/python3\nimport json, os, sys\n"
                    f"open({str(out)!r}, 'a').write(json.dumps({{'argv': sys.argv, "
                    "'env': {k: v for k, v in os.environ.items()}}) + '\\n')\n")
    prog.chmod(0o755)
    store = tmp_path / "watch.db"
    with Smtp() as smtp:
        r = world.run_dnsdeps("watch", "--once", "--store", str(store), *FAST,
                              "--no-registration", "--alert-after", "1", "--exec", str(prog),
                              "--email", "ops@example.test", "--smtp-server",
                              f"smtp://{SMTP_IP}:2525", "--mail-from", "dnsdeps@example.test",
                              "puri.sm", "example.sm", timeout=60)
        deadline = time.monotonic() + 5
        while not smtp.mails and time.monotonic() < deadline:
            time.sleep(0.05)
    no_sanitizer(r.stderr)
    assert r.returncode == 2, r.stderr
    line, = out.read_text().splitlines()
    got = json.loads(line)
    assert got["argv"] == [str(prog)]
    env = got["env"]
    assert env["DNSDEPS_DOMAIN"] == PURI and env["DNSDEPS_KIND"] == "open"
    assert env["DNSDEPS_LAYER"] == "registration" and env["DNSDEPS_STATUS"] == "critical"
    assert "delegation" not in env.get("HOME", "")
    assert json.loads(env["DNSDEPS_ALERT"])["schema"] == "dnsdeps.alert/1"
    assert "registr" in env["DNSDEPS_TEXT"]
    mail, = smtp.mails
    assert mail["from"] == "<dnsdeps@example.test>" and mail["to"] == ["<ops@example.test>"]
    assert "Subject: [dnsdeps] critical puri.sm. (layer registration)" in mail["data"]
    assert "What to do:" in mail["data"]
    # The second --once run: the incident is alerted already, nothing new goes out.
    r = world.run_dnsdeps("watch", "--once", "--store", str(store), *FAST, "--no-registration",
                          "--alert-after", "1", "--exec", str(prog), "puri.sm", "example.sm")
    assert r.returncode == 2, r.stderr
    assert len(out.read_text().splitlines()) == 1
    r = world.run_dnsdeps("status", "--store", str(store), hints=False)
    assert r.returncode == 2 and "puri.sm." in r.stdout and "INCIDENT" in r.stdout, r.stdout


def test_sighup_reload(world, hook, tmp_path):
    store = tmp_path / "watch.db"
    conf = tmp_path / "dnsdeps.conf"
    good = (f"watch:\n  store: {store}\n  interval: {INTERVAL}s\n  jitter: 0s\n"
            f"  timeout: 400\n  retries: 0\n  no-registration: yes\n  webhook: {hook.url}\n"
            "group:\n  name: shop\n  domain: puri.sm\n")
    conf.write_text(good)
    binary = world.dnsdeps or default_dnsdeps()
    log = open(tmp_path / "log", "wb")
    p = subprocess.Popen([binary, "watch", "--config", str(conf), "--root-hints",
                          world.root_hints, "--no-deps"], stdout=log, stderr=log)
    try:
        wait_rounds(store, 1, 20)
        conf.write_text(good + "  interval: soon\n")
        p.send_signal(signal.SIGHUP)
        time.sleep(INTERVAL)
        conf.write_text(good + "  backup: example.sm\n")
        p.send_signal(signal.SIGHUP)
        wait_rounds(store, 1, 20)
        deadline = time.monotonic() + 4 * INTERVAL
        while not rounds_or_none_for(store, "example.sm.") and time.monotonic() < deadline:
            time.sleep(0.1)
        assert p.poll() is None
    finally:
        p.send_signal(signal.SIGTERM)
        rc = p.wait(15)
        log.close()
    text = (tmp_path / "log").read_text()
    assert rc == 0, text
    assert f"{conf}:12: interval: not a duration" in text, text
    assert "the old one stays" in text and "configuration reloaded, 2 domains" in text, text
    assert rounds_or_none_for(store, "example.sm."), text


def rounds_or_none_for(store, domain):
    try:
        return rounds(store, domain)
    except sqlite3.OperationalError:
        return []


def test_usage_errors(world, tmp_path):
    conf = tmp_path / "bad.conf"
    conf.write_text("watch:\n  store: x.db\n  webhook: ftp://nowhere/\n")
    r = world.run_dnsdeps("watch", "--config", str(conf), "puri.sm", hints=False)
    assert r.returncode == 3 and f"{conf}:3: webhook: a webhook is an http" in r.stderr
    r = world.run_dnsdeps("watch", "--once", "puri.sm", hints=False)
    assert r.returncode == 3 and "no store" in r.stderr
    r = world.run_dnsdeps("watch", "--store", str(tmp_path / "s.db"), "--interval", "5 min",
                          "puri.sm", hints=False)
    assert r.returncode == 3 and "interval" in r.stderr
    db = tmp_path / "new.db"
    sqlite3.connect(str(db)).executescript(
        "CREATE TABLE schema_version(version INTEGER NOT NULL);"
        "INSERT INTO schema_version VALUES(7);")
    r = world.run_dnsdeps("status", "--store", str(db), hints=False)
    assert r.returncode == 3 and "newer than this dnsdeps" in r.stderr, r.stderr


def test_group_primary_judged_with_backups(world, tmp_path):
    """A group's primary is checked with its backups (as `check --backup` does): what
    they share is among its findings; the backup's own rounds do not carry them."""
    store = tmp_path / "watch.db"
    conf = tmp_path / "dnsdeps.conf"
    conf.write_text(f"watch:\n  store: {store}\n  timeout: 400\n  retries: 0\n"
                    "  no-registration: yes\n"
                    "group:\n  name: shop\n  domain: puri.sm\n  backup: example.sm\n")
    r = world.run_dnsdeps("watch", "--once", "--config", str(conf), timeout=120)
    no_sanitizer(r.stderr)
    assert r.returncode in (0, 1), r.stderr

    def codes(domain):
        r = world.run_dnsdeps("history", "--config", str(conf), "--json", domain, hints=False)
        assert r.returncode == 0, r.stderr
        rounds_, = json.loads(r.stdout)["rounds"]
        return rounds_["findings"]

    assert any(c.startswith("DEPS_BACKUP_") for c in codes("puri.sm")), codes("puri.sm")
    assert not any(c.startswith("DEPS_BACKUP_") for c in codes("example.sm"))
    r = world.run_dnsdeps("status", "--config", str(conf), "--json", hints=False)
    groups = {d["domain"]: d["group"] for d in json.loads(r.stdout)["domains"]}
    assert groups == {PURI: "shop", "example.sm.": "shop"}
