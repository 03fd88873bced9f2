"""The Hub source: model repositories read through `huggingface_hub`, with manners.

Every request goes through `huggingface_hub` (2.x): the model listing (`/api/models` with
`expand`, paged by huggingface_hub's `paginate`: each entry carries the commit, the file list
and what the Hub knows of the model, so that a listed model costs no `model_info`),
`model_info` for a model named (its commit, file list and the same metadata), the card and the
small files carbon-card reads beside it (one GET each on huggingface_hub's HTTP session,
through `/resolve/<commit>/`, see `Hub.download`), the safetensors headers for exact parameter
counts (ranged GETs on that session, see `Hub.safetensors_header`), `get_repo_discussions`,
`create_commit` and `comment_discussion` for the pull request. A file that the file list does
not show is never asked for.

Files come from strangers, and so may the server: every body is streamed and read up to a
cap, whatever the file list or the headers say (a card up to `MAX_CARD_BYTES`, a side file up
to `MAX_SIDE_FILE`, a safetensors header up to `MAX_SAFETENSORS_HEADER`, an error's message up
to `MAX_ERROR_BODY`); reading stops there and the connection is dropped.

Manners, for runs over thousands of models:

- every request has a timeout (`Settings.timeout`): most `HfApi` calls send none, so a hook
  on huggingface_hub's HTTP client caps every request's connect, read, write and pool timeouts;
- every request to the endpoint is counted per rate-limit bucket (`api`, `resolvers`) and paced
  to the budget the Hub's `RateLimit` headers announce (`ratelimit.Pacer`, on huggingface_hub's
  HTTP client, so the listing's pages are paced too);
- a failed call is retried a bounded number of times on 429, 408 and 5xx, timeouts, dropped
  connections and bodies cut short, with exponential backoff and jitter, honouring
  `Retry-After`; a 429 pauses every worker, not only the one that got it;
- what could not be read becomes a `HubError` with a one-line reason naming the file; other
  errors are not caught here.

The endpoint is `HF_ENDPOINT`, read when a `Hub` is made (not when huggingface_hub is
imported), and the token is `HF_TOKEN` or the saved login, as huggingface_hub reads them.
"""

from __future__ import annotations

import functools
import json
import math
import os
import random
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, TypeVar

import httpx2
from huggingface_hub import CommitOperationAdd, HfApi, hf_hub_url, set_client_factory
from huggingface_hub.errors import (
    GatedRepoError,
    HfHubHTTPError,
    HFValidationError,
    RemoteEntryNotFoundError,
    RepositoryNotFoundError,
    RevisionNotFoundError,
)
from huggingface_hub.utils import (
    build_hf_headers,
    disable_progress_bars,
    get_session,
    hf_raise_for_status,
    paginate,
    parse_datetime,
)
from huggingface_hub.utils import logging as hub_logging

from . import __version__
from .card import MAX_CARD_BYTES
from .facts.files import MAX_SIDE_FILE, SideFileError, header_length, parse_header_json
from .facts.listing import Listing
from .ratelimit import Bucket, Pacer

__all__ = ["BadHeaderError", "Hub", "HubError", "Listed", "Settings", "Snapshot", "TooLargeError"]

T = TypeVar("T")

_RETRY_STATUS = frozenset({408, 429, 500, 502, 503, 504})

HEADER_PROBE = 100_000
"""Bytes of a safetensors file asked for first. Most headers fit (huggingface_hub asks as
many); a longer one takes a second request for exactly its length."""

MAX_ERROR_BODY = 64 * 1024
"""The most bytes read of an error's body, for its message: an error page may be endless."""

EXPAND = ("author", "downloads", "likes", "createdAt", "lastModified", "pipeline_tag", "library_name", "tags",
          "safetensors", "sha", "siblings")
"""What each entry of the model listing carries (huggingface_hub's `ExpandModelProperty_T` names):
what `model_info` gave, so that a listed model costs no API call of its own. Not `cardData`: the
card is read whole through `/resolve/`, and its parsed front matter would only weigh the pages."""

PAGE = 500
"""Models asked for per page of the listing (huggingface.js asks as many); the Hub may send fewer."""


class HubError(Exception):
    """A repository (or one of its files) that could not be read from the Hub."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason
        """A short category for summaries: `HTTP 500`, `timeout`, `not found`, `rate limited`, ..."""
        self.message = message
        """One line: what was asked and why it failed."""

    def __str__(self) -> str:
        return self.message


class TooLargeError(HubError):
    """A file over the cap of what carbon-card reads of it; not read (or not kept)."""

    def __init__(self, filename: str, cap: int, size: int | None):
        self.size = size
        """The file's size when the file list or the server said it, else None (more than `cap`)."""
        what = f"{size} bytes, over" if size is not None else "over"
        super().__init__("too large", f"{filename}: {what} the cap of {cap} bytes: not read")


class _Truncated(Exception):
    """A download with fewer bytes than the file list (or the server) says the file has."""


class BadHeaderError(Exception):
    """A safetensors header on the Hub that is not a valid header (the file, not the network, is
    at fault); its message is worded as `check` words it for a file on disk."""


@dataclass(frozen=True)
class Settings:
    """How patient the client is with the Hub."""

    timeout: float = 10.0
    """Seconds to connect, and to wait for each read, before a request fails."""
    retries: int = 4
    """Retries after the first attempt of a call."""
    retry_wait: float = 1.0
    """Seconds before the first retry; doubled at each one (with jitter), up to `max_wait`."""
    max_wait: float = 60.0
    """The longest wait carbon-card accepts, `Retry-After` included: a longer one fails the call."""


@dataclass(frozen=True)
class Snapshot:
    """What the audit read of one repository: the commit, its files, the card and side files."""

    repo_id: str
    sha: str
    """The commit audited."""
    downloads: int | None
    files: dict[str, int | None]
    """Every file of the commit, name -> size in bytes (None when the Hub does not say)."""
    card: bytes | None
    """README.md, or None when the repository has none."""
    folder: str
    """Where README.md and the side files were downloaded."""
    too_large: dict[str, int | None]
    """Side files not read for being over their cap: name -> size (None: unknown, over the cap)."""
    listing: Listing
    """What the Hub knows of the model beside its files (from the listing, or from `model_info`)."""


@dataclass(frozen=True)
class Listed:
    """One entry of the model listing."""

    listing: Listing
    files: dict[str, int | None] | None
    """The commit's files (`siblings`; the listing gives no sizes), or None when the entry has none."""

    @property
    def complete(self) -> bool:
        """Whether the entry says the commit and its files: the model needs no `model_info` call."""
        return self.listing.sha is not None and self.files is not None


# --------------------------------------------------------------------------- HTTP client

_timeout_cap = Settings.timeout


def _cap_timeouts(request: httpx2.Request) -> None:
    # huggingface_hub sends most API calls with no timeout at all (`timeout=None`): cap each one.
    timeouts = request.extensions.get("timeout") or {}
    capped = {kind: _timeout_cap if timeouts.get(kind) is None else min(timeouts[kind], _timeout_cap)
              for kind in ("connect", "read", "write", "pool")}
    request.extensions = {**request.extensions, "timeout": capped}


class _PacedTransport(httpx2.BaseTransport):
    """Sends each request to the endpoint when its rate-limit bucket has budget, and notes what
    the answer's headers say of the budget. Requests elsewhere (a CDN a download is redirected
    to) are neither counted nor paced."""

    def __init__(self, inner: httpx2.BaseTransport, pacer: Pacer, endpoint: str):
        self.inner, self.pacer = inner, pacer
        url = httpx2.URL(endpoint)
        self.origin = (url.scheme, url.host, url.port)

    def bucket(self, url: httpx2.URL) -> Bucket | None:
        if (url.scheme, url.host, url.port) != self.origin:
            return None
        if url.path.startswith("/api/"):
            return Bucket.API
        return Bucket.RESOLVERS if "/resolve/" in url.path else None

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        bucket = self.bucket(request.url)
        if bucket is None:
            return self.inner.handle_request(request)
        self.pacer.acquire(bucket)
        response = None
        try:
            response = self.inner.handle_request(request)  # the headers: a streamed body is read later
            return response
        finally:
            self.pacer.release(bucket, response.status_code if response is not None else None,
                               response.headers if response is not None else None)

    def close(self) -> None:
        self.inner.close()


def _client_factory(pacer: Pacer, endpoint: str) -> httpx2.Client:
    # huggingface_hub's `default_client_factory` (its request hook, redirects, no timeout), plus
    # the timeout cap, and a transport that paces requests to the rate limits.
    from huggingface_hub.utils._http import hf_request_event_hook

    return httpx2.Client(event_hooks={"request": [hf_request_event_hook, _cap_timeouts]}, follow_redirects=True,
                         timeout=None, transport=_PacedTransport(httpx2.HTTPTransport(), pacer, endpoint))


# --------------------------------------------------------------------------- the Hub


class Hub:
    """A client of the Hub for the audit, safe to share between threads."""

    def __init__(self, settings: Settings = Settings(), endpoint: str | None = None, token: str | None = None):
        global _timeout_cap
        self.settings = settings
        _timeout_cap = settings.timeout
        # The audit has its own progress bar and error lines: huggingface_hub's bars and retry
        # warnings would interleave with them, once per file and thread.
        disable_progress_bars()
        hub_logging.set_verbosity_error()
        endpoint = endpoint or os.environ.get("HF_ENDPOINT") or None
        self.api = HfApi(endpoint=endpoint.rstrip("/") if endpoint else None, token=token,
                         library_name="carbon-card", library_version=__version__)
        self.endpoint = self.api.endpoint
        self.pacer = Pacer()
        """The requests sent per bucket, paced to the Hub's rate limits (`pacer.requests()`)."""
        set_client_factory(functools.partial(_client_factory, self.pacer, self.endpoint))
        self._headers = build_hf_headers(token=token, library_name="carbon-card", library_version=__version__)
        self._lock = threading.Lock()
        self._paused_until = 0.0

    # -- calls with retries

    def call(self, what: str, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """`function(*args, **kwargs)`, retried on transient failures; `HubError` when it fails.

        `what` names the request in the error ("README.md", "model info")."""
        attempt = 0
        while True:
            self._wait_for_pause()
            try:
                return function(*args, **kwargs)
            except Exception as error:  # classified below; unknown errors re-raised
                failure = self._classify(error)
                if failure is None:
                    raise
                transient, reason, message, retry_after = failure
                attempt += 1
                if not transient or attempt > self.settings.retries:
                    tried = f" (after {attempt} attempts)" if attempt > 1 else ""
                    raise HubError(reason, f"{what}: {message}{tried}") from error
                wait = self._backoff(attempt, retry_after)
                if wait is None:
                    raise HubError(reason, f"{what}: {message}; the Hub asks to wait {retry_after:g} s, "
                                           f"more than {self.settings.max_wait:g} s") from error
                if retry_after is not None and reason == "rate limited":
                    self._pause(wait)
                time.sleep(wait)

    def _backoff(self, attempt: int, retry_after: float | None) -> float | None:
        if retry_after is not None:
            return retry_after if retry_after <= self.settings.max_wait else None
        # Exponential with "equal jitter": workers that failed together do not retry together.
        ceiling = min(self.settings.max_wait, self.settings.retry_wait * 2 ** (attempt - 1))
        return ceiling / 2 + random.uniform(0, ceiling / 2)

    def _pause(self, seconds: float) -> None:
        with self._lock:
            self._paused_until = max(self._paused_until, time.monotonic() + seconds)

    def _wait_for_pause(self) -> None:
        # A 429 is about the client, not one file: every worker waits it out.
        delay = self._paused_until - time.monotonic()
        if delay > 0:
            time.sleep(delay)

    def _classify(self, error: BaseException) -> tuple[bool, str, str, float | None] | None:
        """(transient, reason, message, Retry-After seconds) of a failure, or None for an unknown error."""
        chain = _chain(error)
        # huggingface_hub wraps what went wrong in its own errors: the cause may be further down.
        for cause in chain:
            if isinstance(cause, GatedRepoError):
                return False, "gated", "gated repository: accept its conditions on the Hub and set HF_TOKEN", None
            if isinstance(cause, RepositoryNotFoundError):
                return False, "not found", "repository not found (or private: set HF_TOKEN)", None
            if isinstance(cause, RevisionNotFoundError):
                return False, "not found", "revision not found", None
            if isinstance(cause, RemoteEntryNotFoundError):
                return False, "not found", "file not found", None
            if isinstance(cause, HFValidationError):
                return False, "invalid id", _one_line(str(cause)), None
        http = next((e for e in chain if isinstance(e, HfHubHTTPError) and e.response is not None), None)
        if http is not None:
            status = http.response.status_code
            retry_after = _retry_after(http.response.headers.get("Retry-After"))
            if status == 429:
                return True, "rate limited", "HTTP 429 Too Many Requests", retry_after
            transient = status in _RETRY_STATUS
            return transient, f"HTTP {status}", f"HTTP {status} from the Hub", retry_after if transient else None
        for cause in chain:
            if isinstance(cause, httpx2.TimeoutException):
                return True, "timeout", f"no answer within {self.settings.timeout:g} s", None
            if isinstance(cause, httpx2.RemoteProtocolError):
                return True, "truncated", f"connection closed mid-answer ({_one_line(str(cause), 80)})", None
            if isinstance(cause, httpx2.TransportError):
                return True, "network", f"cannot reach {self.endpoint} ({_one_line(str(cause), 80)})", None
            if isinstance(cause, _Truncated):
                return True, "truncated", f"the download was cut short ({cause})", None
            if isinstance(cause, json.JSONDecodeError):
                return True, "bad answer", "the Hub answered with invalid JSON", None
            if isinstance(cause, RuntimeError) and "client has been closed" in str(cause):
                # huggingface_hub closes its shared client when any request fails to connect:
                # requests of other threads in flight on it fail with this; the next try reconnects.
                return True, "network", "the connection was closed by another request's failure", None
        return None

    # -- reading repositories

    def list_models(self, *, author: str | None = None, search: str | None = None,
                    limit: int | None = None) -> Iterator[Listed]:
        """The models matching, most downloaded first, each with what the Hub lists of it (`EXPAND`),
        page by page: one API call per page of up to `PAGE` models.

        huggingface_hub's `paginate` follows the pages (it retries a page on 429 and 5xx, honouring
        the RateLimit headers and `Retry-After`); a page that still fails raises `HubError`. Each
        entry is read field by field: a field missing or malformed is left out (and a model whose
        entry lacks its commit or files gets a `model_info` call of its own), an entry with no id
        is skipped. `HfApi.list_models` would stop the whole listing at the first such entry."""
        params: dict[str, Any] = {"sort": "downloads", "expand": list(EXPAND), "limit": min(limit or PAGE, PAGE)}
        if author:
            params["author"] = author
        if search:
            params["search"] = search
        entries = paginate(f"{self.endpoint}/api/models", params=params, headers=self._headers,
                           timeout=self.settings.timeout)
        listed = 0
        while limit is None or listed < limit:
            try:
                entry = next(entries)
            except StopIteration:
                return
            except Exception as error:  # classified; unknown errors re-raised
                failure = self._classify(error)
                if failure is None:
                    raise
                raise HubError(failure[1], f"model list: {failure[2]}") from error
            repo_id = entry.get("id") if isinstance(entry, dict) else None
            if not isinstance(repo_id, str) or not repo_id:
                continue
            listed += 1
            yield Listed(_listing(repo_id, entry), _siblings(entry.get("siblings")))

    def snapshot(self, repo_id: str, revision: str | None, folder: str, side_files: dict[str, int],
                 listed: Listed | None = None) -> Snapshot:
        """Read a repository at a revision: its commit and file list, then README.md and each
        of `side_files` (name -> largest size read) that the file list has, into `folder`.

        The commit and file list are the listing's (`listed`, for `main`), or else `model_info`'s:
        one API call. A side file over its size (as listed, or as sent) is not kept: it is in
        `too_large`."""
        if listed is not None and listed.complete and revision is None:
            listing, files = listed.listing, listed.files
        else:
            info = self.call("model info", self.api.model_info, repo_id, revision=revision, files_metadata=True,
                             timeout=self.settings.timeout)
            if not info.sha:
                raise HubError("bad answer", "model info: the Hub gave no commit id")
            listing = _listing(repo_id, {"author": info.author, "sha": info.sha, "createdAt": info.created_at,
                                         "lastModified": info.last_modified, "downloads": info.downloads,
                                         "likes": info.likes, "library_name": info.library_name,
                                         "pipeline_tag": info.pipeline_tag, "tags": info.tags,
                                         "safetensors": info.safetensors})
            files = {sibling.rfilename: sibling.size for sibling in info.siblings or ()}
        sha = listing.sha
        card = None
        size = files.get("README.md")
        if size is not None and size > MAX_CARD_BYTES:  # as `check`: not a model card; not downloaded
            raise HubError("unreadable card", f"README.md: {size} bytes, over {MAX_CARD_BYTES // 2**20} MB: "
                                              "not a model card")
        if "README.md" in files:
            try:
                path = self.download(repo_id, sha, "README.md", folder, size, MAX_CARD_BYTES)
            except TooLargeError as error:  # the file list left out its size, or understated it
                what = f"{error.size} bytes, over" if error.size is not None else "over"
                raise HubError("unreadable card", f"README.md: {what} {MAX_CARD_BYTES // 2**20} MB: "
                                                  "not a model card") from None
            with open(path, "rb") as handle:
                card = handle.read()
        too_large: dict[str, int | None] = {}
        for name, cap in side_files.items():
            if name not in files:
                continue
            if files[name] is not None and files[name] > cap:
                too_large[name] = files[name]
                continue
            try:
                self.download(repo_id, sha, name, folder, files[name], cap)
            except TooLargeError as error:
                too_large[name] = error.size
        return Snapshot(repo_id, sha, listing.downloads, files, card, folder, too_large, listing)

    def download(self, repo_id: str, sha: str, filename: str, folder: str, size: int | None = None,
                 cap: int = MAX_SIDE_FILE) -> str:
        """One file of a commit, streamed into `folder`; its path. `size` is what the file list says.

        At most `cap` bytes are read, whatever the file list and the server say: a larger file
        raises `TooLargeError` (not retried) and is not kept. One GET on huggingface_hub's
        session (its URL, headers and error types), not `hf_hub_download`: for the few small
        files of each model, that one adds a HEAD request and about ten file-system operations
        (locks, metadata, a temporary file), and costs about 15 times the CPU, which bounds how
        many models a process audits per second."""
        url = hf_hub_url(repo_id, filename, revision=sha, endpoint=self.endpoint)
        path = os.path.join(folder, filename)

        def get() -> str:
            written = 0
            with get_session().stream("GET", url, headers={**self._headers, "Accept-Encoding": "identity"}) as response:
                _raise_for_status(response)
                length = _content_length(response)
                if length is not None and length > cap:  # said before it is sent: nothing read
                    raise TooLargeError(filename, cap, length)
                with open(path, "wb") as handle:
                    for chunk in response.iter_bytes():
                        written += len(chunk)
                        if written > cap:
                            break  # leaving the block drops the connection and the rest of the body
                        handle.write(chunk)
            if written > cap:
                os.unlink(path)
                raise TooLargeError(filename, cap, None)
            if size is not None and written < size:
                raise _Truncated(f"{written} of {size} bytes")
            if size is not None and written > size:  # a commit's files do not change: not retried
                raise HubError("bad answer", f"{filename}: {written} bytes, more than the file list's {size}")
            return path

        return self.call(filename, get)

    def safetensors_header(self, repo_id: str, sha: str, filename: str, size: int | None = None) -> tuple[Any, int]:
        """The JSON header of a safetensors file, and the size in bytes of the data after it.

        Ranged GETs of the first bytes only: `HEADER_PROBE` bytes, then, for a longer header, its
        8 + length bytes (at most `MAX_SAFETENSORS_HEADER`); a server that ignores `Range` (200)
        is cut off there too: the weights are never downloaded. The file's size is the one the
        server gives (Content-Range, or Content-Length of a 200), else `size` from the file list.

        Raises `BadHeaderError`, with `check`'s one-line wording, when the file is at fault: too
        short, a header length over the cap or beyond the file, a header that is not JSON."""
        url = hf_hub_url(repo_id, filename, revision=sha, endpoint=self.endpoint)

        def read() -> tuple[Any, int]:
            data, total = self._first_bytes(url, HEADER_PROBE)
            total = total if total is not None else size
            if total is None:
                raise HubError("bad answer", f"{filename} header: the Hub gave no size for the file")
            if total >= 8 and len(data) < 8:
                raise _Truncated(f"{len(data)} of {total} bytes")
            length = _file_fault(header_length, data, total)
            if len(data) < 8 + length:
                data, _ = self._first_bytes(url, 8 + length)
                if len(data) < 8 + length:
                    raise _Truncated(f"{len(data) - 8} of {length} header bytes")
            return _file_fault(parse_header_json, data[8:8 + length]), total - 8 - length

        return self.call(f"{filename} header", read)

    def _first_bytes(self, url: str, count: int) -> tuple[bytes, int | None]:
        """The first `count` bytes of a file (fewer if it is shorter) and the file's size if the
        server says it: one streamed GET with a `Range`, of which at most `count` bytes are read."""
        headers = {**self._headers, "Range": f"bytes=0-{count - 1}", "Accept-Encoding": "identity"}
        with get_session().stream("GET", url, headers=headers) as response:
            if response.status_code == 416:  # the range starts past the end: an empty file
                total = _range_total(response.headers.get("Content-Range"))
                if total is not None:
                    return b"", total
            _raise_for_status(response)
            if response.status_code == 206:
                total = _range_total(response.headers.get("Content-Range"))
            else:  # 200: the server ignored the Range and sends the whole file, cut off below
                total = _content_length(response)
            return _read_at_most(response, count), total

    # -- the pull request

    def find_pull_request(self, repo_id: str, title: str):
        """carbon-card's open pull request on a repository (a `Discussion`), or None."""
        return self.call("pull requests", self._find_pull_request, repo_id, title)

    def propose_card(self, repo_id: str, data: bytes, *, title: str, description: str, parent: str) -> tuple[str, Any]:
        """Open a pull request with a new README.md from commit `parent`, or update carbon-card's
        open one: ("opened", its `CommitInfo`), or ("updated" or "unchanged", its `Discussion`).

        An update is a commit on the pull request's `refs/pr/N` and a comment with the new
        description; a pull request whose card is already `data` is left alone. Each attempt
        looks for the pull request first, so that a retry after an answer lost in transit
        updates the pull request the first attempt opened instead of opening another."""
        def send():
            pull = self._find_pull_request(repo_id, title)
            operation = CommitOperationAdd("README.md", data)
            if pull is None:
                return "opened", self.api.create_commit(repo_id, [operation], commit_message=title,
                                                        commit_description=description, create_pr=True,
                                                        parent_commit=parent)
            url = hf_hub_url(repo_id, "README.md", revision=pull.git_reference, endpoint=self.endpoint)
            with get_session().stream("GET", url, headers=self._headers) as response:
                if response.status_code != 404:  # 404: no card on the pull request's branch, the commit adds it
                    _raise_for_status(response)
                    if _read_at_most(response, len(data) + 1) == data:  # one byte more tells a longer card
                        return "unchanged", pull
            self.api.create_commit(repo_id, [operation], commit_message=f"{title} (update)",
                                   commit_description=description, revision=pull.git_reference)
            self.api.comment_discussion(repo_id, pull.num, f"carbon-card updated this pull request.\n\n{description}")
            return "updated", pull

        return self.call("pull request", send)

    def _find_pull_request(self, repo_id: str, title: str):
        pulls = self.api.get_repo_discussions(repo_id, discussion_type="pull_request", discussion_status="open")
        return next((p for p in pulls if p.title == title), None)


# --------------------------------------------------------------------------- what the Hub lists

_MAX_TEXT = 200  # a library or task name, a tag, an author: longer is not one
_MAX_TAGS = 1000
_SHA_CHARS = frozenset("0123456789abcdef")


def _listing(repo_id: str, entry: Mapping[str, Any]) -> Listing:
    """A listing entry (or `model_info`'s fields, under the API's names) as a `Listing`: each field
    that is missing or not of its kind is left out, so one bad field costs only itself."""
    safetensors = entry.get("safetensors")
    total = safetensors.get("total") if isinstance(safetensors, Mapping) else None
    tags = entry.get("tags")
    return Listing(
        repo_id=repo_id,
        author=_text(entry.get("author")),
        created_at=_date(entry.get("createdAt")),
        last_modified=_date(entry.get("lastModified")),
        downloads=_count(entry.get("downloads")),
        likes=_count(entry.get("likes")),
        library_name=_text(entry.get("library_name")),
        pipeline_tag=_text(entry.get("pipeline_tag")),
        tags=tuple(t for t in tags[:_MAX_TAGS] if _text(t)) if isinstance(tags, list) else (),
        params=total if _count(total) else None,
        sha=_sha(entry.get("sha")),
    )


def _siblings(value: Any) -> dict[str, int | None] | None:
    """The file list of a listing entry (`[{"rfilename": ...}, ...]`), or None when it is not one."""
    if not isinstance(value, list):
        return None
    files: dict[str, int | None] = {}
    for sibling in value:
        name = sibling.get("rfilename") if isinstance(sibling, dict) else None
        if not isinstance(name, str) or not name:
            return None  # a file list with a hole is no file list: `model_info` gives the real one
        files[name] = _count(sibling.get("size"))
    return files


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and 0 < len(value) <= _MAX_TEXT else None


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _sha(value: Any) -> str | None:
    return value if isinstance(value, str) and len(value) == 40 and set(value) <= _SHA_CHARS else None


def _date(value: Any) -> datetime | None:
    """A timestamp as the Hub writes it (`2024-05-01T12:00:00.000Z`), timezone-aware UTC."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str) and len(value) <= 40:
        try:
            moment = parse_datetime(value)
        except ValueError:
            return None
    else:
        return None
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)


def _raise_for_status(response: httpx2.Response) -> None:
    """`hf_raise_for_status` for a streamed response, with at most `MAX_ERROR_BODY` bytes of
    the error's body read for its message (huggingface_hub would read all of it)."""
    if response.status_code >= 400:
        body = _read_at_most(response, MAX_ERROR_BODY)
        hf_raise_for_status(httpx2.Response(response.status_code, headers=response.headers, content=body,
                                            request=response.request))


def _read_at_most(response: httpx2.Response, count: int) -> bytes:
    """The first `count` bytes of a streamed body (fewer if it is shorter); the rest is not read."""
    chunks, read = [], 0
    for chunk in response.iter_bytes():
        chunks.append(chunk[: count - read])
        read += len(chunks[-1])
        if read >= count:
            break
    return b"".join(chunks)


def _content_length(response: httpx2.Response) -> int | None:
    return _size(response.headers.get("Content-Length"))


def _range_total(value: str | None) -> int | None:
    """The file's size in a `Content-Range` header (`bytes 0-99/1234`, `bytes */1234`)."""
    return _size((value or "").rpartition("/")[2])


def _size(text: str | None) -> int | None:
    """A size in bytes written in a header, or None (absent, or not a plain decimal number)."""
    text = (text or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 20 else None


def _chain(error: BaseException) -> list[BaseException]:
    """The error and what caused it (huggingface_hub wraps network errors in its own)."""
    chain, seen = [], set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        chain.append(error)
        error = error.__cause__ or error.__context__
    return chain


def _retry_after(value: str | None) -> float | None:
    """Seconds of a `Retry-After` header; the HTTP-date form is not used by the Hub."""
    try:
        seconds = float(value) if value is not None else math.nan
    except ValueError:
        return None
    return seconds if 0 <= seconds < math.inf else None


def _file_fault(check: Callable[..., T], *args: Any) -> T:
    """`check(*args)` of facts.files (a safetensors header's checks, as `check` words them), its
    `SideFileError` raised as `BadHeaderError`: the file, not the network, is at fault. Raised
    outside the handler: a JSONDecodeError in its context would read as a bad answer, retried."""
    try:
        return check(*args)
    except SideFileError as error:
        problem = error.message
    raise BadHeaderError(problem)


def _one_line(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."
