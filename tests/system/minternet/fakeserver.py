"""fakeserver: one process serving a world's `silent`, `refused` and `crafted` servers.

Run by the World as `python3 fakeserver.py SPEC.json`. SPEC is a list of
{"name", "addresses", "behaviour", "port", plus "fault"/"reply"/... for crafted}.
It binds UDP and TCP on every address, prints "ready" on stdout and then serves
until SIGTERM. silent: reads and never answers (TCP connections stay open).
refused: REFUSED with the query's ID and question. crafted: see faults.py.
Queries that do not parse are dropped.
"""

import json
import os
import selectors
import signal
import socket
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from minternet import dnswire as w  # noqa: E402
from minternet import faults  # noqa: E402

MAX_TCP_CONNS = 256
MAX_TCP_BUF = 70000


def refused_reply(q):
    return w.header(q.id, w.FLAG_QR | (q.flags & w.FLAG_RD) | 5, 1) + q.question


def reply(spec, data, transport):
    """Bytes to send back (None: nothing) for a datagram or TCP message."""
    if spec["behaviour"] == "silent":
        return None
    try:
        q = w.parse_query(data)
    except w.WireError:
        return None
    if spec["behaviour"] == "refused":
        return refused_reply(q)
    return faults.reply_for(q, spec, transport)


class Server:
    def __init__(self, specs):
        self.sel = selectors.DefaultSelector()
        self.conns = {}  # socket -> (spec, bytearray)
        self.running = True
        for spec in specs:
            for addr in spec["addresses"]:
                self._bind(spec, addr, int(spec.get("port", 53)))

    def _bind(self, spec, addr, port):
        fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
        u = socket.socket(fam, socket.SOCK_DGRAM)
        u.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        u.bind((addr, port))
        u.setblocking(False)
        self.sel.register(u, selectors.EVENT_READ, ("udp", spec))
        t = socket.socket(fam, socket.SOCK_STREAM)
        t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        t.bind((addr, port))
        t.listen(64)
        t.setblocking(False)
        self.sel.register(t, selectors.EVENT_READ, ("listen", spec))

    def _udp(self, sock, spec):
        for _ in range(64):
            try:
                data, peer = sock.recvfrom(65535)
            except BlockingIOError:
                return
            out = reply(spec, data, "udp")
            if out is not None:
                try:
                    sock.sendto(out, peer)
                except OSError:
                    pass

    def _accept(self, sock, spec):
        try:
            conn, _ = sock.accept()
        except BlockingIOError:
            return
        if len(self.conns) >= MAX_TCP_CONNS:
            conn.close()
            return
        conn.setblocking(False)
        self.conns[conn] = (spec, bytearray())
        self.sel.register(conn, selectors.EVENT_READ, ("tcp", spec))

    def _close(self, conn):
        self.sel.unregister(conn)
        del self.conns[conn]
        conn.close()

    def _tcp(self, conn, spec):
        try:
            data = conn.recv(65535)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:
            self._close(conn)
            return
        buf = self.conns[conn][1]
        buf += data
        if spec["behaviour"] == "silent":
            del buf[:]
            return
        if len(buf) > MAX_TCP_BUF:
            self._close(conn)
            return
        while len(buf) >= 2:
            n = struct.unpack("!H", buf[:2])[0]
            if len(buf) < 2 + n:
                return
            msg = bytes(buf[2:2 + n])
            del buf[:2 + n]
            out = reply(spec, msg, "tcp")
            if out is None:
                self._close(conn)
                return
            try:
                conn.setblocking(True)
                conn.settimeout(1.0)
                conn.sendall(struct.pack("!H", len(out)) + out)
                conn.setblocking(False)
            except OSError:
                self._close(conn)
                return

    def serve(self):
        while self.running:
            for key, _ in self.sel.select(timeout=0.5):
                kind, spec = key.data
                if kind == "udp":
                    self._udp(key.fileobj, spec)
                elif kind == "listen":
                    self._accept(key.fileobj, spec)
                elif key.fileobj in self.conns:
                    self._tcp(key.fileobj, spec)


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        specs = json.load(f)
    server = Server(specs)

    def stop(signum, frame):
        server.running = False

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print("ready", flush=True)
    server.serve()


if __name__ == "__main__":
    main()
