"""Shared fixtures: a real replica server in a subprocess on a free port, and helpers."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def free_port() -> int:
    """A TCP port nothing listens on now (for a server a test starts)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Replica:
    url: str
    port: int
    articles: int
    day: int
    access_log: Path
    proc: subprocess.Popen
    cms: str = "default"

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    def get(self, path: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
        req = urllib.request.Request(self.url.rstrip("/") + path, headers=headers or {})
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                return resp.status, {k.lower(): v for k, v in resp.headers.items()}, resp.read()
        except urllib.error.HTTPError as err:
            return err.code, {k.lower(): v for k, v in err.headers.items()}, err.read()

    def post(self, path: str, form: dict[str, str]) -> tuple[int, dict, bytes]:
        """POST ``form`` urlencoded, as a browser's XMLHttpRequest to a data proxy sends it."""
        req = urllib.request.Request(self.url.rstrip("/") + path, data=urllib.parse.urlencode(form).encode(),
                                     headers={"Content-Type": "application/x-www-form-urlencoded"})
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                return resp.status, {k.lower(): v for k, v in resp.headers.items()}, resp.read()
        except urllib.error.HTTPError as err:
            return err.code, {k.lower(): v for k, v in err.headers.items()}, err.read()

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)
        self.proc.stdout.close()
        self.proc.stderr.close()


def start_replica(tmp: Path, articles: int = 60, day: int = 1, port: int = 0, cms: str = "default",
                  faults: bool = False) -> Replica:
    """The replica (``cms``: default, trs or hanweb) in a subprocess; its access log in ``tmp``."""
    log = tmp / (f"access-{day}-{port}.log" if cms == "default" else f"access-{cms}-{day}-{port}.log")
    proc = subprocess.Popen(
        [sys.executable, "-m", "newsarchive.cli", "replica", "--port", str(port), "--articles", str(articles),
         "--day", str(day), "--access-log", str(log), "--cms", cms] + (["--faults"] if faults else []),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    url = proc.stdout.readline().strip()
    if not url.startswith("http://"):
        proc.kill()
        raise RuntimeError("replica did not start: " + proc.stderr.read())
    return Replica(url, int(url.rsplit(":", 1)[1].strip("/")), articles, day, log, proc, cms)


def replica_for_module(tmp_path_factory, name: str, **kwargs):
    """Body of a module-scoped replica fixture: ``yield from replica_for_module(tmp_path_factory, "x")``."""
    server = start_replica(tmp_path_factory.mktemp(name), **kwargs)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def replica(tmp_path_factory):
    server = start_replica(tmp_path_factory.mktemp("replica"))
    yield server
    server.stop()


@pytest.fixture
def replica_factory(tmp_path):
    started = []

    def make(**kwargs) -> Replica:
        server = start_replica(tmp_path, **kwargs)
        started.append(server)
        return server

    yield make
    for server in started:
        server.stop()


def wait_until_serving(url: str, proc: subprocess.Popen, seconds: float = 40) -> None:
    """Poll ``url`` until the server started as ``proc`` answers (any HTTP status will do)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            if proc.poll() is not None:
                raise AssertionError(f"{' '.join(map(str, proc.args[2:4]))} exited with {proc.returncode}")
            time.sleep(0.2)
    proc.kill()
    raise AssertionError(f"nothing answered at {url}")


def count_captures(data: Path) -> int:
    """Capture rows in DATA/archive.db so far (0 while it does not exist yet or is locked)."""
    import sqlite3

    try:
        with sqlite3.connect(f"file:{data / 'archive.db'}?mode=ro", uri=True, timeout=1) as conn:
            return conn.execute("SELECT count(*) FROM captures").fetchone()[0]
    except sqlite3.Error:
        return 0


def run_cli(*args: str, cwd: Path = ROOT, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "newsarchive.cli", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=timeout)


@dataclass
class HostileServer:
    url: str
    log: Path
    proc: subprocess.Popen

    @property
    def requests(self) -> list[str]:
        """'METHOD TARGET' of every request served so far."""
        return self.log.read_text("utf-8").splitlines() if self.log.exists() else []

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)
        self.proc.stdout.close()
        self.proc.stderr.close()


def start_hostile(tmp: Path, scenario: str = "plain") -> HostileServer:
    """``tests/hostile_server.py`` in a subprocess on a free loopback port."""
    log = tmp / f"hostile-{scenario}.log"
    proc = subprocess.Popen([sys.executable, "-m", "tests.hostile_server", "--scenario", scenario, "--log", str(log)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    url = proc.stdout.readline().strip()
    if not url.startswith("http://"):
        proc.kill()
        raise RuntimeError("hostile server did not start: " + proc.stderr.read())
    return HostileServer(url, log, proc)


@pytest.fixture
def hostile_factory(tmp_path):
    started = []

    def make(scenario: str = "plain") -> HostileServer:
        server = start_hostile(tmp_path, scenario)
        started.append(server)
        return server

    yield make
    for server in started:
        server.stop()
