"""`github-comment` against hostile input: a broken token, card text that tries to link or
mention, a server that never stops paging, trickles or floods, malformed reports and answers.

Each test runs the real command (in a subprocess: its stdout and stderr apart, its memory
its own) or the real `requests` client against `github_api.FakeGitHub` on 127.0.0.1.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path
from urllib.parse import quote

import pytest
from conftest import fuzz_examples, run_cli
from github_api import FakeGitHub
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from carbon_card.github import (
    COMMENT_LIMIT,
    GitHubAPIError,
    GitHubClient,
    ReportError,
    Retry,
    load_report,
    render_markdown,
    upsert_comment,
)

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "ghp_S3cret/Token+Value=42"  # "/", "+" and "=" change when URL-encoded
REPO = "acme/models"
RECORD = {"path": "m/README.md", "error": None, "disclosure_tier": "T1", "reporting_class": "Energy Awareness",
          "estimate": None, "findings": [{"code": "CC104", "rule": "emissions-string", "severity": "error",
                                          "message": "m", "line": 1, "column": 1}]}
# Runs the command and, on the way out, reports its peak resident memory (kB) on stderr.
# The command's own peak: VmHWM belongs to this process's memory, while ru_maxrss carries the peak
# of the test process it was forked from across exec.
PEAK = """
import runpy, sys
sys.argv = ["carbon-card", *sys.argv[1:]]
try:
    runpy.run_module("carbon_card", run_name="__main__")
finally:
    with open("/proc/self/status") as status:
        peak = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
    print("peak-kb", peak, file=sys.stderr)
"""


@pytest.fixture
def api():
    with FakeGitHub(token=TOKEN, repository=REPO) as server:
        yield server


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _command(api: FakeGitHub, tmp_path: Path, *extra: str, report: str | None = None, token: str = TOKEN,
             timeout: float = 60) -> tuple[subprocess.CompletedProcess, int]:
    """`carbon-card github-comment` on pull request #7: its result and its peak memory in MB."""
    report_path = _write(tmp_path, "report.json", json.dumps([RECORD]) if report is None else report)
    event = _write(tmp_path, "event.json", json.dumps({"pull_request": {"number": 7}}))
    env = {"GITHUB_TOKEN": token, "PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}
    args = ["github-comment", "--report", str(report_path), "--event", str(event), "--repository", REPO,
            "--api-url", api.url, "--no-annotations", "--max-wait", "5", *extra]
    result = subprocess.run([sys.executable, "-c", PEAK, *args], capture_output=True, text=True, env=env,
                            cwd=tmp_path, timeout=timeout, check=False)
    peak = re.search(r"^peak-kb (\d+)\n", result.stderr, flags=re.MULTILINE)
    result.stderr = result.stderr.replace(peak.group(0), "") if peak else result.stderr
    return result, int(peak.group(1)) // 1024 if peak else 0


def _forms(secret: str) -> set[str]:
    """Every 8-character piece of the secret as is, escaped as repr() escapes it, and URL-encoded."""
    forms = {secret, repr(secret)[1:-1], quote(secret, safe=""), secret.strip()}
    return {form[i:i + 8] for form in forms for i in range(max(1, len(form) - 7))}


def _leaks(secret: str, *texts: str) -> list[str]:
    return sorted({piece for piece in _forms(secret) for text in texts if piece in text})


def _one_error_line(result: subprocess.CompletedProcess, pattern: str) -> None:
    """The command ended with one error line, the documented exit code and no traceback."""
    assert "Traceback" not in result.stdout + result.stderr
    errors = [line for line in (result.stdout + result.stderr).splitlines() if "carbon-card:" in line]
    assert len(errors) == 1 and re.search(pattern, errors[0]), result.stdout + result.stderr


# 8. The token ---------------------------------------------------------------------------------

def test_a_token_ending_in_a_newline_is_stripped_and_never_printed(api, tmp_path):
    result, _ = _command(api, tmp_path, token=TOKEN + "\n")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "created the comment on pull request #7" in result.stdout
    assert _leaks(TOKEN + "\n", result.stdout, result.stderr) == []


def test_a_token_with_control_characters_is_refused_and_never_printed(api, tmp_path):
    token = TOKEN[:12] + "\r\n" + TOKEN[12:]
    result, _ = _command(api, tmp_path, token=token)
    assert result.returncode == 1 and api.requests == []
    _one_error_line(result, r"^::error::carbon-card: \$GITHUB_TOKEN is not a token \(it holds .*control")
    assert _leaks(token, result.stdout, result.stderr) == []


@pytest.mark.parametrize("echo", [
    "{authorization}",
    "{authorization_quoted}",
    pytest.param("x" * 170 + "{authorization}", id="cut"),  # cut at 200 characters: 9 of the token's are left
])
def test_every_form_of_the_token_is_redacted(api, tmp_path, echo):
    api.fail(500, times=5, retry_after="0", message=f"upstream said {echo}")
    result, _ = _command(api, tmp_path)
    assert result.returncode == 1 and "upstream said" in result.stdout
    assert _leaks(TOKEN, result.stdout, result.stderr) == []
    client = GitHubClient(api.url, TOKEN + "\n", Retry(attempts=1))  # requests refuses the header: repr-escaped
    with pytest.raises(GitHubAPIError) as raised:
        upsert_comment(client, REPO, 7, "body")
    assert "InvalidHeader" in str(raised.value) and _leaks(TOKEN + "\n", str(raised.value)) == []


def test_redaction_hides_each_form_and_piece_and_nothing_else():
    from carbon_card.github import _redact

    secret = "ghp_a/b+c=d\n0123456789"
    for form in (secret, repr(secret)[1:-1], quote(secret, safe=""), secret[3:11], quote(secret, safe="")[-9:]):
        assert _redact(f"[{form}]", secret) == "[***]"
    assert _redact("Bearer ghp_a/b+c=d\\n01234 and ghp_a/b+", secret) == "Bearer *** and ***"
    assert _redact("nothing: ghp_a/b", secret) == "nothing: ghp_a/b"  # 7 characters: too short to tell
    assert _redact("text", "") == "text"


# 9. Links and code spans ---------------------------------------------------------------------

def _outside_fences(body: str) -> str:
    return re.sub(r"(`{3,})diff\n.*?\n\1\n", "", body, flags=re.DOTALL)


def test_card_text_adds_no_links_nor_references():
    hostile = ("see https://evil.example/x, HTTP://EVIL.example, ftp://f.example, www.evil.example, "
               "WWW.Evil.example, GH-123, gh-9, #123, owner/repo#123, owner/repo@abc, @octocat, a@b.example")
    record = {**RECORD, "path": "https://evil.example/README.md", "reporting_class": hostile,
              "findings": [{**RECORD["findings"][0], "message": f"{hostile} `{hostile}`"}],
              "estimate": {"tier": hostile, "method": hostile}}
    body = _outside_fences(render_markdown([record], [{**record, "reporting_class": "x"}]))
    assert body.count("evil.example") >= 6
    assert re.search(r"://|www\.", body, flags=re.IGNORECASE) is None
    assert re.search(r"GH-\d|#\d|@\w", body, flags=re.IGNORECASE) is None


def test_a_backtick_in_a_key_keeps_the_code_spans(tmp_path):
    card = tmp_path / "README.md"
    card.write_text("---\nco2_eq_emissions:\n  emissions: 500\n  geo`loc: x\n---\n# Model\n", encoding="utf-8")
    check = run_cli("check", "--format", "json", "--fail-on", "never", str(card))
    check.check_returncode()
    report = json.loads(check.stdout)
    body = render_markdown(report)
    row = next(line for line in body.splitlines() if "CC108" in line)
    message = row.split(" | ")[-1]
    assert message == r"unknown key <code>geo\`loc</code> in <code>co2\_eq\_emissions</code> |"
    for text in ("`a`b` in `c`", "`x` is the string '`y`'", "a` b` `c`", "` ` ``"):
        rendered = render_markdown([{**RECORD, "findings": [{**RECORD["findings"][0], "message": text}]}])
        cell = next(line for line in rendered.splitlines() if line.startswith("| error")).split(" | ")[-1]
        assert cell.count("<code>") == cell.count("</code>")
        assert re.search(r"(?<!\\)`", cell) is None  # every backtick shown is an escaped, literal one


# 10. Bounds: pages, time, bytes --------------------------------------------------------------

@pytest.mark.slow  # 100 pages over HTTP: 5 s
def test_an_endless_link_chain_stops_at_the_page_limit(api, tmp_path):
    api.endless_pages = True
    result, _ = _command(api, tmp_path)
    assert result.returncode == 1
    _one_error_line(result, r"^::error::carbon-card: .*more than 100 pages of comments")
    assert api.count("GET") == 100 and api.count("POST") == 0


@pytest.mark.slow  # waits out its deadline
@pytest.mark.parametrize("where", ["body", "head"])
def test_a_trickling_server_ends_at_the_deadline(api, tmp_path, where):
    if where == "body":  # a byte every 0.1 s keeps each read well under the 30 s socket timeout
        api.answer(200, b"[" + b" " * 10000 + b"]", method="GET", trickle=0.1)
    else:  # a status line, then headers without end
        api.answer(method="GET", trickle_head=0.05)
    result, _ = _command(api, tmp_path, "--max-time", "2", timeout=20)
    assert result.returncode == 1
    _one_error_line(result, r"^::error::carbon-card: .*GET /repos/acme/models/issues/7/comments: "
                            r"no answer within the deadline \(2 s in all\)")


def test_a_wait_past_the_deadline_gives_up_at_once(api):
    from carbon_card.github import Limits

    slept: list[float] = []
    client = GitHubClient(api.url, TOKEN, Retry(max_wait=600, sleep=slept.append), limits=Limits(seconds=30))
    api.fail(429, retry_after="60")
    with pytest.raises(GitHubAPIError, match=r"waiting 60 s more would pass the deadline \(30 s in all\)"):
        upsert_comment(client, REPO, 7, "body")
    assert slept == [] and api.count("GET") == 1


def _huge(size: int) -> tuple:
    """A page of comments `size` bytes long, made as it is sent (1 MB at a time)."""
    head, tail = b'[{"id": 1, "body": "', b'"}]'

    def chunks():
        yield head
        for start in range(0, size, 1 << 20):
            yield b"x" * min(1 << 20, size - start)
        yield tail
    return chunks, len(head) + size + len(tail)


def _gzip_bomb(size: int) -> bytes:
    """`size` zero bytes, gzip-compressed (about 1,000 times smaller)."""
    pack = zlib.compressobj(9, zlib.DEFLATED, 31)
    return b"".join([*(pack.compress(bytes(1 << 20)) for _ in range(size >> 20)), pack.flush()])


@pytest.mark.slow  # a process per flood, hundreds of MB offered
@pytest.mark.parametrize("kind", ["huge", "gzip", "redirect"])
def test_a_flood_is_cut_with_memory_bounded(api, tmp_path, kind):
    if kind == "gzip":
        api.answer(200, _gzip_bomb(512 << 20), method="GET", headers={"Content-Encoding": "gzip"})
    else:
        chunks, length = _huge(400 << 20)
        api.answer(302 if kind == "redirect" else 200, chunks, length=length, method="GET",
                   headers={"Location": "/repos/acme/models/issues/7/comments?page=2"} if kind == "redirect" else {})
    result, peak_mb = _command(api, tmp_path)
    assert result.returncode == 1
    _one_error_line(result, r"^::error::carbon-card: .*GET /repos/acme/models/issues/7/comments: "
                            r"an answer over 33,554,432 bytes")
    assert 0 < peak_mb < 200  # about 40 MB start up, 32 MiB of answer at most: not the 400 MB sent
    assert api.count("POST") == 0


def test_a_huge_answer_within_the_client(api):
    from carbon_card.github import Limits

    chunks, length = _huge(5 << 20)
    api.answer(200, chunks, length=length, method="GET")
    client = GitHubClient(api.url, TOKEN, Retry(sleep=lambda s: None), limits=Limits(answer_bytes=1 << 20))
    with pytest.raises(GitHubAPIError, match=r"an answer over 1,048,576 bytes"):
        upsert_comment(client, REPO, 7, "body")
    assert api.count("GET") == 1  # not retried


def test_a_redirect_is_not_followed(api):
    api.answer(302, b"{}", method="GET", headers={"Location": f"{api.url}/repos/acme/models/issues/8/comments"})
    client = GitHubClient(api.url, TOKEN, Retry(sleep=lambda s: None))
    with pytest.raises(GitHubAPIError, match=r"GET /repos/acme/models/issues/7/comments: HTTP 302"):
        upsert_comment(client, REPO, 7, "body")
    assert [path for _, path, _ in api.requests] == ["/repos/acme/models/issues/7/comments"]


# 11. Malformed reports and answers -----------------------------------------------------------

DEEP = "[" * 100000 + "]" * 100000


@pytest.mark.parametrize(("report", "expected"), [
    (DEEP, "nested too deeply"),
    (json.dumps([{**RECORD, "estimate": "none"}]), "card 1 is not a record"),
    (json.dumps([{**RECORD, "estimate": [1]}]), "card 1 is not a record"),
    (json.dumps([{**RECORD, "error": "boom"}]), "card 1 is not a record"),
    (json.dumps([{**RECORD, "diff": 12}]), "card 1 is not a record"),
    (json.dumps([{**RECORD, "findings": [None]}]), "card 1 is not a record"),
    ("[" + "1" * 5000 + "]", "a number with too many digits"),
], ids=["nested-10^5-deep", "estimate-a-string", "estimate-a-list", "error-a-string", "diff-a-number",
        "finding-null", "5000-digits"])
def test_a_malformed_report_is_one_line_and_exit_2(api, tmp_path, report, expected):
    result, _ = _command(api, tmp_path, report=report)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("carbon-card: ") and expected in result.stderr
    assert len(result.stderr.splitlines()) == 1 and api.requests == []


def test_odd_figures_render_as_no_estimate(api, tmp_path):
    estimate = '{"tier": "T1", "emissions_g": {"central": 1%s, "low": NaN, "high": Infinity}}' % ("0" * 400)
    report = json.dumps([RECORD]).replace('"estimate": null', f'"estimate": {estimate}')
    result, _ = _command(api, tmp_path, report=report)
    assert result.returncode == 0, result.stderr
    body = api.comments[7][0]["body"]
    assert "| 1 error | none |" in body and "inf t" not in body


def test_an_event_nested_too_deeply_is_exit_2(api, tmp_path):
    args = ["github-comment", "--report", str(_write(tmp_path, "r.json", json.dumps([RECORD]))), "--event",
            str(_write(tmp_path, "e.json", DEEP))]
    result = subprocess.run([sys.executable, "-m", "carbon_card", *args], capture_output=True, text=True,
                            cwd=ROOT, check=False)
    assert result.returncode == 2 and "e.json: not usable JSON (nested too deeply)" in result.stderr
    assert len(result.stderr.splitlines()) == 1


@pytest.mark.parametrize(("method", "status", "body", "headers", "expected"), [
    pytest.param("GET", 200, DEEP.encode(), {}, r"GET /repos/acme/models/issues/7/comments: expected a list of "
                 r"comments", id="nested-10^5-deep"),
    pytest.param("POST", 201, b"[1, 2]", {}, r"POST /repos/acme/models/issues/7/comments: HTTP 201 with an answer "
                 r"that is not a JSON object", id="a-list"),
])
def test_a_malformed_answer_is_one_line_and_exit_1(api, tmp_path, method, status, body, headers, expected):
    api.answer(status, body, method=method, headers=headers, times=5)
    result, _ = _command(api, tmp_path, "--max-wait", "60")
    assert result.returncode == 1
    _one_error_line(result, rf"^::error::carbon-card: the pull request comment failed: .*{expected}")


@pytest.mark.parametrize("headers", [{"Retry-After": "\u00b2"},  # "²": a digit to str.isdigit(), not to float()
                                     {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "\u00b2"}])
def test_odd_rate_limit_headers_mean_the_usual_backoff(api, headers):
    api.answer(429, b"{}", method="GET", headers=headers)
    slept: list[float] = []
    client = GitHubClient(api.url, TOKEN, Retry(sleep=slept.append))
    assert upsert_comment(client, REPO, 7, "body")[0] == "created" and slept == [1.0]


# 12. Workflow commands -----------------------------------------------------------------------

def test_a_server_address_cannot_inject_workflow_commands(api, tmp_path):
    address = "https://github.com/x\n::set-output name=pwned::1\r\n::error::pwned"
    api.answer(201, json.dumps({"html_url": address}).encode(), method="POST")
    result, _ = _command(api, tmp_path)
    assert result.returncode == 0
    assert result.stdout.splitlines() == [("carbon-card: created the comment on pull request #7 "
                                            "https://github.com/x%0A::set-output name=pwned::1%0D%0A::error::pwned")]


def test_a_repository_cannot_inject_workflow_commands(api, tmp_path):
    result, _ = _command(api, tmp_path, "--repository", "a/b\n::error::pwned")
    assert result.returncode == 2 and len(result.stderr.splitlines()) == 1
    assert not any(line.lstrip().startswith("::") for line in (result.stdout + result.stderr).splitlines())


# The renderer, fuzzed ------------------------------------------------------------------------

HOSTILE = st.sampled_from([
    "`", "``", "```", "@octocat", "@org/team", "#12", "GH-12", "o/r#3", "https://e.example/x", "www.e.example",
    "HTTP://E.EXAMPLE", "\n::set-output name=x::1\n", "::error::x", "\r::warning::", "\u2028::notice::",
    "<!-- carbon-card:sticky -->", "<b>", "|", "\\", "*_~[]()", "\u200d", "%0A", " ", "\t",
])
TEXT = st.lists(st.one_of(HOSTILE, st.text(max_size=20)), max_size=12).map("".join)
HUGE = st.integers(0, 80000).map(lambda n: "@x://`" * (n // 6))
NUMBER = st.one_of(st.floats(), st.integers(-(10**400), 10**400), TEXT)  # NaN, Infinity, 10^400 g...
WRONG = st.one_of(TEXT, st.integers(), st.lists(st.integers(), max_size=2))  # what a malformed report holds
FINDING = st.fixed_dictionaries({
    "code": TEXT, "rule": st.one_of(st.none(), TEXT), "severity": st.sampled_from(["error", "warning", "info"]),
    "message": st.one_of(TEXT, HUGE), "line": st.integers(0, 10**6), "column": st.integers(0, 10**6)})
CARD = st.fixed_dictionaries({
    "path": st.one_of(TEXT, HUGE), "findings": st.lists(FINDING, max_size=4),
    "error": st.one_of(st.none(), WRONG, st.fixed_dictionaries({"message": TEXT, "line": st.one_of(st.none(), TEXT)})),
    "disclosure_tier": st.one_of(st.none(), TEXT), "reporting_class": TEXT,
    "estimate": st.one_of(st.none(), WRONG, st.fixed_dictionaries({
        "tier": TEXT, "method": st.one_of(TEXT, HUGE),
        "emissions_g": st.dictionaries(st.sampled_from(["central", "low", "high"]), NUMBER)})),
    "diff": st.one_of(st.none(), TEXT, HUGE, st.integers())})


def _as_read(records: list) -> list | None:
    """The records as github-comment reads them from a report file; None when it refuses them."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.json"
        path.write_text(json.dumps(records), encoding="utf-8")
        try:
            return load_report(str(path))
        except ReportError:
            return None


@settings(max_examples=fuzz_examples(50, 20), deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(records=st.lists(CARD, max_size=4), base=st.one_of(st.none(), st.lists(CARD, max_size=2)))
def test_hostile_records_render_inert_and_under_the_cap(records, base):
    records, base = _as_read(records), None if base is None else _as_read(base)
    if records is None:
        return
    body = render_markdown(records, base)
    assert len(body) <= COMMENT_LIMIT
    outside = _outside_fences(body)  # in a fenced block GitHub neither links nor mentions
    assert re.search(r"@\w", outside) is None  # no mention
    assert re.search(r"://|www\.", outside, flags=re.IGNORECASE) is None  # no bare URL, not even in <code>
    assert not any(line.lstrip().startswith("::") for line in body.splitlines())
