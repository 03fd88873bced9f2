"""`carbon-card audit --dataset`: the Hub's dump of model cards, read with the real pyarrow.

The shards are real parquet files with the dump's schema (`corpus/dump.py`), holding the real
cards of the corpus: the 1,417 cards rebuilt from Castaño et al. (2023) with the study's
downloads, likes, dates, library and task, the real cards and the gold cards. They are read
from disk, through `hf://datasets/...` against the local stand-in Hub (the real
huggingface_hub `HfFileSystem`), and over a real Dask `LocalCluster`; every record is compared
with what `check --format json` says about the same card.
"""

import json
import math
import os
import re
import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT
from dump import COLUMNS, corpus_rows, schema, write_shards
from hub_server import HubServer, make_repo

from carbon_card.assessment import assess
from carbon_card.audit import AuditSummary
from carbon_card.card import parse_card
from carbon_card.cli import cli
from carbon_card.facts.listing import hub_json
from carbon_card.estimate import estimate
from carbon_card.facts import Listing, gather
from carbon_card.report import card_json, estimate_json

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

# Fields the audit adds to `check`'s record.
AUDIT_ONLY = {"repo_id", "sha", "downloads", "has_card", "hub"}
DATASET = "librarian-bots/model_cards_with_metadata"


# --------------------------------------------------------------------------- helpers


def audit(*args: str):
    result = CliRunner().invoke(cli, ["audit", *args])
    assert "Traceback" not in result.output + result.stderr, result.output + result.stderr
    assert isinstance(result.exception, SystemExit) or result.exception is None, result.exception
    return result


def jsonl(text: str) -> tuple[list[dict], dict]:
    """(records in order, summary) of JSON Lines output; no model written twice."""
    lines = [json.loads(line) for line in text.splitlines() if line.strip()]
    assert "summary" in lines[-1] and all("summary" not in line for line in lines[:-1])
    records = lines[:-1]
    ids = [r["repo_id"] for r in records]
    assert len(ids) == len(set(ids)), "a model was written twice"
    return records, lines[-1]["summary"]


def bare(row: dict) -> dict:
    """The row with nothing the Hub lists that the card does not say: what `check` can know."""
    return {**row, "createdAt": None, "pipeline_tag": None, "library_name": None}


def check_records(rows: list[dict], root: Path, monkeypatch) -> dict[str, dict]:
    """`carbon-card check --format json` over the rows' cards, each written to `<model id>/README.md`
    under `root` with a `carbon-card.toml` naming its model (as the dump's record does), and
    checked from `root`: the same paths as the dump's records. Model id -> record."""
    for row in rows:
        folder = root / row["modelId"]
        folder.mkdir(parents=True)
        (folder / "README.md").write_bytes(row["card"].encode("utf-8"))
        (folder / "carbon-card.toml").write_text(f'[model-id]\n"README.md" = {json.dumps(row["modelId"])}\n')
    monkeypatch.chdir(root)
    owners = sorted({row["modelId"].split("/")[0] for row in rows})
    result = CliRunner().invoke(cli, ["check", "--format", "json", "--fail-on", "never", *owners])
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    assert len(records) == len(rows)
    return {record["path"].removesuffix("/README.md"): record for record in records}


def comparable(record: dict) -> dict:
    """A record without the fields the audit adds to check's."""
    return {key: value for key, value in record.items() if key not in AUDIT_ONLY}


def listing(row: dict) -> Listing:
    """What the row lists, built here from the row as a reader of the dump would."""
    return Listing(row["modelId"], author=row["author"], created_at=row["createdAt"],
                   last_modified=row["last_modified"], downloads=row["downloads"], likes=row["likes"],
                   library_name=row["library_name"], pipeline_tag=row["pipeline_tag"], tags=tuple(row["tags"]))


def pipeline(row: dict) -> dict:
    """The stages of `check` on the row's card alone, with the row's listing."""
    card = parse_card(row["card"].encode("utf-8"), f"{row['modelId']}/README.md")
    assessment = assess(card, gather(card, None, row["modelId"], listing=listing(row)))
    return {**card_json(assessment), "estimate": estimate_json(estimate(assessment.facts))}


def write_table(rows: list[dict], path: Path, table_schema=None, row_group_size: int = 1000) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(rows, schema=table_schema or schema()), path, row_group_size=row_group_size)
    return path


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    return corpus_rows()


@pytest.fixture(scope="module")
def sample(rows) -> list[dict]:
    """One card in four of the corpus (Castaño's, the real and the gold cards); all of them in the slow test."""
    return rows[::4]


def _per_shard(sample: list[dict]) -> int:
    return -(-len(sample) // 4)


@pytest.fixture(scope="module")
def shards(sample, tmp_path_factory) -> Path:
    """The sample in 4 shards of the dump's schema (a quarter of its rows each, whatever the corpus's size), row
    groups of 50."""
    folder = tmp_path_factory.mktemp("dump")
    write_shards(sample, folder, rows_per_shard=_per_shard(sample), row_group_size=50)
    return folder


@pytest.fixture(scope="module")
def local_run(shards) -> tuple[str, list[dict], dict]:
    """The sample audited from the shards on disk, on 2 processes: (stdout, records, summary)."""
    result = audit("--dataset", str(shards), "--format", "jsonl", "--jobs", "2")
    assert result.exit_code == 1, result.stderr  # findings, no failure
    assert result.stderr == ""
    return (result.stdout, *jsonl(result.stdout))


# --------------------------------------------------------------------------- the census equals check


@pytest.mark.parametrize("step", [pytest.param(1, marks=pytest.mark.slow, id="every-card"), pytest.param(9, id="1-in-9")])
def test_the_census_of_the_shards_equals_check_card_by_card(rows, step, tmp_path, monkeypatch):
    chosen = [bare(row) for row in rows[::step]]
    write_shards(chosen, tmp_path / "dump", rows_per_shard=len(chosen) // 3 + 1, row_group_size=50)
    result = audit("--dataset", str(tmp_path / "dump"), "--format", "jsonl", "--jobs", "2")
    records, summary = jsonl(result.stdout)
    assert [r["repo_id"] for r in records] == [row["modelId"] for row in chosen]  # all, in the dump's order
    checked = check_records(chosen, tmp_path / "cards", monkeypatch)
    for row, record in zip(chosen, records):
        assert comparable(record) == comparable(checked[row["modelId"]]), row["modelId"]
        assert (record["downloads"], record["sha"], record["has_card"]) == (row["downloads"], None, True)

    expected = AuditSummary()
    for row in chosen:
        # The census names models by their id and reads what the Hub lists (author, tags) from
        # the record's `hub` object: check's record with the two.
        expected.add({**checked[row["modelId"]], "repo_id": row["modelId"], "hub": hub_json(listing(row))})
    assert summary == expected.json()
    assert summary["audited"] == len(chosen) and summary["failed"] == 0
    # Most of the study's cards report emissions (the gold cards beside them mostly do not).
    assert summary["tiers"]["T1"]["models"] > sum(row["author"] == "castano" for row in chosen) * 0.6


def test_what_the_dump_lists_joins_the_cards_facts(sample, local_run, shards):
    _, records, _ = local_run
    assert [r["repo_id"] for r in records] == [row["modelId"] for row in sample]
    dated = tasked = 0
    for row, record in zip(sample, records):
        assert comparable(record) == comparable(pipeline(row)), row["modelId"]
        hub = record["hub"]
        assert hub == {"author": row["author"],
                       "created_at": row["createdAt"].isoformat() if row["createdAt"] else None,
                       "last_modified": row["last_modified"].isoformat() if row["last_modified"] else None,
                       "likes": row["likes"], "library_name": row["library_name"],
                       "pipeline_tag": row["pipeline_tag"], "tags": row["tags"]}
        hub_facts = {f["quantity"]: f for f in record["facts"] if f["origin"] == "hub"}
        if row["createdAt"] is not None:
            assert hub_facts["created"]["value"] == row["createdAt"].year
            assert hub["created_at"].endswith("+00:00")
            dated += 1
        if "task" in hub_facts:
            assert hub_facts["task"]["value"] == row["pipeline_tag"]
            tasked += 1
    assert dated > 300 and tasked > 80


def test_markdown_census_of_the_most_downloaded(sample, shards, local_run):
    result = audit("--dataset", str(shards), "--min-downloads", "5000", "--format", "markdown")
    assert result.exit_code == 1
    # The markdown report is the census (carbon_card.census) of the models selected, all of them.
    popular = [row["modelId"] for row in sample if row["downloads"] >= 5000]
    assert result.stdout.startswith(f"# Carbon census of {len(popular):,} models")
    _, records, _ = local_run
    expected = AuditSummary()
    for record in records:
        if record["downloads"] >= 5000:
            expected.add(record)
    assert expected.markdown() in result.stdout
    assert f"Audited {len(popular)} models." in result.stdout


@pytest.mark.parametrize("options, keep", [
    (["--min-downloads", "100000"], lambda row: row["downloads"] >= 100_000),
    (["--author", "NICHOLASKLUGE"], lambda row: row["author"] == "nicholasKluge"),
    (["--search", "BERT"], lambda row: "bert" in row["modelId"].lower()),
    (["--search", "bert", "--min-downloads", "1000", "--limit", "7"],
     lambda row: "bert" in row["modelId"].lower() and row["downloads"] >= 1000),
    (["--limit", "200"], lambda row: True),
])
def test_filters_choose_rows_before_any_card_is_parsed(sample, shards, local_run, options, keep):
    result = audit("--dataset", str(shards), "--format", "jsonl", "--jobs", "1", *options)
    records, summary = jsonl(result.stdout)
    limit = int(options[options.index("--limit") + 1]) if "--limit" in options else None
    expected = [row["modelId"] for row in sample if keep(row)][:limit]
    assert [r["repo_id"] for r in records] == expected and expected
    by_id = {r["repo_id"]: r for r in local_run[1]}
    assert all(r == by_id[r["repo_id"]] for r in records)  # one process or two: the same records
    assert summary["audited"] == len(expected)


def test_every_format_of_audit(shards):
    csv_out = audit("--dataset", str(shards), "--limit", "40", "--format", "csv")
    assert csv_out.stdout.splitlines()[0].startswith("repo_id,sha,downloads,has_card")
    assert len(csv_out.stdout.splitlines()) == 41
    assert "Audited 40 models." in csv_out.stderr
    table = audit("--dataset", str(shards), "--limit", "40")
    assert table.stdout.startswith("model ") and "Audited 40 models." in table.stdout
    whole = audit("--dataset", str(shards), "--limit", "40", "--format", "json")
    document = json.loads(whole.stdout)
    assert len(document["models"]) == 40 and document["summary"]["audited"] == 40


def test_the_progress_bar_counts_rows_and_cards_on_stderr_only(sample, shards, local_run):
    result = audit("--dataset", str(shards), "--format", "jsonl", "--progress", "--min-downloads", "5000")
    bar = result.stderr.rsplit("\r", 1)[-1]
    rows = len(sample)  # every row is read to choose those above 5,000 downloads
    assert re.search(rf"100%.*\b{rows}/{rows} \[.*row/s.*\b\d+ cards, \d+ cards/s\]", bar), bar
    records, _ = jsonl(result.stdout)
    assert records == [r for r in local_run[1] if r["downloads"] >= 5000]
    assert f"{len(records)} cards," in bar


def test_resume_goes_on_where_a_run_stopped(shards, local_run, tmp_path):
    out = tmp_path / "census.jsonl"
    first = audit("--dataset", str(shards), "--limit", "150", "--format", "jsonl", "-o", str(out))
    assert first.exit_code == 1
    audit("--dataset", str(shards), "--format", "jsonl", "-o", str(out), "--resume", "--jobs", "2")
    records, summary = jsonl(out.read_text(encoding="utf-8"))
    _, expected, expected_summary = local_run
    assert records == expected  # the first 150, then the rest: the dump's order
    assert summary == expected_summary


# --------------------------------------------------------------------------- bad input


def test_a_truncated_shard_is_named_and_the_others_audited(sample, shards, tmp_path):
    folder = tmp_path / "dump"
    shutil.copytree(shards, folder)
    paths = sorted((folder / "data").glob("*.parquet"))
    data = paths[1].read_bytes()
    paths[1].write_bytes(data[: len(data) // 2])
    result = audit("--dataset", str(folder), "--format", "jsonl")
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert line.startswith(f"carbon-card: {paths[1]}: not a readable parquet file (")
    records, summary = jsonl(result.stdout)
    lost = {row["modelId"] for row in pq.read_table(shards / "data" / paths[1].name, columns=["modelId"]).to_pylist()}
    assert [r["repo_id"] for r in records] == [row["modelId"] for row in sample if row["modelId"] not in lost]
    assert (summary["skipped_files"], summary["skipped_rows"]) == (1, 0)
    text = audit("--dataset", str(folder))
    assert "; 1 file of the dataset unreadable, left out." in text.stdout


def test_a_corrupt_page_loses_its_row_group_only(rows, tmp_path):
    path = write_table(rows[:300], tmp_path / "dump" / "a.parquet", row_group_size=100)
    write_table(rows[300:320], tmp_path / "dump" / "b.parquet")
    column = pq.ParquetFile(path).metadata.row_group(1).column(COLUMNS.index("card"))
    start = column.dictionary_page_offset or column.data_page_offset
    data = bytearray(path.read_bytes())
    data[start + 40:start + 240] = os.urandom(200)  # in the cards of the second row group
    path.write_bytes(bytes(data))
    result = audit("--dataset", str(tmp_path / "dump"), "--format", "jsonl")
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert re.fullmatch(rf"carbon-card: {re.escape(str(path))}: row 100: cannot be read \(.+\); 100 rows skipped",
                        line), line
    records, summary = jsonl(result.stdout)
    assert [r["repo_id"] for r in records] == [row["modelId"] for row in rows[:100] + rows[200:320]]
    assert (summary["skipped_rows"], summary["skipped_files"]) == (100, 0)


def test_a_row_without_a_card_or_with_20_mb_of_card_fails_alone(rows, tmp_path):
    huge = "---\nlicense: mit\n---\n" + "x" * (20 * 2**20)
    chosen = [rows[0], {**rows[1], "card": None}, rows[2], {**rows[3], "card": huge}, rows[4],
              {**rows[5], "modelId": None}, rows[6]]
    path = write_table(chosen, tmp_path / "faults.parquet", row_group_size=3)
    result = audit("--dataset", str(path), "--format", "jsonl", "--jobs", "2")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"carbon-card: {path}: row 5: no modelId: the row names no model",
        f"carbon-card: {path}: row 1: {rows[1]['modelId']}: the dump has no card for this model",
        f"carbon-card: {path}: row 3: {rows[3]['modelId']}: README.md: file is larger than 10 MB; not a model card",
    ]
    records, summary = jsonl(result.stdout)
    assert [r["repo_id"] for r in records] == [rows[i]["modelId"] for i in (0, 1, 2, 3, 4, 6)]
    failed = {r["repo_id"]: r["error"]["reason"] for r in records if r["error"]}
    assert failed == {rows[1]["modelId"]: "no card", rows[3]["modelId"]: "unreadable card"}
    for index in (0, 2, 4, 6):
        assert comparable(records[[0, 1, 2, 3, 4, 6].index(index)]) == comparable(pipeline(rows[index]))
    assert summary["failed_by_reason"] == {"no card": 1, "unreadable card": 1}
    assert (summary["audited"], summary["skipped_rows"]) == (4, 1)


@pytest.mark.parametrize("change, message", [
    (lambda t: t.drop_columns(["likes"]), "no column likes: not the schema of the Hub's dump of model cards"),
    (lambda t: t.rename_columns(["model_id", *t.column_names[1:]]),
     "no column modelId (it has model_id instead): not the schema of the Hub's dump of model cards"),
    (lambda t: t.set_column(3, "downloads", t.column("downloads").cast(pa.string())),
     "column downloads is string, not integer"),
])
def test_a_shard_of_another_schema_is_named_with_its_column(rows, tmp_path, change, message):
    write_table(rows[:30], tmp_path / "dump" / "a.parquet")
    odd = tmp_path / "dump" / "b.parquet"
    pq.write_table(change(pa.Table.from_pylist(rows[30:50], schema=schema())), odd)
    result = audit("--dataset", str(tmp_path / "dump"), "--format", "jsonl")
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert line.startswith(f"carbon-card: {odd}: {message}") and line.endswith("; its 20 rows skipped"), line
    records, summary = jsonl(result.stdout)
    assert [r["repo_id"] for r in records] == [row["modelId"] for row in rows[:30]]
    assert summary["skipped_rows"] == 20


def test_a_path_with_no_dump_is_one_line(tmp_path):
    (tmp_path / "empty").mkdir()
    for path, message in [(tmp_path / "missing", "no such file or folder"), (tmp_path / "empty", "no .parquet file")]:
        result = audit("--dataset", str(path))
        assert result.exit_code == 2
        assert result.stderr == f"carbon-card: {path}: {message}\n"
    text = tmp_path / "notes.parquet"
    text.write_text("not parquet")
    result = audit("--dataset", str(text))
    assert result.exit_code == 2 and result.stderr.startswith(f"carbon-card: {text}: not a readable parquet file (")


def test_without_pyarrow_the_extra_to_install_is_named(shards, monkeypatch):
    for name in [m for m in sys.modules if m == "pyarrow" or m.startswith("pyarrow.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # `import pyarrow` fails
    result = audit("--dataset", str(shards))
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "carbon-card: reading a dataset needs pyarrow (import of pyarrow halted; None in sys.modules); "
        "pip install 'carbon-card[dataset]'"]


def test_options_that_need_the_api_are_refused_with_a_dataset(shards):
    for extra in (["some/model"], ["--lineage"], ["--open-pr", "x/y"], ["--revision", "v1"]):
        result = audit("--dataset", str(shards), *extra)
        assert result.exit_code == 2 and "--dataset reads the cards of the dump" in result.stderr
    result = audit("--scheduler", "tcp://127.0.0.1:1", "some/model")
    assert result.exit_code == 2 and "--scheduler goes with --dataset" in result.stderr


def test_check_never_imports_pyarrow():
    import subprocess

    code = ("import sys; from carbon_card.cli import main; sys.argv = ['carbon-card', 'check', '-q', "
            "'examples/good/README.md']\ntry:\n    main()\nexcept SystemExit:\n    pass\n"
            "assert 'pyarrow' not in sys.modules and 'carbon_card.dataset' not in sys.modules, 'imported'")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True,
                   env={**os.environ, "PYTHONPATH": str(ROOT)})


# --------------------------------------------------------------------------- hf://


@pytest.fixture
def dump_hub(shards, monkeypatch, tmp_path):
    """The shards as the dataset `librarian-bots/model_cards_with_metadata` of a local Hub."""
    files = {f"data/{path.name}": path.read_bytes() for path in sorted((shards / "data").glob("*.parquet"))}
    files["README.md"] = b"---\nlicense: odc-by\n---\n# Model cards with metadata\n"
    hub = HubServer([], datasets=[make_repo(DATASET, files)], page_size=2).start()
    monkeypatch.setenv("HF_ENDPOINT", hub.url)
    monkeypatch.setenv("HF_TOKEN", "hf_test")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "AGENT_HARNESSES_PATH", str(tmp_path / "agent-harnesses.json"), raising=False)
    yield hub, files
    hub.stop()


def test_hf_path_reads_the_same_records_through_huggingface_hub(dump_hub, local_run):
    hub, files = dump_hub
    result = audit("--dataset", f"hf://datasets/{DATASET}", "--format", "jsonl", "--jobs", "2")
    assert result.exit_code == 1 and result.stderr == ""
    assert result.stdout == local_run[0]
    reads = [r for r in hub.requests if r.route == "dataset-resolve"]
    assert reads and all(r.method == "GET" and r.status == 206 for r in reads)  # ranges, never a whole file
    assert {r.file for r in reads} == {name for name in files if name.endswith(".parquet")}  # not the README
    assert sum(r.route == "dataset-tree" for r in hub.requests) >= 2  # the listing's pages were followed


def test_hf_path_streams_the_first_shard_first(dump_hub, sample):
    hub, files = dump_hub
    result = audit("--dataset", f"hf://datasets/{DATASET}/data", "--format", "jsonl", "--limit", "10")
    records, _ = jsonl(result.stdout)
    assert [r["repo_id"] for r in records] == [row["modelId"] for row in sample[:10]]
    first = "data/train-00000-of-00004.parquet"
    assert {file for (_, file) in hub.sent} == {first}  # the other shards never asked for
    assert hub.sent[(DATASET, first)] <= len(files[first]) * 2  # its footer, then its rows


def test_hf_path_to_one_file_and_to_nothing(dump_hub, sample):
    result = audit("--dataset", f"hf://datasets/{DATASET}/data/train-00001-of-00004.parquet", "--format", "jsonl")
    records, _ = jsonl(result.stdout)
    n = _per_shard(sample)
    assert [r["repo_id"] for r in records] == [row["modelId"] for row in sample[n : 2 * n]]
    for path, message in [(f"hf://datasets/{DATASET}/nowhere", "no such dataset, folder or file on the Hub"),
                          ("hf://datasets/someone/missing", "no such dataset, folder or file on the Hub"),
                          ("hf://models/gpt2", "give hf://datasets/<owner>/<name>[/<folder or file>]")]:
        result = audit("--dataset", path)
        assert result.exit_code == 2
        assert result.stderr == f"carbon-card: {path}: {message}\n"


def test_hf_shard_the_hub_fails_to_send_is_named(dump_hub, sample):
    hub, _ = dump_hub
    broken = "data/train-00002-of-00004.parquet"
    # The dump is rewritten every day: a shard listed may be gone when it is read.
    hub.inject("status", route="dataset-resolve", file=broken, status=404)
    result = audit("--dataset", f"hf://datasets/{DATASET}", "--format", "jsonl", "--jobs", "2")
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert line.startswith(f"carbon-card: hf://datasets/{DATASET}/{broken}: not a readable parquet file (")
    assert "hf_test" not in result.stderr + result.stdout
    records, summary = jsonl(result.stdout)
    n = _per_shard(sample)
    assert [r["repo_id"] for r in records] == [row["modelId"] for row in sample[: 2 * n] + sample[3 * n :]]
    assert summary["skipped_files"] == 1


# --------------------------------------------------------------------------- Dask


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  silence_logs=50) as local:
        yield local


@pytest.mark.slow  # a real LocalCluster of 2 processes: 6 s to start
def test_a_dask_cluster_gives_the_local_records(cluster, shards, local_run):
    result = audit("--dataset", str(shards), "--format", "jsonl", "--scheduler", cluster.scheduler_address)
    assert result.exit_code == 1 and result.stderr == ""
    records, summary = jsonl(result.stdout)
    _, expected, expected_summary = local_run
    assert len(records) == len(expected)
    for record, local in zip(records, expected):
        assert record == local, record["repo_id"]
    assert summary == expected_summary


@pytest.mark.slow
def test_the_documented_dask_dataframe_example_runs(cluster, shards, local_run):
    document = (ROOT / "docs" / "dataset.md").read_text(encoding="utf-8")
    [example] = re.findall(r"```python\n(# dask-example\n.*?)```", document, re.S)
    code = example.replace(f"hf://datasets/{DATASET}/data/*.parquet", str(shards / "data" / "*.parquet"))
    code = code.replace('Client("tcp://scheduler:8786")', f'Client("{cluster.scheduler_address}")')
    assert code != example
    namespace: dict = {}
    exec(compile(code, "docs/dataset.md", "exec"), namespace)
    try:
        table = namespace["audited"].compute()
    finally:
        namespace["client"].close()
    by_id = {r["repo_id"]: r for r in local_run[1]}
    popular = [r for r in local_run[1] if r["downloads"] >= 5000]
    assert sorted(table["repo_id"]) == sorted(r["repo_id"] for r in popular)
    for _, line in table.iterrows():
        record = by_id[line["repo_id"]]
        assert line["disclosure_tier"] == record["disclosure_tier"]
        assert line["tier"] == record["estimate"]["tier"]
        central = (record["estimate"]["emissions_g"] or {}).get("central")
        if central is None:
            assert math.isnan(line["emissions_g"])
        else:
            assert line["emissions_g"] == pytest.approx(central)


def test_an_unreachable_scheduler_is_one_line(shards):
    result = audit("--dataset", str(shards), "--scheduler", "tcp://127.0.0.1:9", "--limit", "3", "--timeout", "1")
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert line.startswith("carbon-card: cannot reach the Dask scheduler at tcp://127.0.0.1:9 (")
