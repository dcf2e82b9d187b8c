"""The command line (issue 13): one option means one thing under every command,
a usage error is one line and a hint, `help CMD` is CMD's help, durations take a
unit, and the man page built beside the binary is generated from the same tables."""

import os
import re
import subprocess

import pytest

from helpers import REPO

DNSDEPS = os.path.abspath(os.environ.get("DNSDEPS", os.path.join(REPO, "build", "dnsdeps")))
FORMATS = {"check": "text|json", "trace": "text|json", "report": "text|json",
           "reg": "text|json", "graph": "text|json|dot|svg", "audit": "text|json|csv"}


def run(*args, stdin=subprocess.DEVNULL):
    return subprocess.run([DNSDEPS, *args], capture_output=True, encoding="utf-8",
                          errors="replace", timeout=60, stdin=stdin)


def commands():
    r = run("help")
    assert r.returncode == 0
    block = r.stdout.split("commands:\n")[1].split("\n\n")[0]
    return [line.split()[0] for line in block.splitlines()]


def test_every_command_is_listed():
    assert commands() == ["check", "trace", "audit", "reg", "report", "graph", "watch", "history",
                          "status", "demo", "version"]


@pytest.mark.parametrize("cmd,what", [("check", "DOMAIN"), ("trace", "NAME"),
                                      ("report", "FILE"), ("audit", "list of domains"),
                                      ("graph", "DOMAIN"), ("reg", "DOMAIN"),
                                      ("history", "DOMAIN")])
def test_missing_argument_is_one_line_and_a_hint(cmd, what):
    r = run(cmd)
    assert r.returncode == 3 and r.stdout == ""
    lines = r.stderr.splitlines()
    assert len(lines) == 2, r.stderr
    assert lines[0].startswith(f"dnsdeps {cmd}: ") and what in lines[0], lines
    assert lines[1] == f"try 'dnsdeps help {cmd}'"


def test_check_without_a_domain_prints_exactly_this():
    r = run("check")
    assert r.stderr == "dnsdeps check: give a DOMAIN to check\ntry 'dnsdeps help check'\n"


@pytest.mark.parametrize("cmd", ["check", "trace", "audit", "reg", "report", "graph", "watch",
                                 "history", "status", "demo", "version"])
def test_help_cmd_is_the_commands_help(cmd):
    a, b = run("help", cmd), run(cmd, "--help")
    assert a.returncode == b.returncode == 0
    assert a.stdout == b.stdout and a.stdout.startswith(f"usage: dnsdeps {cmd}")
    assert "\nexit status: " in a.stdout
    # --no-color exists under every command, with one meaning
    assert "--no-color" in a.stdout
    assert run(cmd, "--no-color", "--help").returncode == 0


def test_help_of_an_unknown_command():
    r = run("help", "chek")
    assert r.returncode == 3 and len(r.stderr.splitlines()) == 2


@pytest.mark.parametrize("cmd,formats", sorted(FORMATS.items()))
def test_format_on_every_command_that_has_formats(cmd, formats):
    h = run("help", cmd).stdout
    assert f"--format {formats}" in h, h
    assert "-j, --json" in h
    assert ("--csv" in h) == ("csv" in formats)
    for f in formats.split("|"):
        assert run(cmd, "--format", f, "--help").returncode == 0
    r = run(cmd, "--format", "yaml", "x")
    assert r.returncode == 3 and f"one of {formats}" in r.stderr, r.stderr


def test_json_and_csv_aliases_conflict():
    r = run("audit", "--json", "--csv", "x")
    assert r.returncode == 3 and "exclude each other" in r.stderr
    r = run("audit", "--format", "csv", "--csv", "--help")
    assert r.returncode == 0


@pytest.mark.parametrize("cmd", ["check", "audit", "report"])
def test_judgement_options_are_shared(cmd):
    h = run("help", cmd).stdout
    for opt in ("--trust-anchor FILE", "--now TIME", "--expiry-warn DAYS", "--expiry-crit DAYS",
                "--sig-warn DAYS"):
        assert opt in h, (cmd, opt)


@pytest.mark.parametrize("cmd", ["check", "trace", "audit", "graph"])
def test_probe_options_are_shared(cmd):
    h = run("help", cmd).stdout
    for opt in ("--root-hints FILE", "--timeout DURATION", "--retries N", "--qps N",
                "--per-server N", "-4, --ipv4", "-6, --ipv6"):
        assert opt in h, (cmd, opt)


@pytest.mark.parametrize("value,why", [
    ("-5", "must be ≥ 0"),
    ("2m", "not a duration (milliseconds, or with a unit: 1500ms, 2s)"),
    ("5", "must be between 10ms and 60000ms"),
    ("61s", "must be between 10ms and 60000ms"),
])
def test_timeout_errors_say_why(value, why):
    r = run("trace", "--timeout", value, "example.")
    assert r.returncode == 3
    assert r.stderr.splitlines()[0] == f"dnsdeps trace: option --timeout '{value}': {why}"


@pytest.mark.parametrize("value", ["1500ms", "2s", "700"])
def test_timeout_takes_a_unit(value, tmp_path):
    # the hints file is missing, so the run stops after the options were accepted
    r = run("trace", "--timeout", value, "--root-hints", str(tmp_path / "none"), "example.")
    assert r.returncode == 3 and "option" not in r.stderr and "root hints" in r.stderr


def test_negative_numbers_are_not_called_not_a_number():
    r = run("audit", "--concurrency", "-3", "x")
    assert r.returncode == 3 and "must be ≥ 0" in r.stderr and "not a number" not in r.stderr


def test_man_page_is_generated_from_the_tables():
    page = os.path.join(os.path.dirname(DNSDEPS), "dnsdeps.1")
    text = open(page, encoding="utf-8").read()
    sections = re.split(r"^\.SS ", text, flags=re.M)[1:]
    by = {s.split("\n", 1)[0]: s for s in sections}
    assert list(by) == commands()
    for cmd, body in by.items():
        assert ".I Exit status:" in body, cmd
        helptext = run("help", cmd).stdout
        for opt in re.findall(r"--([a-z0-9-]+)", helptext.split("options:")[1]):
            assert "\\-\\-" + opt.replace("-", "\\-") in body, (cmd, opt)
    assert "\\-\\-trust\\-anchor" in by["audit"]
    assert "@SYNOPSIS@" not in text and "@COMMANDS@" not in text
    assert ".SH EXAMPLES" in text  # the hand-written prose is merged in
