"""The explorer's HTTP server, on the standard library: the page at ``/?token=...`` and two JSON
endpoints, ``/api/explain`` and ``/api/check``. Only 127.0.0.1 is served; a request without
the run's token is refused, a body over the cap is refused unread, and bad input is answered
with HTTP 400 and the parser's one line.
"""

from __future__ import annotations

import hmac
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from chainrule.cli.server.worker import Timeout
from chainrule.explanation.page.build import page

MAX_BODY = 16 * 1024
HOST = "127.0.0.1"
ROUTES = {"/api/explain": "explain", "/api/check": "check"}
STATUS = {"ok": 200, "bad": 400, "failed": 500}
# The page is inline script and styles and talks only to this server; it is never framed.
HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'unsafe-inline'; "
    "style-src 'unsafe-inline'; connect-src 'self'; img-src data:; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",  # the token is in the page's address
    "Cache-Control": "no-store",
}


class ExplorerServer(ThreadingHTTPServer):
    """Serves the explorer on 127.0.0.1:``port`` (0: a free port) for holders of ``token``."""

    daemon_threads = True

    def __init__(self, port, token, worker, live):
        super().__init__((HOST, port), ExplorerHandler)
        self.token = token
        self.worker = worker
        self.page = page(None, live=live).encode("utf-8")
        self.stopping = False  # set on Ctrl-C: requests cut short then are no one's error

    @property
    def port(self):
        return self.server_address[1]

    def handle_error(self, request, client_address):
        """One line on stderr, not the standard library's traceback: a browser that drops its
        connection, or a request that Ctrl-C cuts short, is no error of the explorer's;
        anything else is named in one line."""
        error = sys.exc_info()[1]
        if self.stopping or isinstance(error, (ConnectionError, TimeoutError)):
            return  # a request cut short by the stop, or by the browser
        print(f"chainrule explore: a request failed: {type(error).__name__}: {error}",
              file=sys.stderr, flush=True)

    def url(self):
        return f"http://{HOST}:{self.port}/?token={self.token}"


class ExplorerHandler(BaseHTTPRequestHandler):
    server_version = "chainrule-explore"

    def do_GET(self):
        url = urlsplit(self.path)
        if url.path != "/":
            return self.reply_json(404, {"error": f"no page at {url.path}; the explorer is at /"})
        if not self.allowed(parse_qs(url.query).get("token", [""])[0]):
            return self.refuse()
        self.reply(200, self.server.page, "text/html; charset=utf-8")

    def do_POST(self):
        kind = ROUTES.get(urlsplit(self.path).path)
        if kind is None:
            return self.reply_json(404, {"error": "no such endpoint"})
        if not self.allowed(self.headers.get("X-Chainrule-Token", "")):
            return self.refuse()
        fields = self.read_fields()
        if fields is None:
            return
        try:
            status, value = self.server.worker.answer(kind, fields)
        except Timeout as error:
            return self.reply_json(503, {"error": str(error)})
        self.reply_json(STATUS[status], value if status == "ok" else {"error": value})

    def read_fields(self):
        """The request's JSON object, or None once a one-line refusal has been sent."""
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            self.reply_json(411, {"error": "the request has no Content-Length"})
            return None
        if not 0 <= length <= MAX_BODY:
            self.close_connection = True  # the body is left unread
            self.reply_json(413, {"error": f"the request is larger than {MAX_BODY} bytes"})
            return None
        try:
            fields = json.loads(self.rfile.read(length).decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            fields = None
        if not isinstance(fields, dict):
            self.reply_json(400, {"error": "the request is not a JSON object"})
            return None
        return fields

    def allowed(self, token):
        # The Host check keeps a page on another site from reaching this server through a
        # name that resolves to 127.0.0.1 (DNS rebinding); the token keeps out everyone else.
        host = self.headers.get("Host", "")
        local = host in (f"{HOST}:{self.server.port}", f"localhost:{self.server.port}")
        return local and hmac.compare_digest(token.encode(), self.server.token.encode())

    def refuse(self):
        self.reply_json(403, {"error": "this needs the token that chainrule explore printed"})

    def reply_json(self, status, value):
        body = json.dumps(value, ensure_ascii=False, allow_nan=False).encode("utf-8")
        self.reply(status, body, "application/json; charset=utf-8")

    def reply(self, status, body, content_type):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in HEADERS.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        pass  # a teaching tool's terminal stays quiet; errors reach the page


__all__ = ["ExplorerServer", "ExplorerHandler", "MAX_BODY", "HOST"]
