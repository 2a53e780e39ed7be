"""Starts the real heartbeat-exporter binary for the client tests: 127.0.0.1, a free port, a temporary storage
directory, stopped by PID at the end of each test."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence

import pytest

REPO_ROOT = Path(__file__).resolve().parents[3]
BINARY = Path(os.environ.get("HEARTBEAT_EXPORTER_BINARY", REPO_ROOT / ".build" / "debug" / "heartbeat-exporter"))
LISTENING = re.compile(r"msg=listening .*port=(\d+)")


class Exporter:
    """One running exporter process and plain HTTP helpers to look at it."""

    def __init__(self, directory: Path, config: Optional[str], rules: Optional[str], port: int,
                 arguments: Sequence[str] = (), scheme: str = "http") -> None:
        self.directory = directory
        self.log_path = directory / "exporter.log"
        extra = arguments
        arguments = [str(BINARY), "serve", "--web.listen-address", f"127.0.0.1:{port}",
                     "--storage.path", str(directory / "data")]
        if rules is not None:
            (directory / "rules").mkdir()
            (directory / "rules" / "test.yml").write_text(rules)
        if config is not None:
            (directory / "heartbeat-exporter.yml").write_text(config)
            arguments += ["--config.file", str(directory / "heartbeat-exporter.yml")]
        arguments += list(extra)
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(arguments, cwd=directory, stdout=subprocess.DEVNULL, stderr=log)
        self.port = self._wait_for_port()
        self.url = f"{scheme}://127.0.0.1:{self.port}"

    def _wait_for_port(self) -> int:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            match = LISTENING.search(self.log_path.read_text(errors="replace"))
            if match:
                return int(match.group(1))
            if self.process.poll() is not None:
                raise RuntimeError(f"exporter exited early:\n{self.log_path.read_text(errors='replace')}")
            time.sleep(0.02)
        raise RuntimeError("exporter did not start listening within 30 s")

    def stop(self) -> None:
        """SIGTERM to the exporter's PID, then SIGKILL if it does not exit within 10 s."""
        if self.process.poll() is not None:
            return
        os.kill(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def request(self, method: str, path: str, body: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        """The JSON reply's envelope, also for 4xx replies."""
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url + path, data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=10) as reply:
                return json.loads(reply.read())
        except urllib.error.HTTPError as error:
            return json.loads(error.read())

    def agent(self, name: str) -> Dict[str, Any]:
        """GET /api/v1/agents/{name}'s data (empty when unknown)."""
        return self.request("GET", f"/api/v1/agents/{name}").get("data") or {}

    def alerts(self) -> List[Dict[str, Any]]:
        """GET /api/v1/alerts: pending and firing alerts."""
        return self.request("GET", "/api/v1/alerts")["data"]["alerts"]

    def sample(self, series: str) -> Optional[float]:
        """The value of one series on /metrics, matching the series text exactly (labels in exposition order)."""
        with urllib.request.urlopen(self.url + "/metrics", timeout=10) as reply:
            for line in reply.read().decode().splitlines():
                if line.startswith(series + " "):
                    return float(line[len(series) + 1:])
        return None


def free_port() -> int:
    """A loopback port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(condition: Callable[[], Any], timeout: float = 10, message: str = "condition") -> Any:
    """Polls ``condition`` until it returns something truthy; fails the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    pytest.fail(f"{message} not met within {timeout} s")


@pytest.fixture
def start_exporter(tmp_path: Path) -> Iterator[Callable[..., Exporter]]:
    """Starts exporters on demand (``start_exporter(config=..., rules=..., port=...)``); all stop at teardown."""
    if not BINARY.is_file():
        pytest.fail(f"{BINARY} is missing: run `swift build --product heartbeat-exporter` first")
    started: List[Exporter] = []

    def start(config: Optional[str] = None, rules: Optional[str] = None, port: int = 0,
              arguments: Sequence[str] = (), scheme: str = "http") -> Exporter:
        directory = tmp_path / f"exporter-{len(started)}"
        directory.mkdir()
        exporter = Exporter(directory, config, rules, port, arguments, scheme)
        started.append(exporter)
        return exporter

    yield start
    for exporter in started:
        exporter.stop()


@pytest.fixture
def exporter(start_exporter: Callable[..., Exporter]) -> Exporter:
    """An exporter with the built-in defaults."""
    return start_exporter()
