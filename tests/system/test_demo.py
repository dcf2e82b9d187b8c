"""test_demo: the demo driver runs both worlds, also from an installed layout outside the repo."""

import os
import re
import shutil
import subprocess
import sys

import pytest

from helpers import DEMO_WORLDS, HERE, REPO
from minternet import default_dnsdeps

DEMO = os.path.join(HERE, "minternet", "demo.py")


def run(argv, **kw):
    return subprocess.run(argv, capture_output=True, text=True, timeout=300,
                          stdin=subprocess.DEVNULL, **kw)


def check_output(r, dnsdeps):
    assert r.returncode == 0, f"exit {r.returncode}\n{r.stdout}\n{r.stderr}"
    out = r.stdout
    one, two = out.index("=== World 1: before the outage"), out.index("=== World 2: the sm registry")
    assert one < two < out.index("=== Summary")
    check = run([dnsdeps, "check", "--help"]).returncode == 0
    for domain in ("puri.sm.", "example.sm."):
        cmd = f"$ dnsdeps check {domain}" if check else f"$ dnsdeps trace {domain} SOA"
        assert out.count(cmd) == 2, f"{cmd!r} not run in both worlds:\n{out}"
    assert out.count("puri.sm.") >= 4
    # The story the demo tells: puri.sm. is fine, then the registry suspends it
    # while its servers still answer; its healthy neighbour stays ok throughout.
    summary = out[out.index("=== Summary"):]
    assert re.search(r"puri\.sm\.\s+0 ok\s+2 critical", summary), summary
    assert re.search(r"example\.sm\.\s+0 ok\s+0 ok", summary), summary
    outage = out[two:out.index("=== Summary")]
    assert "puri.sm.  CRITICAL  (layer: registration)" in outage, outage
    assert "while your nameservers still answer" in outage and "suspended" in outage, outage
    # The demo's root is private (no anchor of its own): the DNSSEC section says its
    # zones are not validated, not that the chain is broken next to OK verdicts.
    assert "bogus: the chain is broken above" not in out, out
    # The sm servers answered the DS question with NXDOMAIN: an answer, not silence.
    assert "no parent server answered the DS query" not in outage, outage
    assert "say the domain does not exist (NXDOMAIN)" in outage, outage
    assert "not validated: private root" in out, out
    # nic.sm serves sm. itself: the registry's own infrastructure is inherent, not a
    # hijack risk the owner of puri.sm could act on.
    assert "DEPS_NS_DOMAIN_NO_TRANSFER_LOCK" not in out and "nic.sm has no transfer" not in out, out


def test_demo_runs_from_the_source_tree():
    dnsdeps = default_dnsdeps()
    r = run([sys.executable, DEMO, "--dnsdeps", dnsdeps, "--worlds", DEMO_WORLDS])
    check_output(r, dnsdeps)


@pytest.fixture
def installed(tmp_path):
    """$datadir/dnsdeps as meson installs it: minternet/ and demo/ side by side."""
    root = tmp_path / "share" / "dnsdeps"
    shutil.copytree(os.path.join(HERE, "minternet"), root / "minternet",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(DEMO_WORLDS, root / "demo")
    return root


def test_demo_runs_installed_outside_the_repo(installed):
    dnsdeps = default_dnsdeps()
    r = run([sys.executable, str(installed / "minternet" / "demo.py"), "--dnsdeps", dnsdeps,
             "--worlds", str(installed / "demo")], cwd="/")
    check_output(r, dnsdeps)


@pytest.fixture
def copied(tmp_path):
    """The binary copied out of its build directory, as `meson install` or a
    package puts it: an installed program."""
    (tmp_path / "bin").mkdir()
    path = tmp_path / "bin" / "dnsdeps"
    shutil.copy2(default_dnsdeps(), path)
    return str(path)


def test_dnsdeps_demo_command(installed, copied):
    r = run([copied, "demo"], env=dict(os.environ, DNSDEPS_DATADIR=str(installed)), cwd="/")
    check_output(r, copied)


def data_line(dnsdeps, **env):
    r = run([dnsdeps, "version"], env=dict(os.environ, **env), cwd="/")
    assert r.returncode == 0, r
    assert r.stdout.startswith("dnsdeps "), r.stdout
    return r.stdout.splitlines()[1]


def test_only_the_uninstalled_binary_reads_its_source_tree(copied):
    """The build's own binary takes data files from the source tree first; a
    copy elsewhere (an installed one) never does, even where the tree still
    exists: a package must not depend on the tree it was built from."""
    env = {"DNSDEPS_DATADIR": ""}
    built = data_line(default_dnsdeps(), **env)
    assert built.startswith(f"data: {REPO} (the source tree"), built
    assert built.endswith("/share/dnsdeps (installed)"), built
    installed = data_line(copied, **env)
    assert REPO not in installed, installed
    assert installed == "data: " + built.split(", then ")[-1], installed
    assert data_line(copied, DNSDEPS_DATADIR="/x").startswith("data: /x ($DNSDEPS_DATADIR), then")


def test_demo_without_dnsdeps_fails_clearly(tmp_path):
    r = run([sys.executable, DEMO, "--dnsdeps", str(tmp_path / "nope"), "--worlds", DEMO_WORLDS])
    assert r.returncode == 1 and "not an executable program" in r.stderr, r
