"""A throwaway PostgreSQL cluster for tests: initdb as the `postgres` user, loopback, free port."""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from crm_core.migrate import upgrade
from tests.support.ports import free_port

PG_BIN_CANDIDATES = ["/usr/lib/postgresql/17/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/15/bin"]


def postgres_bin() -> Path | None:
    for candidate in PG_BIN_CANDIDATES:
        if Path(candidate, "initdb").exists():
            return Path(candidate)
    return None


class ThrowawayPostgres:
    """Start with `start()`, get databases with `create_database(name)` (empty) or `migrated_database(name)` (the
    newest schema), stop with `stop()`."""

    TEMPLATE = "hotline_migrated"

    def __init__(self, *, durable: bool = False) -> None:
        """durable: the server's own fsync and synchronous commit (a production server's); by default off, for
        speed: a throwaway cluster need not survive a crash."""
        self.durable = durable
        bin_dir = postgres_bin()
        if bin_dir is None:
            raise RuntimeError("PostgreSQL server binaries not found (apt-get install postgresql)")
        self.bin = bin_dir
        self.port = free_port()
        self.base = Path(tempfile.mkdtemp(prefix="hotline-pg-"))
        self.data = self.base / "data"
        self.socket_dir = self.base / "run"
        self._as_postgres = os.geteuid() == 0
        self._template_ready = False

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        command = list(args)
        if self._as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, check=True, capture_output=True, text=True)

    def start(self) -> None:
        self.socket_dir.mkdir(parents=True)
        if self._as_postgres:
            user = pwd.getpwnam("postgres")
            for path in (self.base, self.socket_dir):
                os.chown(path, user.pw_uid, user.pw_gid)
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust",
                  "-E", "UTF8", "--locale=C.UTF-8")
        fast = "" if self.durable else "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-w", "-l", str(self.base / "log"),
                  "-o", f"-p {self.port} -k {self.socket_dir} -c listen_addresses=127.0.0.1 "
                  f"{fast}-c max_connections=200", "start")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self._ready():
                return
            time.sleep(0.2)
        raise RuntimeError("throwaway PostgreSQL did not become ready")

    def _ready(self) -> bool:
        result = subprocess.run([str(self.bin / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port)],
                                capture_output=True)
        return result.returncode == 0

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg2://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str, template: str = "template1") -> str:
        self._run(str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                  "-T", template, name)
        return self.url(name)

    def migrated_database(self, name: str) -> str:
        """A new database with the newest schema and no rows: a copy of one template database that the
        migrations ran on once (their engine is disposed, so nobody is connected to it while it is copied)."""
        if not self._template_ready:
            upgrade(self.create_database(self.TEMPLATE))
            self._template_ready = True
        return self.create_database(name, template=self.TEMPLATE)

    def stop(self) -> None:
        try:
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.base, ignore_errors=True)
