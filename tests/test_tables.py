import re

import pytest
from conftest import ROOT

from carbon_card import tables

SEVEN = {"NLP", "Computer Vision", "Audio", "Multimodal", "Tabular", "Reinforcement Learning", "Other"}


@pytest.mark.parametrize(
    "task, domain",
    [
        # The published examples of Agarwal and Chakraborti (2025), Table 1.
        ("text-generation", "NLP"),
        ("automatic-speech-recognition", "Audio"),
        ("image-to-image", "Computer Vision"),
        ("no-such-task", "Other"),
    ],
)
def test_published_examples(task, domain):
    assert tables.task_domain(task) == domain


@pytest.mark.parametrize("task", [None, "", "   ", "unknown", ["text-generation"], 42])
def test_missing_or_unknown_is_other(task):
    assert tables.task_domain(task) == "Other"


@pytest.mark.parametrize(
    "written", [" Text_Generation ", "TEXT-GENERATION", "text generation", "text_generation\n"]
)
def test_task_is_normalised(written):
    assert tables.normalise_task(written) == "text-generation"
    assert tables.task_domain(written) == "NLP"


def test_rows_have_source_and_year():
    rows = tables.load_table("task_domains.csv")
    assert rows
    for row in rows:
        assert row["source"].strip(), row
        assert re.fullmatch(r"\d{4}", row["year"]), row


def test_no_duplicate_tasks():
    tasks = [row["task"] for row in tables.load_table("task_domains.csv")]
    assert len(tasks) == len(set(tasks))


def test_tasks_are_hub_kebab_case():
    for task in tables.task_domains():
        assert tables.normalise_task(task) == task


def test_every_domain_is_one_of_seven():
    assert set(tables.task_domains().values()) <= SEVEN
    assert tables.DOMAINS == SEVEN


def test_rows_sorted_by_domain_then_task():
    rows = tables.load_table("task_domains.csv")
    keys = [(row["domain"], row["task"]) for row in rows]
    assert keys == sorted(keys)


def test_task_domains_is_a_copy_and_loaded_once():
    first = tables.task_domains()
    first["text-generation"] = "Audio"
    assert tables.task_domain("text-generation") == "NLP"
    assert tables.load_table("task_domains.csv") is tables.load_table("task_domains.csv")


# --- Agarwal and Chakraborti (2025), Table 1 ---------------------------------------------------

HAR2025_COPY = ROOT.parent.parent / "shared" / "reference" / "task_domains_har2025.tsv"


def test_har2025_table_has_44_tasks_with_source_and_year():
    rows = tables.load_table("task_domains_har2025.csv")
    assert len(rows) == len({row["task"] for row in rows}) == 44
    assert all("arXiv:2511.22781" in row["source"] and row["year"] == "2025" for row in rows)
    assert [(r["domain"], r["task"]) for r in rows] == sorted((r["domain"], r["task"]) for r in rows)
    assert set(tables.har2025_domains().values()) == {
        "Natural Language Processing", "Computer Vision", "Audio", "Multimodal", "Tabular Data",
        "Reinforcement Learning", "Graph ML"}


@pytest.mark.skipif(not HAR2025_COPY.exists(), reason="the project's shared reference copy is not beside the repo")
def test_har2025_table_is_the_transcription():
    lines = HAR2025_COPY.read_text(encoding="utf-8").splitlines()[1:]
    assert dict(line.split("\t") for line in lines) == tables.har2025_domains()


def test_har2025_domain_is_other_outside_the_table_as_in_the_paper():
    assert tables.har2025_domain(" Text_Generation ") == "Natural Language Processing"
    assert tables.har2025_domain("graph-ml") == "Graph ML"
    for task in (None, "", "any-to-any", "visual-document-retrieval", ["fill-mask"]):
        assert tables.har2025_domain(task) == "Other"


def test_hub_tasks_the_paper_lacks():
    # The Hub's own list (pipelines.ts) has 12 tasks Table 1 does not; every task of the table is a Hub task.
    hub, paper = set(tables.task_domains()), set(tables.har2025_domains())
    assert paper <= hub
    assert sorted(hub - paper) == [
        "any-to-any", "audio-text-to-text", "biology", "keypoint-detection", "multiple-choice", "other",
        "table-to-text", "tabular-to-text", "text-ranking", "text-retrieval", "video-text-to-text",
        "visual-document-retrieval"]
