"""A stand-in for the GitHub REST API's issue-comment routes, on 127.0.0.1, for tests.

The routes, as GitHub has them:

    GET   /repos/{owner}/{repo}/issues/{number}/comments?per_page=&page=   200, Link: rel="next"/"last"
    POST  /repos/{owner}/{repo}/issues/{number}/comments   {"body": ...}   201
    PATCH /repos/{owner}/{repo}/issues/comments/{id}       {"body": ...}   200

Every request must carry `Authorization: Bearer <token>` (401 "Bad credentials" otherwise);
a body over 65,536 characters gets GitHub's 422. Faults are queued with `fail(...)`: the next
requests answer a status (403 or 429 with `Retry-After` or an exhausted rate limit, 500...).
`read_only = True` answers writes as GitHub answers a pull request from a fork:
403 "Resource not accessible by integration".

Hostile servers, for the bounds of time and memory: `answer(...)` queues raw answers (any
bytes, a generator of chunks for a huge body, trickled a byte at a time, an endless header),
and `endless_pages = True` links every page of comments to a next one.

    with FakeGitHub(token="t") as api:
        api.add_comment(7, "hello")
        ...  # point GITHUB_API_URL at api.url
        assert api.comments[7][0]["body"] == "hello"
"""

from __future__ import annotations

import itertools
import json
import re
import threading
import time
from collections.abc import Callable, Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, urlsplit

COMMENT_LIMIT = 65536

_LIST = re.compile(r"/repos/([^/]+/[^/]+)/issues/(\d+)/comments")
_ONE = re.compile(r"/repos/([^/]+/[^/]+)/issues/comments/(\d+)")


class FakeGitHub:
    """The server and its state; `requests` records (method, path, query) of every request."""

    def __init__(self, token: str = "test-token", repository: str = "acme/models"):
        self.token = token
        self.repository = repository
        self.comments: dict[int, list[dict]] = {}
        self.requests: list[tuple[str, str, dict]] = []
        self.read_only = False
        self.endless_pages = False
        self._stopping = threading.Event()
        self._faults: list[dict] = []
        self._next_id = 1000
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stopping.set()  # ends the trickles
        self._server.shutdown()
        self._server.server_close()

    def add_comment(self, number: int, body: str, login: str = "someone", kind: str = "User") -> dict:
        with self._lock:
            self._next_id += 1
            comment = {
                "id": self._next_id,
                "url": f"{self.url}/repos/{self.repository}/issues/comments/{self._next_id}",
                "html_url": f"https://github.com/{self.repository}/pull/{number}#issuecomment-{self._next_id}",
                "body": body,
                "user": {"login": login, "type": kind},
                "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            }
            self.comments.setdefault(number, []).append(comment)
            return comment

    def fail(self, status: int, times: int = 1, method: str | None = None, retry_after: str | None = None,
             ratelimit_reset: int | None = None, message: str | None = None) -> None:
        """Answer the next `times` requests (of `method`, if given) with `status`.

        `ratelimit_reset` sends `X-RateLimit-Remaining: 0` and that reset time; `message` may
        hold "{authorization}", replaced by the request's Authorization header, as a careless
        server might echo it ("{authorization_quoted}": URL-encoded).
        """
        with self._lock:
            self._faults.append({"status": status, "times": times, "method": method, "retry_after": retry_after,
                                 "reset": ratelimit_reset, "message": message})

    def answer(self, status: int = 200, body: bytes | Callable[[], Iterable[bytes]] = b"", *,
               method: str | None = None, times: int | None = 1, headers: dict | None = None,
               length: int | None = None, trickle: float = 0.0, trickle_head: float = 0.0) -> None:
        """Answer the next `times` requests (of `method`; `times=None`: all from now on) with raw bytes.

        `body` is bytes or a function giving the chunks of a body too big to hold (then `length`
        is its Content-Length). `trickle` sends the body a byte at a time, `trickle_head` the
        status line and an endless run of headers, with that many seconds between bytes, as a
        slow server keeps each read under the client's socket timeout.
        """
        with self._lock:
            self._faults.append({"status": status, "times": times, "method": method, "body": body,
                                 "headers": headers or {}, "length": length, "trickle": trickle,
                                 "trickle_head": trickle_head})

    def count(self, method: str) -> int:
        return sum(1 for request in self.requests if request[0] == method)

    def _fault(self, method: str) -> dict | None:
        with self._lock:
            for fault in self._faults:
                if fault["method"] in (None, method):
                    if fault["times"] is None:
                        return fault
                    fault["times"] -= 1
                    if fault["times"] == 0:
                        self._faults.remove(fault)
                    return fault
        return None


def _handler(api: FakeGitHub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:  # quiet test output
            pass

        def do_GET(self) -> None:
            self._serve("GET")

        def do_POST(self) -> None:
            self._serve("POST")

        def do_PATCH(self) -> None:
            self._serve("PATCH")

        def _serve(self, method: str) -> None:
            split = urlsplit(self.path)
            query = {key: values[-1] for key, values in parse_qs(split.query).items()}
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            api.requests.append((method, split.path, query))
            authorization = self.headers.get("Authorization", "")
            fault = api._fault(method)
            if fault is not None and "body" in fault:
                return self._raw(fault)
            if fault is not None:
                return self._fault_response(fault, authorization)
            if authorization not in (f"Bearer {api.token}", f"token {api.token}"):
                return self._send(401, {"message": "Bad credentials"})
            many, one = _LIST.fullmatch(split.path), _ONE.fullmatch(split.path)
            if method == "GET" and many:
                return self._list(int(many.group(2)), query)
            if method in ("POST", "PATCH") and (many or one):
                if api.read_only:
                    return self._send(403, {"message": "Resource not accessible by integration",
                                            "documentation_url": "https://docs.github.com/rest"})
                try:
                    body = json.loads(raw)["body"]
                except (ValueError, KeyError, TypeError):
                    return self._send(400, {"message": "Problems parsing JSON"})
                if len(body) > COMMENT_LIMIT:
                    return self._send(422, {"message": "Validation Failed", "errors": [
                        {"resource": "IssueComment", "code": "custom", "field": "body",
                         "message": f"body is too long (maximum is {COMMENT_LIMIT} characters)"}]})
                if method == "POST" and many:
                    return self._send(201, api.add_comment(int(many.group(2)), body, "github-actions[bot]", "Bot"))
                if method == "PATCH" and one:
                    for comments in api.comments.values():
                        for comment in comments:
                            if comment["id"] == int(one.group(2)):
                                comment["body"] = body
                                return self._send(200, comment)
            return self._send(404, {"message": "Not Found"})

        def _list(self, number: int, query: dict) -> None:
            per_page = min(int(query.get("per_page", 30)), 100)
            page = int(query.get("page", 1))
            comments = api.comments.get(number, [])
            last = max(1, -(-len(comments) // per_page))
            links = []
            base = f"http://{self.headers['Host']}{urlsplit(self.path).path}?per_page={per_page}"
            if page < last or api.endless_pages:
                links.append(f'<{base}&page={page + 1}>; rel="next"')
                links.append(f'<{base}&page={max(last, page + 1)}>; rel="last"')
            headers = {"Link": ", ".join(links)} if links else {}
            self._send(200, comments[(page - 1) * per_page: page * per_page], headers)

        def _fault_response(self, fault: dict, authorization: str) -> None:
            headers = {}
            if fault["retry_after"] is not None:
                headers["Retry-After"] = fault["retry_after"]
            if fault["reset"] is not None:
                headers.update({"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(fault["reset"])})
            message = (fault["message"] or {403: "Forbidden", 429: "Too Many Requests"}.get(fault["status"], "Error"))
            self._send(fault["status"], {"message": _echo(message, authorization)}, headers)

        def _raw(self, answer: dict) -> None:
            if answer["trickle_head"]:  # a status line, then headers without end
                head = itertools.chain([b"HTTP/1.1 200 OK\r\n"], itertools.repeat(b"X-Slow: 1\r\n"))
                return self._write(head, answer["trickle_head"])
            body = answer["body"]
            self.send_response(answer["status"])
            self.send_header("Connection", "close")  # the client may stop reading half-way
            self.send_header("Content-Length", str(len(body) if answer["length"] is None else answer["length"]))
            for key, value in answer["headers"].items():
                self.send_header(key, value)
            self.end_headers()
            self._write(body() if callable(body) else [body], answer["trickle"])

        def _write(self, chunks: Iterable[bytes], trickle: float) -> None:
            """The chunks, or a byte at a time `trickle` seconds apart, until the client or the server stops."""
            self.close_connection = True
            try:
                for chunk in chunks:
                    for piece in (chunk[i:i + 1] for i in range(len(chunk))) if trickle else [chunk]:
                        if api._stopping.wait(trickle) if trickle else api._stopping.is_set():
                            return
                        self.wfile.write(piece)
            except OSError:  # the client gave up
                pass

        def _send(self, status: int, payload, headers: dict | None = None) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)

    return Handler


def _echo(message: str, authorization: str) -> str:
    return (message.replace("{authorization_quoted}", quote(authorization, safe=""))
            .replace("{authorization}", authorization))
