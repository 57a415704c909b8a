#!/usr/bin/env python3
"""A chat-completions server with a fixed latency, standing in for a remote LLM judge in load runs.

  judge-server.py PORT DELAY_MS

Answers POST /v1/chat/completions by filling the request's json_schema (booleans true, numbers 4, strings "because",
enums their first value) after DELAY_MS, on a thread per request, as a hosted model answers many callers at once.
Prints the number of requests it answered on SIGTERM/SIGINT.
"""
import json
import signal
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port, delay = int(sys.argv[1]), int(sys.argv[2]) / 1000.0
answered = 0


def fill(schema):
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    kind = kind[0] if isinstance(kind, list) else kind
    return {"boolean": True, "number": 4, "integer": 4}.get(kind, "because")


class Judge(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        global answered
        request = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
        schema = request["response_format"]["json_schema"]["schema"]
        content = json.dumps({name: fill(p) for name, p in schema["properties"].items()})
        time.sleep(delay)
        body = json.dumps({"id": "chatcmpl-load", "object": "chat.completion", "model": request.get("model", "judge"),
                           "choices": [{"index": 0, "finish_reason": "stop",
                                        "message": {"role": "assistant", "content": content}}]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        answered += 1

    def log_message(self, *args):
        pass


def stop(*_):
    print(f"judge-server: answered {answered} request(s)", file=sys.stderr)
    sys.exit(0)


signal.signal(signal.SIGTERM, stop)
signal.signal(signal.SIGINT, stop)
ThreadingHTTPServer.daemon_threads = True
ThreadingHTTPServer(("127.0.0.1", port), Judge).serve_forever()
