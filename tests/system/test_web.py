"""test_web: the web side of `dnsdeps watch` (docs/web.md, docs/api.md) on the demo
world (data/demo/purism.toml): the JSON API and /metrics read from a real store while
the service runs; /metrics passes `promtool check metrics`; a real Prometheus server
scraping the service fires the example alert rule (docs/prometheus-alerts.yml) after
the sm registry stops delegating puri.sm; authentication, TLS and the limits of the
server; and the dashboard in headless Chromium (Selenium): the table, the incident
showing without a reload, and markup and control characters from a registry's RDAP
record rendering as text. Screenshots go to a directory under the test's tmp path,
printed in the test output.
"""

import datetime
import json
import os
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

import pytest

import test_watch
from helpers import scenario
from minternet import World, default_dnsdeps
from minternet.regservers import RdapServer, json_reply, make_ca

FAST = ("--timeout", "400", "--retries", "0", "--jitter", "0s", "--no-deps",
        "--alert-after", "1", "--recover-after", "1")
PURI = "puri.sm."
RDAP_IP = "127.88.1.3"
PROM_PORT = 9490


@pytest.fixture
def world():
    with World.from_file(scenario("purism")) as w:
        yield w


class Watch(test_watch.Watch):
    """test_watch's service (the same interval, log and stop), with base, the
    address of its web server."""

    def __init__(self, world, store, port, *args, scheme="http", log=None):
        super().__init__(world, store, *args, log=log)
        self.base = f"{scheme}://127.0.0.1:{port}"


def get(url, headers=None, context=None, method="GET"):
    """(status, headers, body) of one request; HTTP errors are answers too."""
    req = urllib.request.Request(url, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=10, context=context) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def wait_for(fn, timeout, what):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = fn()
            if last:
                return last
        except (OSError, ValueError, KeyError) as e:
            last = e
        time.sleep(0.1)
    raise AssertionError(f"{what} not within {timeout}s (last: {last!r})")


def domains(base, **kw):
    status, _, body = get(base + "/api/v1/domains", **kw)
    assert status == 200, body
    return json.loads(body)


def all_checked(base, n):
    """The domains document once all n domains have a round, read in one
    request (an empty list before the watch has listed them is not "all")."""
    rows = domains(base)["domains"]
    return rows if len(rows) == n and all(r["status"] for r in rows) else None


def checked(base, want=None, **kw):
    """The domains document once puri.sm has a round (with status want)."""
    def ready():
        d = domains(base, **kw)
        rows = [r for r in d["domains"] if r["domain"] == PURI]
        return d if rows and rows[0]["status"] and rows[0]["status"] == (want or rows[0]["status"]) else None
    return wait_for(ready, 30, f"a round of {PURI}")


def undelegate(world):
    z = world.scenario.zone("sm.")
    saved = [r.text for r in z.records if r.owner and r.owner.endswith(PURI)]
    world.edit({"zone": "sm.", "remove_subtree": [PURI]})
    return saved


def no_sanitizer(text):
    assert "Sanitizer" not in text and "runtime error" not in text, text


# ---- the API and the metrics -------------------------------------------------------

def promtool_metrics(text):
    r = subprocess.run(["promtool", "check", "metrics"], input=text, capture_output=True,
                       text=True, timeout=30)
    return r.returncode, r.stdout + r.stderr


def test_api_and_metrics_follow_the_world(world, tmp_path):
    store = tmp_path / "watch.db"
    w = Watch(world, store, 8471, *FAST, "--no-registration", "--http", "127.0.0.1:8471",
              "puri.sm")
    try:
        doc = checked(w.base, "ok")
        assert doc["schema"] == "dnsdeps.api.domains/1"
        row, = doc["domains"]
        assert row["status"] == "ok" and row["layer"] == "none" and row["summary"], row
        status, headers, body = get(w.base + "/metrics")
        assert status == 200 and headers["Content-Type"].startswith("text/plain; version=0.0.4")
        text = body.decode()
        rc, out = promtool_metrics(text)
        assert rc == 0, out + text
        assert 'dnsdeps_domain_status{domain="puri.sm."} 0' in text, text
        assert 'dnsdeps_domain_layer{domain="puri.sm.",layer="none"} 1' in text
        assert 'dnsdeps_findings{domain="puri.sm.",severity="critical"} 0' in text
        assert "dnsdeps_rounds_total " in text and "dnsdeps_queries_total " in text
        queries = [int(l.split()[1]) for l in text.splitlines()
                   if l.startswith("dnsdeps_queries_total ")]
        assert queries[0] > 0, text
        status, _, body = get(w.base + "/api/v1/incidents")
        assert status == 200 and json.loads(body)["incidents"] == []

        saved = undelegate(world)
        checked(w.base, "critical")
        text = get(w.base + "/metrics")[2].decode()
        assert 'dnsdeps_domain_status{domain="puri.sm."} 2' in text, text
        assert 'dnsdeps_domain_layer{domain="puri.sm.",layer="registration"} 1' in text
        assert promtool_metrics(text)[0] == 0
        inc = wait_for(lambda: json.loads(get(w.base + "/api/v1/incidents")[2])["incidents"],
                       10, "an incident")
        assert inc[0]["domain"] == PURI and inc[0]["closed"] is None
        assert inc[0]["layer"] == "registration" and inc[0]["status"] == "critical"
        one = json.loads(get(w.base + "/api/v1/domains/puri.sm")[2])
        assert one["schema"] == "dnsdeps.api.domain/1"
        r = one["round"]
        assert r["status"] == "critical" and r["incident"] == inc[0]["key"]
        assert any(f["advice"] for f in r["findings"]) and r["facts"]["delegated"] is False
        world.edit({"zone": "sm.", "add": saved})
        checked(w.base, "ok")
        h = json.loads(get(w.base + "/api/v1/domains/puri.sm/history")[2])
        assert h["schema"] == "dnsdeps.api.history/1"
        assert "critical" in [x["status"] for x in h["rounds"]]
        kinds = [e["kind"] for e in h["events"]]
        assert "delegation_lost" in kinds and "delegation_back" in kinds, kinds
        assert get(w.base + "/api/v1/domains/nowhere.example")[0] == 404
        assert get(w.base + "/api/v2/domains")[0] == 404
        assert get(w.base + "/api/v1/domains", method="POST")[0] == 405
        assert get(w.base + "/nothing-here")[0] == 404
        status, headers, body = get(w.base + "/")
        assert status == 200 and headers["Content-Type"].startswith("text/html")
        assert b"/app.js" in body and "default-src 'self'" in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"
    finally:
        rc = w.stop()
    assert rc == 0, w.text()
    no_sanitizer(w.text())


def unix(rfc3339):
    return int(datetime.datetime.fromisoformat(rfc3339.replace("Z", "+00:00")).timestamp())


def evidence_replayed(world, base, tmp_path, name=PURI):
    """The latest evidence document from the API, saved to a file and judged again
    by `dnsdeps report`: the verdict the API shows for the same round (the watch
    goes on checking: the document and the round are read until they are one
    round's)."""
    def same_round():
        status, headers, body = get(f"{base}/api/v1/domains/{name}/evidence")
        r = json.loads(get(f"{base}/api/v1/domains/{name}")[2])["round"]
        if status != 200 or unix(json.loads(body)["time"]) != r.get("checked"):
            return None
        return headers, body, r
    headers, body, r = wait_for(same_round, 20, "the evidence of the round the API shows")
    assert headers["Content-Type"] == "application/json"
    saved = tmp_path / "evidence.json"
    saved.write_bytes(body)
    out = world.run_dnsdeps("report", "--json", str(saved), hints=False)
    assert out.returncode == {"ok": 0, "warning": 1, "critical": 2, "unknown": 3}[r["status"]], \
        out.stdout + out.stderr
    v = json.loads(out.stdout)["verdict"]
    assert (v["status"], v["layer"], v["summary"]) == (r["status"], r["layer"], r["summary"]), (v, r)
    return r


def test_evidence_document(world, tmp_path):
    """GET /api/v1/domains/NAME/evidence is the latest round's evidence document:
    `dnsdeps report` on it gives the verdict the API shows, before and after the
    registry stops delegating puri.sm; 404 with a JSON error for a domain without
    one; a document over --evidence-max is not kept, and the API says why."""
    store = tmp_path / "watch.db"
    w = Watch(world, store, 8479, *FAST, "--no-registration", "--http", "8479", "puri.sm")
    try:
        checked(w.base, "ok")
        assert evidence_replayed(world, w.base, tmp_path)["status"] == "ok"
        saved = undelegate(world)
        checked(w.base, "critical")
        r = evidence_replayed(world, w.base, tmp_path)
        assert (r["status"], r["layer"]) == ("critical", "registration")
        world.edit({"zone": "sm.", "add": saved})
        status, headers, body = get(w.base + "/api/v1/domains/nowhere.example/evidence")
        assert status == 404 and headers["Content-Type"] == "application/json"
        assert json.loads(body)["schema"] == "dnsdeps.api.error/1"
    finally:
        assert w.stop() == 0, w.text()
    no_sanitizer(w.text())
    since = time.time()
    w = Watch(world, store, 8479, *FAST, "--no-registration", "--evidence-max", "1000",
              "--http", "8479", "puri.sm")
    try:
        wait_for(lambda: (domains(w.base)["domains"][0]["checked"] or 0) >= int(since) + 1, 30,
                 "a round of the second watch")
        status, headers, body = get(w.base + "/api/v1/domains/puri.sm/evidence")
        err = json.loads(body)
        assert status == 404 and "over the watch's evidence-max" in err["error"], err
    finally:
        assert w.stop() == 0, w.text()
    no_sanitizer(w.text())


def test_request_limits(world, tmp_path):
    """A request whose headers pass the bound is refused, the server goes on."""
    store = tmp_path / "watch.db"
    w = Watch(world, store, 8472, *FAST, "--no-registration", "--http", "8472", "puri.sm")
    try:
        checked(w.base)
        s = socket.create_connection(("127.0.0.1", 8472), timeout=10)
        s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 200000 + b"\r\n\r\n")
        reply = b""
        try:
            while len(reply) < 1 << 20:
                chunk = s.recv(65536)
                if not chunk:
                    break
                reply += chunk
        except (ConnectionResetError, BrokenPipeError):
            pass
        s.close()
        assert not reply.startswith(b"HTTP/1.1 200"), reply[:200]
        assert get(w.base + "/api/v1/domains")[0] == 200
    finally:
        assert w.stop() == 0, w.text()


def test_auth_and_tls(world, tmp_path):
    store = tmp_path / "watch.db"
    binary = world.dnsdeps or default_dnsdeps()
    base = [binary, "watch", "--root-hints", world.root_hints, "--store", str(store), *FAST,
            "--no-registration"]
    # Beyond loopback without a secret: refused, with the reason.
    r = subprocess.run(base + ["--http", "0.0.0.0:8473", "puri.sm"], capture_output=True,
                       text=True, timeout=30)
    assert r.returncode == 3 and "not a loopback address" in r.stderr, r.stderr
    r = subprocess.run(base + ["--http", "127.0.0.1:99999", "puri.sm"], capture_output=True,
                       text=True, timeout=30)
    assert r.returncode == 3 and "ADDR:PORT" in r.stderr, r.stderr
    token = tmp_path / "token"
    token.write_text("s3cret-token-for-the-test\n")
    auth = tmp_path / "auth"
    auth.write_text("admin:pa:ss\n")
    ca, pem, key = make_ca(str(tmp_path), "127.0.0.1")
    ctx = ssl.create_default_context(cafile=ca)
    w = Watch(world, store, 8473, *FAST, "--no-registration", "--http", "0.0.0.0:8473",
              "--http-token-file", str(token), "--http-auth-file", str(auth),
              "--http-cert", pem, "--http-key", key, "puri.sm", scheme="https")
    try:
        wait_for(lambda: get(w.base + "/metrics", context=ctx)[0] == 200, 20, "the server")
        status, headers, _ = get(w.base + "/api/v1/domains", context=ctx)
        assert status == 401 and headers["WWW-Authenticate"].startswith("Basic")
        assert get(w.base + "/", context=ctx)[0] == 401
        assert get(w.base + "/api/v1/domains", context=ctx,
                   headers={"Authorization": "Bearer wrong"})[0] == 401
        assert get(w.base + "/api/v1/domains", context=ctx,
                   headers={"Authorization": "Bearer s3cret-token-for-the-test"})[0] == 200
        import base64
        good = base64.b64encode(b"admin:pa:ss").decode()
        bad = base64.b64encode(b"admin:pa:sx").decode()
        assert get(w.base + "/", context=ctx, headers={"Authorization": "Basic " + good})[0] == 200
        assert get(w.base + "/", context=ctx, headers={"Authorization": "Basic " + bad})[0] == 401
        # Plain HTTP to the TLS port gets no page.
        with pytest.raises((urllib.error.URLError, ConnectionError, OSError)):
            urllib.request.urlopen("http://127.0.0.1:8473/metrics", timeout=5).read()
    finally:
        assert w.stop() == 0, w.text()
    no_sanitizer(w.text())


# ---- Prometheus ---------------------------------------------------------------------

RULES = os.path.join(os.path.dirname(__file__), "..", "..", "docs", "prometheus-alerts.yml")


def test_prometheus_fires_the_example_rule(world, tmp_path):
    r = subprocess.run(["promtool", "check", "rules", RULES], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    store = tmp_path / "watch.db"
    (tmp_path / "prometheus.yml").write_text(
        "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
        f"rule_files:\n  - {os.path.abspath(RULES)}\n"
        "scrape_configs:\n  - job_name: dnsdeps\n    static_configs:\n"
        "      - targets: ['127.0.0.1:8474']\n")
    w = Watch(world, store, 8474, *FAST, "--no-registration", "--http", "8474", "puri.sm")
    prom_log = open(tmp_path / "prometheus.log", "wb")
    prom = subprocess.Popen(["prometheus", f"--config.file={tmp_path / 'prometheus.yml'}",
                             f"--storage.tsdb.path={tmp_path / 'tsdb'}",
                             f"--web.listen-address=127.0.0.1:{PROM_PORT}"],
                            stdout=prom_log, stderr=prom_log)
    papi = f"http://127.0.0.1:{PROM_PORT}/api/v1/"

    def alerts():
        doc = json.loads(get(papi + "alerts")[2])
        return [(a["labels"]["alertname"], a["labels"].get("domain"), a["state"])
                for a in doc["data"]["alerts"]]

    def scraped_ok():
        doc = json.loads(get(papi + "query?query=dnsdeps_domain_status")[2])
        return [v["value"][1] for v in doc["data"]["result"]] == ["0"]

    try:
        checked(w.base, "ok")
        wait_for(scraped_ok, 30, "Prometheus scraping status 0")
        assert alerts() == []
        undelegate(world)
        got = wait_for(lambda: ("DnsdepsDomainCritical", PURI, "firing") in alerts(), 30,
                       "the example rule firing")
        assert got
    finally:
        prom.terminate()
        prom.wait(15)
        prom_log.close()
        assert w.stop() == 0, w.text()


# ---- the dashboard in headless Chromium ------------------------------------------------

@pytest.fixture
def browser(tmp_path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    opts = webdriver.ChromeOptions()
    opts.binary_location = shutil.which("chromium")
    profile = tempfile.mkdtemp(prefix="chromium-", dir=str(tmp_path))
    for a in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
              "--disable-background-networking", "--disable-component-update", "--disable-sync",
              "--disable-dev-shm-usage", f"--user-data-dir={profile}", "--window-size=1400,900"):
        opts.add_argument(a)
    service = Service(shutil.which("chromedriver"), log_output=os.devnull) \
        if "log_output" in Service.__init__.__code__.co_varnames \
        else Service(shutil.which("chromedriver"), log_path=os.devnull)
    driver = webdriver.Chrome(service=service, options=opts)
    driver.set_page_load_timeout(30)
    shots = tmp_path / "screenshots"
    shots.mkdir()
    driver.shots = shots
    print(f"\nscreenshots: {shots}")
    try:
        yield driver
    finally:
        driver.quit()


def shot(driver, name):
    path = driver.shots / f"{name}.png"
    driver.save_screenshot(str(path))
    print(f"screenshot: {path}")


def until(driver, fn, timeout, what):
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait
    try:
        return WebDriverWait(driver, timeout, poll_frequency=0.1,
                             ignored_exceptions=[StaleElementReferenceException]).until(fn)
    except Exception as e:
        shot(driver, "failed")
        raise AssertionError(f"{what} not within {timeout}s: {e}") from None


def table_rows(driver):
    """{domain: (status, layer)} of the table, read in one script (the page
    rebuilds the table at each poll)."""
    rows = driver.execute_script(
        "return Array.from(document.querySelectorAll('#domains tbody tr')).map(tr =>"
        " [tr.dataset.domain, tr.querySelector('.cell-status').textContent,"
        "  tr.querySelector('.cell-layer').textContent]);")
    return {d: (st, layer) for d, st, layer in rows}


WATCHED = ["puri.sm", "example.sm"]


def test_dashboard_shows_the_incident_without_reload(world, tmp_path, browser):
    from selenium.webdriver.common.by import By
    store = tmp_path / "watch.db"
    w = Watch(world, store, 8475, *FAST, "--no-registration", "--http", "8475", *WATCHED)
    try:
        rows = wait_for(lambda: all_checked(w.base, len(WATCHED)), 30, "every domain checked")
        api_rows = {r["domain"]: (r["status"], r["layer"]) for r in rows}
        browser.get(w.base + "/")
        until(browser, lambda d: len(table_rows(d)) == len(WATCHED), 15, "the table")
        assert table_rows(browser) == api_rows, (table_rows(browser), api_rows)
        assert table_rows(browser)[PURI] == ("ok", "none")
        shot(browser, "table-ok")
        assert browser.find_element(By.ID, "open-count").text == "0"
        saved = undelegate(world)
        # No reload: the page polls.
        loaded = browser.execute_script("return performance.timeOrigin")
        until(browser, lambda d: table_rows(d).get(PURI) == ("critical", "registration"), 20,
              "puri.sm critical in the table")
        until(browser, lambda d: d.find_element(By.ID, "open-count").text == "1", 10,
              "one open incident in the header")
        assert browser.execute_script("return performance.timeOrigin") == loaded
        shot(browser, "table-critical")
        browser.find_element(By.ID, "nav-incidents").click()
        until(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#incidents tbody tr.open"), 10,
              "the incidents page")
        row = browser.find_element(By.CSS_SELECTOR, "#incidents tbody tr.open")
        assert row.get_attribute("data-domain") == PURI and "registration" in row.text
        shot(browser, "incidents")
        browser.find_element(By.CSS_SELECTOR, "#incidents tbody tr.open a").click()
        until(browser, lambda d: "delegation_lost" in d.find_element(By.ID, "timeline").text, 10,
              "the domain's timeline")
        findings = browser.find_element(By.ID, "findings").text
        assert "Advice:" in findings, findings
        shot(browser, "domain")
        # Sorting and filtering of the table.
        browser.get(w.base + "/#/")
        until(browser, lambda d: len(table_rows(d)) == 2, 10, "the table again")
        f = browser.find_element(By.ID, "filter")
        f.send_keys("example")
        until(browser, lambda d: list(table_rows(d)) == ["example.sm."], 5, "the filter")
        world.edit({"zone": "sm.", "add": saved})
    finally:
        assert w.stop() == 0, w.text()
    no_sanitizer(w.text())


def rdap_domain(name, registrar):
    return json.dumps({
        "objectClassName": "domain", "ldhName": name, "status": ["active"],
        "events": [{"eventAction": "expiration", "eventDate": "2030-01-01T00:00:00Z"}],
        "entities": [{"objectClassName": "entity", "roles": ["registrar"],
                      "vcardArray": ["vcard", [["version", {}, "text", "4.0"],
                                               ["fn", {}, "text", registrar]]]}],
    }).encode()


EVIL = "<script>window.pwned=1</script><img src=x onerror=window.pwned=2><b>Bold</b>\x07\x1b[31m"


def test_dashboard_escapes_server_text(world, tmp_path, browser):
    from selenium.webdriver.common.by import By
    store = tmp_path / "watch.db"
    with RdapServer(RDAP_IP) as rdap:
        rdap.routes["/rdap/domain/puri.sm"] = json_reply(rdap_domain("puri.sm", EVIL))
        boot = tmp_path / "boot.json"
        boot.write_text(json.dumps({"version": "1.0", "publication": "2026-01-01T00:00:00Z",
                                    "services": [[["sm"], [rdap.url("/rdap/")]]]}))
        table = tmp_path / "whois-servers"
        table.write_text("# none\n")
        w = Watch(world, store, 8476, *FAST, "--rdap-bootstrap", str(boot), "--whois-servers",
                  str(table), "--ca-file", rdap.ca_file, "--http", "8476", "puri.sm")
        try:
            doc = checked(w.base)
            assert "<script>" in (doc["domains"][0]["registrar"] or ""), doc
            browser.get(w.base + "/#/domain/puri.sm.")
            until(browser, lambda d: d.find_elements(By.ID, "registrar"), 15, "the domain page")
            cell = browser.find_element(By.ID, "registrar")
            text = cell.text
            assert "<script>window.pwned=1</script>" in text, text
            assert "<b>Bold</b>" in text and "\\x07" in text and "\\x1b" in text, text
            assert cell.find_elements(By.XPATH, ".//*") == []  # text only, no element made
            assert browser.execute_script("return window.pwned === undefined")
            assert browser.find_elements(By.CSS_SELECTOR, "main img[src='x'], main b, main script") == []
            shot(browser, "escaped")
        finally:
            assert w.stop() == 0, w.text()
    no_sanitizer(w.text())


def test_dependency_graph(world, tmp_path, browser):
    """With the dependencies gathered, the API serves each domain's graph as
    JSON and SVG, and the dashboard shows it with its single points of failure."""
    from selenium.webdriver.common.by import By
    store = tmp_path / "watch.db"
    fast = [a for a in FAST if a != "--no-deps"]
    w = Watch(world, store, 8477, *fast, "--no-registration", "--http", "8477", "puri.sm")
    try:
        checked(w.base)
        status, headers, body = wait_for(
            lambda: (lambda r: r if r[0] == 200 else None)(get(w.base + "/api/v1/domains/puri.sm/graph")),
            20, "the graph")
        g = json.loads(body)
        assert g["schema"] == "dnsdeps.graph/1" and g["domain"] == PURI
        spofs = g["dependencies"]["spofs"]
        assert spofs, g["dependencies"]
        status, headers, svg = get(w.base + "/api/v1/domains/puri.sm/graph.svg")
        assert status == 200 and headers["Content-Type"] == "image/svg+xml"
        assert "sandbox" in headers["Content-Security-Policy"]
        assert b"<svg" in svg and b"puri.sm" in svg and b"<script" not in svg
        assert b"#d00000" in svg  # a single point of failure's red border
        for i in range(3):  # one Graphviz context draws them all (report.h: dd_rep_gv)
            status, _, again = get(w.base + f"/api/v1/domains/puri.sm/graph.svg?t={i}")
            assert status == 200 and b"puri.sm" in again and again.rstrip().endswith(b"</svg>")
        assert get(w.base + "/api/v1/domains/example.sm/graph")[0] == 404
        browser.get(w.base + "/#/domain/puri.sm.")
        until(browser, lambda d: d.execute_script(
            "const i = document.getElementById('graph-img'); return i && i.complete && i.naturalWidth > 0"),
            20, "the graph drawn")
        items = browser.find_element(By.ID, "spofs").text
        assert spofs[0]["name"] in items, items
        shot(browser, "graph")
    finally:
        assert w.stop() == 0, w.text()
    no_sanitizer(w.text())


def metric_values(text, name):
    """{domain: value} of a per-domain metric in an exposition text."""
    out = {}
    for line in text.splitlines():
        if line.startswith(name + "{"):
            labels, value = line[len(name) + 1:].rsplit("} ", 1)
            out[labels.split('domain="', 1)[1].split('"', 1)[0]] = float(value)
    return out


def test_metrics_dnssec_and_durations(tmp_path):
    """On the signed test bed: each signed domain's earliest signature expiry,
    none for an unsigned one; the check duration histogram counts every check."""
    with World.from_file(scenario("dnssec")) as world:
        store = tmp_path / "watch.db"
        w = Watch(world, store, 8478, *FAST, "--no-registration", "--trust-anchor",
                  world.trust_anchor, "--http", "8478", "good.test", "expiring.test",
                  "plain.test")
        try:
            wait_for(lambda: all_checked(w.base, 3), 30, "every domain checked")
            text = get(w.base + "/metrics")[2].decode()
        finally:
            assert w.stop() == 0, w.text()
        no_sanitizer(w.text())
    assert promtool_metrics(text)[0] == 0, text
    sig = metric_values(text, "dnsdeps_dnssec_signature_expiry_timestamp_seconds")
    assert set(sig) == {"good.test.", "expiring.test."}, text
    now = time.time()
    assert now < sig["expiring.test."] < sig["good.test."], sig
    assert sig["expiring.test."] - now < 7 * 86400 < sig["good.test."] - now, sig
    count = [l for l in text.splitlines() if l.startswith("dnsdeps_check_duration_seconds_count ")]
    inf = [l for l in text.splitlines()
           if l.startswith('dnsdeps_check_duration_seconds_bucket{le="+Inf"} ')]
    assert int(count[0].split()[1]) >= 3 and inf[0].split()[1] == count[0].split()[1], text
    total = float([l for l in text.splitlines()
                   if l.startswith("dnsdeps_check_duration_seconds_sum ")][0].split()[1])
    assert 0 < total < 60, text
