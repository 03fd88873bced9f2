"""The Hub audit within the Hub's rate limits: the real huggingface_hub client against the stand-in.

A listed model costs no API call of its own (the listing's pages carry its commit, its files and
what the Hub knows of it), its files come through `/resolve/<commit>/`, only those the file list
shows; the run paces itself to the `RateLimit` headers rather than meeting 429s; and what it
finds is what the per-model path (`model_info`, then every header) finds.
"""

import math
import time

import pytest
import test_audit
from hub_server import MISSING, castano_repos, make_repo, safetensors_bytes
from test_audit import audit, counted_alike, jsonl

from carbon_card.ratelimit import Bucket, Pacer, read_headers

local_hub = test_audit.local_hub  # the fixture: a local Hub over some repositories, at HF_ENDPOINT

SIDE_FILES = {"README.md", "config.json", "trainer_state.json", "train_results.json", "all_results.json",
              "emissions.csv"}
INDEX = "model.safetensors.index.json"  # read with the headers


def listed_and_named(repos, hub, *args):
    """(records of the listing path, records of the per-model path) for the same repositories."""
    listed, listed_summary = jsonl(audit("--limit", str(len(repos)), "--format", "jsonl", "--fail-on", "never",
                                         *args).stdout)
    listed_requests = list(hub.requests)
    hub.requests.clear()
    named, _ = jsonl(audit(*(r.repo_id for r in repos), "--format", "jsonl", "--fail-on", "never").stdout)
    return listed, listed_summary, listed_requests, named


def test_a_listed_model_costs_no_api_call_and_only_gets_files_that_exist(local_hub):
    repos = castano_repos(200)
    hub = local_hub(repos, page_size=100)
    records, summary = jsonl(audit("--limit", "200", "--format", "jsonl", "--fail-on", "never").stdout)

    assert set(records) == {r.repo_id for r in repos} and summary["failed"] == 0
    api = [r for r in hub.requests if r.route != "resolve"]
    assert [r.route for r in api] == ["list", "list"]  # the two pages, nothing per model
    requests = summary["requests"]
    assert (requests["models"], requests["api"], requests["answered_429"]) == (200, 2, 0)
    assert requests["api_per_model"] <= 1 / 100
    # Every resolver GET is counted, asks for a file of the commit listed, and finds it.
    resolves = [r for r in hub.requests if r.route == "resolve"]
    assert requests["resolvers"] == len(resolves)
    assert requests["resolvers_per_model"] == pytest.approx(len(resolves) / 200)
    by_id = {r.repo_id: r for r in repos}
    assert all(r.status in (200, 206) and r.file in by_id[r.repo_id].main.files for r in resolves)
    # The card and side files once each; headers (and the index) only where the Hub's count cannot stand in.
    headers = [r for r in resolves if r.file.endswith(".safetensors")]
    weighed = {h.repo_id for h in headers}
    wanted = sum(len(SIDE_FILES & set(r.main.files)) + (r.repo_id in weighed and INDEX in r.main.files) for r in repos)
    assert len(resolves) == wanted + len(headers)
    counted_by_hub = {r for r in records if any(f["origin"] == "hub" and f["quantity"] == "params"
                                                for f in records[r]["facts"])}
    assert counted_by_hub and not {h.repo_id for h in headers} & counted_by_hub
    assert all(records[r]["hub"]["created_at"] for r in records)  # the Castaño rows' dates

    text = audit("--limit", "3", "--fail-on", "never").stdout
    assert "Hub requests for 3 models: 1 API (0.333 per model), " in text


def test_records_equal_those_of_the_per_model_path(local_hub):
    # One repository of each layout (plain, one safetensors file, shards and their index, a
    # Trainer run, a mixture of experts, CodeCarbon's log), twice over, and a card stating its size.
    stated = make_repo("sized/states-its-size", {
        "README.md": b"---\nlicense: mit\n---\n# Sized\n\n- **Parameters:** 1.2M\n",
        "model.safetensors": safetensors_bytes([("w", "BF16", [1000, 1000])])}, downloads=3)
    repos = [*castano_repos(12), stated]
    hub = local_hub(repos, page_size=100)
    listed, _, listed_requests, named = listed_and_named(repos, hub)

    for repo in repos:
        assert counted_alike(listed[repo.repo_id]) == counted_alike(named[repo.repo_id]), repo.repo_id
        assert listed[repo.repo_id]["hub"] == named[repo.repo_id]["hub"]
    # The per-model path: a model_info call per model and every header; the listing path: neither.
    assert sum(r.route == "info" for r in hub.requests) == len(repos)
    assert not any(r.route == "info" for r in listed_requests)
    headers = {(r.repo_id, r.file) for r in listed_requests if r.file and r.file.endswith(".safetensors")}
    assert headers < {(r.repo_id, r.file) for r in hub.requests if r.file and r.file.endswith(".safetensors")}
    # Still read: the experts' (their active parameters) and the weights of a card stating its size (CC405).
    moe = repos[4]
    assert (moe.repo_id, "model.safetensors") in headers
    assert any(f["quantity"] == "params_active" for f in listed[moe.repo_id]["facts"])
    assert (stated.repo_id, "model.safetensors") in headers
    assert [f["code"] for f in listed[stated.repo_id]["findings"]].count("CC405") == 1


@pytest.mark.slow  # end-to-end: CI runs it
def test_pacing_to_the_headers_meets_no_429(local_hub):
    # A Hub of small buckets: 2 API calls and 40 resolver GETs per window of 2 s.
    repos = castano_repos(30)
    hub = local_hub(repos, page_size=10, limits={"api": (2, 2.0), "resolvers": (40, 2.0)})
    started = time.monotonic()
    result = audit("--limit", "30", "--format", "jsonl", "--jobs", "8", "--fail-on", "never")
    elapsed = time.monotonic() - started
    records, summary = jsonl(result.stdout)

    assert set(records) == {r.repo_id for r in repos} and summary["failed"] == 0
    assert not [r for r in hub.requests if r.status == 429]
    requests = summary["requests"]
    assert requests["answered_429"] == 0 and requests["held_back"] > 0  # it waited, and was never refused
    # Within each window of 2 s no bucket went over its quota: the run took the windows it needed.
    resolves = sum(r.route == "resolve" for r in hub.requests)
    assert elapsed >= 2.0 * (math.ceil(resolves / 40) - 1)
    assert requests["api"] == 3 and requests["resolvers"] == resolves


@pytest.mark.slow  # end-to-end: CI runs it
def test_a_hub_that_throttles_unannounced_is_still_honoured(local_hub):
    # A 429 without RateLimit headers (an injected one): Retry-After is honoured as before.
    repos = castano_repos(4)
    hub = local_hub(repos)
    hub.inject("status", route="resolve", repo_id=repos[1].repo_id, file="README.md", status=429, retry_after=1,
               times=1)
    _, summary = jsonl(audit("--limit", "4", "--format", "jsonl", "--fail-on", "never").stdout)
    assert summary["failed"] == 0 and summary["requests"]["answered_429"] == 1
    asked = [r.time for r in hub.requests if r.repo_id == repos[1].repo_id and r.file == "README.md"]
    assert len(asked) == 2 and asked[1] - asked[0] >= 0.95  # (logged as each answer is sent)


HOSTILE = [
    {"RateLimit": '"api";r=0;t=999999999'},  # a window that ends in 31 years
    {"RateLimit": '"resolvers";r=0;t=86400'},  # in a day
    {"RateLimit": '"api";r=' + "9" * 5000 + ";t=5"},  # more digits than int() takes
    {"RateLimit": '"api";r=-1;t=-5'},
    {"RateLimit": "garbage; r=; t=", "RateLimit-Policy": "q=;w="},
    {"RateLimit": '"api";r=1;t=1', "RateLimit-Policy": '"fixed window";"api";q=' + "1" * 400 + ";w=1"},
    {"RateLimit-Remaining": "0", "RateLimit-Reset": "99999999999"},
    {"RateLimit-Remaining": "many", "RateLimit-Reset": "soon"},
    {"RateLimit-Remaining": "0", "RateLimit-Reset": "\u00e9\u00e9"},
]


@pytest.mark.parametrize("headers", HOSTILE)
def test_a_malformed_ratelimit_header_is_not_read(headers):
    assert read_headers(headers) is None


def test_the_ratelimit_headers_the_hub_sends_are_read():
    reading = read_headers({"RateLimit": '"api";r=489;t=189', "RateLimit-Policy": '"fixed window";"api";q=1000;w=300'})
    assert (reading.bucket, reading.remaining, reading.reset, reading.quota) == (Bucket.API, 489, 189.0, 1000)
    older = read_headers({"RateLimit-Remaining": "12", "RateLimit-Reset": "30", "RateLimit-Limit": "500, 500;w=300"})
    assert (older.bucket, older.remaining, older.reset, older.quota) == (None, 12, 30.0, 500)


@pytest.mark.slow  # end-to-end: CI runs it
def test_a_spent_budget_holds_requests_until_its_window_ends():
    pacer = Pacer()
    pacer.acquire(Bucket.RESOLVERS)
    pacer.release(Bucket.RESOLVERS, 200, {"RateLimit": '"resolvers";r=1;t=1'})
    pacer.acquire(Bucket.RESOLVERS)  # the last request of the window, still on its way
    pacer.acquire(Bucket.API)  # another bucket: not held
    started = time.monotonic()
    pacer.acquire(Bucket.RESOLVERS)  # none left: held until the window ends
    assert 1.0 <= time.monotonic() - started < 3
    requests = pacer.requests()
    assert (requests.api, requests.resolvers, requests.held) == (1, 3, 1)


def test_hostile_ratelimit_headers_cost_no_crash_and_no_wait(local_hub):
    repos = castano_repos(9)
    hub = local_hub(repos)
    for repo, headers in zip(repos, HOSTILE):
        hub.inject("headers", repo_id=repo.repo_id, headers=headers)
    hub.inject("headers", route="list", headers=HOSTILE[0])
    started = time.monotonic()
    result = audit("--limit", "9", "--format", "jsonl", "--fail-on", "never")
    records, summary = jsonl(result.stdout)
    assert set(records) == {r.repo_id for r in repos} and summary["failed"] == 0
    assert summary["requests"]["held_back"] == 0 and time.monotonic() - started < 30
    assert result.stderr == ""


def test_a_listing_entry_missing_fields_degrades_to_model_info(local_hub):
    repos = castano_repos(6)
    no_sha, no_files, odd_files, bad_dates, no_id, fine = repos
    no_sha.listed_as = {"sha": MISSING}
    no_files.listed_as = {"siblings": MISSING}
    odd_files.listed_as = {"siblings": [{"rfilename": "README.md"}, {"name": "config.json"}]}
    bad_dates.listed_as = {"createdAt": "yesterday", "safetensors": {"total": "many"}, "likes": -3, "tags": "x"}
    no_id.listed_as = {"id": MISSING}
    hub = local_hub(repos, page_size=100)
    listed, summary, listed_requests, named = listed_and_named(repos, hub)

    # An entry that lacks its commit or a readable file list: model_info for that model alone.
    assert sorted(r.repo_id for r in listed_requests if r.route == "info") == sorted(
        [no_sha.repo_id, no_files.repo_id, odd_files.repo_id])
    for repo in (no_sha, no_files, odd_files, fine):
        assert counted_alike(listed[repo.repo_id]) == counted_alike(named[repo.repo_id]), repo.repo_id
    # Malformed fields are left out, one by one; the rest of the entry serves.
    hub_object = listed[bad_dates.repo_id]["hub"]
    assert hub_object["created_at"] is None and hub_object["likes"] is None and hub_object["tags"] == []
    assert hub_object["library_name"] == named[bad_dates.repo_id]["hub"]["library_name"]
    assert not any(f["quantity"] == "created" for f in listed[bad_dates.repo_id]["facts"])
    # An entry with no id names no model: not audited (the other five are).
    assert set(listed) == {r.repo_id for r in repos} - {no_id.repo_id}
    assert summary["requests"]["api"] == 1 + 3
