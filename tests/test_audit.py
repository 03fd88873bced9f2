"""`carbon-card audit` against a local Hub: the real huggingface_hub client over real HTTP.

The server (`hub_server.py`) serves synthetic repositories built from the corpus's real
cards; faults are injected on the wire. Each audit record is compared with what the `check`
pipeline says about the same files on disk.
"""

import csv
import io
import json
import math
import random
import socket
import statistics
import sys
from datetime import datetime

import pytest
from click.testing import CliRunner
from conftest import ROOT
from hub_server import (
    Commit,
    HubServer,
    castano_repos,
    hub_fields,
    make_repo,
    real_repos,
    safetensors_info,
    special_repos,
    synthetic_hub,
    write_repo,
)

from carbon_card.assessment import assess
from carbon_card.audit import CSV_COLUMNS, PR_TITLE, AuditSummary
from carbon_card.card import parse_card, read_card
from carbon_card.cli import cli
from carbon_card.estimate import estimate
from carbon_card.facts import Listing, gather
from carbon_card.report import card_json, estimate_json

# Fields the audit adds to `check`'s record.
AUDIT_ONLY = {"repo_id", "sha", "downloads", "has_card", "hub", "lineage", "pull_request"}


@pytest.fixture
def local_hub(monkeypatch, tmp_path):
    """Start a local Hub over some repositories and point huggingface_hub at it."""
    servers = []

    def start(repos, **options) -> HubServer:
        hub = HubServer(repos, **options).start()
        servers.append(hub)
        monkeypatch.setenv("HF_ENDPOINT", hub.url)
        monkeypatch.setenv("HF_TOKEN", "hf_test")  # a token of the test's own, never a saved login
        monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))
        from huggingface_hub import constants

        # huggingface_hub caches a registry of its own here (under HF_HOME as it was at import),
        # fetched from the Hub once a day: as it was today, so that it is not an API call of the audit.
        registry = tmp_path / "agent-harnesses.json"
        registry.write_text('{"standardEnvVars": [], "harnesses": {}}')
        monkeypatch.setattr(constants, "AGENT_HARNESSES_PATH", str(registry), raising=False)
        return hub

    yield start
    for hub in servers:
        hub.stop()


def audit(*args: str):
    result = CliRunner().invoke(cli, ["audit", *args])
    assert "Traceback" not in result.output + result.stderr, result.output + result.stderr
    assert isinstance(result.exception, SystemExit) or result.exception is None, result.exception
    return result


def jsonl(text: str) -> tuple[dict, dict]:
    """(records by repo id, summary) of JSON Lines output; every model must appear once."""
    lines = [json.loads(line) for line in text.splitlines() if line.strip()]
    assert "summary" in lines[-1] and all("summary" not in line for line in lines[:-1])
    records = lines[:-1]
    ids = [r["repo_id"] for r in records]
    assert len(ids) == len(set(ids)), "a model was written twice"
    return {r["repo_id"]: r for r in records}, lines[-1]["summary"]


def listing_of(repo, revision="main") -> Listing:
    """What the local Hub lists of a repository (its metadata, its weights' count) as facts' input."""
    files = repo.at(revision).files
    fields, counted = hub_fields(files), safetensors_info(files)

    def date(text):
        return datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None

    return Listing(repo.repo_id, repo.repo_id.split("/")[0], date(repo.created_at), date(repo.last_modified),
                   repo.downloads, repo.likes, fields.get("library_name"), fields.get("pipeline_tag"),
                   tuple(fields["tags"]), counted["total"] if counted else None, repo.at(revision).sha)


def check_locally(repo, root, revision="main") -> dict:
    """What the `check` pipeline says about the repository's files at a revision, on disk, with
    what the Hub lists of it (as `gather(listing=...)` takes it)."""
    folder = write_repo(repo, root / revision.replace("/", "-"), revision)
    path = folder / "README.md"
    display = f"{repo.repo_id}/README.md"
    card = read_card(path, display) if path.exists() else parse_card(b"", display)
    assessment = assess(card, gather(card, folder, repo.repo_id, listing=listing_of(repo, revision)))
    return {**card_json(assessment), "estimate": estimate_json(estimate(assessment.facts))}


def without_audit_fields(record: dict) -> dict:
    return {key: value for key, value in record.items() if key not in AUDIT_ONLY}


def counted_alike(record: dict) -> dict:
    """A record (or `check_locally`'s) with the parameter count's provenance left out: where a listed
    model takes the Hub's count (`safetensors.total`), `check` reads the same number in the headers."""
    record = without_audit_fields(record)
    counted = [f for f in record["facts"] if f["quantity"] == "params" and f["origin"] in ("file", "hub")]
    estimated = record["estimate"]
    assumptions = [{**a, "source": None} if a["name"] == "parameters" else a for a in estimated["assumptions"]]
    return {**record, "facts": [f for f in record["facts"] if f not in counted],
            "counted": sorted((f["value"], f["chosen"]) for f in counted),
            "estimate": {**estimated, "assumptions": assumptions}}


# --------------------------------------------------------------------------- the pipeline


def test_audit_of_the_synthetic_hub_reproduces_check_model_by_model(local_hub, tmp_path):
    repos = synthetic_hub(castano=18)
    hub = local_hub(repos)
    result = audit("--limit", "1000", "--format", "jsonl", "--jobs", "8")

    records, summary = jsonl(result.stdout)
    assert set(records) == {repo.repo_id for repo in repos}  # none dropped
    assert [r for r in records if records[r]["error"]] == ["broken/binary-card"]
    assert records["broken/binary-card"]["error"]["reason"] == "unreadable card"
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "carbon-card: broken/binary-card: README.md: binary file (NUL bytes); not a model card (line 4)"]

    compared = 0
    for repo in repos:
        record = records[repo.repo_id]
        if record["error"]:
            continue
        assert (record["sha"], record["downloads"]) == (repo.main.sha, repo.downloads)
        assert record["has_card"] == ("README.md" in repo.main.files)
        assert counted_alike(record) == counted_alike(check_locally(repo, tmp_path)), repo.repo_id
        compared += 1
    assert compared == len(repos) - 1  # the broken header too: the same words as check's

    # Every file asked for exists; the weights are read by ranges, never whole; pages were followed;
    # a listed model costs no API call of its own.
    resolves = [r for r in hub.requests if r.route == "resolve"]
    assert resolves and all(r.status in (200, 206) for r in resolves)
    weights = [r for r in resolves if r.file.endswith(".safetensors")]
    assert weights and all(r.method == "GET" and r.status == 206 for r in weights)
    assert not any(r.file == "pytorch_model.bin" for r in resolves)
    assert sum(r.route == "list" for r in hub.requests) == math.ceil(len(repos) / 50)
    assert not any(r.route == "info" for r in hub.requests)

    assert summary["audited"] == len(repos) - 1 and summary["failed"] == 1
    assert summary["failed_by_reason"] == {"unreadable card": 1}
    assert sum(t["models"] for t in summary["tiers"].values()) == summary["total"]["models"] == len(repos) - 1
    reporting = sum(r["disclosure_tier"].startswith("T1") for r in records.values() if not r["error"])
    assert summary["reporting_emissions"] == reporting
    assert summary["share_reporting_emissions"] == pytest.approx(reporting / (len(repos) - 1))


def test_the_check_command_says_the_same(local_hub, tmp_path):
    # One repository of each layout: plain, one safetensors file, shards with an index, a
    # Trainer run, a mixture of experts, CodeCarbon's emissions.csv, a real multi-model card.
    # A Hub that lists nothing beyond the files: the audit adds nothing to what check finds.
    repos = [*castano_repos(6), real_repos()[0]]
    local_hub(repos, metadata=False)
    records, _ = jsonl(audit(*(r.repo_id for r in repos), "--format", "jsonl").stdout)
    for repo in repos:
        folder = write_repo(repo, tmp_path)
        result = CliRunner().invoke(cli, ["check", "--format", "json", "--model-id", repo.repo_id,
                                          str(folder / "README.md")])
        # The card's path is in the record and in its prose facts: the audit names the repository.
        (checked,) = json.loads(result.stdout.replace(str(folder / "README.md"), f"{repo.repo_id}/README.md"))
        assert {k: v for k, v in records[repo.repo_id].items() if k in checked} == checked
    params = {r: next((f for f in records[r]["facts"] if f["quantity"] == "params_active"), None) for r in records}
    assert params[repos[4].repo_id]["where"] == "model.safetensors"  # active parameters of the experts


def test_revision_audits_that_commit(local_hub, tmp_path):
    repo = next(r for r in real_repos() if r.repo_id == "nicholasKluge/TeenyTinyLlama-160m")
    assert len(repo.commits) == 2
    local_hub([repo])
    old = repo.commits[0].sha
    records, _ = jsonl(audit(repo.repo_id, "--revision", old, "--format", "jsonl").stdout)
    record = records[repo.repo_id]
    assert record["sha"] == old
    assert without_audit_fields(record) == check_locally(repo, tmp_path, old)
    latest, _ = jsonl(audit(repo.repo_id, "--format", "jsonl").stdout)
    assert latest[repo.repo_id]["sha"] == repo.main.sha
    assert latest[repo.repo_id]["findings"] != record["findings"]  # the old card held kilograms


# --------------------------------------------------------------------------- choosing models


def test_author_search_min_downloads_and_limit(local_hub):
    repos = [*castano_repos(60), *special_repos()]
    hub = local_hub(repos)
    by_downloads = sorted(repos, key=lambda r: (-r.downloads, r.repo_id))

    def audited(*args):
        return set(jsonl(audit(*args, "--format", "jsonl", "--fail-on", "never").stdout)[0])

    assert audited("--author", "lineage") == {r.repo_id for r in repos if r.repo_id.startswith("lineage/")}
    assert audited("--search", "TINY") == {r.repo_id for r in repos if "tiny" in r.repo_id.lower()}
    assert audited("--limit", "7") == {r.repo_id for r in by_downloads[:7]}

    hub.requests.clear()
    threshold = by_downloads[20].downloads
    assert audited("--min-downloads", str(threshold)) == {r.repo_id for r in repos if r.downloads >= threshold}
    # Most downloaded first: the listing stops at the first page below the threshold.
    assert sum(r.route == "list" for r in hub.requests) == 1


def test_usage_errors_exit_2_with_one_line():
    for args in ([], ["a/b", "--author", "x"], ["--author", "x", "--resume"],
                 ["--limit", "3", "--resume", "--output", "out.json", "--format", "json"],
                 ["--author", "x", "--open-pr"], ["a/b", "--dry-run"]):
        result = audit(*args)
        assert result.exit_code == 2, args
        assert "Error:" in result.stderr


# --------------------------------------------------------------------------- faults


def test_network_faults_end_audited_or_failed_with_their_reason(local_hub, tmp_path):
    repos = castano_repos(12)
    ids = [r.repo_id for r in repos]
    hub = local_hub(repos, latency=0.005)
    hub.inject("status", route="info", repo_id=ids[0], status=429, retry_after=1, times=1)
    hub.inject("status", route="info", repo_id=ids[1], status=500, times=1)
    hub.inject("status", route="info", repo_id=ids[2], status=503)  # never recovers
    hub.inject("slow", route="info", repo_id=ids[3], delay=1.2)  # slower than --timeout, always
    hub.inject("truncate", route="info", repo_id=ids[4], times=1)
    hub.inject("truncate", route="resolve", repo_id=ids[5], file="README.md", method="GET", times=1)
    hub.inject("status", route="resolve", repo_id=ids[6], file="README.md", status=500, times=1)
    hub.inject("status", route="resolve", repo_id=ids[7], file="model.safetensors", status=502, times=1)

    result = audit(*ids, "--format", "jsonl", "--jobs", "4", "--retries", "2", "--retry-wait", "0.05",
                   "--timeout", "0.4")  # named: model_info for each
    records, summary = jsonl(result.stdout)

    assert set(records) == set(ids)
    failed = {r: records[r]["error"] for r in records if records[r]["error"]}
    assert set(failed) == {ids[2], ids[3]}
    assert failed[ids[2]]["reason"] == "HTTP 503"
    assert failed[ids[2]]["message"] == "model info: HTTP 503 from the Hub (after 3 attempts)"
    assert failed[ids[3]]["reason"] == "timeout"
    assert failed[ids[3]]["message"] == "model info: no answer within 0.4 s (after 3 attempts)"
    assert summary["audited"] == 10 and summary["failed"] == 2
    assert summary["failed_by_reason"] == {"HTTP 503": 1, "timeout": 1}
    assert result.exit_code == 2
    assert sorted(result.stderr.splitlines()) == sorted(
        f"carbon-card: {r}: {failed[r]['message']}" for r in failed)
    for repo in repos:  # the models that recovered are complete
        if repo.repo_id not in failed:
            assert without_audit_fields(records[repo.repo_id]) == check_locally(repo, tmp_path), repo.repo_id

    rate_limited = [r.time for r in hub.requests if r.route == "info" and r.repo_id == ids[0]]
    assert len(rate_limited) == 2 and rate_limited[1] - rate_limited[0] >= 1.0  # Retry-After: 1
    assert sum(r.route == "info" and r.repo_id == ids[2] for r in hub.requests) == 3


def test_unknown_models_and_an_unreachable_hub(local_hub, monkeypatch):
    repos = castano_repos(2)
    local_hub(repos)
    result = audit("nobody/nothing", "bad//id", repos[0].repo_id, "--format", "jsonl")
    records, summary = jsonl(result.stdout)
    assert records["nobody/nothing"]["error"]["reason"] == "not found"
    assert records["bad//id"]["error"]["reason"] == "invalid id"
    assert not records[repos[0].repo_id]["error"]
    assert result.exit_code == 2
    assert "carbon-card: nobody/nothing: model info: repository not found (or private: set HF_TOKEN)" in \
        result.stderr.splitlines()
    assert summary["failed"] == 2

    with socket.socket() as closed:  # a port nothing listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{port}")
    result = audit("a/b", "--retries", "0", "--format", "jsonl")
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"carbon-card: a/b: model info: cannot reach http://127.0.0.1:{port}")


# --------------------------------------------------------------------------- streaming and resuming


def test_resume_keeps_the_audited_and_retries_the_failed(local_hub, tmp_path):
    repos = castano_repos(10)
    ids = [r.repo_id for r in repos]
    hub = local_hub(repos)
    fault = hub.inject("status", route="resolve", repo_id=ids[3], file="README.md", status=500)
    out = tmp_path / "audit.jsonl"
    first = audit("--limit", "10", "--format", "jsonl", "-o", str(out), "--retries", "0")
    assert first.exit_code == 2 and first.stdout == ""

    # An interrupted run: the summary never written, the last record cut in the middle.
    lines = out.read_text().splitlines()[:-1]
    kept = lines[:5]
    out.write_text("\n".join(kept) + "\n" + lines[5][: len(lines[5]) // 2])
    done = {json.loads(line)["repo_id"] for line in kept if not json.loads(line)["error"]}
    hub.faults.remove(fault)
    hub.requests.clear()

    second = audit("--limit", "10", "--format", "jsonl", "-o", str(out), "--resume")
    assert second.exit_code in (0, 1)
    records, summary = jsonl(out.read_text())
    assert set(records) == set(ids) and not any(r["error"] for r in records.values())
    assert summary["audited"] == 10 and summary["failed"] == 0
    assert {r.repo_id for r in hub.requests if r.file == "README.md"} == set(ids) - done


def test_resume_csv(local_hub, tmp_path):
    repos = castano_repos(6)
    hub = local_hub(repos)
    fault = hub.inject("status", route="resolve", repo_id=repos[2].repo_id, file="README.md", status=500)
    out = tmp_path / "audit.csv"
    audit("--limit", "6", "--format", "csv", "-o", str(out), "--retries", "0")
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert [r["error_reason"] for r in rows].count("HTTP 500") == 1
    hub.faults.remove(fault)
    hub.requests.clear()
    result = audit("--limit", "6", "--format", "csv", "-o", str(out), "--resume")
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert sorted(r["repo_id"] for r in rows) == sorted(r.repo_id for r in repos)
    assert not any(r["error_reason"] for r in rows)
    assert {r.repo_id for r in hub.requests if r.file == "README.md"} == {repos[2].repo_id}
    assert result.stderr.startswith("Audited 6 models.")


def test_formats(local_hub, tmp_path):
    repos = castano_repos(4)
    local_hub(repos)
    ids = {r.repo_id for r in repos}

    table = audit("--limit", "4")
    assert table.stdout.splitlines()[0].split() == ["model", "downloads", "disclosure", "estimate", "findings"]
    assert all(any(line.startswith(i) for line in table.stdout.splitlines()) for i in ids)
    assert "Audited 4 models." in table.stdout and "Fenton-Wilkinson" in table.stdout
    assert table.stderr == ""  # no progress bar when stderr is not a terminal

    document = json.loads(audit("--limit", "4", "--format", "json").stdout)
    assert {m["repo_id"] for m in document["models"]} == ids and document["summary"]["audited"] == 4

    result = audit("--limit", "4", "--format", "csv", "-o", str(tmp_path / "a.csv"))
    rows = list(csv.DictReader((tmp_path / "a.csv").open()))
    assert tuple(rows[0]) == CSV_COLUMNS and {r["repo_id"] for r in rows} == ids
    assert "Audited 4 models." in result.stderr

    markdown = audit("--limit", "4", "--format", "markdown").stdout  # the census report (test_census.py)
    assert markdown.startswith("# Carbon census of 4 models\n\nAudited 4 models.") and "## By disclosure tier" in markdown
    assert sum(line.startswith("| ") and f"`{line.split('`')[1]}`" in line for line in markdown.splitlines()
               if "`" in line) == 4  # the largest estimates name each model

    bar = audit(*sorted(ids), "--progress")
    assert "4/4" in bar.stderr


# --------------------------------------------------------------------------- lineage


def test_lineage_reports_the_chain_outside_the_totals(local_hub):
    hub = local_hub(special_repos())
    result = audit("lineage/tiny-ft", "lineage/tiny-base", "lineage/loop-a", "lineage/orphan", "--lineage",
                   "--format", "jsonl")
    records, summary = jsonl(result.stdout)
    alone, _ = jsonl(audit("lineage/tiny-base", "lineage/tiny-root", "--format", "jsonl").stdout)

    chain = records["lineage/tiny-ft"]["lineage"]
    assert [e["repo_id"] for e in chain] == ["lineage/tiny-base", "lineage/tiny-root"]
    for entry in chain:
        assert entry["estimate"]["emissions_g"] == alone[entry["repo_id"]]["estimate"]["emissions_g"]
        assert entry["disclosure_tier"] == alone[entry["repo_id"]]["disclosure_tier"]
    assert chain[1]["estimate"]["tier"] == "T1"
    assert [(e["repo_id"], (e["error"] or {}).get("reason")) for e in records["lineage/loop-a"]["lineage"]] == [
        ("lineage/loop-b", None), ("lineage/loop-a", "cycle")]
    assert [(e["repo_id"], e["error"]["reason"]) for e in records["lineage/orphan"]["lineage"]] == [
        ("gone/missing-model", "not found")]
    assert result.exit_code != 2  # a base that cannot be read is not a failed model

    assert summary["total"]["models"] == 4  # the bases are not added
    assert summary["tiers"]["T1"]["models"] == 0
    # tiny-root ends two chains of the first run and is read once there, then once by the second run.
    assert sum(r.route == "info" and r.repo_id == "lineage/tiny-root" for r in hub.requests) == 2


def test_summary_adds_log_normal_estimates_by_fenton_wilkinson():
    z = 1.6448536269514722
    summary = AuditSummary()

    def record(tier, disclosure, central, low, high):
        return {"repo_id": "x", "error": None, "disclosure_tier": disclosure, "findings": [],
                "estimate": {"tier": tier, "emissions_g": {"central": central, "low": low, "high": high}}}

    summary.add(record("T1", "T1 (complete)", 1000.0, 600.0, 1500.0))
    summary.add(record("T1", "T1 (missing: source)", 2000.0, 1200.0, 3000.0))
    for _ in range(40):
        summary.add(record("T4", "T4", 10.0, 1.0, 100.0))
    summary.add({"repo_id": "y", "error": {"reason": "timeout", "message": "m", "line": None}, "findings": []})
    data = summary.json()

    assert data["tiers"]["T1"]["emissions_g"] == {"central": 3000.0, "low": 3000.0, "high": 3000.0, "mean": 3000.0}
    sigma = math.log(100) / (2 * z)
    t4 = data["tiers"]["T4"]["emissions_g"]
    assert t4["mean"] == pytest.approx(40 * 10 * math.exp(sigma**2 / 2))
    # Against sampling the sum of 40 independent log-normals: Fenton-Wilkinson keeps the mean and
    # variance exactly; its tails are an approximation (within 15% here, for a 100x-wide interval).
    rng = random.Random(7)
    sums = sorted(sum(rng.lognormvariate(math.log(10), sigma) for _ in range(40)) for _ in range(8000))
    assert t4["central"] == pytest.approx(statistics.median(sums), rel=0.05)
    assert t4["low"] == pytest.approx(sums[int(0.05 * len(sums))], rel=0.15)
    assert t4["high"] == pytest.approx(sums[int(0.95 * len(sums))], rel=0.15)
    total = data["total"]["emissions_g"]
    assert total["low"] == pytest.approx(3000 + t4["low"]) and total["high"] == pytest.approx(3000 + t4["high"])
    assert (data["audited"], data["failed"], data["reporting_emissions"]) == (42, 1, 2)
    assert data["share_reporting_emissions"] == pytest.approx(2 / 42)


# --------------------------------------------------------------------------- the pull request


def test_open_pr_opens_one_pull_request_then_updates_it(local_hub):
    from carbon_card.patch import propose

    text = (ROOT / "examples" / "bad" / "README.md").read_bytes()
    repo = make_repo("owner/bad-card", {"README.md": text}, downloads=5)
    good = make_repo("owner/good-card", {"README.md": (ROOT / "examples" / "good" / "README.md").read_bytes()})
    hub = local_hub([repo, good])

    def pull_request(*args):
        result = audit("owner/bad-card", "owner/good-card", "--open-pr", "--format", "jsonl", *args)
        records, _ = jsonl(result.stdout)
        assert records["owner/good-card"]["pull_request"]["action"] == "none"
        return records["owner/bad-card"]["pull_request"]

    dry = pull_request("--dry-run")
    assert dry["would"] == "open" and dry["parent_commit"] == repo.main.sha
    assert "+  emissions: 500" in dry["diff"] and "-  emissions: \"0.5 kg CO2eq\"" in dry["diff"]
    assert not repo.pulls and not any(r.route in ("preupload", "commit") for r in hub.requests)

    opened = pull_request()
    assert (opened["action"], opened["num"]) == ("opened", 1)
    (pull,) = repo.pulls
    assert pull.title == PR_TITLE and pull.base == repo.main.sha  # from the commit audited
    expected = propose(assess(parse_card(text, "owner/bad-card/README.md"))).text
    assert pull.head.files["README.md"].decode() == expected
    assert "<!-- carbon-card audit -->" in pull.description and "`CC104`" in pull.description
    assert "Disclosure tier" in pull.description and "Training emissions estimate" in pull.description
    commit = next(r for r in hub.requests if r.route == "commit")
    assert commit.authorization == "Bearer hf_test"

    assert pull_request()["action"] == "unchanged"  # nothing new: no commit, no second pull request
    assert len(repo.pulls) == 1 and len(pull.commits) == 1

    # The card changes on main: the same pull request gets a commit and a comment.
    changed = text.replace(b'"0.5 kg CO2eq"', b'"0.7 kg CO2eq"')
    repo.commits.append(Commit("f" * 40, {"README.md": changed}))
    assert pull_request("--dry-run")["would"] == "update"
    updated = pull_request()
    assert (updated["action"], updated["num"]) == ("updated", 1)
    assert len(repo.pulls) == 1 and len(pull.commits) == 2 and len(pull.comments) == 1
    assert b"emissions: 700" in pull.head.files["README.md"]


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-q"]))


@pytest.mark.slow  # end-to-end: CI runs it
def test_ctrl_c_keeps_every_record_written_and_resume_goes_on(local_hub, tmp_path):
    """A real SIGINT to a real `carbon-card audit` process: a one-line message, exit 130, whole
    records only, and `--resume` audits the rest."""
    import os
    import signal
    import subprocess
    import time

    repos = castano_repos(30)
    hub = local_hub(repos, latency=0.2)
    out = tmp_path / "audit.jsonl"
    command = [sys.executable, "-m", "carbon_card", "audit", "--limit", "30", "--jobs", "2",
               "--format", "jsonl", "-o", str(out)]
    process = subprocess.Popen(command, env={**os.environ, "CI": "1"}, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and (not out.exists() or out.read_text().count("\n") < 3):
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr and stdout == ""
    written = [json.loads(line) for line in out.read_text().splitlines()]  # every line whole
    assert 3 <= len(written) < 30 and all("repo_id" in r for r in written)
    assert stderr.strip().splitlines()[-1] == (
        f"carbon-card: interrupted: {len(written)} models written in {out}; run again with --resume to go on")

    hub.latency = 0.0
    hub.requests.clear()
    audit("--limit", "30", "--format", "jsonl", "-o", str(out), "--resume")
    records, summary = jsonl(out.read_text())
    assert set(records) == {r.repo_id for r in repos} and summary["audited"] + summary["failed"] == 30
    assert {r.repo_id for r in hub.requests if r.file == "README.md"} == {r.repo_id for r in repos} - {
        r["repo_id"] for r in written if not r["error"]}
