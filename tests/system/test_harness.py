"""test_harness: the mini-internet itself: namespace, bring-up time, teardown, scenario checks."""

import os
import stat
import subprocess

import pytest

from helpers import scenario
from minternet import MinternetError, ScenarioError, World, netns
from minternet import client
from minternet import dnswire as w
from minternet.world import group_members


def test_runs_in_a_private_network_namespace():
    assert netns.inside()
    links = subprocess.run(["ip", "-o", "link"], capture_output=True, text=True, check=True).stdout
    assert [line.split(":")[1].strip() for line in links.splitlines()] == ["lo"]
    for family in ("-4", "-6"):
        routes = subprocess.run(["ip", family, "route", "show", "default"], capture_output=True,
                                text=True, check=True).stdout
        assert routes.strip() == "", f"a default route exists: {routes}"


def thirty_servers():
    """A root, a TLD and 28 domains, each on its own NSD."""
    servers = [{"name": "a.root.test.", "address": "127.0.0.2"},
               {"name": "ns1.nic.test.", "address": "127.0.1.1"}]
    tld = ["@ NS ns1.nic", "ns1.nic A 127.0.1.1", "a.root A 127.0.0.2"]
    zones = [{"origin": ".", "servers": ["a.root.test."],
              "records": ". NS a.root.test.\ntest. NS ns1.nic.test.\nns1.nic.test. A 127.0.1.1\n"}]
    for i in range(1, 29):
        name = f"ns.d{i}.test."
        servers.append({"name": name, "address": f"127.0.30.{i}"})
        tld += [f"d{i} NS ns.d{i}", f"ns.d{i} A 127.0.30.{i}"]
        zones.append({"origin": f"d{i}.test.", "servers": [name],
                      "records": f"@ NS ns\nns A 127.0.30.{i}\nwww A 127.0.0.{i}\n"})
    zones.append({"origin": "test.", "servers": ["ns1.nic.test."], "records": "\n".join(tld)})
    return {"description": "thirty servers", "server": servers, "zone": zones}


def test_thirty_server_world_comes_up_in_a_few_seconds(capsys):
    world = World.from_dict(thirty_servers(), source="thirty")
    with world:
        assert len(world.servers) == 30
        for i in (1, 14, 28):
            r = client.drill(f"127.0.30.{i}", f"www.d{i}.test.")
            assert "aa" in r.flags and r.rdata("ANSWER", "A") == [f"127.0.0.{i}"], r
    with capsys.disabled():
        print(f"\n[bring-up] 30 NSD servers answered after {world.bringup_seconds:.3f} s")
    assert world.bringup_seconds < 5


def test_teardown_leaves_nothing_behind():
    world = World.from_file(scenario("purism"))
    with world:
        groups = world.process_groups()
        members = group_members(groups)
        workdir = world.dir
        assert len(groups) == len([s for s in world.servers if s.behaviour == "nsd"])
        assert len(members) > len(groups), "NSD forks helpers; they must be found too"
        v6 = subprocess.run(["ip", "-6", "addr", "show", "dev", "lo"], capture_output=True,
                            text=True).stdout
        assert "fd00::2/128" in v6
    assert group_members(groups) == []
    for pid in members:
        assert not os.path.exists(f"/proc/{pid}") or _zombie(pid), f"pid {pid} survived"
    assert not os.path.exists(workdir)
    v6 = subprocess.run(["ip", "-6", "addr", "show", "dev", "lo"], capture_output=True,
                        text=True).stdout
    assert "fd00::2/128" not in v6
    with pytest.raises(ConnectionRefusedError):
        client.udp_exchange("127.0.0.2", w.build_query(".", "SOA"), timeout=1)


def _zombie(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def test_teardown_runs_when_the_test_fails():
    world = World.from_file(scenario("failures"))
    with pytest.raises(ZeroDivisionError):
        with world:
            groups = world.process_groups()
            assert group_members(groups)
            1 / 0
    assert group_members(groups) == []


def test_a_zone_that_does_not_load_is_a_hard_failure():
    data = {"server": [{"name": "a.root.test.", "address": "127.0.0.2"}],
            "zone": [{"origin": ".", "servers": ["a.root.test."],
                      "records": ". NS a.root.test.\nbroken. NS\n"}]}
    world = World.from_dict(data)
    with pytest.raises(MinternetError, match="did not load"):
        with world:
            pass
    assert group_members(world.process_groups()) == []


@pytest.mark.parametrize("mutate, message", [
    (lambda d: d["server"][0].update(address="10.0.0.1"), "outside 127.0.0.0/8"),
    (lambda d: d["server"][0].update(ipv6=["2001:db8::1"]), "outside fd00::/8"),
    (lambda d: d["server"][0].update(behaviour="flaky"), "behaviour must be"),
    (lambda d: d["server"][0].update(behaviour="crafted", fault="nonsense"), "unknown fault"),
    (lambda d: d["server"][0].update(behaviour="crafted", reply="{id} zz"), "bad reply"),
    (lambda d: d["zone"][0].update(records=". NS a.root.test.\nx. A 192.0.2.1\n"), "outside"),
    (lambda d: d["zone"][0].update(servers=["nobody."]), "no server nobody."),
    (lambda d: d["server"].append({"name": "b.", "address": "127.0.0.2"}), "used by"),
    (lambda d: d.update(variant={"v": {"edit": [{"zone": ".", "remove": ["x. NS y."]}]}}),
     "no record"),
])
def test_scenario_mistakes_are_rejected(mutate, message):
    data = {"server": [{"name": "a.root.test.", "address": "127.0.0.2"}],
            "zone": [{"origin": ".", "servers": ["a.root.test."], "records": ". NS a.root.test.\n"}]}
    mutate(data)
    with pytest.raises(ScenarioError, match=message):
        World.from_dict(data, variant="v" if "variant" in data else None)


def test_variant_edits_and_server_overrides():
    path = scenario("purism")
    base = World.from_file(path).scenario
    out = World.from_file(path, variant="outage").scenario
    assert any(r.owner == "puri.sm." for r in base.zone("sm.").records)
    assert not any(r.owner and r.owner.endswith("puri.sm.") for r in out.zone("sm.").records)
    assert "2018021402" in out.zone("sm.").text() and "2018021401" not in out.zone("sm.").text()
    assert out.zone("puri.sm.").text() == base.zone("puri.sm.").text()
    data = {"server": [{"name": "a.root.test.", "address": "127.0.0.2"}],
            "zone": [{"origin": ".", "servers": ["a.root.test."], "records": ". NS a.root.test.\n"}],
            "variant": {"down": {"server": {"a.root.test.": {"behaviour": "silent"}}}}}
    assert World.from_dict(data, variant="down").server("a.root.test.").behaviour == "silent"
    with pytest.raises(ScenarioError, match="no variant"):
        World.from_dict(data, variant="up")


def test_root_hints_name_the_root_servers():
    with World.from_file(scenario("healthy")) as world:
        with open(world.root_hints) as f:
            rows = [line.split() for line in f if line.strip() and not line.startswith(";")]
    assert sorted(r[3] for r in rows if r[2] == "NS" and r[0] == ".") == \
        ["a.root.test.", "b.root.test."]
    assert sorted((r[0], r[3]) for r in rows if r[2] in ("A", "AAAA")) == [
        ("a.root.test.", "127.0.0.2"), ("a.root.test.", "fd00::2"),
        ("b.root.test.", "127.0.0.3"), ("b.root.test.", "fd00::3")]


def test_run_dnsdeps_puts_root_hints_after_the_subcommand(tmp_path):
    fake = tmp_path / "dnsdeps"
    fake.write_text('#!/bin/sh\nfor a in "$@"; do echo "$a"; done\nexit 7\n')
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    data = {"server": [{"name": "a.root.test.", "address": "127.0.0.2"}],
            "zone": [{"origin": ".", "servers": ["a.root.test."], "records": ". NS a.root.test.\n"}]}
    with World.from_dict(data, dnsdeps=str(fake)) as world:
        r = world.run_dnsdeps("trace", "--json", "x.test.", "A")
        assert r.returncode == 7
        assert r.stdout.split("\n")[:-1] == ["trace", "--root-hints", world.root_hints,
                                             "--json", "x.test.", "A"]
        r = world.run_dnsdeps("trace", "x.test.", hints=False)
        assert r.stdout.split("\n")[:-1] == ["trace", "x.test."]
