"""The census of an audit: the training emissions of the models audited, and who discloses them.

`Census.add` takes the audit's records one at a time (a JSON record, or a row of the CSV
output when `--resume` reads one back) and keeps, in memory that does not grow with the number
of models:

- per disclosure tier and overall: the models, the total training emissions with a 90%
  interval (`EmissionsSum`) and the share that report their emissions;
- the same broken down by the year the repository was created, the task's domain (Agarwal and
  Chakraborti 2025, Table 1: `data/task_domains_har2025.csv`), the library and the author's
  kind as the tags tell it, each breakdown holding at most `MAX_GROUPS` groups;
- the Hub tasks that table lacks and how many models have them;
- the distribution of the ATCI (emissions per training FLOP) per estimate tier, in a fixed
  log-spaced histogram;
- the `LARGEST` largest estimates (a bounded heap);
- with `--label`, the distribution of the efficiency label of Castaño et al. (2023).

Only a record's own `estimate` is counted: a fine-tune's is its own training (its tokens from
the fine-tuning priors), and the bases that `--lineage` adds to a record are never counted.

What a record says of the repository comes from its `hub` mapping when the record has one (the
Hub's dump of model cards: `author`, `created_at`, `last_modified`, `likes`, `library_name`,
`pipeline_tag`, `tags`), else from its facts (`task`, `library`, `created`).
"""

from __future__ import annotations

import functools
import heapq
import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from enum import Enum
from typing import Any

from .units import format_mass

__all__ = ["CSV_COLUMNS", "LARGEST", "MAX_GROUPS", "METHOD", "AuthorKind", "Census", "CensusEntry", "EmissionsSum",
           "LogHistogram", "csv_cells", "efficiency_label", "entry_of"]

_Z90 = 1.6448536269514722
TIERS = ("T1", "T2", "T3", "T4", "none")
_ESTIMATE_TIERS = ("T1", "T2", "T3", "T4")
LABEL_MODES = ("corrected", "faithful")
"""The label's modes, the recommended one first (see `carbon_card.label`)."""

LARGEST = 20
"""The largest estimates the census lists."""
MAX_GROUPS = 200
"""The most groups a breakdown keeps (libraries are written freely in cards): later keys are `OTHERS`."""
LIBRARIES_SHOWN = 15
"""The libraries the text and markdown reports list one by one (the JSON lists them all)."""
UNKNOWN = "unknown"
OTHERS = "(others)"

# The study's `size` is the bytes of the weights as float32 (its pytorch_model.bin files);
# data/autotrain_finetunes.csv turns it into parameters the other way, over 4.
_BYTES_PER_PARAMETER = 4


# =========================================================================== one record


class AuthorKind(str, Enum):
    """Who made the model, as far as the record tells it.

    The Hub's dump says neither whether an author is an organisation or a person nor an
    organisation's type (company, university, non-profit, community: the organisation tags of
    Agarwal and Chakraborti's GLM), and a namespace's name does not tell it either. The tags
    tell one kind: `autotrain` (and its former name `autonlp`) marks a model trained by Hugging
    Face's AutoTrain service for one of its users. Tags such as `autotrain_compatible` or
    `endpoints_compatible` say what can run the model, not who made it. Every other model is
    `unknown`."""

    AUTOTRAIN = "AutoTrain user"
    UNKNOWN = "unknown"


_AUTOTRAIN_TAGS = frozenset({"autotrain", "autonlp"})
_QUANTITIES = frozenset({"params", "params_active", "task", "library", "created"})  # the facts the census reads


@dataclass(frozen=True)
class CensusEntry:
    """What the census and its table read from one record."""

    repo_id: str
    error: str | None
    """The reason the model could not be audited (None: audited)."""
    disclosure: str = "none"
    """The disclosure tier's first word: T1 ... T4, none."""
    estimate_tier: str | None = None
    emissions: tuple[float, float, float] | None = None
    """Training emissions in grams: central, low, high (None: no estimate)."""
    atci: float | None = None
    """tCO2e per 10^21 FLOP, central value."""
    author: str | None = None
    created_at: datetime | None = None
    year: int | None = None
    last_modified: datetime | None = None
    likes: int | None = None
    downloads: int | None = None
    params: float | None = None
    task: str | None = None
    library: str | None = None
    author_kind: AuthorKind = AuthorKind.UNKNOWN
    labels: dict[str, str | None] | None = None
    """The efficiency label per mode; None when the record has no `label` (no --label)."""

    @property
    def domain(self) -> str:
        return _task_class(self.task)[1]


class _TaskClass(str, Enum):
    """Where a task stands against Table 1 of Agarwal and Chakraborti (2025)."""

    IN_TABLE = "in the table"
    HUB_TASK_LACKING = "a Hub task the table lacks"
    NOT_HUB_TASK = "not a Hub task"
    NONE = "no task"


@functools.lru_cache(maxsize=1024)  # tasks are few; cards may write anything, so the cache is bounded
def _task_class(task: str | None) -> tuple[str | None, str, _TaskClass]:
    """(the task as the Hub writes it, its domain, where it stands)."""
    from .tables import OTHER, har2025_domains, normalise_task, task_domains

    if task is None:
        return None, OTHER, _TaskClass.NONE
    name = normalise_task(task)
    domain = har2025_domains().get(name)
    if domain is not None:
        return name, domain, _TaskClass.IN_TABLE
    return name, OTHER, _TaskClass.HUB_TASK_LACKING if name in task_domains() else _TaskClass.NOT_HUB_TASK


def entry_of(record: dict[str, Any]) -> CensusEntry:
    """The census's view of an audit record (JSON) or of a row of the audit's CSV output."""
    if "error_reason" in record:
        return _csv_entry(record)
    repo_id = str(record.get("repo_id") or "")
    error = record.get("error")
    if error:
        return CensusEntry(repo_id, (error.get("reason") if isinstance(error, dict) else None) or "error")
    hub = record.get("hub") if isinstance(record.get("hub"), dict) else {}
    chosen = {f["quantity"]: f.get("value") for f in record.get("facts") or ()
              if isinstance(f, dict) and f.get("chosen") and f.get("quantity") in _QUANTITIES}
    result = record.get("estimate") if isinstance(record.get("estimate"), dict) else {}
    created = _time(hub.get("created_at"))
    year = created.year if created else _year(chosen.get("created"))
    tags = hub.get("tags") if isinstance(hub.get("tags"), (list, tuple)) else ()
    label = record.get("label", False)
    return CensusEntry(
        repo_id, None, _disclosure(record.get("disclosure_tier")), _text(result.get("tier")),
        _interval(result.get("emissions_g")), _central(result.get("atci_tco2e_per_1e21_flop")),
        _text(hub.get("author")) or (repo_id.split("/")[0] if "/" in repo_id else None), created, year,
        _time(hub.get("last_modified")), _count(hub.get("likes")), _count(record.get("downloads")),
        _positive(chosen.get("params")) or _positive(chosen.get("params_active")),
        _text(hub.get("pipeline_tag")) or _text(chosen.get("task")),
        _text(hub.get("library_name")) or _text(chosen.get("library")),
        AuthorKind.AUTOTRAIN if any(isinstance(t, str) and t.lower() in _AUTOTRAIN_TAGS for t in tags)
        else AuthorKind.UNKNOWN,
        None if label is False else _labels(label))


# The columns the audit's CSV output adds for the census (so that --resume rebuilds it).
CSV_COLUMNS = ("created_year", "pipeline_tag", "domain", "library", "author_kind", "atci_tco2e_per_1e21_flop",
               "label_corrected", "label_faithful")


def csv_cells(record: dict[str, Any]) -> dict[str, Any]:
    """The census's cells of a record's CSV row."""
    entry = entry_of(record)
    if entry.error:
        return dict.fromkeys(CSV_COLUMNS, "")
    # A label cell is empty without --label, and "-" for a model --label could not rate.
    labels = {mode: "" if entry.labels is None else entry.labels.get(mode) or "-" for mode in LABEL_MODES}
    return {"created_year": entry.year or "", "pipeline_tag": entry.task or "", "domain": entry.domain,
            "library": entry.library or "", "author_kind": entry.author_kind.value,
            "atci_tco2e_per_1e21_flop": "" if entry.atci is None else entry.atci,
            **{f"label_{mode}": labels[mode] for mode in LABEL_MODES}}


def _csv_entry(row: dict[str, Any]) -> CensusEntry:
    if row.get("error_reason"):
        return CensusEntry(str(row.get("repo_id") or ""), row["error_reason"])
    emissions = _interval({"central": _number(row.get("emissions_g")), "low": _number(row.get("emissions_low_g")),
                           "high": _number(row.get("emissions_high_g"))})
    kinds = {kind.value: kind for kind in AuthorKind}
    labelled = row.get("label_corrected") or row.get("label_faithful")
    return CensusEntry(
        str(row.get("repo_id") or ""), None, _disclosure(row.get("disclosure_tier")),
        _text(row.get("estimate_tier")), emissions, _number(row.get("atci_tco2e_per_1e21_flop")),
        year=_year(_number(row.get("created_year"))), downloads=_count(_number(row.get("downloads"))),
        task=_text(row.get("pipeline_tag")), library=_text(row.get("library")),
        author_kind=kinds.get(row.get("author_kind") or "", AuthorKind.UNKNOWN),
        labels=_labels({mode: row.get(f"label_{mode}") for mode in LABEL_MODES}) if labelled else None)


def _disclosure(value: Any) -> str:
    word = value.split(" ")[0] if isinstance(value, str) and value.strip() else "none"
    return word if word in TIERS else "none"


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            return None
    return float(value) if isinstance(value, (int, float)) and math.isfinite(value) else None


def _positive(value: Any) -> float | None:
    number = _number(value)
    return number if number is not None and number > 0 else None


def _count(value: Any) -> int | None:
    number = _number(value)
    return int(number) if number is not None and number >= 0 else None


def _year(value: Any) -> int | None:
    number = _number(value)
    return int(number) if number is not None and number == int(number) and 1990 <= number <= 2100 else None


def _time(value: Any) -> datetime | None:
    """An ISO 8601 time as UTC (a time without a zone is taken as UTC, as the Hub gives them)."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str) and value.strip():
        try:
            moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return None
    else:
        return None
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)


def _interval(value: Any) -> tuple[float, float, float] | None:
    if not isinstance(value, dict):
        return None
    central = _positive(value.get("central"))
    if central is None:
        return None
    low, high = _positive(value.get("low")), _positive(value.get("high"))
    return central, low if low is not None else central, high if high is not None else central


def _central(value: Any) -> float | None:
    return _positive(value.get("central")) if isinstance(value, dict) else None


def _labels(value: Any) -> dict[str, str | None]:
    value = value if isinstance(value, dict) else {}
    return {mode: value.get(mode) if value.get(mode) in tuple("ABCDE") else None for mode in LABEL_MODES}


# =========================================================================== the label


def efficiency_label(record: dict[str, Any]) -> dict[str, Any] | None:
    """The efficiency label of Castaño et al. (2023) of an audited record, in both modes
    (corrected, the one `carbon_card.label` recommends, and faithful to the study's code),
    rated on the study's own scale (`label.study_scale`), and the metrics it rated.

    The metrics a record gives: the training emissions (the estimate's central value, reported
    or estimated), the size efficiency (the parameters as float32 bytes, as the study's sizes
    were, over the emissions) and the downloads; the dataset size and the performance score are
    not known, and the weights are renormalised over the metrics rated, as in the study. None
    for a record without an emissions figure: a label of downloads alone says nothing of carbon."""
    from .label import LabelInput, compound_label, ratings, study_scale

    entry = entry_of(record)
    if entry.error or entry.emissions is None:
        return None
    row = LabelInput(entry.repo_id, co2_eq_emissions=entry.emissions[0],
                     size=entry.params * _BYTES_PER_PARAMETER if entry.params else None,
                     downloads=None if entry.downloads is None else float(entry.downloads))
    label: dict[str, Any] = {}
    for mode in LABEL_MODES:
        rated = ratings(row, study_scale(mode))
        label[mode] = compound_label(rated)
    label["metrics"] = [metric for metric, rating in rated.items() if rating is not None]
    return label


# =========================================================================== aggregates


@dataclass
class EmissionsSum:
    """A running sum of emissions: points (reported figures) and log-normal estimates."""

    models: int = 0
    estimated: int = 0
    point: float = 0.0
    mean: float = 0.0
    variance: float = 0.0

    def add(self, tier: str | None, central: float | None, low: float | None, high: float | None) -> None:
        self.models += 1
        if central is None or not math.isfinite(central) or central <= 0:
            return
        self.estimated += 1
        if tier == "T1" or low is None or high is None or not (0 < low < high):
            self.point += central  # reported: taken as stated
            return
        sigma = math.log(high / low) / (2 * _Z90)
        mu = math.log(central)  # the central value of an estimate is its median
        self.mean += math.exp(mu + sigma**2 / 2)
        self.variance += math.expm1(sigma**2) * math.exp(2 * mu + sigma**2)

    def merge(self, other: EmissionsSum) -> None:
        """Add another sum's models (independent of these)."""
        self.models += other.models
        self.estimated += other.estimated
        self.point += other.point
        self.mean += other.mean
        self.variance += other.variance

    def interval(self) -> dict[str, float] | None:
        """Central value (median), 90% interval and mean of the sum, in grams."""
        if not self.estimated:
            return None
        if self.mean <= 0:
            return {"central": self.point, "low": self.point, "high": self.point, "mean": self.point}
        # Fenton-Wilkinson: the log-normal with the sum's mean and variance.
        s2 = math.log1p(self.variance / self.mean**2)
        mu = math.log(self.mean) - s2 / 2
        spread = _Z90 * math.sqrt(s2)
        return {"central": self.point + math.exp(mu), "low": self.point + math.exp(mu - spread),
                "high": self.point + math.exp(mu + spread), "mean": self.point + self.mean}

    def text(self, reported: bool = False) -> str:
        interval = self.interval()
        if interval is None:
            return "-"
        if interval["low"] == interval["high"]:
            return f"{format_mass(interval['central'])} (reported, as stated)" if reported else \
                format_mass(interval["central"])
        return (f"{format_mass(interval['central'])} ({format_mass(interval['low'])} to "
                f"{format_mass(interval['high'])})")


@dataclass
class Group:
    """The models of one group: how many, per disclosure tier, and their emissions."""

    disclosure: Counter = field(default_factory=Counter)
    emissions: EmissionsSum = field(default_factory=EmissionsSum)

    @property
    def models(self) -> int:
        return self.emissions.models

    @property
    def reporting(self) -> int:
        return self.disclosure["T1"]

    def add(self, entry: CensusEntry) -> None:
        self.disclosure[entry.disclosure] += 1
        self.emissions.add(entry.estimate_tier, *(entry.emissions or (None, None, None)))

    def merge(self, other: Group) -> None:
        self.disclosure.update(other.disclosure)
        self.emissions.merge(other.emissions)

    def json(self) -> dict[str, Any]:
        return {"models": self.models, "reporting_emissions": self.reporting,
                "share_reporting_emissions": self.reporting / self.models if self.models else None,
                "disclosure": {tier: self.disclosure[tier] for tier in TIERS},
                "estimated": self.emissions.estimated, "emissions_g": self.emissions.interval()}


@dataclass
class Breakdown:
    """Groups by a key, at most `MAX_GROUPS` of them: a new key past that joins `OTHERS`."""

    groups: dict[str, Group] = field(default_factory=dict)

    def add(self, key: str, entry: CensusEntry) -> None:
        group = self.groups.get(key)
        if group is None:
            if len(self.groups) >= MAX_GROUPS - 1 and key != OTHERS:
                key = OTHERS
            group = self.groups.setdefault(key, Group())
        group.add(entry)

    def ordered(self, by_key: bool = False) -> list[tuple[str, Group]]:
        """Largest first (or by key), `unknown` and `OTHERS` last."""
        last = {UNKNOWN: 1, OTHERS: 2}
        if by_key:
            return sorted(self.groups.items(), key=lambda kv: (last.get(kv[0], 0), kv[0]))
        return sorted(self.groups.items(), key=lambda kv: (last.get(kv[0], 0), -kv[1].models, kv[0]))

    def json(self, by_key: bool = False) -> dict[str, Any]:
        return {key: group.json() for key, group in self.ordered(by_key)}


class LogHistogram:
    """Counts of positive values in fixed log-spaced bins (`PER_DECADE` per power of ten from
    10^`LOW` to 10^`HIGH`, plus one bin below and one above): quantiles in constant memory, each
    within one bin (a factor of 10^(1/20), 12%) of the exact one, and the exact extremes."""

    LOW, HIGH, PER_DECADE = -8, 8, 20

    def __init__(self) -> None:
        self.counts = [0] * ((self.HIGH - self.LOW) * self.PER_DECADE + 2)
        self.n = 0
        self.low = math.inf
        self.high = -math.inf

    def add(self, value: float | None) -> None:
        if value is None or not math.isfinite(value) or value <= 0:
            return
        self.n += 1
        self.low, self.high = min(self.low, value), max(self.high, value)
        position = (math.log10(value) - self.LOW) * self.PER_DECADE
        self.counts[min(max(math.floor(position) + 1, 0), len(self.counts) - 1)] += 1

    def quantile(self, q: float) -> float | None:
        """The q-quantile (0 <= q <= 1), interpolated geometrically within its bin."""
        if not self.n:
            return None
        target = q * self.n
        seen = 0
        for index, count in enumerate(self.counts):
            if count and seen + count >= target:
                if index in (0, len(self.counts) - 1):  # outside the bins: the extreme is all we know
                    return self.low if index == 0 else self.high
                fraction = (target - seen) / count
                exponent = self.LOW + (index - 1 + fraction) / self.PER_DECADE
                return min(max(10 ** exponent, self.low), self.high)
            seen += count
        return self.high

    def json(self) -> dict[str, Any]:
        return {"models": self.n, "min": self.low if self.n else None, "max": self.high if self.n else None,
                **{name: self.quantile(q) for name, q in _QUANTILES}}


_QUANTILES = (("p5", 0.05), ("p25", 0.25), ("median", 0.5), ("p75", 0.75), ("p95", 0.95))


@dataclass(order=True, frozen=True)
class _Large:
    central: float
    repo_id: str
    low: float = field(compare=False)
    high: float = field(compare=False)
    estimate_tier: str | None = field(compare=False)
    disclosure: str = field(compare=False)


@dataclass
class Census:
    """Running aggregates over the audited records; constant memory whatever their number."""

    disclosure: dict[str, Group] = field(default_factory=lambda: {tier: Group() for tier in TIERS})
    total: Group = field(default_factory=Group)
    by_year: Breakdown = field(default_factory=Breakdown)
    by_domain: Breakdown = field(default_factory=Breakdown)
    by_library: Breakdown = field(default_factory=Breakdown)
    by_author_kind: Breakdown = field(default_factory=Breakdown)
    missing_tasks: Counter = field(default_factory=Counter)
    """Models per Hub task that Table 1 of Agarwal and Chakraborti lacks (at most the Hub's tasks)."""
    not_hub_tasks: int = 0
    """Models whose task is not one of the Hub's."""
    no_task: int = 0
    atci: dict[str, LogHistogram] = field(default_factory=lambda: {tier: LogHistogram() for tier in _ESTIMATE_TIERS})
    largest: list[_Large] = field(default_factory=list)
    labels: dict[str, Counter] = field(default_factory=lambda: {mode: Counter() for mode in LABEL_MODES})

    def add(self, record: dict[str, Any]) -> None:
        """Count an audited record (a failed one is not counted: the summary counts those)."""
        self.add_entry(entry_of(record))

    def add_entry(self, entry: CensusEntry) -> None:
        if entry.error:
            return
        self.total.add(entry)
        self.disclosure[entry.disclosure].add(entry)
        self.by_year.add(str(entry.year) if entry.year else UNKNOWN, entry)
        self.by_domain.add(entry.domain, entry)
        self.by_library.add(entry.library.lower() if entry.library else UNKNOWN, entry)
        self.by_author_kind.add(entry.author_kind.value, entry)
        task, _, where = _task_class(entry.task)
        if where is _TaskClass.NONE:
            self.no_task += 1
        elif where is _TaskClass.NOT_HUB_TASK:
            self.not_hub_tasks += 1
        elif where is _TaskClass.HUB_TASK_LACKING:
            self.missing_tasks[task] += 1
        if entry.estimate_tier in self.atci:
            self.atci[entry.estimate_tier].add(entry.atci)
        if entry.emissions is not None:
            item = _Large(entry.emissions[0], entry.repo_id, entry.emissions[1], entry.emissions[2],
                          entry.estimate_tier, entry.disclosure)
            if len(self.largest) < LARGEST:
                heapq.heappush(self.largest, item)
            elif item > self.largest[0]:
                heapq.heapreplace(self.largest, item)
        if entry.labels is not None:
            for mode in LABEL_MODES:
                self.labels[mode][entry.labels.get(mode) or "none"] += 1

    @property
    def labelled(self) -> bool:
        return any(self.labels[mode] for mode in LABEL_MODES)

    def top(self) -> list[_Large]:
        return sorted(self.largest, reverse=True)

    # -- formats

    def json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "disclosure": {tier: group.json() for tier, group in self.disclosure.items()},
            "total": self.total.json(),
            "by_year": self.by_year.json(by_key=True),
            "by_domain": self.by_domain.json(),
            "by_library": self.by_library.json(),
            "by_author_kind": self.by_author_kind.json(),
            "tasks_outside_table": {"hub_tasks": dict(sorted(self.missing_tasks.items())),
                                    "not_hub_tasks": self.not_hub_tasks, "no_task": self.no_task},
            "atci_tco2e_per_1e21_flop": {tier: h.json() for tier, h in self.atci.items()},
            "largest": [{"repo_id": item.repo_id, "estimate_tier": item.estimate_tier,
                         "disclosure_tier": item.disclosure,
                         "emissions_g": {"central": item.central, "low": item.low, "high": item.high}}
                        for item in self.top()],
            "method": list(METHOD),
        }
        if self.labelled:
            data["labels"] = {mode: {letter: self.labels[mode][letter] for letter in (*"ABCDE", "none")}
                              for mode in LABEL_MODES}
        return data

    def text(self, headline: str) -> str:
        """The census as plain-text tables (the audit's table format ends with it)."""
        return "\n".join(self._sections(headline, _text_table, lambda title: f"{title}"))

    def markdown(self, headline: str) -> str:
        """The census as a report a person reads: headline, tables per breakdown, method."""
        return "\n".join(self._sections(headline, _markdown_table, lambda title: f"## {title}", markdown=True))

    def _sections(self, headline: str, table, heading, markdown: bool = False) -> list[str]:
        lines = []
        if markdown:
            lines += [f"# Carbon census of {_models(self.total.models)}", ""]
        lines += [headline, "", self._overall(), ""]
        lines += [heading("By disclosure tier"), "",
                  table(["Disclosure", "Models", "Estimated", "Training emissions (90% interval)"],
                        [[tier, str(g.models), str(g.emissions.estimated), g.emissions.text(tier == "T1")]
                         for tier, g in self.disclosure.items()]
                        + [["Total", str(self.total.models), str(self.total.emissions.estimated),
                            self.total.emissions.text()]], "lrrl"), ""]
        for title, first, breakdown, by_key, shown in (
                ("By year of creation", "Year", self.by_year, True, None),
                ("By task domain (Agarwal and Chakraborti 2025, Table 1)", "Domain", self.by_domain, False, None),
                ("By library", "Library", self.by_library, False, LIBRARIES_SHOWN),
                ("By author kind", "Author kind", self.by_author_kind, False, None)):
            lines += [heading(title), "", table(*_group_table(first, breakdown, by_key, shown)), ""]
            if breakdown is self.by_domain:
                lines += [self._tasks_outside(), ""]
        lines += [heading("ATCI: training emissions per compute (tCO2e per 10^21 FLOP)"), "",
                  table(["Estimate tier", "Models", "p5", "p25", "Median", "p75", "p95"],
                        [[tier, str(h.n), *(_number_text(h.quantile(q)) for _, q in _QUANTILES)]
                         for tier, h in self.atci.items()], "lrrrrrr"), ""]
        top = self.top()
        lines += [heading(f"The {len(top)} largest estimates" if top else "The largest estimates"), ""]
        if top:
            lines += [table(["#", "Model", "Estimate tier", "Disclosure", "Training emissions (90% interval)"],
                            [[str(rank), f"`{item.repo_id}`" if markdown else item.repo_id, item.estimate_tier or "-",
                              item.disclosure, _interval_text(item)] for rank, item in enumerate(top, 1)], "rllll"),
                      ""]
        else:
            lines += ["No model has an estimate.", ""]
        if self.labelled:
            lines += [heading("Efficiency label (Castaño et al. 2023)"), "",
                      table(["Label", "Corrected (recommended)", "Faithful to the study's code"],
                            [[letter if letter != "none" else "none (no emissions figure)",
                              *(str(self.labels[mode][letter]) for mode in LABEL_MODES)]
                             for letter in (*"ABCDE", "none")], "lrr"), ""]
        lines += [heading("Method"), ""]
        lines += [f"- {line}" for line in METHOD] if markdown else list(METHOD)
        return lines

    def _overall(self) -> str:
        models = self.total.models
        if not models:
            return "No model was audited."
        interval = self.total.emissions.interval()
        if interval is None:
            emissions = "none estimated"
        elif interval["low"] == interval["high"]:
            emissions = f"{format_mass(interval['central'])} CO2e, as reported"
        else:
            emissions = f"{self.total.emissions.text()} CO2e (median, 90% interval)"
        return (f"Training emissions of the {_models(models)}: {emissions}; {self.total.reporting / models:.1%} "
                f"report their emissions ({self.total.reporting:,} of {models:,}).")

    def _tasks_outside(self) -> str:
        from .tables import har2025_domains, task_domains

        lacking = sorted(set(task_domains()) - set(har2025_domains()))
        seen = sum(self.missing_tasks.values())
        which = ", ".join(f"{task} {n}" for task, n in sorted(self.missing_tasks.items(), key=lambda kv: (-kv[1], kv[0])))
        return (f"Table 1 lacks {len(lacking)} of the Hub's tasks: {', '.join(lacking)}. Counted as Other: "
                f"{seen} models with one of them{f' ({which})' if which else ''}, {self.not_hub_tasks} with a task "
                f"the Hub does not list, {self.no_task} without a task.")


METHOD = (
    ("Totals: reported emissions (T1) are added as stated; each other estimate is log-normal from its central value "
     "(the median) and 90% interval, and their sum, assuming independence, is the log-normal of the same mean and "
     "variance (Fenton-Wilkinson). Base models shown by --lineage are not in the totals: a fine-tune counts its own "
     "training only. But a card that copies its base model's card (a quantisation, a re-upload) may have the base's "
     "stated figure read as its own, and so counted again: carbon-card does not yet tell them apart."),
    "Reporting emissions: disclosure tier T1 (the card states the emissions).",
    "Year: the repository's creation (the Hub's createdAt), where the record gives it.",
    ("Domain: the task (the Hub's pipeline_tag, else the card's) mapped by Agarwal and Chakraborti (2025), Table 1; "
     "a task the table lacks, or none, is Other, as in the paper."),
    "Library: the Hub's library_name, else the card's; unknown when neither says.",
    ("Author kind: the Hub does not list whether an author is an organisation or a person; the tag autotrain (or "
     "autonlp) marks a model AutoTrain trained for a user, and every other model is unknown."),
    ("ATCI: the estimate's central emissions over its compute, for models whose compute is known or estimated; "
     "quantiles from a log-spaced histogram (within 12%). For T3 and T4 it reflects the hardware, site and priors "
     "assumed, not a measurement."),
    ("Efficiency label: Castaño et al. (2023), rated on the study's own scale (data/label_scale.csv) from the "
     "emissions, the size (parameters as float32 bytes) and the downloads; corrected is the recommended mode."),
)


# =========================================================================== tables


def _models(n: int) -> str:
    return f"{n:,} model{'s' if n != 1 else ''}"


def _group_table(first: str, breakdown: Breakdown, by_key: bool,
                 shown: int | None = None) -> tuple[list[str], list[list[str]], str]:
    """The rows of a breakdown; past `shown` groups, the rest in one row (the JSON has them all)."""
    groups = breakdown.ordered(by_key)
    if shown is not None and len(groups) > shown + 1:
        rest = Group()
        for _, group in groups[shown:]:
            rest.merge(group)
        groups = [*groups[:shown], (f"{len(groups) - shown} more", rest)]
    headers = [first, "Models", "Reporting", *TIERS, "Training emissions (90% interval)"]
    rows = [[key, str(g.models), f"{g.reporting / g.models:.1%}" if g.models else "-",
             *(str(g.disclosure[tier]) for tier in TIERS), g.emissions.text()]
            for key, g in groups]
    return headers, rows, "lrr" + "r" * len(TIERS) + "l"


def _interval_text(item: _Large) -> str:
    if item.low == item.high:
        return format_mass(item.central)
    return f"{format_mass(item.central)} ({format_mass(item.low)} to {format_mass(item.high)})"


def _number_text(value: float | None) -> str:
    return "-" if value is None else f"{value:.3g}"


def _markdown_table(headers: list[str], rows: list[list[str]], align: str) -> str:
    rule = ["--:" if a == "r" else "---" for a in align]
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join(rule) + "|"]
    lines += ["| " + " | ".join(cell.replace("|", "/") for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def _text_table(headers: list[str], rows: list[list[str]], align: str) -> str:
    widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]

    def line(cells: list[str]) -> str:
        return "  ".join(c.rjust(w) if a == "r" else c.ljust(w) for c, w, a in zip(cells, widths, align)).rstrip()

    return "\n".join([line(headers), *(line(r) for r in rows)])
