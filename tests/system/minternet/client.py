"""client: one-shot DNS exchanges and drill, for the harness's self-tests.

Raw exchanges return the reply's bytes exactly as received (None on timeout)
so tests can check crafted packets byte by byte. drill() runs ldns's drill in
the current (private) namespace and parses its text output.
"""

import re
import select
import socket
import struct
import subprocess
import time

from .common import find_tool


def _family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def udp_exchange(addr, payload, timeout=1.0, port=53):
    """Send one datagram; the first reply's bytes, or None after timeout.

    A refusal (ICMP port unreachable) raises ConnectionRefusedError."""
    with socket.socket(_family(addr), socket.SOCK_DGRAM) as s:
        s.connect((addr, port))
        s.send(payload)
        r, _, _ = select.select([s], [], [], timeout)
        if not r:
            return None
        return s.recv(65535)


def _recv_exact(s, n, deadline):
    buf = b""
    while len(buf) < n:
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        s.settimeout(left)
        try:
            chunk = s.recv(n - len(buf))
        except socket.timeout:
            return None
        if not chunk:
            return buf
        buf += chunk
    return buf


def tcp_exchange(addr, payload, timeout=1.0, port=53):
    """One length-prefixed exchange over TCP.

    Returns the reply's bytes, None on timeout, or b"" if the server closed the
    connection without a (complete) reply."""
    deadline = time.monotonic() + timeout
    with socket.create_connection((addr, port), timeout=timeout) as s:
        s.sendall(struct.pack("!H", len(payload)) + payload)
        head = _recv_exact(s, 2, deadline)
        if head is None or len(head) < 2:
            return head if head is None else b""
        n = struct.unpack("!H", head)[0]
        body = _recv_exact(s, n, deadline)
        if body is None:
            return None
        return body if len(body) == n else b""


class DrillResult:
    def __init__(self, proc):
        self.proc = proc
        self.returncode = proc.returncode
        self.text = proc.stdout
        self.rcode = None
        self.flags = set()
        self.sections = {"QUESTION": [], "ANSWER": [], "AUTHORITY": [], "ADDITIONAL": []}
        section = None
        for line in proc.stdout.splitlines():
            m = re.match(r";; ->>HEADER<<- opcode: \w+, rcode: (\w+), id: \d+", line)
            if m:
                self.rcode = m.group(1)
                continue
            m = re.match(r";; flags: ([a-z ]*);", line)
            if m:
                self.flags = set(m.group(1).split())
                continue
            m = re.match(r";; (QUESTION|ANSWER|AUTHORITY|ADDITIONAL) SECTION:", line)
            if m:
                section = m.group(1)
                continue
            if not line.strip():
                section = None
                continue
            if section:
                fields = line.lstrip(";").split(None, 4 if section != "QUESTION" else 2)
                self.sections[section].append(fields)

    def records(self, section, rtype=None):
        """[owner, ttl, class, type, rdata] lists, optionally of one type."""
        recs = self.sections[section]
        return [r for r in recs if rtype is None or (len(r) > 3 and r[3] == rtype)]

    def rdata(self, section, rtype):
        return sorted(r[4] for r in self.records(section, rtype))

    def __repr__(self):
        return f"<drill rc={self.returncode}\n{self.text}\n{self.proc.stderr}>"


def drill(server, name, rtype="A", tcp=False, bufsize=None, timeout=10):
    """Run drill @server; see DrillResult."""
    argv = [find_tool("drill", "ldnsutils"), "-p", "53"]
    if tcp:
        argv.append("-t")
    if bufsize:
        argv += ["-b", str(bufsize)]
    argv += [f"@{server}", name, rtype]
    return DrillResult(subprocess.run(argv, capture_output=True, text=True, timeout=timeout))
