"""The GitHub integration: annotations, the Markdown report and the sticky comment.

The comment tests run the real `requests` client against `github_api.FakeGitHub`, a local
HTTP server standing in for the REST API, with its faults (429/403 with Retry-After, 500,
a fork's read-only token).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import run_cli
from github_api import FakeGitHub

from carbon_card.assessment import Finding, assess
from carbon_card.card import read_card
from carbon_card.cli import cli
from carbon_card.github import (
    COMMENT_LIMIT,
    GitHubAPIError,
    GitHubClient,
    PermissionDenied,
    Retry,
    annotation,
    marker,
    render_markdown,
    upsert_comment,
    workflow_command,
)
from carbon_card.rules import RULES

ROOT = Path(__file__).resolve().parents[1]
BAD_CARD = ROOT / "examples" / "bad" / "README.md"
GOOD_CARD = ROOT / "examples" / "good" / "README.md"
PROSE_CARD = ROOT / "tests" / "corpus" / "cards-real" / "meta-llama__llama3_2-MODEL_CARD.md"
TOKEN = "ghs_S3CRETtokenValue42"
REPO = "acme/models"


def _unescape(value: str, prop: bool = False) -> str:
    """What the Actions runner does to a command's data or property value."""
    if prop:
        value = value.replace("%3A", ":").replace("%2C", ",")
    return value.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def _parse_command(line: str) -> tuple[str, dict[str, str], str]:
    match = re.fullmatch(r"::(\w+)(?: ([^:]*))?::(.*)", line)
    assert match, line
    props = dict(item.split("=", 1) for item in match.group(2).split(",")) if match.group(2) else {}
    return match.group(1), {k: _unescape(v, prop=True) for k, v in props.items()}, _unescape(match.group(3))


def _report(*paths: Path) -> list[dict]:
    """The JSON report of the real `carbon-card check --format json --diff`."""
    result = run_cli("check", "--format", "json", "--diff", "--fail-on", "never", *paths)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def report() -> list[dict]:
    return _report(GOOD_CARD.relative_to(ROOT), BAD_CARD.relative_to(ROOT), PROSE_CARD.relative_to(ROOT))


@pytest.fixture
def api():
    with FakeGitHub(token=TOKEN, repository=REPO) as server:
        yield server


def _write(tmp_path: Path, name: str, data) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _event(tmp_path: Path, number: int | None = 7) -> Path:
    event = {"action": "synchronize", "pull_request": {"number": number}} if number else {"ref": "refs/heads/main"}
    return _write(tmp_path, "event.json", event)


def _run(args: list[str], token: str | None = TOKEN):
    env = {"GITHUB_TOKEN": token, "GITHUB_STEP_SUMMARY": None, "GITHUB_EVENT_PATH": None,
           "GITHUB_REPOSITORY": None, "GITHUB_API_URL": None}
    return CliRunner().invoke(cli, ["github-comment", *args], env=env)


def _comment_args(api: FakeGitHub, tmp_path: Path, report_path: Path, *extra: str) -> list[str]:
    return ["--report", str(report_path), "--event", str(_event(tmp_path)), "--repository", REPO,
            "--api-url", api.url, "--no-annotations", "--max-wait", "5", *extra]


# Annotations ---------------------------------------------------------------------------------

def test_annotation_escapes_data_and_properties():
    finding = Finding(RULES["CC104"], "50% of it,\r\nnext: line", 6, 14)
    line = annotation("models/a:b,c/README.md", finding)
    assert line == ("::error file=models/a%3Ab%2Cc/README.md,line=6,col=14,title=CC104 emissions-string"
                    "::50%25 of it,%0D%0Anext: line")
    command, props, message = _parse_command(line)
    assert (command, props["file"], message) == ("error", "models/a:b,c/README.md", "50% of it,\r\nnext: line")


def test_annotation_level_follows_severity():
    levels = {_parse_command(annotation("x.md", Finding(RULES[code], "m", 1, 1)))[0] for code in ("CC104", "CC201",
                                                                                                   "CC405")}
    assert levels == {"error", "warning", "notice"}


def test_one_annotation_per_finding_of_a_real_card():
    assessment = assess(read_card(str(BAD_CARD.relative_to(ROOT))))
    lines = [annotation(assessment.card.path, f) for f in assessment.findings]
    parsed = [_parse_command(line) for line in lines]
    assert len(parsed) == len(assessment.findings) > 3
    assert all("\n" not in line for line in lines)
    for (command, props, message), finding in zip(parsed, assessment.findings):
        assert props["line"] == str(finding.line) and props["col"] == str(finding.column)
        assert props["title"] == f"{finding.code} {finding.rule.name}" and message == finding.message


def test_workflow_command_drops_missing_properties():
    assert workflow_command("warning", "a\nb", file="x", line=None) == "::warning file=x::a%0Ab"


# The Markdown report -------------------------------------------------------------------------

def test_markdown_shows_each_card_with_tier_class_findings_estimate_and_diff(report):
    body = render_markdown(report)
    assert body.startswith(marker() + "\n")
    bad = next(r for r in report if r["path"].endswith("bad/README.md"))
    assert "<code>examples/bad/README.md</code>" in body
    assert bad["disclosure_tier"] in body and bad["reporting_class"] in body
    assert "2 errors" in body and "CC104" in body
    assert "500 g (90%:" in body  # the estimate in human units with its interval
    assert "1.81 kg" in body  # the good card's 1812 g
    assert "<details><summary>Proposed fix" in body and "+  emissions: 500" in body
    assert "</details>" in body


def test_markdown_with_nothing_to_report_is_brief():
    body = render_markdown([])
    assert "No model cards to check." in body and len(body) < 200
    clean = render_markdown([{"path": "a/README.md", "error": None, "findings": [], "disclosure_tier": "T1 (complete)",
                              "reporting_class": "Energy Awareness", "estimate": None}])
    assert "All checks passed (1 card)" in clean and "####" not in clean


def test_markdown_before_and_after(report):
    base = json.loads(json.dumps(report))
    bad_base = next(r for r in base if r["path"].endswith("bad/README.md"))
    bad_base.update(disclosure_tier="T4", reporting_class="Unknown Energy Efficiency", findings=[])
    base = [r for r in base if not r["path"].endswith("MODEL_CARD.md")]  # the prose card is new
    body = render_markdown(report, base)
    section = body.split("examples/bad/README.md</code>\n", 2)[-1].split("####")[0]
    assert "**Before → after:** disclosure T4 → **T1 (missing:" in section
    assert "reporting class Unknown Energy Efficiency → **Basic Energy Reporting**" in section
    assert "findings none → **2 errors, 8 warnings**" in section
    assert "new in this pull request" in body
    good_section = body.split("examples/good/README.md</code>")
    assert len(good_section) == 2  # only its overview row: unchanged and clean, it needs no details
    assert "changes the disclosure of 2 cards" in body


def test_text_from_cards_cannot_inject_mentions_html_or_the_marker():
    hostile = "@octocat <img src=x onerror=alert(1)> <!-- carbon-card:sticky --> | `@team/all` #12 [x](http://e)"
    record = {
        "path": "@admins/<b>x</b>/README.md", "error": None,
        "disclosure_tier": "T1 <script>", "reporting_class": "@ghost",
        "findings": [{"code": "CC108", "rule": "unknown-key", "severity": "warning", "message": hostile,
                      "line": 3, "column": 1}],
        "estimate": {"tier": "T1", "method": hostile, "emissions_g": None},
        "diff": "+x: 1\n+y: ```\n+z: <!-- carbon-card:sticky --> @octocat\n",
    }
    body = render_markdown([record])
    outside_code = re.sub(r"````diff\n.*?\n````", "", body, flags=re.DOTALL)
    assert re.search(r"@\w", outside_code) is None  # every @ is followed by a zero-width joiner
    assert re.search(r"#\d", outside_code) is None
    for raw in ("<img", "<b>", "<script"):
        assert raw not in body
    assert re.search(r"(?<!\\)\]\(", body) is None  # no link
    assert body.count("<!--") == 1 and body.startswith(marker())  # the card's marker is text, not a comment
    assert "````diff\n" in body  # the fence outgrows the diff's own backticks
    row = next(line for line in body.splitlines() if line.startswith("| warning"))
    assert len(re.findall(r"(?<!\\)\|", row)) == 5  # the card's pipe cannot add a column


def test_markdown_is_cut_under_the_comment_limit():
    records = [{
        "path": f"models/m{i}/README.md", "error": None,
        "disclosure_tier": "T4", "reporting_class": "Context Reporting",
        "findings": [{"code": "CC302", "rule": "no-disclosure", "severity": "warning", "message": "x" * 300,
                      "line": 1, "column": 1}] * 5,
        "estimate": None, "diff": "+" + "y" * 3000 + "\n",
    } for i in range(60)]
    body = render_markdown(records)
    assert len(body) <= COMMENT_LIMIT
    assert "Cut to stay under 65,536 characters" in body and "left out" in body
    assert body.count("<details>") < 60
    wide = render_markdown(records * 40)  # more cards than the overview table can list
    assert len(wide) <= COMMENT_LIMIT and "more cards not listed" in wide
    small = render_markdown(records[:2])
    assert "Cut to stay" not in small and small.count("<details>") == 2


def test_marker_id_and_its_validation():
    assert marker("docs") == "<!-- carbon-card:sticky:docs -->"
    with pytest.raises(ValueError):
        marker("x --> <b>")


# The sticky comment --------------------------------------------------------------------------

def test_create_then_update_in_place(api, tmp_path, report):
    api.add_comment(7, "Looks good to me")
    path = _write(tmp_path, "report.json", report)
    first = _run(_comment_args(api, tmp_path, path))
    assert first.exit_code == 0, first.output
    assert "created the comment on pull request #7" in first.output
    second = _run(_comment_args(api, tmp_path, _write(tmp_path, "report2.json", report[:1])))
    assert second.exit_code == 0 and "updated the comment" in second.output
    comments = api.comments[7]
    assert len(comments) == 2 and comments[0]["body"] == "Looks good to me"
    ours = comments[1]
    assert ours["body"].startswith(marker()) and "examples/bad" not in ours["body"]  # the second report's text
    assert (api.count("POST"), api.count("PATCH")) == (1, 1)


def test_marker_found_on_page_three(api):
    for i in range(250):
        api.add_comment(7, f"chatter {i}")
    ours = api.comments[7][230]
    ours["body"] = marker() + "\nold report"
    client = GitHubClient(api.url, TOKEN, Retry(sleep=lambda s: None))
    action, address = upsert_comment(client, REPO, 7, marker() + "\nnew report")
    assert action == "updated" and address.endswith(f"#issuecomment-{ours['id']}")
    assert ours["body"] == marker() + "\nnew report" and len(api.comments[7]) == 250
    pages = [query.get("page", "1") for method, _, query in api.requests if method == "GET"]
    assert pages == ["1", "2", "3"]
    assert all(query["per_page"] == "100" for method, _, query in api.requests if method == "GET")


def test_two_marker_ids_keep_two_comments(api, tmp_path, report):
    path = _write(tmp_path, "report.json", report)
    for marker_id in ("models", "docs", "models"):
        assert _run(_comment_args(api, tmp_path, path, "--marker-id", marker_id)).exit_code == 0
    assert len(api.comments[7]) == 2 and (api.count("POST"), api.count("PATCH")) == (2, 1)


def test_rate_limits_and_server_errors_are_retried_within_the_bound(api):
    slept: list[float] = []
    client = GitHubClient(api.url, TOKEN, Retry(sleep=slept.append, backoff=0.5))
    api.fail(429, retry_after="2")
    api.fail(403, ratelimit_reset=0, message="API rate limit exceeded")
    api.fail(500)
    action, _ = upsert_comment(client, REPO, 7, marker() + "\nreport")
    assert action == "created"
    assert slept == [2.0, 0.0, 2.0]  # Retry-After, then the reset time (past), then backoff 0.5 x 2^2
    assert api.count("GET") == 4 and len(api.comments[7]) == 1


def test_retries_give_up_after_the_attempts(api):
    slept: list[float] = []
    client = GitHubClient(api.url, TOKEN, Retry(attempts=3, sleep=slept.append, backoff=0.1))
    api.fail(502, times=10)
    with pytest.raises(GitHubAPIError, match=r"HTTP 502 .*gave up after 3 attempts"):
        upsert_comment(client, REPO, 7, "body")
    assert api.count("GET") == 3 and slept == [0.1, 0.2]


def test_a_server_that_does_not_answer_is_retried_then_reported():
    slept: list[float] = []
    client = GitHubClient("http://127.0.0.1:9", TOKEN, Retry(attempts=2, sleep=slept.append), timeout=5)
    with pytest.raises(GitHubAPIError, match=r"GET /repos/acme/models/issues/7/comments: ConnectionError: .*"
                                             r"gave up after 2 attempts"):
        upsert_comment(client, REPO, 7, "body")
    assert slept == [1.0]


def test_a_wait_beyond_the_cap_fails_at_once(api):
    slept: list[float] = []
    client = GitHubClient(api.url, TOKEN, Retry(max_wait=30, sleep=slept.append))
    api.fail(429, retry_after="3600")
    with pytest.raises(GitHubAPIError, match="would exceed 30 s"):
        upsert_comment(client, REPO, 7, "body")
    assert slept == [] and api.count("GET") == 1


def test_a_read_only_token_gives_a_warning_and_exit_zero(api, tmp_path, report):
    api.read_only = True
    summary = tmp_path / "summary.md"
    result = _run(_comment_args(api, tmp_path, _write(tmp_path, "r.json", report), "--summary", str(summary)))
    assert result.exit_code == 0
    warning = next(line for line in result.output.splitlines() if line.startswith("::warning::"))
    assert "Resource not accessible by integration" in warning and "fork" in warning
    assert api.comments == {} and "examples/bad/README.md" in summary.read_text(encoding="utf-8")
    client = GitHubClient(api.url, TOKEN, Retry(sleep=lambda s: None))
    with pytest.raises(PermissionDenied):
        upsert_comment(client, REPO, 7, "body")


def test_the_token_never_appears_in_output_or_errors(api, tmp_path, report):
    api.fail(500, times=5, message="upstream said {authorization}", retry_after="0")  # every attempt
    result = _run(_comment_args(api, tmp_path, _write(tmp_path, "r.json", report)))
    assert result.exit_code == 1
    assert "upstream said Bearer ***" in result.output and TOKEN not in result.output
    api.fail(403, message="denied for {authorization}")
    result = _run(_comment_args(api, tmp_path, _write(tmp_path, "r.json", report)))
    assert result.exit_code == 0 and "::warning::" in result.output and TOKEN not in result.output
    api.fail(502, times=20, message="{authorization}", retry_after="0")
    client = GitHubClient(api.url, TOKEN, Retry(attempts=2, sleep=lambda s: None))
    with pytest.raises(GitHubAPIError) as raised:
        upsert_comment(client, REPO, 7, "body")
    assert TOKEN not in str(raised.value) and TOKEN not in repr(raised.value.args)


def test_the_token_goes_only_to_the_api_host(api):
    client = GitHubClient(api.url, TOKEN, Retry(sleep=lambda s: None))
    with pytest.raises(GitHubAPIError, match="refusing to send the token"):
        client.request("GET", "http://127.0.0.2:9/repos/acme/models/issues/7/comments")


def test_summary_is_appended(api, tmp_path, report):
    summary = tmp_path / "summary.md"
    summary.write_text("# Earlier step\n", encoding="utf-8")
    result = _run(["--report", str(_write(tmp_path, "r.json", report)), "--summary", str(summary), "--no-comment"])
    assert result.exit_code == 0
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("# Earlier step\n### carbon-card")
    assert marker() not in text and "examples/good/README.md" in text
    assert result.output.count("::error file=examples/bad/README.md") == 2  # the annotations, on by default


def test_not_a_pull_request_skips_the_comment_with_a_notice(api, tmp_path, report):
    args = _comment_args(api, tmp_path, _write(tmp_path, "r.json", report))
    args[args.index("--event") + 1] = str(_event(tmp_path, number=None))
    result = _run(args)
    assert result.exit_code == 0 and "::notice::carbon-card: not a pull request event" in result.output
    assert api.requests == []


def test_no_token_warns_and_skips(api, tmp_path, report):
    result = _run(_comment_args(api, tmp_path, _write(tmp_path, "r.json", report)), token=None)
    assert result.exit_code == 0 and "::warning::carbon-card: no token in $GITHUB_TOKEN" in result.output
    assert api.requests == []


@pytest.mark.parametrize(("content", "expected"), [
    (None, "missing.json: cannot read: No such file or directory"),
    ("[{\"path\": 1", "bad.json:1: not valid JSON"),
    ('{"path": "x"}', "bad.json: not a report of `carbon-card check --format json`"),
    ('[{"path": "x", "findings": [{"code": "CC104"}]}]', "bad.json: card 1 is not a record"),
])
def test_bad_input_is_one_line_naming_the_file(tmp_path, content, expected):
    name = "missing.json" if content is None else "bad.json"
    if content is not None:
        (tmp_path / name).write_text(content, encoding="utf-8")
    result = run_cli("github-comment", "--report", str(tmp_path / name), "--no-comment", cwd=tmp_path)
    assert result.returncode == 2
    assert expected in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr + result.stdout


def test_bad_marker_id_is_a_usage_error(tmp_path, report):
    result = _run(["--report", str(_write(tmp_path, "r.json", report)), "--marker-id", "a b", "--no-comment"])
    assert result.exit_code == 2 and "marker id 'a b'" in result.output
