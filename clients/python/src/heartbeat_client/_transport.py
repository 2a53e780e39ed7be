"""One JSON POST to the exporter with the standard library, and whether a failure is worth retrying."""

from __future__ import annotations

import base64
import functools
import http.client
import json
import socket
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any, Callable, Dict, Optional, Tuple


class DeliveryError(Exception):
    """A request did not get a success reply.

    ``retryable`` is True when trying again later may succeed (the exporter is down, slow, restarting or
    answered 5xx), False when the exporter refused the request itself (4xx: bad field, bad token).
    """

    def __init__(self, message: str, retryable: bool, status: Optional[int] = None) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.status = status


@dataclass(frozen=True)
class Reply:
    """A success reply: the HTTP status and the envelope's ``data``."""

    status: int
    data: Dict[str, Any]


Poster = Callable[[str, Dict[str, Any], Optional[str], float], Reply]
"""Sends a JSON body to a URL with an optional bearer token and a timeout; raises :class:`DeliveryError`."""


TOKEN_HEADER = "X-Heartbeat-Token"
"""Carries the bearer token when ``Authorization`` holds basic-auth credentials (the exporter reads both)."""


def post_json(url: str, body: Dict[str, Any], token: Optional[str], timeout: float, *,
              basic_auth: Optional[Tuple[str, str]] = None,
              context: Optional[ssl.SSLContext] = None) -> Reply:
    """POSTs ``body`` as JSON and returns the reply's ``data``; raises :class:`DeliveryError` otherwise.

    With ``basic_auth`` (user, password), ``Authorization`` carries them and the token goes in
    ``X-Heartbeat-Token``; ``context`` verifies an https server (see :func:`tls_context`).
    """
    request = urllib.request.Request(url, data=json.dumps(body).encode("utf-8"), method="POST")
    request.add_header("Content-Type", "application/json")
    if basic_auth is not None:
        user, password = basic_auth
        credentials = base64.b64encode(f"{user}:{password}".encode("utf-8")).decode("ascii")
        request.add_header("Authorization", f"Basic {credentials}")
        if token:
            request.add_header(TOKEN_HEADER, token)
    elif token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=timeout, context=context) as response:
            return Reply(response.status, _envelope_data(response.read(), response.status))
    except urllib.error.HTTPError as error:
        raise _refusal(error) from None
    except (urllib.error.URLError, http.client.HTTPException, socket.timeout, OSError) as error:
        reason = getattr(error, "reason", error)
        raise DeliveryError(f"cannot reach {url}: {reason}", retryable=True) from None


def tls_context(ca_file: Optional[str] = None, cert_file: Optional[str] = None,
                key_file: Optional[str] = None) -> ssl.SSLContext:
    """An https client context that trusts ``ca_file`` (else the system's CAs) and presents ``cert_file`` and
    ``key_file`` as a client certificate when given."""
    context = ssl.create_default_context(cafile=ca_file)
    if cert_file:
        context.load_cert_chain(cert_file, key_file)
    return context


def configured_poster(basic_auth: Optional[Tuple[str, str]] = None, tls_ca_file: Optional[str] = None,
                      tls_cert_file: Optional[str] = None, tls_key_file: Optional[str] = None) -> Poster:
    """:func:`post_json` with basic auth and an https context bound in."""
    context = None
    if tls_ca_file or tls_cert_file:
        context = tls_context(tls_ca_file, tls_cert_file, tls_key_file)
    return functools.partial(post_json, basic_auth=basic_auth, context=context)


def _refusal(error: urllib.error.HTTPError) -> DeliveryError:
    try:
        message = json.loads(error.read().decode("utf-8", "replace")).get("error", "")
    except (ValueError, AttributeError, OSError):
        message = ""
    text = f"HTTP {error.code}" + (f": {message}" if message else "")
    return DeliveryError(text, retryable=error.code >= 500, status=error.code)


def _envelope_data(raw: bytes, status: int) -> Dict[str, Any]:
    try:
        document = json.loads(raw.decode("utf-8"))
    except ValueError:
        raise DeliveryError(f"HTTP {status}: reply is not JSON", retryable=True, status=status) from None
    data = document.get("data") if isinstance(document, dict) else None
    if not isinstance(data, dict):
        raise DeliveryError(f"HTTP {status}: reply has no data object", retryable=True, status=status)
    return data
