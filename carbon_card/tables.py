"""Data tables of carbon-card, loaded lazily and once.

Every data table lives as a CSV file in ``carbon_card/data/`` (shipped inside the wheel),
each row with its ``source`` and ``year``; ``carbon_card/data/README.md`` describes them.
A table is read on first use and cached for the life of the process.

The task tables: the Hub's own tasks and their modality (``task_domains.csv``), and the
task-to-domain table of Agarwal and Chakraborti (2025), Table 1 (``task_domains_har2025.csv``),
which the census groups models by.
"""

from __future__ import annotations

import csv
import functools
import io
import os
import re

__all__ = ["DOMAINS", "OTHER", "har2025_domain", "har2025_domains", "load_table", "task_domains", "task_domain",
           "normalise_task"]

OTHER = "Other"

#: The domains a task can map to.
DOMAINS = frozenset(
    {"NLP", "Computer Vision", "Audio", "Multimodal", "Tabular", "Reinforcement Learning", OTHER}
)

_SEPARATORS = re.compile(r"[\s_]+")


@functools.lru_cache(maxsize=None)
def load_table(name: str) -> tuple[dict[str, str], ...]:
    """The rows of the data table ``carbon_card/data/<name>``, as read by ``csv.DictReader``."""
    # Read beside this module, not through importlib.resources: its import is a tenth of `check`'s start-up.
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", name), "rb") as handle:
        text = handle.read().decode("utf-8")
    return tuple(csv.DictReader(io.StringIO(text, newline="")))


@functools.lru_cache(maxsize=None)
def _task_domains() -> dict[str, str]:
    return {row["task"]: row["domain"] for row in load_table("task_domains.csv")}


def task_domains() -> dict[str, str]:
    """Every Hub ``pipeline_tag`` task the table knows, mapped to its domain (a fresh copy)."""
    return dict(_task_domains())


def normalise_task(task: str) -> str:
    """A task written as the Hub writes it: lower-case kebab-case (" Text_Generation " -> "text-generation")."""
    return _SEPARATORS.sub("-", task.strip().lower()).strip("-")


def task_domain(task: str | None) -> str:
    """The domain of a Hub ``pipeline_tag`` task; "Other" when it is missing or not in the table."""
    if not isinstance(task, str):  # None, or a malformed card value such as a list
        return OTHER
    return _task_domains().get(normalise_task(task), OTHER)


@functools.lru_cache(maxsize=None)
def _har2025() -> dict[str, str]:
    return {row["task"]: row["domain"] for row in load_table("task_domains_har2025.csv")}


def har2025_domains() -> dict[str, str]:
    """The 44 Hub tasks of Agarwal and Chakraborti (2025), Table 1, mapped to the paper's domain
    names ("Natural Language Processing", "Tabular Data", "Graph ML", ...; a fresh copy)."""
    return dict(_har2025())


def har2025_domain(task: str | None) -> str:
    """The domain of a Hub task in Agarwal and Chakraborti (2025), Table 1; "Other" when it is
    missing or not in the table, as in the paper."""
    if not isinstance(task, str):
        return OTHER
    return _har2025().get(normalise_task(task), OTHER)
