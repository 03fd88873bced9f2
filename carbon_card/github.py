"""GitHub: workflow annotations, the Markdown report, and one sticky pull-request comment.

`carbon-card github-comment` reads the JSON report of `carbon-card check --format json --diff`
(and, optionally, the same report for the pull request's base revision), then

- prints one workflow annotation per finding (`::error file=...,line=...,col=...::message`),
- appends the Markdown report to the job summary (`$GITHUB_STEP_SUMMARY`),
- on a pull request, finds carbon-card's earlier comment by its hidden marker (paging
  through every comment) and updates it in place, or creates it.

A token that may not write (a pull request from a fork gets a read-only one) gives a
warning, not a failure: the job's verdict is `--fail-on`'s, not the comment's. Rate limits
and server errors are retried within a bound, and whatever the server does the comment takes
bounded time (`--max-time`), pages of comments and bytes per answer (`Limits`). The token is
never printed.
"""

from __future__ import annotations

import html
import itertools
import json
import math
import os
import re
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, quote_plus, urlsplit

import click
import requests

from . import __version__
from .units import format_mass

if TYPE_CHECKING:
    from .assessment import Finding

__all__ = [
    "COMMENT_LIMIT", "GitHubAPIError", "GitHubClient", "Limits", "PermissionDenied", "Reply", "ReportError", "Retry",
    "annotation", "github_comment", "load_report", "marker", "render_markdown", "upsert_comment", "workflow_command",
]

COMMENT_LIMIT = 65536
"""GitHub refuses an issue comment longer than this many characters."""
SUMMARY_LIMIT = 1024 * 1024 // 4
"""A step's job summary may hold 1 MiB: this many characters fit even at 4 bytes each."""
API_VERSION = "2022-11-28"
EXIT_API_ERROR, EXIT_INPUT_ERROR = 1, 2

_SEVERITIES = ("error", "warning", "info")
_ANNOTATION_COMMAND = {"error": "error", "warning": "warning", "info": "notice"}
_MARKER_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
_REPOSITORY = re.compile(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")
_TOKEN = re.compile(r"[!-~]{1,4096}")  # what a token may hold: printable ASCII, no space
_DIGITS = re.compile(r"[0-9]{1,15}")  # not str.isdigit(): "²" is a digit to it, not to int()


# Workflow commands ---------------------------------------------------------------------------

def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def workflow_command(command: str, message: str, **properties: Any) -> str:
    """One workflow command line, escaped as the runner unescapes it (`None` properties are left out)."""
    props = ",".join(f"{key}={_escape_property(str(value))}" for key, value in properties.items() if value is not None)
    return f"::{command}{' ' + props if props else ''}::{_escape_data(message)}"


def annotation(path: str, finding: Finding) -> str:
    """The annotation of one finding: `::error file=...,line=...,col=...,title=CC104 emissions-string::message`."""
    return _annotation(path, str(finding.severity), finding.code, finding.rule.name, finding.message,
                       finding.line, finding.column)


def _annotation(path: str, severity: str, code: str, name: str, message: str, line: int, column: int) -> str:
    return workflow_command(_ANNOTATION_COMMAND[severity], message, file=_repo_path(path), line=line, col=column,
                            title=f"{code} {name}")


def _repo_path(path: str) -> str:
    """Annotations name files relative to the workspace, with forward slashes."""
    if os.path.isabs(path):
        relative = os.path.relpath(path)
        if not relative.startswith(os.pardir):
            path = relative
    return path.replace(os.sep, "/")


# The report ----------------------------------------------------------------------------------

class ReportError(Exception):
    """A report or event file that cannot be used; the message is one line naming the file."""


def load_report(path: str) -> list[dict[str, Any]]:
    """The records of `carbon-card check --format json`, checked enough to be rendered."""
    data = _load_json(path)
    if not isinstance(data, list):
        raise ReportError(f"{path}: not a report of `carbon-card check --format json` (a JSON array of cards)")
    for number, record in enumerate(data, 1):
        if not _record_ok(record):
            raise ReportError(f"{path}: card {number} is not a record of `carbon-card check --format json`")
    return data


def _record_ok(record: Any) -> bool:
    # The parts the renderer reads as objects or text: a string `estimate` would crash it.
    return (isinstance(record, dict) and isinstance(record.get("path"), str) and _findings_ok(record)
            and isinstance(record.get("error") or {}, dict) and isinstance(record.get("estimate") or {}, dict)
            and isinstance(record.get("diff") or "", str))


def _findings_ok(record: dict[str, Any]) -> bool:
    findings = record.get("findings")
    return isinstance(findings, list) and all(
        isinstance(f, dict) and isinstance(f.get("code"), str) and isinstance(f.get("message"), str)
        and type(f.get("line")) is int and type(f.get("column")) is int and f.get("severity") in _SEVERITIES
        for f in findings
    )


def _load_json(path: str) -> Any:
    try:
        with click.open_file(path, encoding="utf-8") as stream:
            text = stream.read()
    except OSError as error:
        raise ReportError(f"{path}: cannot read: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise ReportError(f"{path}: not UTF-8 text") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ReportError(f"{path}:{error.lineno}: not valid JSON ({error.msg})") from None
    except ValueError:  # Python refuses to read an integer of more than 4,300 digits
        raise ReportError(f"{path}: not usable JSON (a number with too many digits)") from None
    except RecursionError:
        raise ReportError(f"{path}: not usable JSON (nested too deeply)") from None


# Markdown ------------------------------------------------------------------------------------

ZWJ = "\u200d"
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
_REFERENCE = re.compile(r"([@#])(?=\w)")  # @user, @org/team, #123, owner/repo#123: a card must not notify or cross-link
# Where GitHub would make a link of bare text (https://..., www...., GH-123) even inside <code>:
# a zero-width joiner there breaks the pattern and shows nothing.
_AUTOLINK = re.compile(r"(?<=:)(?=//)|(?<=www)(?=\.)|(?<=gh)(?=-\d)", re.IGNORECASE)


def marker(marker_id: str | None = None) -> str:
    """The hidden first line that finds carbon-card's comment again; an id lets several workflows coexist."""
    if marker_id is None:
        return "<!-- carbon-card:sticky -->"
    if not _MARKER_ID.fullmatch(marker_id):
        raise ValueError(f"marker id {marker_id!r}: use 1 to 64 letters, digits, '.', '_' or '-'")
    return f"<!-- carbon-card:sticky:{marker_id} -->"


def _text(text: Any) -> str:
    """Text from a card made inert: one line, no HTML (so no hidden marker), no Markdown, no mentions, no links."""
    text = html.escape(re.sub(r"\s+", " ", str(text)), quote=False)
    return _AUTOLINK.sub(ZWJ, _REFERENCE.sub("\\1" + ZWJ, _MARKDOWN_SPECIAL.sub(r"\\\1", text)))


def _message(text: Any) -> str:
    """A finding's message: its `code` spans shown as code, everything else as inert text.

    The rules write a span as `name`, and a name may hold a backtick itself (a key "geo`loc"):
    so a backtick opens a span only after a space or "(", and closes it only before a space or
    punctuation. "`geo`loc` in `x`" is two spans; a backtick left open stays a literal one.
    """
    text, parts, start, opened = str(text), [], 0, None
    for at in (match.start() for match in re.finditer("`", text)):
        before, after = text[at - 1:at] or " ", text[at + 1:at + 2] or " "
        if opened is None and (before.isspace() or before in "(["):
            opened = at
        elif opened is not None and at > opened + 1 and (after.isspace() or after in ".,;:?!)]"):
            parts += [_text(text[start:opened]), _code(text[opened + 1:at])]
            start, opened = at + 1, None
    return "".join(parts) + _text(text[start:])


def _code(text: str) -> str:
    return f"<code>{_text(text)}</code>"


def _estimate(record: dict[str, Any], unit: str = "") -> str:
    """The estimated emissions with their 90% interval, in human units; "none" without one."""
    emissions = (record.get("estimate") or {}).get("emissions_g")
    try:
        central, low, high = (float(emissions[key]) for key in ("central", "low", "high"))
    except (TypeError, KeyError, ValueError, OverflowError):
        return "none"
    if not all(map(math.isfinite, (central, low, high))):
        return "none"
    if low == high:  # a stated figure, no spread
        return format_mass(central) + unit
    return f"{format_mass(central)}{unit} (90%: {format_mass(low)} to {format_mass(high)})"


def _counts(findings: list[dict[str, Any]]) -> str:
    counts = Counter(f["severity"] for f in findings)
    parts = [f"{counts[s]} {s}{'s' if counts[s] != 1 else ''}" for s in _SEVERITIES if counts[s]]
    return ", ".join(parts) or "none"


def _status(findings: list[dict[str, Any]]) -> str:
    severities = {f["severity"] for f in findings}
    return "❌" if "error" in severities else "⚠️" if "warning" in severities else "✅"


def _change(record: dict[str, Any], base: dict[str, Any] | None) -> str | None:
    """What the pull request changed in a card's disclosure, or None when nothing did."""
    if base is None:
        return "new in this pull request"
    parts = []
    for key, label in (("disclosure_tier", "disclosure"), ("reporting_class", "reporting class")):
        if base.get(key) != record.get(key):
            parts.append(f"{label} {_text(base.get(key))} → **{_text(record.get(key))}**")
    if sorted(f["code"] for f in base["findings"]) != sorted(f["code"] for f in record["findings"]):
        parts.append(f"findings {_counts(base['findings'])} → **{_counts(record['findings'])}**")
    return "; ".join(parts) or None


def _diff_block(diff: str) -> str:
    # A fence longer than any run of backticks in the diff, so the diff cannot close it; "<!--"
    # broken so that the body holds no second marker, and "::" at the start of a line so that
    # no line of it reads as a workflow command.
    fence = "`" * max(3, max((len(run) for run in re.findall(r"`+", diff)), default=0) + 1)
    diff = diff.replace("<!--", "<!" + ZWJ + "--")
    diff = "".join(re.sub(r"^(\s*:):", "\\1" + ZWJ + ":", line) for line in diff.splitlines(keepends=True))
    return (f"<details><summary>Proposed fix (<code>carbon-card check --fix</code>)</summary>\n\n"
            f"{fence}diff\n{diff.rstrip()}\n{fence}\n\n</details>\n")


def _details(record: dict[str, Any], change: str | None, with_diff: bool) -> str:
    lines = [f"\n#### {_status(record['findings'])} {_code(record['path'])}\n"]
    if change:
        lines.append(f"**Before → after:** {change}\n")
    if record["findings"]:
        lines.append("| Severity | Line | Rule | Message |\n|---|---|---|---|")
        for f in record["findings"]:
            lines.append(f"| {f['severity']} | {f['line']}:{f['column']} | {_text(f['code'])} "
                         f"{_code(f.get('rule') or '')} | {_message(f['message'])} |")
        lines.append("")
    estimate = record.get("estimate") or {}
    figure = _estimate(record, " CO2e")
    if figure == "none":
        lines.append(f"**Estimate:** none: {_message(estimate.get('method') or 'no estimate')}\n")
    else:
        method = _message(estimate.get("method") or "")
        lines.append(f"**Estimate:** {figure} · {_text(estimate.get('tier'))}: {method}\n")
    diff = record.get("diff")
    if diff and with_diff:
        lines.append(_diff_block(diff))
    elif diff:
        lines.append(f"_The proposed diff is left out to fit the size limit: run "
                     f"`carbon-card check --diff` on {_code(record['path'])}._\n")
    return "\n".join(lines) + "\n"


class _Body:
    """A Markdown body that grows only while it fits under a size limit."""

    NOTE_ROOM = 500  # kept free for the truncation note

    def __init__(self, limit: int):
        self.parts: list[str] = []
        self.size = 0
        self.limit = limit

    def add(self, text: str, keep_room: bool = True) -> bool:
        if self.size + len(text) > self.limit - (self.NOTE_ROOM if keep_room else 0):
            return False
        self.parts.append(text)
        self.size += len(text)
        return True

    def text(self) -> str:
        return "".join(self.parts)


def render_markdown(records: list[dict[str, Any]], base_records: list[dict[str, Any]] | None = None, *,
                    marker_id: str | None = None, with_marker: bool = True, limit: int = COMMENT_LIMIT) -> str:
    """The report as Markdown, for the pull-request comment (with its hidden marker) or the job summary.

    Per card: tier, reporting class, findings, the estimate with its 90% interval and the
    proposed diff (collapsed); with `base_records` (the report of the base revision) what the
    pull request changed. Text from cards is escaped; the result is at most `limit` characters.
    """
    body = _Body(limit)
    title = "### carbon-card: carbon disclosure of model cards\n\n"
    body.add((marker(marker_id) + "\n" if with_marker else "") + title, keep_room=False)
    if not records:
        body.add("No model cards to check.\n", keep_room=False)
        return body.text()

    cards = [r for r in records if not r.get("error")]
    errors = [r for r in records if r.get("error")]
    base = None if base_records is None else {r["path"]: r for r in base_records if not r.get("error")}
    changes = {r["path"]: _change(r, base.get(r["path"])) for r in cards} if base is not None else {}
    body.add(_headline(cards, errors, changes) + "\n\n", keep_room=False)

    rows_left = len(cards) + len(errors)
    if cards and body.add("| | Card | Disclosure | Reporting class | Findings | Estimate CO2e (90% interval) |\n"
                          "|---|---|---|---|---|---|\n"):
        for record in cards:
            row = (f"| {_status(record['findings'])} | {_code(record['path'])} "
                   f"| {_text(record.get('disclosure_tier'))} | {_text(record.get('reporting_class'))} "
                   f"| {_counts(record['findings'])} | {_estimate(record)} |\n")
            if not body.add(row):
                break
            rows_left -= 1
    if errors and rows_left == len(errors) and body.add("\n**Could not be read:**\n\n"):
        for record in errors:
            error = record["error"]
            line = f":{error['line']}" if error.get("line") else ""
            if not body.add(f"- {_code(record['path'] + line)}: {_text(error.get('message'))}\n"):
                break
            rows_left -= 1

    detailed = [r for r in cards if r["findings"] or r.get("diff") or changes.get(r["path"])]
    details_left = len(detailed)
    if rows_left == 0:
        for record in detailed:
            change = changes.get(record["path"])
            if not (body.add(_details(record, change, with_diff=True)) or body.add(_details(record, change, False))):
                break
            details_left -= 1
    if rows_left or details_left:
        body.add(_truncation_note(rows_left, details_left if not rows_left else len(detailed), limit),
                 keep_room=False)
    return body.text()


def _headline(cards: list[dict], errors: list[dict], changes: dict[str, str | None]) -> str:
    findings = [f for record in cards for f in record["findings"]]
    noun = f"{len(cards)} card{'s' if len(cards) != 1 else ''}"
    if findings:
        with_findings = sum(1 for record in cards if record["findings"])
        text = (f"Found **{len(findings)} finding{'s' if len(findings) != 1 else ''}** ({_counts(findings)}) in "
                f"{with_findings} of {noun}.")
    else:
        text = f"✅ All checks passed ({noun})."
    if errors:
        text += f" {len(errors)} file{'s' if len(errors) != 1 else ''} could not be read."
    fixable = sum(1 for record in cards if record.get("diff"))
    if fixable:
        text += (f" {fixable} card{'s have' if fixable != 1 else ' has'} a proposed fix: "
                 "`carbon-card check --fix` applies it.")
    changed = sum(1 for change in changes.values() if change)
    if changed:
        text += f" This pull request changes the disclosure of {changed} card{'s' if changed != 1 else ''}."
    return text


def _truncation_note(rows_left: int, details_left: int, limit: int) -> str:
    what = []
    if rows_left:
        what.append(f"{rows_left} more card{'s' if rows_left != 1 else ''} not listed")
    if details_left:
        what.append(f"the details of {details_left} card{'s' if details_left != 1 else ''} left out")
    return (f"\n> [!NOTE]\n> Cut to stay under {limit:,} characters: {' and '.join(what)}. The JSON report of "
            "`carbon-card check --format json` (the action's `report` output) has every card.\n")


# The REST API --------------------------------------------------------------------------------

class GitHubAPIError(Exception):
    """A GitHub API call that failed. The message is one line and never holds the token."""


class PermissionDenied(GitHubAPIError):
    """The token may not do this: a pull request from a fork gets a read-only token."""


@dataclass(frozen=True)
class Retry:
    """How hard to retry rate limits (403/429 with Retry-After or an exhausted quota), 5xx and
    connection errors: at most `attempts` tries and `max_wait` seconds of sleep in all."""

    attempts: int = 5
    max_wait: float = 60.0
    backoff: float = 1.0
    """The first wait when the server names none; it doubles on each retry."""
    sleep: Callable[[float], None] = time.sleep


@dataclass(frozen=True)
class Limits:
    """What a client may spend whatever the server does (an endless `Link` chain, a body
    trickled a byte at a time, a flood): `seconds` in all from its creation (requests, answers,
    retries and their waits), `pages` of 100 comments, `answer_bytes` per answer."""

    seconds: float = 120.0
    pages: int = 100
    answer_bytes: int = 32 * 1024 * 1024
    """A page of 100 comments at GitHub's 65,536 characters, 4 bytes each, fits."""


@dataclass(frozen=True)
class Reply:
    """An answer, read whole within the limits."""

    status: int
    reason: str
    headers: Mapping[str, str]
    links: dict[str, dict[str, str]]
    data: Any
    """The body as JSON; None when it is not JSON (or is nested too deeply to read)."""


class _Session(requests.Session):
    def get_redirect_target(self, response: requests.Response) -> None:
        # No redirect is followed: requests would read a redirect's body whole, however big (even
        # with allow_redirects=False). The routes carbon-card calls do not redirect.
        return None


class GitHubClient:
    """The few REST calls carbon-card makes, through one `requests` session."""

    def __init__(self, api_url: str, token: str, retry: Retry = Retry(), timeout: float = 30.0,
                 limits: Limits = Limits()):
        self.api_url = api_url.rstrip("/")
        self._origin = urlsplit(self.api_url)[:2]
        self._token = token
        self._retry = retry
        self._timeout = timeout
        self._limits = limits
        self._deadline = time.monotonic() + limits.seconds
        self._session = _Session()
        self._session.headers.update({
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": API_VERSION,
            "User-Agent": f"carbon-card/{__version__}",
            "Authorization": f"Bearer {token}",
        })

    def request(self, method: str, url: str, payload: Any = None) -> Reply:
        """One call, retried within the bounds; raises GitHubAPIError or PermissionDenied."""
        if url.startswith("/"):
            url = self.api_url + url
        if urlsplit(url)[:2] != self._origin:  # a Link header pointing elsewhere must not get the token
            raise self._error(GitHubAPIError, f"refusing to send the token to {urlsplit(url).netloc}")
        what = f"{method} {urlsplit(url).path}"
        waited = 0.0
        for attempt in range(1, self._retry.attempts + 1):
            try:
                reply = self._in_time(what, lambda: self._send(what, method, url, payload))
            except requests.RequestException as error:
                reason = " ".join(str(error).split())[:300]
                problem, wait = f"{what}: {type(error).__name__}: {reason}", self._backoff(attempt)
            else:
                if reply.status < 300:
                    return reply
                problem = f"{what}: HTTP {reply.status} {_api_message(reply)}"
                wait = self._retry_wait(reply, attempt)
                if wait is None:
                    permission = reply.status in (403, 404)
                    raise self._error(PermissionDenied if permission else GitHubAPIError, problem)
            if attempt == self._retry.attempts:
                break
            if waited + wait > self._retry.max_wait:
                raise self._error(GitHubAPIError, f"{problem}; gave up: waiting {wait:.0f} s more would exceed "
                                                  f"{self._retry.max_wait:.0f} s")
            if time.monotonic() + wait > self._deadline:
                raise self._error(GitHubAPIError, f"{problem}; gave up: waiting {wait:.0f} s more would pass the "
                                                  f"deadline ({self._limits.seconds:g} s in all)")
            self._retry.sleep(wait)
            waited += wait
        raise self._error(GitHubAPIError, f"{problem}; gave up after {self._retry.attempts} attempts")

    def comments(self, repository: str, number: int) -> Iterator[dict[str, Any]]:
        """Every comment of an issue or pull request, following the `Link: rel="next"` pages (up to the limit)."""
        url = f"{self.api_url}/repos/{repository}/issues/{number}/comments?per_page=100"
        for _ in range(self._limits.pages):
            reply = self.request("GET", url)
            if not isinstance(reply.data, list):
                raise self._error(GitHubAPIError, f"GET {urlsplit(url).path}: expected a list of comments")
            yield from (comment for comment in reply.data if isinstance(comment, dict))
            url = reply.links.get("next", {}).get("url")
            if not url:
                return
        raise self._error(GitHubAPIError, f"GET {urlsplit(url).path}: more than {self._limits.pages} pages of comments")

    def _in_time(self, what: str, call: Callable[[], Reply]) -> Reply:
        """`call()`, given the time left. A socket timeout bounds each read, not a server that
        sends a byte now and then: so the call runs in a thread, left behind when time is up."""
        outcome: list[Any] = []

        def run() -> None:
            try:
                outcome.append(call())
            except Exception as error:  # noqa: BLE001 - raised again below, in the caller's thread
                outcome.append(error)

        left = self._deadline - time.monotonic()
        if left > 0:
            worker = threading.Thread(target=run, name="carbon-card request", daemon=True)
            worker.start()
            worker.join(left)
        if not outcome:
            raise self._error(GitHubAPIError, f"{what}: no answer within the deadline "
                                              f"({self._limits.seconds:g} s in all)")
        if isinstance(outcome[0], Exception):
            raise outcome[0]
        return outcome[0]

    def _send(self, what: str, method: str, url: str, payload: Any) -> Reply:
        # Streamed, to stop at the byte limit.
        with self._session.request(method, url, json=payload, timeout=self._timeout, stream=True) as response:
            body = bytearray()
            for chunk in response.iter_content(64 * 1024):
                body += chunk
                if len(body) > self._limits.answer_bytes:
                    raise self._error(GitHubAPIError, f"{what}: an answer over {self._limits.answer_bytes:,} bytes")
            return Reply(response.status_code, response.reason or "", response.headers, response.links, _json(body))

    def _retry_wait(self, reply: Reply, attempt: int) -> float | None:
        """Seconds to wait before retrying, or None when retrying cannot help."""
        status, headers = reply.status, reply.headers
        retry_after = _seconds(headers.get("Retry-After"))
        exhausted = headers.get("X-RateLimit-Remaining") == "0"
        if status == 429 or (status == 403 and (retry_after is not None or exhausted
                                                or "rate limit" in _api_message(reply).lower())):
            if retry_after is not None:
                return retry_after
            reset = headers.get("X-RateLimit-Reset", "")
            if exhausted and _DIGITS.fullmatch(reset):
                return max(0.0, int(reset) - time.time())
            return self._backoff(attempt)
        if status >= 500:
            return retry_after if retry_after is not None else self._backoff(attempt)
        return None

    def _backoff(self, attempt: int) -> float:
        return self._retry.backoff * 2 ** (attempt - 1)

    def redact(self, text: str) -> str:
        """`text` without the token in any form (see `_redact`)."""
        return _redact(text, self._token)

    def _error(self, kind: type[GitHubAPIError], text: str) -> GitHubAPIError:
        return kind(self.redact(text))


def _redact(text: str, secret: str, fragment: int = 8) -> str:
    """`text` with "***" wherever `secret` shows: as is, escaped as repr() escapes it (requests'
    message about a token ending in a newline), URL-encoded, or any piece of `fragment`
    characters or more of these (a server's message cut short)."""
    if not secret:
        return text
    hidden = [False] * len(text)
    for form in {secret, repr(secret)[1:-1], quote(secret, safe=""), quote_plus(secret)}:
        size = min(len(form), fragment)
        for start in range(len(form) - size + 1):
            at = text.find(form[start:start + size])
            while at >= 0:
                hidden[at:at + size] = [True] * size
                at = text.find(form[start:start + size], at + 1)
    return "".join("***" if hide else "".join(char for char, _ in run)
                   for hide, run in itertools.groupby(zip(text, hidden), key=lambda pair: pair[1]))


def _seconds(value: str | None) -> float | None:
    """A Retry-After header: seconds, or an HTTP date."""
    if not value:
        return None
    if _DIGITS.fullmatch(value.strip()):
        return float(value)
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def _api_message(reply: Reply) -> str:
    message = reply.data.get("message") if isinstance(reply.data, dict) else None
    return " ".join((message if isinstance(message, str) and message else reply.reason).split())[:200]


def _json(body: bytes) -> Any:
    """The body as JSON, or None when it is not (a body nested 100,000 deep is not)."""
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        return None


def _has_marker(body: Any, hidden: str) -> bool:
    return isinstance(body, str) and body.lstrip().split("\n", 1)[0].strip() == hidden


def upsert_comment(client: GitHubClient, repository: str, number: int, body: str,
                   marker_id: str | None = None) -> tuple[str, str]:
    """Update carbon-card's comment on a pull request in place, or create it: ("updated" or
    "created", its address)."""
    hidden = marker(marker_id)
    for comment in client.comments(repository, number):
        if _has_marker(comment.get("body"), hidden) and type(comment.get("id")) is int:
            path = f"/repos/{repository}/issues/comments/{comment['id']}"
            return "updated", _address(client.request("PATCH", path, {"body": body}), f"PATCH {path}")
    path = f"/repos/{repository}/issues/{number}/comments"
    return "created", _address(client.request("POST", path, {"body": body}), f"POST {path}")


def _address(reply: Reply, what: str) -> str:
    """The comment's `html_url` from the answer to a write ("" without one)."""
    if not isinstance(reply.data, dict):
        raise GitHubAPIError(f"{what}: HTTP {reply.status} with an answer that is not a JSON object")
    address = reply.data.get("html_url")
    return address if isinstance(address, str) else ""


# The command ---------------------------------------------------------------------------------

@click.command("github-comment", context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--report", "report_path", required=True, type=click.Path(dir_okay=False, allow_dash=True),
              help="The JSON report of `carbon-card check --format json --diff` ('-' for stdin).")
@click.option("--base-report", "base_path", type=click.Path(dir_okay=False),
              help="The same report for the pull request's base revision: shows what the pull request changed.")
@click.option("--event", "event_path", envvar="GITHUB_EVENT_PATH", show_envvar=True, type=click.Path(dir_okay=False),
              help="The webhook event (gives the pull request number).  [default: $GITHUB_EVENT_PATH]")
@click.option("--repository", envvar="GITHUB_REPOSITORY", show_envvar=True, metavar="OWNER/NAME",
              help="The repository.  [default: $GITHUB_REPOSITORY]")
@click.option("--api-url", envvar="GITHUB_API_URL", show_envvar=True, default="https://api.github.com",
              show_default=True, help="The REST API.")
@click.option("--summary", "summary_path", envvar="GITHUB_STEP_SUMMARY", show_envvar=True,
              type=click.Path(dir_okay=False), help="Append the Markdown report to this file.  "
                                                    "[default: $GITHUB_STEP_SUMMARY]")
@click.option("--annotations/--no-annotations", default=True, show_default=True,
              help="Print one workflow annotation per finding.")
@click.option("--comment/--no-comment", default=True, show_default=True,
              help="Create or update the pull request comment.")
@click.option("--marker-id", metavar="ID",
              help="Tell this workflow's comment apart from another carbon-card workflow's on the same pull request.")
@click.option("--token-env", default="GITHUB_TOKEN", show_default=True, metavar="NAME",
              help="The environment variable that holds the token (a token is never taken as an argument).")
@click.option("--max-wait", type=click.FloatRange(0, 3600), default=60, show_default=True, metavar="SECONDS",
              help="The most time to spend waiting out rate limits and server errors.")
@click.option("--max-time", type=click.FloatRange(0, 3600, min_open=True), default=120, show_default=True,
              metavar="SECONDS", help="The most time the pull request comment may take in all: requests, slow "
                                      "answers, retries and their waits.")
def github_comment(report_path: str, base_path: str | None, event_path: str | None, repository: str | None,
                   api_url: str, summary_path: str | None, annotations: bool, comment: bool, marker_id: str | None,
                   token_env: str, max_wait: float, max_time: float) -> None:
    """Report a check on GitHub: annotations, the job summary, and one pull-request comment kept up to date.

    Exit 0 when done (a token that may not comment gives a warning, not a failure), 1 when
    the comment failed (the GitHub API after retries, a limit reached, a token that is not
    one), 2 when an input file cannot be used.
    """
    try:
        marker(marker_id)
        records = load_report(report_path)
        base = load_report(base_path) if base_path else None
    except (ReportError, ValueError) as error:
        _fail(str(error))
    if annotations:
        for line in _annotations(records):
            click.echo(line)
    if summary_path:
        try:
            with open(summary_path, "a", encoding="utf-8") as summary:
                summary.write(render_markdown(records, base, with_marker=False, limit=SUMMARY_LIMIT) + "\n")
        except OSError as error:
            _fail(f"{summary_path}: cannot write the job summary: {error.strerror or error}")
    if not comment:
        return
    number = _pull_request_number(event_path)
    if number is None:
        click.echo(workflow_command("notice", "carbon-card: not a pull request event, so no comment; the report is "
                                              "in the job summary"))
        return
    if not repository or not _REPOSITORY.fullmatch(repository):
        _fail(f"--repository: {repository or 'missing'}: give OWNER/NAME (or set $GITHUB_REPOSITORY)")
    token = os.environ.get(token_env, "").strip()  # a secret is often pasted with its newline
    if not token:
        click.echo(workflow_command("warning", f"carbon-card: no token in ${token_env}, so no pull request comment"))
        return
    if not _TOKEN.fullmatch(token):  # requests would refuse it with the token in its message
        click.echo(workflow_command("error", f"carbon-card: ${token_env} is not a token (it holds a space, a control "
                                             "or a non-ASCII character, or is over 4,096 long): no pull request "
                                             "comment"))
        sys.exit(EXIT_API_ERROR)
    client = GitHubClient(api_url, token, Retry(max_wait=max_wait), limits=Limits(seconds=max_time))
    body = render_markdown(records, base, marker_id=marker_id, limit=COMMENT_LIMIT)
    try:
        action, address = upsert_comment(client, repository, number, body, marker_id)
    except PermissionDenied as error:
        click.echo(workflow_command("warning", f"carbon-card: cannot comment on pull request #{number} ({error}). "
                                               "A pull request from a fork gets a read-only token; the report is in "
                                               "the job summary."))
        return
    except GitHubAPIError as error:
        click.echo(workflow_command("error", f"carbon-card: the pull request comment failed: {error}"))
        sys.exit(EXIT_API_ERROR)
    # The address is the server's: escaped, a line break in it cannot start a workflow command;
    # redacted, it cannot echo the token.
    address = _escape_data(client.redact(address[:300]))
    click.echo(f"carbon-card: {action} the comment on pull request #{number} {address}".rstrip())


def _annotations(records: Iterable[dict[str, Any]]) -> Iterator[str]:
    for record in records:
        error = record.get("error")
        if error:
            yield workflow_command("error", str(error.get("message")), file=_repo_path(record["path"]),
                                   line=error.get("line"), title="carbon-card: unreadable card")
        for f in record["findings"]:
            yield _annotation(record["path"], f["severity"], f["code"], str(f.get("rule") or ""), f["message"],
                              f["line"], f["column"])


def _pull_request_number(event_path: str | None) -> int | None:
    if not event_path:
        return None
    try:
        event = _load_json(event_path)
    except ReportError as error:
        _fail(str(error))
    pull_request = event.get("pull_request") if isinstance(event, dict) else None
    number = pull_request.get("number") if isinstance(pull_request, dict) else None
    return number if type(number) is int and number > 0 else None


def _fail(message: str) -> None:
    click.echo(f"carbon-card: {_escape_data(message)}", err=True)  # one line: the runner reads stderr for commands too
    sys.exit(EXIT_INPUT_ERROR)
