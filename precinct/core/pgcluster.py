"""Throwaway PostgreSQL clusters for tests and benchmarks: a primary and its streaming replica (ADR 0031).

`StreamingPair.start()` runs `initdb` for a primary in a temporary directory on a free port (wal_level=replica,
a replication line in pg_hba.conf, trust on 127.0.0.1 only, no fsync: it lives for one test run), creates the
database `precinct`, takes `pg_basebackup -R` of it into a second directory (standby.signal + primary_conninfo)
and starts that as a hot standby on another free port. `stop()` stops both and removes both directories.
Run as root (containers, CI), the servers run as the `postgres` user, as PostgreSQL requires.
"""

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

CANDIDATE_BINS = ("/usr/lib/postgresql/17/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/15/bin")
DATABASE = "precinct"


def find_bin() -> Path | None:
    """The directory holding initdb, pg_ctl and pg_basebackup (PG_BIN, Debian's layout, or PATH)."""
    for candidate in (os.environ.get("PG_BIN", ""), *CANDIDATE_BINS):
        if candidate and all((Path(candidate) / tool).exists() for tool in ("initdb", "pg_ctl", "pg_basebackup")):
            return Path(candidate)
    found = shutil.which("pg_ctl")
    if found and shutil.which("initdb") and shutil.which("pg_basebackup"):
        return Path(found).resolve().parent
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Cluster:
    bin: Path
    data: Path
    port: int
    log: Path = field(init=False)

    def __post_init__(self) -> None:
        self.log = self.data.parent / f"{self.data.name}.log"

    def url(self, database: str = DATABASE) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        _run(self.bin / "pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "start")

    def stop(self, mode: str = "fast") -> None:
        if (self.data / "postmaster.pid").exists():
            _run(self.bin / "pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop", check=False)

    def pin(self, cpus: set[int]) -> None:
        """Run this server on these CPUs only: the postmaster and every process it has started; the backends it
        starts later inherit the postmaster's affinity. On one machine this stands in for a host of its own
        (bench/replica_bench.py --pin); memory, disk and the page cache stay shared."""
        for pid in self.pids():
            os.sched_setaffinity(pid, cpus)

    def pids(self) -> list[int]:
        """The postmaster's and its children's process ids."""
        postmaster = int((self.data / "postmaster.pid").read_text().split()[0])
        return [postmaster, *_children(postmaster)]


@dataclass
class StreamingPair:
    bin: Path
    root: Path
    primary: Cluster
    replica: Cluster

    @classmethod
    def start(cls, bin_dir: Path | None = None) -> "StreamingPair":
        bin_dir = bin_dir or find_bin()
        if bin_dir is None:
            raise FileNotFoundError("initdb, pg_ctl and pg_basebackup not found (set PG_BIN)")
        root = Path(tempfile.mkdtemp(prefix="wt_replica_"))
        _give_to_postgres(root)
        pair = cls(
            bin_dir, root, Cluster(bin_dir, root / "primary", free_port()), Cluster(bin_dir, root / "replica", 0)
        )
        try:
            pair._start()
        except BaseException:
            pair.stop()
            raise
        return pair

    def _start(self) -> None:
        primary = self.primary
        _run(self.bin / "initdb", "-D", str(primary.data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
             "--locale=C.UTF-8", "--no-sync")  # fmt: skip
        with (primary.data / "postgresql.conf").open("a") as conf:
            conf.write(
                f"port = {primary.port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{self.root}'\n"
                "wal_level = replica\nmax_wal_senders = 4\nfsync = off\nfull_page_writes = off\n"
                "shared_buffers = 32MB\nmax_connections = 60\nhot_standby = on\nlog_min_messages = warning\n"
            )
        with (primary.data / "pg_hba.conf").open("a") as hba:
            hba.write("host replication postgres 127.0.0.1/32 trust\n")
        primary.start()
        _run(self.bin / "createdb", "-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres", DATABASE)
        self.replica.port = free_port()
        _run(self.bin / "pg_basebackup", "-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres",
             "-D", str(self.replica.data), "-R", "-X", "stream", "-c", "fast", "--no-sync")  # fmt: skip
        with (self.replica.data / "postgresql.auto.conf").open("a") as conf:
            conf.write(f"port = {self.replica.port}\n")
        self.replica.start()

    def wait_replayed(self, timeout: float = 30.0) -> None:
        """Until the replica has replayed everything the primary had written when this was called."""
        import psycopg

        with psycopg.connect(self.primary.url(), autocommit=True) as conn:
            target = conn.execute("SELECT pg_current_wal_lsn()").fetchone()[0]  # type: ignore[index]
        deadline = time.monotonic() + timeout
        with psycopg.connect(self.replica.url(), autocommit=True) as conn:
            while True:
                done = conn.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target]).fetchone()[0]  # type: ignore[index]
                if done:
                    return
                if time.monotonic() > deadline:
                    raise TimeoutError(f"the replica did not replay up to {target} in {timeout} s")
                time.sleep(0.05)

    def stop(self) -> None:
        self.replica.stop("immediate")
        self.primary.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)


def _children(parent: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue  # the process ended while we looked
        if int(fields[1]) == parent:
            found.append(int(stat.parent.name))
    return found


def _as_postgres() -> list[str]:
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


def _give_to_postgres(path: Path) -> None:
    if os.geteuid() == 0:
        entry = pwd.getpwnam("postgres")
        os.chown(path, entry.pw_uid, entry.pw_gid)


def _run(*command: object, check: bool = True) -> None:
    done = subprocess.run(  # noqa: S603
        [*_as_postgres(), *map(str, command)], capture_output=True, text=True, check=False, cwd="/"
    )
    if check and done.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, command))} failed ({done.returncode}): {done.stderr[-2000:]}")
