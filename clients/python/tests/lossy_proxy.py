"""An HTTP proxy on loopback that forwards every request to the exporter but hangs up without answering the
first one: the exporter has counted that beat, the client sees a dropped connection and retries."""

from __future__ import annotations

import http.client
import json
import socket
import threading
from typing import Any, Dict, List


class LossyProxy:
    """Forwards requests to ``target_port``; the reply to the first request is lost on the way back."""

    def __init__(self, target_port: int) -> None:
        self._target_port = target_port
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        # Protects forwarded, the JSON bodies of the requests passed on, in order.
        self._lock = threading.Lock()
        self.forwarded: List[Dict[str, Any]] = []
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def bodies(self) -> List[Dict[str, Any]]:
        """The request bodies forwarded so far."""
        with self._lock:
            return list(self.forwarded)

    def close(self) -> None:
        """Stops accepting connections."""
        self._listener.close()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self._listener.accept()
            except OSError:
                return
            with connection:
                self._handle(connection)

    def _handle(self, connection: socket.socket) -> None:
        method, path, body = _read_request(connection)
        upstream = http.client.HTTPConnection("127.0.0.1", self._target_port, timeout=10)
        upstream.request(method, path, body=body, headers={"Content-Type": "application/json"})
        reply = upstream.getresponse()
        payload = reply.read()
        upstream.close()
        with self._lock:
            self.forwarded.append(json.loads(body) if body else {})
            first = len(self.forwarded) == 1
        if first:
            return  # hang up: the reply is lost
        head = f"HTTP/1.1 {reply.status} {reply.reason}\r\nContent-Type: application/json\r\n" \
               f"Content-Length: {len(payload)}\r\nConnection: close\r\n\r\n"
        connection.sendall(head.encode() + payload)


def _read_request(connection: socket.socket) -> "tuple[str, str, bytes]":
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = connection.recv(65536)
        if not chunk:
            break
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    method, path, _ = lines[0].split(" ", 2)
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = connection.recv(65536)
        if not chunk:
            break
        body += chunk
    return method, path, body
