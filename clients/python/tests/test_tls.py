"""The client against the real binary serving https with basic auth (--web.config.file), with certificates made by
openssl for the test."""

from __future__ import annotations

import base64
import json
import shutil
import ssl
import subprocess
import urllib.error
import urllib.request
from pathlib import Path
from typing import Callable

import pytest

from conftest import BINARY, Exporter
from heartbeat_client import HeartbeatClient

PASSWORD = "correct horse battery staple"


def make_certificates(directory: Path) -> None:
    """A CA and a server certificate for 127.0.0.1 signed by it."""
    def openssl(*arguments: str) -> None:
        subprocess.run(["openssl", *arguments], cwd=directory, check=True, capture_output=True)

    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=test CA",
            "-keyout", "ca.key", "-out", "ca.crt")
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout", "server.key",
            "-out", "server.csr")
    (directory / "server.ext").write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
            "-days", "2", "-extfile", "server.ext", "-out", "server.crt")


@pytest.fixture
def tls_exporter(tmp_path: Path, start_exporter: Callable[..., Exporter]) -> Exporter:
    if shutil.which("openssl") is None:
        pytest.fail("openssl is not installed (scripts/install-deps --tests installs it)")
    make_certificates(tmp_path)
    hashed = subprocess.run([str(BINARY), "web", "hash-password"], input=PASSWORD + "\n", capture_output=True,
                            text=True, check=True).stdout.strip()
    (tmp_path / "web.yml").write_text(
        "tls_server_config:\n"
        f"  cert_file: {tmp_path / 'server.crt'}\n"
        f"  key_file: {tmp_path / 'server.key'}\n"
        f"basic_auth_users:\n  agents: '{hashed}'\n")
    exporter = start_exporter(arguments=["--web.config.file", str(tmp_path / "web.yml")], scheme="https")
    exporter.ca_file = str(tmp_path / "ca.crt")  # type: ignore[attr-defined]
    return exporter


def get_agent(exporter: Exporter, name: str, password: str = PASSWORD) -> int:
    request = urllib.request.Request(f"{exporter.url}/api/v1/agents/{name}")
    credentials = base64.b64encode(f"agents:{password}".encode()).decode()
    request.add_header("Authorization", f"Basic {credentials}")
    context = ssl.create_default_context(cafile=exporter.ca_file)  # type: ignore[attr-defined]
    try:
        with urllib.request.urlopen(request, timeout=10, context=context) as reply:
            json.loads(reply.read())
            return reply.status
    except urllib.error.HTTPError as error:
        return error.code


def test_a_client_beats_over_https_with_basic_auth(tls_exporter: Exporter) -> None:
    client = HeartbeatClient(tls_exporter.url, "tls-agent", basic_auth=("agents", PASSWORD),
                             tls_ca_file=tls_exporter.ca_file)  # type: ignore[attr-defined]
    reply = client.beat()
    assert reply is not None and reply.state == "healthy"
    assert get_agent(tls_exporter, "tls-agent") == 200
    assert client.stats.failures == 0


def test_a_wrong_password_is_refused_and_not_retried(tls_exporter: Exporter) -> None:
    client = HeartbeatClient(tls_exporter.url, "intruder", basic_auth=("agents", "wrong"),
                             tls_ca_file=tls_exporter.ca_file)  # type: ignore[attr-defined]
    assert client.beat() is None
    assert client.stats.dropped == 1 and client.stats.last_error == "HTTP 401"
    assert get_agent(tls_exporter, "intruder", password="wrong") == 401
    assert get_agent(tls_exporter, "intruder") == 404


def test_a_client_without_the_ca_does_not_trust_the_server(tls_exporter: Exporter) -> None:
    client = HeartbeatClient(tls_exporter.url, "untrusting", basic_auth=("agents", PASSWORD))
    assert client.beat() is None
    assert get_agent(tls_exporter, "untrusting") == 404


def test_a_token_read_from_a_file_beats_beside_basic_auth(tmp_path: Path, tls_exporter: Exporter,
                                                         start_exporter: Callable[..., Exporter]) -> None:
    (tmp_path / "ingest.token").write_text("s3cret-ingest\n")
    guarded = start_exporter(arguments=["--web.config.file", str(tmp_path / "web.yml"),
                                        "--web.ingest-token-file", str(tmp_path / "ingest.token")], scheme="https")
    client = HeartbeatClient(guarded.url, "token-agent", basic_auth=("agents", PASSWORD),
                             tls_ca_file=tls_exporter.ca_file,  # type: ignore[attr-defined]
                             token=(tmp_path / "ingest.token").read_text())
    reply = client.beat()
    assert reply is not None and reply.state == "healthy"
    guarded.ca_file = tls_exporter.ca_file  # type: ignore[attr-defined]
    assert get_agent(guarded, "token-agent") == 200
