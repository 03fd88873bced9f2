"""The census of an audit (carbon_card.census) on real records, against sums computed here.

The records come from the real pipeline (parse, gather, assess, estimate) over the cards of
Castaño et al. (2023) rebuilt by `tests/corpus/castano.py`, with what the Hub's dump lists of
them (creation date, likes, library, task, tags) as a `hub` mapping, and over the real and gold
cards, which have none (the census falls back to their facts). The command's formats are run
end to end against the local Hub (`hub_server.py`) with the real huggingface_hub client.
"""

import csv
import io
import json
import math
import re
from collections import Counter
from datetime import datetime, timezone

import pytest
import test_audit
from castano import card_task, castano_rows, rebuild_card
from click.testing import CliRunner
from conftest import CORPUS, ROOT
from hub_server import castano_repos, real_repos, special_repos
from test_audit import audit, jsonl

from carbon_card.assessment import assess
from carbon_card.audit import AuditSummary
from carbon_card.card import parse_card
from carbon_card.census import (
    LARGEST,
    MAX_GROUPS,
    Census,
    LogHistogram,
    efficiency_label,
    entry_of,
)
from carbon_card.cli import cli
from carbon_card.estimate import estimate
from carbon_card.facts import Listing, gather
from carbon_card.report import card_json, estimate_json

local_hub = test_audit.local_hub  # the fixture: a local Hub over some repositories, at HF_ENDPOINT

Z90 = 1.6448536269514722
TIERS = ("T1", "T2", "T3", "T4", "none")


# --------------------------------------------------------------------------- real records


def _hub_of(row: dict) -> dict:
    """What the Hub's dump lists of a model of the study, from the study's columns."""
    libraries = [x.strip(" '\"") for x in row["library_name"].strip("[]").split(",") if x.strip(" '\"")]
    tags = sorted(name[3:] for name, cell in row.items() if name.startswith("is_") and cell not in ("", "0", "0.0"))
    return {"author": None, "created_at": row["created_at"] or None, "last_modified": row["lastModified"] or None,
            "likes": int(float(row["likes"])) if row["likes"] else None,
            "library_name": libraries[0] if libraries else None, "pipeline_tag": card_task(row), "tags": tags}


def _record(text: str, repo_id: str, hub: dict | None = None, downloads: int | None = None) -> dict:
    """A record as the audit writes it, from the real pipeline over a card's text alone."""
    card = parse_card(text.encode("utf-8"), f"{repo_id}/README.md")
    listing = None
    if hub is not None:
        created = datetime.fromisoformat(hub["created_at"]) if hub["created_at"] else None
        listing = Listing(repo_id, created_at=created, library_name=hub["library_name"],
                          pipeline_tag=hub["pipeline_tag"], tags=tuple(hub["tags"]), likes=hub["likes"])
    facts = gather(card, None, repo_id, listing=listing)
    record = {"repo_id": repo_id, "sha": None, "downloads": downloads, "has_card": True,
              **card_json(assess(card, facts)), "estimate": estimate_json(estimate(facts))}
    if hub is not None:
        record["hub"] = hub
    record["label"] = efficiency_label(record)
    return json.loads(json.dumps(record))  # as read back from the output


@pytest.fixture(scope="module")
def records() -> list[dict]:
    found = []
    for index, row in enumerate(castano_rows()):
        downloads = int(float(row["downloads"])) if row["downloads"] else None
        found.append(_record(rebuild_card(row), f"castano/{index:04d}-{row['modelId']}", _hub_of(row), downloads))
    real = CORPUS / "cards-real"
    for line in (real / "index.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        name = line.split("\t")[0]
        found.append(_record((real / name).read_text(encoding="utf-8"), "real/" + name.removesuffix(".md")))
    gold = CORPUS / "gold"
    for line in (gold / "index.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        name, model_id = line.split("\t")[:2]
        found.append(_record((gold / "cards" / name).read_text(encoding="utf-8"),
                             model_id or name.removesuffix(".md").replace("__", "/", 1)))
    return found


@pytest.fixture(scope="module")
def census(records) -> Census:
    built = Census()
    for record in records:
        built.add(record)
    return built


def _chosen(record: dict, quantity: str):
    return next((f["value"] for f in record["facts"] if f["quantity"] == quantity and f["chosen"]), None)


def _emissions(record: dict):
    interval = record["estimate"]["emissions_g"]
    return None if interval is None else (interval["central"], interval["low"], interval["high"])


def _fenton_wilkinson_mean(records) -> float:
    """The mean of the sum: reported figures as stated, each estimate log-normal (median, 5th-95th)."""
    total = 0.0
    for record in records:
        interval = _emissions(record)
        if interval is None:
            continue
        central, low, high = interval
        if record["estimate"]["tier"] == "T1" or low == high:
            total += central
        else:
            sigma = (math.log(high) - math.log(low)) / (2 * Z90)
            total += central * math.exp(sigma * sigma / 2)
    return total


def _check_group(group: dict, members: list[dict]) -> None:
    assert group["models"] == len(members)
    disclosure = Counter(r["disclosure_tier"].split(" ")[0] for r in members)
    assert group["disclosure"] == {tier: disclosure[tier] for tier in TIERS}
    assert group["reporting_emissions"] == disclosure["T1"]
    assert group["estimated"] == sum(_emissions(r) is not None for r in members)
    if group["estimated"]:
        assert group["emissions_g"]["mean"] == pytest.approx(_fenton_wilkinson_mean(members), rel=1e-9)
        assert group["emissions_g"]["low"] <= group["emissions_g"]["central"] <= group["emissions_g"]["high"]
    else:
        assert group["emissions_g"] is None


def _same(found, expected) -> bool:
    """Equal, floats up to their rounding (a sum's last bits follow the order models finish in)."""
    if isinstance(found, dict) and isinstance(expected, dict):
        return found.keys() == expected.keys() and all(_same(found[k], expected[k]) for k in found)
    if isinstance(found, list) and isinstance(expected, list):
        return len(found) == len(expected) and all(map(_same, found, expected))
    if isinstance(found, float) and isinstance(expected, float):
        return found == pytest.approx(expected, rel=1e-12)
    return found == expected


def _year(record: dict):
    hub = record.get("hub") or {}
    if hub.get("created_at"):
        return str(datetime.fromisoformat(hub["created_at"]).year)
    created = _chosen(record, "created")
    return str(created) if created else "unknown"


def _paper_domains() -> dict[str, str]:
    with open(ROOT / "carbon_card" / "data" / "task_domains_har2025.csv", encoding="utf-8", newline="") as f:
        return {row["task"]: row["domain"] for row in csv.DictReader(f)}


def _task(record: dict):
    return (record.get("hub") or {}).get("pipeline_tag") or _chosen(record, "task")


# --------------------------------------------------------------------------- the aggregates


def test_the_corpus_spans_every_tier_and_both_sources(records):
    # The aggregates below are tested on records of every kind, not on one.
    disclosure = Counter(r["disclosure_tier"].split(" ")[0] for r in records)
    assert all(disclosure[tier] > 0 for tier in ("T1", "T3", "T4", "none")), disclosure
    assert sum("hub" in r for r in records) == 1417 and sum("hub" not in r for r in records) > 300


def test_per_tier_and_overall_equal_sums_over_the_records(records, census):
    data = census.json()
    _check_group(data["total"], records)
    for tier in TIERS:
        _check_group(data["disclosure"][tier], [r for r in records if r["disclosure_tier"].split(" ")[0] == tier])
    # Reported figures add up exactly, as stated.
    reported = [r for r in records if r["estimate"]["tier"] == "T1"]
    assert census.total.emissions.point == pytest.approx(sum(r["estimate"]["emissions_g"]["central"]
                                                             for r in reported), rel=1e-12)


@pytest.mark.parametrize("breakdown", ["by_year", "by_domain", "by_library", "by_author_kind"])
def test_breakdowns_equal_groups_counted_here(records, census, breakdown):
    paper = _paper_domains()
    key = {
        "by_year": _year,
        "by_domain": lambda r: paper.get(re.sub(r"[\s_]+", "-", _task(r).strip().lower()), "Other")
        if _task(r) else "Other",
        "by_library": lambda r: ((r.get("hub") or {}).get("library_name") or _chosen(r, "library")
                                 or "unknown").strip().lower(),
        "by_author_kind": lambda r: "AutoTrain user" if {"autotrain", "autonlp"} & set((r.get("hub") or {})
                                                                                      .get("tags") or ())
        else "unknown",
    }[breakdown]
    groups: dict[str, list] = {}
    for record in records:
        groups.setdefault(key(record), []).append(record)
    data = census.json()[breakdown]
    assert set(data) == set(groups)
    for name, members in groups.items():
        _check_group(data[name], members)
    assert sum(g["models"] for g in data.values()) == len(records)


def test_the_breakdowns_say_what_they_found(census):
    data = census.json()
    # The study's models were created 2019-2023 (its dump's createdAt); real and gold cards have no date.
    assert {"2019", "2020", "2021", "2022", "2023", "unknown"} <= set(data["by_year"])
    assert list(data["by_year"])[-1] == "unknown"
    assert data["by_author_kind"]["AutoTrain user"]["models"] > 1000  # AutoTrain's runs in the study
    assert {"Natural Language Processing", "Computer Vision", "Other"} <= set(data["by_domain"])


def test_tasks_the_table_lacks_are_counted(records, census):
    paper, hub_tasks = _paper_domains(), set()
    with open(ROOT / "carbon_card" / "data" / "task_domains.csv", encoding="utf-8", newline="") as f:
        hub_tasks = {row["task"] for row in csv.DictReader(f)}
    tasks = [re.sub(r"[\s_]+", "-", t.strip().lower()) if t else None for t in map(_task, records)]
    outside = census.json()["tasks_outside_table"]
    assert outside["no_task"] == tasks.count(None)
    assert outside["not_hub_tasks"] == sum(t is not None and t not in hub_tasks for t in tasks)
    assert outside["hub_tasks"] == dict(sorted(Counter(t for t in tasks if t in hub_tasks - set(paper)).items()))


def test_atci_quantiles_are_within_one_bin_of_the_exact_ones(records, census):
    step = 10 ** (1 / LogHistogram.PER_DECADE)
    for tier, found in census.json()["atci_tco2e_per_1e21_flop"].items():
        values = sorted(r["estimate"]["atci_tco2e_per_1e21_flop"]["central"] for r in records
                        if r["estimate"]["tier"] == tier and r["estimate"]["atci_tco2e_per_1e21_flop"])
        assert found["models"] == len(values)
        if not values:
            assert found["median"] is None
            continue
        assert (found["min"], found["max"]) == (values[0], values[-1])
        for name, q in (("p5", 0.05), ("p25", 0.25), ("median", 0.5), ("p75", 0.75), ("p95", 0.95)):
            rank = max(math.ceil(q * len(values)) - 1, 0)  # the value at or just below the q-th fraction
            exact = values[rank]
            assert exact / step <= found[name] <= exact * step or \
                values[max(rank - 1, 0)] / step <= found[name] <= values[min(rank + 1, len(values) - 1)] * step, \
                (tier, name, found[name], exact)
    assert census.json()["atci_tco2e_per_1e21_flop"]["T1"]["models"] > 0


def test_largest_are_the_top_of_the_sorted_estimates(records, census):
    estimated = [r for r in records if _emissions(r)]
    expected = sorted(estimated, key=lambda r: (_emissions(r)[0], r["repo_id"]), reverse=True)[:LARGEST]
    largest = census.json()["largest"]
    assert [(e["repo_id"], e["emissions_g"]["central"], e["estimate_tier"]) for e in largest] == \
        [(r["repo_id"], _emissions(r)[0], r["estimate"]["tier"]) for r in expected]
    assert len(largest) == LARGEST


def test_label_distribution_is_the_records_labels_counted(records, census):
    labels = census.json()["labels"]
    for mode in ("corrected", "faithful"):
        counted = Counter((r["label"] or {}).get(mode) or "none" for r in records)
        assert labels[mode] == {letter: counted[letter] for letter in (*"ABCDE", "none")}
    assert labels["corrected"]["none"] == sum(_emissions(r) is None for r in records)
    assert labels["corrected"] != labels["faithful"]  # the two modes differ on the CO2 boundaries


def test_the_study_models_keep_their_label_when_rated_alone(records):
    # A study model rated with the metrics it shares with the study (emissions, size from its
    # parameters, downloads) on the study's scale: the label is one of A-E, and the faithful
    # mode rates CO2 more leniently (its boundaries are of the index's square root).
    study = [r for r in records if r["repo_id"].startswith("castano/")]
    assert all(r["label"]["corrected"] in "ABCDE" and r["label"]["faithful"] in "ABCDE" for r in study)
    order = "ABCDE"
    assert sum(order.index(r["label"]["faithful"]) <= order.index(r["label"]["corrected"]) for r in study) \
        > 0.9 * len(study)
    assert Counter(tuple(r["label"]["metrics"]) for r in study).most_common(1)[0][0] == \
        ("co2_eq_emissions", "downloads")  # the rebuilt cards state no size


def test_fine_tunes_count_their_own_training(records):
    # A fine-tune estimated from its size (T4) uses the fine-tuning priors, never its base's
    # pre-training; nothing of its base model enters its record's estimate.
    fine_tunes = [r for r in records if _chosen(r, "base_model") and r["estimate"]["tier"] in ("T3", "T4")
                  and _chosen(r, "training_type") == "fine-tuning"]
    assert fine_tunes
    for record in fine_tunes:
        names = [a["name"] for a in record["estimate"]["assumptions"]]
        assert "model FLOPs utilisation (fine-tuning)" in names, record["repo_id"]
        if record["estimate"]["tier"] == "T4":
            (tokens,) = [a for a in record["estimate"]["assumptions"] if a["name"] == "training tokens (prior)"]
            assert "fine-tunes" in tokens["source"], tokens


# Gold cards (tune split: the validation split stays out of the reader's tests) that embed their
# base model's card (a quantisation, a re-upload, a fine-tune), whose base's training figure the
# annotators marked as the base's, not this model's: a census counts it once, for the base.
EMBEDDED_BASE_CARDS = ["MaziyarPanahi/Meta-Llama-3-8B-Instruct-GGUF", "TheBloke/CodeLlama-7B-Instruct-GGUF",
                       "TheBloke/CodeLlama-34B-Python-GGUF", "NousResearch/Llama-2-7b-chat-hf",
                       "kfkas/Llama-2-ko-7b-Chat", "Trelis/Llama-2-7b-chat-hf-function-calling-v2",
                       "coreml-community/coreml-stable-diffusion-2-1-base"]


@pytest.mark.parametrize("repo_id", EMBEDDED_BASE_CARDS)
def test_a_card_embedding_its_bases_card_does_not_claim_its_emissions(records, repo_id):
    (record,) = [r for r in records if r["repo_id"] == repo_id]
    assert record["estimate"]["tier"] != "T1", record["estimate"]["method"]


def test_memory_stays_bounded():
    census = Census()
    for i in range(3 * MAX_GROUPS):
        census.add({"repo_id": f"a/m{i}", "error": None, "disclosure_tier": "T4", "findings": [],
                    "facts": [{"quantity": "library", "value": f"lib{i}", "chosen": True}],
                    "estimate": {"tier": "T4", "emissions_g": {"central": 1.0 + i, "low": 0.1, "high": 10.0 + i},
                                 "atci_tco2e_per_1e21_flop": {"central": 10.0 ** (i % 30 - 15)}}})
    data = census.json()
    assert len(data["by_library"]) == MAX_GROUPS and data["by_library"]["(others)"]["models"] == 2 * MAX_GROUPS + 1
    assert sum(g["models"] for g in data["by_library"].values()) == 3 * MAX_GROUPS
    assert len(census.largest) == LARGEST and len(census.atci["T4"].counts) == 16 * 20 + 2
    # Values past the bins are kept as the extremes.
    assert data["atci_tco2e_per_1e21_flop"]["T4"]["min"] == 1e-15
    # The report lists the 15 largest libraries, then the rest in one row.
    report = census.markdown("Audited.").split("## By library")[1].split("##")[0]
    rows = [line for line in report.splitlines() if line.startswith("| ") and not line.startswith("| Library")]
    assert len(rows) == 16 and rows[-1].startswith(f"| {MAX_GROUPS - 15} more | {3 * MAX_GROUPS - 15} |")


def test_a_record_it_cannot_read_counts_as_far_as_it_goes():
    entry = entry_of({"repo_id": "x/y", "error": None, "disclosure_tier": ["T1"], "facts": "nonsense",
                      "hub": {"created_at": "not a date", "likes": "many", "tags": "autotrain"},
                      "estimate": {"tier": "T4", "emissions_g": {"central": float("nan")}}})
    assert (entry.disclosure, entry.emissions, entry.year, entry.likes, entry.author_kind.value) == \
        ("none", None, None, None, "unknown")


# --------------------------------------------------------------------------- the formats


def test_markdown_report_structure(census):
    text = census.markdown("Audited 1,773 models.")
    headings = [line for line in text.splitlines() if line.startswith("#")]
    assert headings == [
        f"# Carbon census of {census.total.models:,} models",
        "## By disclosure tier",
        "## By year of creation",
        "## By task domain (Agarwal and Chakraborti 2025, Table 1)",
        "## By library",
        "## By author kind",
        "## ATCI: training emissions per compute (tCO2e per 10^21 FLOP)",
        "## The 20 largest estimates",
        "## Efficiency label (Castaño et al. 2023)",
        "## Method",
    ]
    lines = text.splitlines()
    assert lines[2] == "Audited 1,773 models." and lines[4].startswith(f"Training emissions of the {census.total.models:,}")
    # Every table: a header, a rule with one cell per column, and rows as wide.
    tables = re.findall(r"((?:^\|.*\|\n)+)", text + "\n", re.MULTILINE)
    assert len(tables) == 8
    for table in tables:
        rows = [row.split(" | ") for row in table.strip().splitlines()]
        assert re.fullmatch(r"\|(?:(?:---|--:)\|)+", table.splitlines()[1])
        assert len({len(row) for i, row in enumerate(rows) if i != 1}) == 1
    total_row = next(line for line in lines if line.startswith("| Total |"))
    assert total_row.startswith(f"| Total | {census.total.models} | {census.total.emissions.estimated} |")
    assert sum(line.startswith("| ") and line.split(" | ")[0][2:].isdigit() and "`" in line for line in lines) == 20
    assert lines[-1].startswith("- Efficiency label")


def test_text_and_json_summaries_carry_the_census(local_hub, tmp_path):
    local_hub([*castano_repos(5), *real_repos()[:3]])
    table = audit("--limit", "8")
    assert "By task domain (Agarwal and Chakraborti 2025, Table 1)" in table.stdout
    assert "The 8 largest estimates" in table.stdout
    document = json.loads(audit("--limit", "8", "--format", "json").stdout)
    census = Census()
    for record in document["models"]:
        census.add(record)
    assert _same(document["summary"]["census"], json.loads(json.dumps(census.json())))
    assert document["summary"]["tiers"]["T1"]["models"] == document["summary"]["census"]["disclosure"]["T1"]["models"]


def test_parquet_has_the_glm_columns_row_by_row(local_hub, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    repos = [*castano_repos(6), *real_repos()[:4]]
    local_hub(repos)
    out = tmp_path / "census.parquet"
    before = datetime.now(timezone.utc)
    result = audit("--limit", "10", "--format", "parquet", "-o", str(out), "--label")
    assert result.exit_code in (0, 1), result.stderr
    assert result.stdout == "" and "Audited 10 models." in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # no temporary left

    table = pq.read_table(out)
    assert table.schema.names == [
        "repo_id", "author", "error", "disclosure_tier", "estimate_tier", "emissions_g", "emissions_low_g",
        "emissions_high_g", "atci_tco2e_per_1e21_flop", "parameters", "likes", "downloads", "created_at",
        "created_year", "last_modified", "age_days", "pipeline_tag", "domain", "library", "author_kind",
        "label_corrected", "label_faithful"]
    assert table.schema.field("created_at").type == pa.timestamp("us", tz="UTC")
    assert table.schema.field("downloads").type == pa.int64() and table.schema.field("created_year").type == pa.int32()
    observed = datetime.fromisoformat(table.schema.metadata[b"carbon_card.observed_at"].decode())
    assert before <= observed <= datetime.now(timezone.utc)

    records, _ = jsonl(audit("--limit", "10", "--format", "jsonl", "--label").stdout)
    rows = table.to_pylist()
    assert sorted(r["repo_id"] for r in rows) == sorted(records)
    for row in rows:
        record = records[row["repo_id"]]
        interval = record["estimate"]["emissions_g"] or {}
        assert (row["emissions_g"], row["emissions_low_g"], row["emissions_high_g"]) == \
            (interval.get("central"), interval.get("low"), interval.get("high"))
        assert row["estimate_tier"] == record["estimate"]["tier"]
        assert row["disclosure_tier"] == record["disclosure_tier"].split(" ")[0]
        assert row["downloads"] == record["downloads"] and row["author"] == row["repo_id"].split("/")[0]
        assert row["parameters"] == (_chosen(record, "params") or _chosen(record, "params_active"))
        assert (row["label_corrected"], row["label_faithful"]) == \
            ((record["label"] or {}).get("corrected"), (record["label"] or {}).get("faithful"))
        assert row["error"] is None and row["domain"] in set(_paper_domains().values()) | {"Other"}


def test_parquet_row_groups_and_no_partial_file(records, tmp_path):
    import pyarrow.parquet as pq

    from carbon_card.census_parquet import TableWriter, row_of

    observed = datetime(2026, 6, 1, tzinfo=timezone.utc)
    out = tmp_path / "rows.parquet"
    writer = TableWriter(str(out), observed_at=observed, row_group=100)
    for record in records:
        writer.add(record)
    assert not out.exists()  # written beside, put in place at the end
    writer.close()
    file = pq.ParquetFile(out)
    assert file.metadata.num_row_groups == math.ceil(len(records) / 100)
    rows = file.read().to_pylist()
    assert rows == [row_of(record, observed) for record in records]
    # The study's models: age in days from their creation to the run's time, and the Hub's likes.
    castano = [(row, record) for row, record in zip(rows, records) if "hub" in record and record["hub"]["created_at"]]
    row, record = castano[0]
    created = datetime.fromisoformat(record["hub"]["created_at"])
    assert row["age_days"] == pytest.approx((observed - created).total_seconds() / 86400)
    assert row["created_year"] == created.year and row["likes"] == record["hub"]["likes"]

    gone = tmp_path / "gone.parquet"
    writer = TableWriter(str(gone), row_group=10)
    for record in records[:25]:
        writer.add(record)
    writer.discard()
    assert list(tmp_path.iterdir()) == [out]  # neither the output nor its temporary


def test_parquet_usage_and_a_missing_pyarrow_are_one_line(monkeypatch, tmp_path):
    result = CliRunner().invoke(cli, ["audit", "a/b", "--format", "parquet"])
    assert result.exit_code == 2 and "--format parquet needs --output FILE" in result.stderr
    monkeypatch.setitem(__import__("sys").modules, "pyarrow.parquet", None)  # import fails as if not installed
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")
    result = CliRunner().invoke(cli, ["audit", "a/b", "--format", "parquet", "-o", str(tmp_path / "x.parquet")])
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    (line,) = result.stderr.splitlines()
    assert line.endswith("pip install 'carbon-card[dataset]'") and not list(tmp_path.iterdir())


def test_resume_rebuilds_the_same_census(local_hub, tmp_path):
    repos = [*castano_repos(8), *real_repos()[:4]]
    local_hub(repos)
    full = jsonl(audit("--limit", "12", "--format", "jsonl", "--label").stdout)[1]["census"]

    out = tmp_path / "audit.jsonl"
    audit("--limit", "12", "--format", "jsonl", "--label", "-o", str(out))
    lines = out.read_text().splitlines()[:7]  # interrupted after 7 models, the summary never written
    out.write_text("\n".join(lines) + "\n")
    audit("--limit", "12", "--format", "jsonl", "--label", "-o", str(out), "--resume")
    resumed_census = jsonl(out.read_text())[1]["census"]
    assert _same(resumed_census, full) and resumed_census["total"]["models"] == 12

    # The CSV output carries the census's columns: resuming it, or reading it back, gives the same census.
    out = tmp_path / "audit.csv"
    audit("--limit", "12", "--format", "csv", "--label", "-o", str(out))
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    out.write_text("\n".join(out.read_text().splitlines()[:6]) + "\n")  # the header and 5 models
    resumed = audit("--limit", "12", "--format", "csv", "--label", "-o", str(out), "--resume")
    from_csv = Census()
    for row in csv.DictReader(io.StringIO(out.read_text())):
        from_csv.add(row)
    assert _same(json.loads(json.dumps(from_csv.json())), full)
    assert len(rows) == 12 and "By year of creation" in resumed.stderr


def test_lineage_adds_nothing_to_the_census(local_hub):
    local_hub(special_repos())
    ids = ("lineage/tiny-ft", "lineage/tiny-base", "lineage/loop-a", "lineage/orphan")
    with_bases = jsonl(audit(*ids, "--lineage", "--format", "jsonl").stdout)[1]["census"]
    alone = jsonl(audit(*ids, "--format", "jsonl").stdout)[1]["census"]
    assert _same(with_bases, alone)
    assert "lineage/tiny-root" not in {e["repo_id"] for e in with_bases["largest"]}  # a base, reported 125 kg


def test_the_audit_summary_holds_the_census(records, census):
    summary = AuditSummary()
    for record in [*records, {"repo_id": "x/failed", "error": {"reason": "timeout", "message": "m"}}]:
        summary.add(record)
    assert summary.json()["census"] == census.json()  # a failed model is not in the census
    assert (summary.audited, summary.failed, summary.total.models) == (len(records), 1, len(records))
