"""regservers: registration servers for the test bed, on loopback.

RdapServer is a real HTTPS server (http.server + ssl) whose certificate is
issued by a throw-away CA made with `openssl` when the server starts; pass
`ca_file` to dnsdeps with --ca-file. WhoisServer is a real TCP WHOIS server
(RFC 3912: one query line, the answer, close). Both serve per-path /
per-query behaviours, including misbehaviour: a 10 MB body, a body trickled
byte by byte, a redirect to http, HTTP 429, an answer that never ends,
binary garbage. They run in threads of the calling process; use them inside
the private network namespace (minternet.netns) and always through `with`.
"""

import os
import socket
import ssl
import subprocess
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .common import MinternetError, find_tool

BIG = 10 * 1024 * 1024


def make_ca(directory, ip):
    """A CA and a server certificate for `ip` (subjectAltName IP). Returns
    (ca.pem, server.pem, server.key) paths."""
    openssl = find_tool("openssl", "openssl")
    ca_key, ca_pem = os.path.join(directory, "ca.key"), os.path.join(directory, "ca.pem")
    key, csr, pem = (os.path.join(directory, n) for n in ("srv.key", "srv.csr", "srv.pem"))
    ext = os.path.join(directory, "ext.cnf")
    with open(ext, "w") as f:
        f.write(f"subjectAltName=IP:{ip}\nbasicConstraints=CA:FALSE\n"
                "extendedKeyUsage=serverAuth\n")
    steps = [
        [openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-keyout", ca_key, "-out", ca_pem, "-days", "2",
         "-subj", "/CN=dnsdeps test CA", "-addext", "basicConstraints=critical,CA:TRUE",
         "-addext", "keyUsage=critical,keyCertSign,cRLSign"],
        [openssl, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", key, "-out", csr, "-subj", f"/CN={ip}"],
        [openssl, "x509", "-req", "-in", csr, "-CA", ca_pem, "-CAkey", ca_key,
         "-CAcreateserial", "-out", pem, "-days", "2", "-extfile", ext],
    ]
    for cmd in steps:
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            raise MinternetError(f"openssl failed: {' '.join(cmd[:3])}: {r.stderr.strip()}")
    return ca_pem, pem, key


class Reply:
    """What the RDAP server does for one path."""

    def __init__(self, status=200, body=b"", headers=None, kind="plain", then=None):
        self.status, self.body, self.headers, self.kind = status, body, headers or {}, kind
        self.then = then  # a Reply served to the requests after the first


def json_reply(doc_bytes, status=200):
    return Reply(status, doc_bytes, {"Content-Type": "application/rdap+json"})


def huge_reply():
    return Reply(kind="huge")


def trickle_reply():
    return Reply(kind="trickle")


def redirect_reply(location):
    return Reply(302, b"", {"Location": location})


def rate_limited_reply(retry_after, then=None):
    """HTTP 429 with Retry-After; `then` (a Reply) served to the next request."""
    r = Reply(429, b"slow down\n", {"Retry-After": str(retry_after)}, kind="429")
    r.then = then
    return r


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        self.server.owner.log.append(self.path)

    def do_GET(self):
        owner = self.server.owner
        r = owner.routes.get(self.path)
        if r is None:
            r = Reply(404, b'{"errorCode": 404, "title": "Not Found"}',
                      {"Content-Type": "application/rdap+json"})
        if r.then is not None:
            if owner.hits.get(self.path, 0) >= 1:
                r = r.then
        owner.hits[self.path] = owner.hits.get(self.path, 0) + 1
        owner.arrivals.append((time.monotonic(), self.path))
        try:
            if r.kind == "huge":
                self.send_response(200)
                self.send_header("Content-Type", "application/rdap+json")
                self.send_header("Content-Length", str(BIG))
                self.end_headers()
                chunk = b" " * 65536
                for _ in range(BIG // len(chunk)):
                    self.wfile.write(chunk)
                return
            if r.kind == "trickle":
                self.send_response(200)
                self.send_header("Content-Type", "application/rdap+json")
                self.end_headers()
                for _ in range(600):
                    if owner.stopping.is_set():
                        return
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    time.sleep(0.1)
                return
            self.send_response(r.status)
            for k, v in r.headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(r.body)))
            self.end_headers()
            self.wfile.write(r.body)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError, OSError):
            pass


class _Server(ThreadingHTTPServer):
    request_queue_size = 1024  # listen backlog: a burst of connections is not refused


class RdapServer:
    """HTTPS on ip:port. routes: {path: Reply}. After `with`, ca_file is the
    CA to trust and url(path) the address of a path."""

    def __init__(self, ip="127.77.0.1", port=443, routes=None):
        self.ip, self.port = ip, port
        self.routes = dict(routes or {})
        self.hits, self.log = {}, []
        self.arrivals = []  # (monotonic time, path) of every request, as it came
        self.stopping = threading.Event()
        self._tmp = None
        self._httpd = None
        self._thread = None
        self.ca_file = None

    def url(self, path):
        return f"https://{self.ip}:{self.port}{path}"

    def __enter__(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="regservers-")
        self.ca_file, pem, key = make_ca(self._tmp.name, self.ip)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(pem, key)
        self._httpd = _Server((self.ip, self.port), _Handler)
        self._httpd.daemon_threads = True
        self._httpd.owner = self
        # The handshake is done in the request's thread (on its first read),
        # not by the one thread that accepts: a few hundred a second.
        self._httpd.socket = ctx.wrap_socket(self._httpd.socket, server_side=True,
                                             do_handshake_on_connect=False)
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        self._wait_ready()
        return self

    def _wait_ready(self):
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                with socket.create_connection((self.ip, self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.05)
        raise MinternetError(f"RDAP server on {self.ip}:{self.port} did not come up")

    def __exit__(self, *exc):
        self.stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)
        self._tmp.cleanup()


class Listener:
    """A TCP port that only counts the connections made to it (then closes
    them): where nothing may be sent, the count must stay 0."""

    def __init__(self, ip, port):
        self.ip, self.port = ip, port
        self.accepted = 0
        self.accept_times = []  # monotonic time of every connection, in order
        self.stopping = threading.Event()
        self._sock = None
        self._thread = None

    def __enter__(self):
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind((self.ip, self.port))
        self._sock.listen(1024)
        self._sock.settimeout(0.2)
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()
        return self

    def _serve(self):
        while not self.stopping.is_set():
            try:
                conn, _ = self._sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            self.accepted += 1
            self.accept_times.append(time.monotonic())
            self._accepted(conn)

    def _accepted(self, conn):
        conn.close()

    def __exit__(self, *exc):
        self.stopping.set()
        self._sock.close()
        self._thread.join(timeout=5)


class WhoisServer(Listener):
    """WHOIS on ip:port. answers: {query: bytes | "never-close" | "huge" |
    "garbage" | [one of those per query, the last one repeated]}; unknown
    queries get "No match"."""

    def __init__(self, ip="127.77.0.2", port=43, answers=None):
        super().__init__(ip, port)
        self.answers = dict(answers or {})
        self.queries = []

    def _accepted(self, conn):
        threading.Thread(target=self._one, args=(conn,), daemon=True).start()

    def _one(self, conn):
        try:
            conn.settimeout(5)
            data = b""
            while b"\n" not in data and len(data) < 1024:
                chunk = conn.recv(1024)
                if not chunk:
                    break
                data += chunk
            query = data.decode("ascii", "replace").strip()
            self.queries.append(query)
            a = self.answers.get(query, f'No match for "{query}".\r\n'.encode())
            if isinstance(a, list):
                a = a.pop(0) if len(a) > 1 else a[0]
            if a == "never-close":
                conn.sendall(b"Domain Name: " + query.encode() + b"\r\n")
                while not self.stopping.wait(0.2):
                    pass
            elif a == "huge":
                chunk = b"Remark: " + b"x" * 1000 + b"\r\n"
                for _ in range(BIG // len(chunk)):
                    conn.sendall(chunk)
            elif a == "garbage":
                conn.sendall(bytes((i * 131 + 7) % 256 for i in range(8192)))
            else:
                conn.sendall(a)
        except OSError:
            pass
        finally:
            conn.close()
