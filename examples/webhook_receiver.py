#!/usr/bin/env python3
"""Prints the Alertmanager webhook payloads it receives (standard library only), for the demo:
    python3 examples/webhook_receiver.py [PORT]     (default 5001, on 127.0.0.1)
"""

import json
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 (the name http.server calls)
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        try:
            message = json.loads(body)
            for alert in message.get("alerts", []):
                labels = alert.get("labels", {})
                print(f"{self.path} {message.get('receiver')}: {alert.get('status'):8} {labels.get('alertname')} "
                      f"agent={labels.get('agent', '-')}  {alert.get('annotations', {}).get('summary', '')}",
                      flush=True)
        except (ValueError, AttributeError):
            print(f"{self.path}: not an Alertmanager payload: {body[:200]!r}", flush=True)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


if __name__ == "__main__":
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 5001
    print(f"listening on 127.0.0.1:{port}", flush=True)
    HTTPServer(("127.0.0.1", port), Receiver).serve_forever()
