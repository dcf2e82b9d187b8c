"""test_audit_silent: `dnsdeps audit` over domains of which half have one nameserver that
never answers (bench/live_world.py's half-silent kind), in a world of its own: the
module-scoped world of test_audit_live.py uses the same addresses."""

import json
import os
import sys

from helpers import REPO

sys.path.insert(0, os.path.join(REPO, "bench"))
from live_world import LiveWorld, portfolio  # noqa: E402


def jsonl(text):
    return [json.loads(line) for line in text.splitlines()]


def codes(doc):
    return {f["code"] for f in doc["findings"]}


def test_a_silent_server_is_held_not_waited_for(tmp_path):
    """Half the domains have one NS on a server that never answers. After two
    exchanges to it time out, src/net holds it as silent: later questions to it
    end at once as timeouts that say "not asked", so the run does not wait out
    every domain's timeouts in line behind the per-server limit, and every such
    domain still gets the same verdict (its server does not answer)."""
    data, domains, kinds = portfolio(40, n_ops=4, silent=0.5, seed=11)
    half = [d for d in domains if kinds[d] == "half-silent"]
    assert len(half) == 20
    lst = tmp_path / "domains.txt"
    lst.write_text("\n".join(domains) + "\n", encoding="utf-8")
    summary = tmp_path / "summary.json"
    with LiveWorld.from_dict(data, source="test_audit_live_silent") as w:
        r = w.run_dnsdeps("audit", "--timeout", "1000", "--retries", "0", "--qps", "0",
                          "--per-server", "2", "--concurrency", "40", "--no-progress",
                          "--no-registration", "--summary-json", str(summary), str(lst),
                          timeout=120)
    assert r.returncode == 1, r.stderr
    lines = {d["domain"]: d for d in jsonl(r.stdout)}
    for d in half:
        v = lines[d]["verdict"]
        assert (v["status"], v["layer"]) == ("warning", "nameservers"), (d, v)
        assert "SERVER_TIMEOUT" in codes(lines[d]), (d, codes(lines[d]))
    for d in set(domains) - set(half):
        assert lines[d]["verdict"]["status"] == "ok", lines[d]["verdict"]
    perf = json.loads(summary.read_text())["performance"]
    # 20 domains ask the silent server several questions each; only a handful go out.
    assert perf["timeouts"] < len(half), perf
