"""A throwaway PostgreSQL cluster for tests: initdb as the `postgres` user, loopback, free port."""

from __future__ import annotations

import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg2

from crm_core.migrate import upgrade
from tests.support.ports import free_port

PG_BIN_CANDIDATES = ["/usr/lib/postgresql/17/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/15/bin"]


def postgres_bin() -> Path | None:
    for candidate in PG_BIN_CANDIDATES:
        if Path(candidate, "initdb").exists():
            return Path(candidate)
    return None


# What a test could change in a database's schema (relations, functions, triggers) and the migration it is at:
# a database handed back changed this way is dropped, not emptied for the next test.
SCHEMA_FINGERPRINT = """
SELECT md5(coalesce(string_agg(x, ',' ORDER BY x), '')) || coalesce((SELECT string_agg(version_num, ',')
                                                                     FROM alembic_version), '')
FROM (SELECT c.relname || ':' || c.relkind::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public'
      UNION ALL SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'
      UNION ALL SELECT t.tgname FROM pg_trigger t WHERE NOT t.tgisinternal) AS objects(x)"""


class ThrowawayPostgres:
    """Start with `start()`, get databases with `create_database(name)` (empty) or `migrated_database(name)` (the
    newest schema), stop with `stop()`.

    For one test at a time, `empty_database()` and `give_back(url)`: copying the template writes ~16 MB and took
    0.1-0.4 s a test here, and a run's hundreds of copies left gigabytes that the cluster's removal spent 82 s
    on in CI. A database given back is emptied for the next test instead (every row deleted, every sequence
    restarted: ~5 ms), unless its schema changed."""

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
        self._names = itertools.count()
        self._given_back: list[str] = []
        self._emptying: tuple[str, str] | None = None  # (the template's schema fingerprint, the SQL that empties)

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

    def empty_database(self) -> str:
        """The URL of a database with the newest schema and no rows: one given back, emptied, or a new copy."""
        while self._given_back:
            name = self._given_back.pop()
            if self._emptied(name):
                return self.url(name)
            self._admin(f'DROP DATABASE "{name}" WITH (FORCE)')
        return self.migrated_database(f"test_{next(self._names)}")

    def give_back(self, url: str) -> None:
        """A database from `empty_database` that its test is done with."""
        self._given_back.append(url.rsplit("/", 1)[1])

    def _emptied(self, name: str) -> bool:
        """Empty a given-back database in place; False if its schema is no longer the template's. Whoever is still
        connected (a service a test killed) is disconnected first."""
        fingerprint, empty = self._template_emptying()
        self._admin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    f" WHERE datname = '{name}' AND pid <> pg_backend_pid()")
        with self._connect(name) as connection, connection.cursor() as cursor:
            cursor.execute(SCHEMA_FINGERPRINT)
            same = cursor.fetchone()[0] == fingerprint
            if same:
                cursor.execute(empty)
        connection.close()  # `with` on a psycopg2 connection ends its transaction, not the connection
        return same

    def _template_emptying(self) -> tuple[str, str]:
        """The template's schema fingerprint and the SQL that empties a copy of it: read once."""
        if self._emptying is None:
            with self._connect(self.TEMPLATE) as connection, connection.cursor() as cursor:
                cursor.execute(SCHEMA_FINGERPRINT)
                fingerprint = cursor.fetchone()[0]
                cursor.execute("SELECT format('%I', tablename) FROM pg_tables WHERE schemaname = 'public'"
                               " AND tablename <> 'alembic_version'")
                tables = [row[0] for row in cursor.fetchall()]
                cursor.execute("SELECT format('%I', sequencename) FROM pg_sequences WHERE schemaname = 'public'")
                sequences = [row[0] for row in cursor.fetchall()]
            connection.close()
            # replica role: no foreign-key triggers, so the order of the deletes does not matter; setval, unlike
            # ALTER SEQUENCE RESTART, writes no new file
            self._emptying = (fingerprint, "SET LOCAL session_replication_role = replica; " +
                              "".join(f"DELETE FROM {table}; " for table in tables) +
                              "SELECT " + ", ".join(f"setval('{sequence}', 1, false)" for sequence in sequences))
        return self._emptying

    def _connect(self, database: str) -> psycopg2.extensions.connection:
        return psycopg2.connect(host="127.0.0.1", port=self.port, user="postgres", dbname=database)

    def _admin(self, statement: str) -> None:
        connection = self._connect("postgres")
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute(statement)
        finally:
            connection.close()

    def stop(self) -> None:
        try:
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.base, ignore_errors=True)
