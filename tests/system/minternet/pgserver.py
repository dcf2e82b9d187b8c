"""pgserver: a real PostgreSQL 15 server for the tests, started in a temporary
directory inside the test namespace (initdb + pg_ctl from /usr/lib/postgresql/15/bin,
Debian's postgresql-15), listening on 127.0.0.1 and on a unix socket in that
directory. PostgreSQL refuses to run as root, so the server runs as `nobody`
(runuser); the directory is created in /tmp, which nobody can reach. Nothing is
kept: stop() removes the directory."""

import os
import pwd
import shutil
import signal
import subprocess
import tempfile

from .common import MinternetError

BIN = "/usr/lib/postgresql/15/bin"
USER = "nobody"


class Postgres:
    def __init__(self, port=55432, options=""):
        self.port = port
        self.options = options  # more server settings: "-c name=value ..."
        self.dir = None

    @property
    def uri(self):
        return f"postgresql:///postgres?host={self.dir}&port={self.port}&user=dnsdeps"

    def _as_user(self, *argv, timeout=60):
        # From "/": the caller's directory (a CI checkout in a mktemp -d, mode 700)
        # may be closed to nobody, and pg_ctl cannot start the server from there.
        r = subprocess.run(["runuser", "-u", USER, "--", *argv], capture_output=True, text=True,
                           timeout=timeout, cwd="/")
        if r.returncode != 0:
            raise MinternetError(f"{argv[0]}: {r.stdout}{r.stderr}")
        return r

    def pg_ctl(self, action, timeout=60, *more):
        opts = (f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.dir}"
                f" -c fsync=off -c max_connections=50 {self.options}")
        try:
            self._as_user(f"{BIN}/pg_ctl", "-D", f"{self.dir}/data", "-l", f"{self.dir}/log",
                          "-o", opts, "-w", "-t", "30", *more, action, timeout=timeout)
        except MinternetError as e:
            raise MinternetError(f"{e}\nthe server's log ends:\n{self.log_tail()}") from None

    def log_tail(self, lines=20):
        try:
            with open(f"{self.dir}/log", encoding="utf-8", errors="replace") as f:
                return "".join(f.readlines()[-lines:])
        except OSError as e:
            return f"(no log: {e})"

    def __enter__(self):
        if not os.path.exists(f"{BIN}/initdb"):
            raise MinternetError("PostgreSQL 15 is missing (apt-get install postgresql-15)")
        self.dir = tempfile.mkdtemp(prefix="dnsdeps-pg-")
        pw = pwd.getpwnam(USER)
        os.chown(self.dir, pw.pw_uid, pw.pw_gid)
        self._as_user(f"{BIN}/initdb", "-D", f"{self.dir}/data", "-A", "trust", "-U", "dnsdeps",
                      "--no-sync", "-E", "UTF8")
        self.pg_ctl("start")
        return self

    def __exit__(self, *exc):
        try:
            self.pg_ctl("stop")
        except MinternetError:
            self._kill()
        shutil.rmtree(self.dir, ignore_errors=True)

    def _kill(self):
        """A server that did not stop in time must not outlive its directory: it
        keeps a shared memory segment keyed by the data directory's inode, and the
        next test's directory, given the same inode number, is then refused ("pre-
        existing shared memory block is still in use")."""
        try:
            self.pg_ctl("stop", 60, "-m", "immediate")
            return
        except MinternetError:
            pass
        try:
            os.kill(self.postmaster_pid(), signal.SIGKILL)
        except (OSError, ValueError):
            pass

    def postmaster_pid(self):
        with open(f"{self.dir}/data/postmaster.pid") as f:
            return int(f.readline())

    def query(self, sql):
        """Rows of a query, each a tuple of strings (psql's unaligned output)."""
        r = subprocess.run(["psql", "-X", "-At", "-F", "\t", "-v", "ON_ERROR_STOP=1",
                            self.uri, "-c", sql], capture_output=True, text=True, timeout=30)
        if r.returncode != 0:
            raise MinternetError(f"psql: {r.stderr}")
        return [tuple(line.split("\t")) for line in r.stdout.splitlines() if line]
