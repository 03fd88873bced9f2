import re

import pytest

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
