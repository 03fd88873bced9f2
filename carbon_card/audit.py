"""`carbon-card audit`: the `check` pipeline over model repositories on the Hub.

For each model: its commit and file list (from the model listing's page, or `model_info` for a
model named), README.md and the small files carbon-card reads beside it (downloaded into a
temporary folder through `/resolve/<commit>/`), exact parameter counts from the safetensors
headers (range requests, never the weights; at most `MAX_WEIGHT_FILES` per model); then the same
stages as `check` (Card -> Facts -> Assessment, and the Estimate), with what the Hub knows of
the model beside its files (`facts.Listing`: creation date, task, library, size). A listed model
whose size the Hub counts (`safetensors.total`) has its headers read only when something else
needs them (see `_hub_counts`). A side file that is corrupt or too large is a CC406 warning, as
in `check`. A model that cannot be read is a record with its reason, never silently dropped.

Results stream as they come, one record written and flushed at a time, so that memory stays
flat over 100,000 models and an interrupted run keeps what it did; `--resume` reads the file
back, keeps the audited models and retries the failed ones. The summary adds the estimates
up per disclosure tier: each estimate is taken as log-normal (its central value the median,
its 90% interval the 5th and 95th percentiles) and the sum of independent log-normals is
approximated by the log-normal of the same mean and variance (Fenton-Wilkinson); reported
emissions (T1) are added as stated.

`--lineage` follows `base_model` up the chain and reports each base's estimate beside the
fine-tune's, outside the totals. `--open-pr` proposes the patched card as a pull request
on the Hub, and updates carbon-card's own open pull request on a second run.
"""

from __future__ import annotations

import contextlib
import csv
import ctypes
import json
import os
import shutil
import sys
import tempfile
import threading
from collections import Counter, OrderedDict
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace
from typing import IO, TYPE_CHECKING, Any, Callable, NoReturn

import click

from . import __version__
from .assessment import Assessment
from .card import CardReadError, parse_card
from .census import CSV_COLUMNS as CENSUS_COLUMNS
from .census import METHOD, Census, EmissionsSum, csv_cells, efficiency_label
from .dataset import Selection
from .estimate import Estimate
from .facts import Fact, FactProblem, Facts, Listing, gather
from .facts.listing import hub_json
from .facts import files as side
from .pipeline import Result, Settings, propose_patch
from .pipeline import run as run_pipeline
from .report import card_json, estimate_json
from .rules import Severity
from .units import format_mass

if TYPE_CHECKING:
    from .census_parquet import TableWriter
    from .hub import Hub, Listed, Snapshot
    from .ratelimit import Requests

__all__ = ["PR_TITLE", "AuditSummary", "Auditor", "audit"]

EXIT_CLEAN, EXIT_FINDINGS, EXIT_INPUT_ERROR = 0, 1, 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report it

PR_TITLE = "carbon-card: complete the co2_eq_emissions carbon disclosure"
"""The title of carbon-card's pull requests: how a second run finds its own."""

_FAIL_ON = {"error": Severity.ERROR, "warning": Severity.WARNING, "info": Severity.INFO, "never": None}
_LINEAGE_DEPTH = 8
_CARD = "README.md"

# The files beside the card that `facts.files` reads, and the largest size read (as `check`).
# Safetensors headers and the index are handled apart: the weights are never downloaded.
_SIDE_FILES = {name: side.MAX_SIDE_FILE for name in (side.CONFIG, side.TRAINER_STATE, *side.RESULTS, side.EMISSIONS)}
# The order in which facts.files reads the side files, and so reports their problems (None: the weights).
_READ_ORDER = (side.CONFIG, None, side.TRAINER_STATE, *side.RESULTS, side.EMISSIONS)

MAX_WEIGHT_FILES = 512
"""The most safetensors files whose headers are read per model, a request or two each. Real
models have at most a few hundred shards; a file list of thousands (a mistake, or hostile)
gets no exact parameter count, a CC406 warning saying why, and no header request at all."""


# =========================================================================== one model


class Auditor:
    """Audits models one at a time; safe to call from several threads at once."""

    def __init__(self, hub: Hub, *, revision: str | None = None, lineage: bool = False, open_pr: bool = False,
                 dry_run: bool = False, unsafe_fixes: bool = False, fill_template: bool = False, label: bool = False):
        self.hub = hub
        self.label = label
        self.revision = revision
        self.lineage = lineage
        self.open_pr = open_pr
        self.dry_run = dry_run
        self.unsafe_fixes = unsafe_fixes
        self.fill_template = fill_template
        self.settings = Settings(unsafe_fixes=unsafe_fixes, fill_template=fill_template)
        # Base models are shared by many fine-tunes: each is audited once (bounded, for flat memory).
        self._bases: OrderedDict[str, Future] = OrderedDict()
        self._bases_lock = threading.Lock()
        self._root = tempfile.mkdtemp(prefix="carbon-card-audit-")
        self._scratch = threading.local()

    def close(self) -> None:
        """Remove the temporary folders."""
        shutil.rmtree(self._root, ignore_errors=True)

    @contextlib.contextmanager
    def _folder(self, kind: str) -> Iterator[str]:
        """An empty folder for one model's files: one per thread and kind, emptied after use
        (making and removing a folder per model costs more than checking the model)."""
        folder = getattr(self._scratch, kind, None)
        if folder is None:
            folder = tempfile.mkdtemp(prefix=f"{kind}-", dir=self._root)
            setattr(self._scratch, kind, folder)
        try:
            yield folder
        finally:
            with os.scandir(folder) as entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False):
                        shutil.rmtree(entry.path, ignore_errors=True)
                    else:
                        os.unlink(entry.path)

    def audit(self, repo_id: str, listed: Listed | None = None) -> dict[str, Any]:
        """The record of one model: `check --format json`'s, plus `repo_id`, `sha`, `downloads`,
        `has_card` and `hub` (what the Hub lists of it); or a failure record whose `error` says why.

        `listed` is the model's entry in the listing: its commit and files spare a `model_info` call."""
        with self._folder("model") as folder:
            try:
                run = self._run(repo_id, self.revision, folder, listed)
            except Exception as error:  # noqa: BLE001 - one model must not stop the run
                return _failure(repo_id, listed.listing if listed is not None else None, error)
            record = {"repo_id": repo_id, "sha": run.snapshot.sha, "downloads": run.snapshot.downloads,
                      "has_card": run.snapshot.card is not None, "hub": hub_json(run.snapshot.listing),
                      **card_json(run.assessment), "estimate": estimate_json(run.estimate)}
            if self.label:
                record["label"] = efficiency_label(record)
            base = _base_model(run.assessment.facts)
            if self.lineage and base:
                record["lineage"] = self._lineage(repo_id, base)
            if self.open_pr:
                record["pull_request"] = self._pull_request(run, folder)
        return record

    # -- the pipeline

    def _run(self, repo_id: str, revision: str | None, folder: str, listed: Listed | None = None) -> _Run:
        from .hub import HubError

        snapshot = self.hub.snapshot(repo_id, revision, folder, _SIDE_FILES, listed)
        path = f"{repo_id}/{_CARD}"
        if snapshot.card is None:
            card = parse_card(b"", path)  # no card: audited all the same, it discloses nothing
        else:
            try:
                card = parse_card(snapshot.card, path)
            except CardReadError as error:
                raise HubError("unreadable card", f"{_CARD}: {error.message}"
                                                  + (f" (line {error.line})" if error.line else "")) from None
        facts = gather(card, folder, repo_id, listing=snapshot.listing)
        if listed is not None and _hub_counts(facts, snapshot):
            weights: tuple[list[Fact], list[FactProblem]] = ([], [])
        else:
            weights = _weight_facts(self.hub, snapshot, os.path.join(folder, ".index"))
        return _Run(snapshot, run_pipeline(card, settings=self.settings,
                                           facts=_with_repository(facts, weights, snapshot.too_large)), weights)

    # -- lineage

    def _lineage(self, repo_id: str, base: str) -> list[dict[str, Any]]:
        """The chain of base models, each with its estimate; stops at a cycle, a failure or a depth."""
        chain: list[dict[str, Any]] = []
        seen = {repo_id}
        while base and len(chain) < _LINEAGE_DEPTH:
            if base in seen:
                chain.append({"repo_id": base, "error": {"reason": "cycle", "message": f"{base} is its own ancestor",
                                                         "line": None}})
                break
            seen.add(base)
            entry = self._base(base)
            chain.append(entry)
            base = entry.get("base_model") if entry.get("error") is None else None
        return chain

    def _base(self, repo_id: str) -> dict[str, Any]:
        with self._bases_lock:
            future = self._bases.get(repo_id)
            owner = future is None
            if owner:
                future = self._bases[repo_id] = Future()
                if len(self._bases) > 1024:
                    self._bases.popitem(last=False)
        if owner:  # this thread audits it; others asking meanwhile wait for the result
            future.set_result(self._base_entry(repo_id))
        return future.result()

    def _base_entry(self, repo_id: str) -> dict[str, Any]:
        with self._folder("base") as folder:
            try:
                run = self._run(repo_id, None, folder)
            except Exception as error:  # noqa: BLE001 - reported in the chain
                failure = _failure(repo_id, None, error)
                return {"repo_id": repo_id, "error": failure["error"]}
        result = run.estimate
        return {"repo_id": repo_id, "sha": run.snapshot.sha, "error": None,
                "disclosure_tier": run.assessment.disclosure_tier,
                "estimate": {"tier": result.tier, "method": result.method,
                             "emissions_g": _interval_json(result.emissions_g)},
                "base_model": _base_model(run.assessment.facts)}

    # -- the pull request

    def _pull_request(self, run: _Run, folder: str) -> dict[str, Any]:
        from .hub import HubError
        from .patch import PatchError

        assessment = run.assessment
        try:
            patch = propose_patch(run.result)
        except PatchError as error:
            return {"action": "failed", "error": str(error)}
        if not patch.changed:
            hint = "" if self.unsafe_fixes else " (more with --unsafe-fixes)"
            return {"action": "none", "reason": f"no fix applies to this card{hint}"}
        repo_id = run.snapshot.repo_id
        patched = parse_card(patch.text, assessment.card.path)
        facts = gather(patched, folder, repo_id, listing=run.snapshot.listing)
        after = run_pipeline(patched, settings=self.settings,
                             facts=_with_repository(facts, run.weights, run.snapshot.too_large)).assessment
        description = pr_description(run, after, patch.diff(_CARD), self.fill_template)
        data = ("\ufeff" if assessment.card.has_bom else "").encode() + patch.text.encode("utf-8")
        try:
            if self.dry_run:
                existing = self.hub.find_pull_request(repo_id, PR_TITLE)
                return {"action": "dry-run", "would": "update" if existing else "open",
                        "num": existing.num if existing else None, "parent_commit": run.snapshot.sha,
                        "title": PR_TITLE, "description": description, "diff": patch.diff(_CARD)}
            action, result = self.hub.propose_card(repo_id, data, title=PR_TITLE, description=description,
                                                   parent=run.snapshot.sha)
        except HubError as error:
            return {"action": "failed", "error": error.message}
        if action == "opened":
            return {"action": action, "num": result.pr_num, "url": result.pr_url}
        return {"action": action, "num": result.num, "url": result.url}


@dataclass(frozen=True)
class _Run:
    snapshot: Snapshot
    result: Result
    """The card through the pipeline, with the facts read from the Hub."""
    weights: tuple[list[Fact], list[FactProblem]]

    @property
    def assessment(self) -> Assessment:
        return self.result.assessment

    @property
    def estimate(self) -> Estimate:
        return self.result.estimate


def _failure(repo_id: str, listing: Listing | None, error: BaseException) -> dict[str, Any]:
    from .hub import HubError

    if isinstance(error, HubError):
        reason, message = error.reason, error.message
    else:  # a bug: reported like `check` does, without a traceback
        reason, message = "internal error", f"internal error ({type(error).__name__}: {error}); please report it"
    return {"repo_id": repo_id, "sha": None, "downloads": listing.downloads if listing else None,
            "hub": hub_json(listing) if listing else None, "path": f"{repo_id}/{_CARD}",
            "error": {"reason": reason, "message": message, "line": None}, "findings": []}


def _base_model(facts: Facts) -> str | None:
    value = facts.value("base_model")
    if isinstance(value, tuple):  # a merge of several models: the first one is followed
        value = value[0] if value else None
    return value.strip() if isinstance(value, str) and value.strip() else None


# --------------------------------------------------------------------------- facts from the Hub


def _hub_counts(facts: Facts, snapshot: Snapshot) -> bool:
    """Whether the Hub's count of the weights (`safetensors.total`, a fact of the listing) can
    stand for the safetensors headers: it is the count the facts use (nothing else states one),
    and the model is not a mixture of experts (its active parameters need the tensors' names).
    A listed model then costs no header request; a count the card states is still checked
    against the headers (CC405), as `check` does."""
    if not any(f.quantity == "params" and f.origin == "hub" for f in facts.facts):
        return False
    config = _config(snapshot)
    try:
        return config is None or not side.routes_experts(config)
    except side.SideFileError:
        return False  # the headers' reading reports it, as check does


def _with_repository(facts: Facts, weights: tuple[list[Fact], list[FactProblem]],
                     too_large: dict[str, int | None]) -> Facts:
    """The facts `gather` found in the downloaded folder, with the safetensors facts the Hub gave
    and the side files too large to download spliced in where `facts.files` would have put them
    had the files been in the folder."""
    weight_facts, weight_problems = weights
    extra = [*weight_problems, *(_too_large(name, size) for name, size in too_large.items())]
    if not weight_facts and not extra:
        return facts
    items = list(facts.facts)
    if any(f.quantity in ("params", "params_active") for f in weight_facts):
        # gather adds the size in the name, or the listing's, only when nothing states it: the weights do.
        items = [f for f in items if not (f.origin in ("name", "hub") and f.quantity in ("params", "params_active"))]
    # facts.files reads config.json, then the weights, then the Trainer's files: after the
    # card's own facts, before the other file facts and gather's listing, name and domain facts.
    at = next((i for i, f in enumerate(items) if f.origin in ("file", "hub", "name") or f.quantity == "domain"),
              len(items))
    items[at:at] = weight_facts
    # The file problems come last, in reading order: each goes before the first of a later file.
    problems = list(facts.problems)
    for problem in sorted(extra, key=_read_rank):
        at = next((i for i, p in enumerate(problems)
                   if p.kind == "unreadable-file" and _read_rank(p) > _read_rank(problem)), len(problems))
        problems.insert(at, problem)
    return replace(facts, facts=tuple(items), problems=tuple(problems))


def _read_rank(problem: FactProblem) -> int:
    return _READ_ORDER.index(problem.where) if problem.where in _READ_ORDER else _READ_ORDER.index(None)


def _too_large(name: str, size: int | None) -> FactProblem:
    """The problem of a side file over the cap, worded as `check` words it when the size is known."""
    cap = side.MAX_SIDE_FILE
    what = f"{size} bytes is over" if size is not None else "over"
    return FactProblem("unreadable-file", f"{what} the cap of {cap} bytes for side files: not read", name)


def _weight_facts(hub: Hub, snapshot: Snapshot, index_folder: str) -> tuple[list[Fact], list[FactProblem]]:
    """The parameter facts `facts.files` would read from the weights, from their headers on the Hub.

    A header that cannot be read for the file's fault is a problem of that file, as in `check`;
    one that cannot be read for the network's fails the model (it is tried again on --resume)."""
    names = sorted(n for n in snapshot.files if "/" not in n and side.is_weight_file(n))
    found = side.Found()
    if len(names) > MAX_WEIGHT_FILES:
        found.problem("*.safetensors", f"{len(names)} safetensors files, over the cap of {MAX_WEIGHT_FILES} whose "
                                       "headers are read per model: no exact parameter count")
        names = []  # the index, if any, still gives an approximate count

    def read_header(name: str):
        from .hub import BadHeaderError

        try:
            header, data_size = hub.safetensors_header(snapshot.repo_id, snapshot.sha, name, snapshot.files[name])
        except BadHeaderError as error:
            raise side.SideFileError(str(error)) from None
        return side.check_header(header, data_size)

    def read_index():
        from .hub import TooLargeError

        size = snapshot.files.get(side.INDEX)
        if size is not None and size > side.MAX_SIDE_FILE:
            raise side.SideFileError(_too_large(side.INDEX, size).message)
        os.makedirs(index_folder, exist_ok=True)  # apart from the card's folder, where gather would read it
        try:
            path = hub.download(snapshot.repo_id, snapshot.sha, side.INDEX, index_folder, size, side.MAX_SIDE_FILE)
        except TooLargeError as error:
            raise side.SideFileError(_too_large(side.INDEX, error.size).message) from None
        return side.read_index(path)

    side.weight_facts(names, side.INDEX in snapshot.files, read_header, read_index, _config(snapshot), found)
    return found.facts, found.problems


def _config(snapshot: Snapshot) -> dict | None:
    path = os.path.join(snapshot.folder, side.CONFIG)
    if not os.path.isfile(path):
        return None
    try:
        return side.read_config(path)
    except side.SideFileError:
        return None  # gather reports it, from the same file


# =========================================================================== the summary


@dataclass
class AuditSummary:
    """Running totals over the records of an audit; constant memory whatever the number of models."""

    audited: int = 0
    failed: int = 0
    reasons: Counter = field(default_factory=Counter)
    worst: Severity | None = None
    """The most severe finding of any model."""
    census: Census = field(default_factory=Census)
    """The emissions per disclosure tier and overall, and their breakdowns (`carbon_card.census`)."""
    requests: Requests | None = None
    """The requests this run sent to the Hub (not those of a run resumed), once it is over."""
    requested_for: int = 0
    """The models audited or failed in this run: what `requests` were for."""
    skipped_rows: int = 0
    """Rows of a dataset (`--dataset`) that could not be read: no record, not in the totals."""
    skipped_files: int = 0
    """Files of a dataset that could not be read at all, their rows unknown."""

    def add(self, record: dict[str, Any]) -> None:
        """Count a record (a JSON record, or a row of the CSV output)."""
        fields = _summary_fields(record)
        if fields["error"]:
            self.failed += 1
            self.reasons[fields["error"]] += 1
            return
        self.audited += 1
        self.census.add(record)
        if fields["severity"] is not None and (self.worst is None or fields["severity"] > self.worst):
            self.worst = fields["severity"]

    @property
    def tiers(self) -> dict[str, EmissionsSum]:
        return {tier: group.emissions for tier, group in self.census.disclosure.items()}

    @property
    def total(self) -> EmissionsSum:
        return self.census.total.emissions

    @property
    def reporting(self) -> int:
        return self.census.total.reporting

    def json(self) -> dict[str, Any]:
        return {
            "audited": self.audited,
            "failed": self.failed,
            "failed_by_reason": dict(self.reasons.most_common()),
            "skipped_rows": self.skipped_rows,
            "skipped_files": self.skipped_files,
            "reporting_emissions": self.reporting,
            "share_reporting_emissions": self.reporting / self.audited if self.audited else None,
            "tiers": {tier: {"models": s.models, "estimated": s.estimated, "emissions_g": s.interval()}
                      for tier, s in self.tiers.items()},
            "total": {"models": self.total.models, "estimated": self.total.estimated,
                      "emissions_g": self.total.interval()},
            "method": METHOD[0],
            "census": self.census.json(),
            "requests": self._requests_json(),
        }

    def _requests_json(self) -> dict[str, Any] | None:
        if self.requests is None:
            return None
        per_model = self.requests.per_model(self.requested_for)
        return {"models": self.requested_for, "api": self.requests.api, "resolvers": self.requests.resolvers,
                "api_per_model": per_model["api"], "resolvers_per_model": per_model["resolvers"],
                "held_back": self.requests.held, "answered_429": self.requests.throttled}

    def _requests_text(self) -> list[str]:
        """How many requests the run cost, per model: the Hub's rate limits count them."""
        if self.requests is None:
            return []
        n, r = self.requested_for, self.requests
        per_model = r.per_model(n)

        def each(value):
            return f" ({value:.3g} per model)" if value is not None else ""

        line = (f"Hub requests for {n:,} model{'s' if n != 1 else ''}: {r.api:,} API{each(per_model['api'])}, "
                f"{r.resolvers:,} resolver{each(per_model['resolvers'])}; {r.held:,} held back to stay within "
                f"the rate limits, {r.throttled:,} answered 429.")
        return [line]

    def text(self) -> str:
        return self.census.text(self._headline() + "".join("\n" + line for line in self._requests_text()))

    def markdown(self) -> str:
        return self.census.markdown(self._headline() + "".join("\n\n" + line for line in self._requests_text()))

    def _headline(self) -> str:
        text = f"Audited {self.audited} model{'s' if self.audited != 1 else ''}"
        if self.failed:
            reasons = ", ".join(f"{n} {reason}" for reason, n in self.reasons.most_common())
            text += f"; {self.failed} failed ({reasons}) and are left out of the totals"
        if self.skipped_rows or self.skipped_files:
            lost = [f"{n} {what}{'s' if n != 1 else ''}" for n, what in
                    ((self.skipped_rows, "row"), (self.skipped_files, "file")) if n]
            text += f"; {' and '.join(lost)} of the dataset unreadable, left out"
        return text + "."


def _summary_fields(record: dict[str, Any]) -> dict[str, Any]:
    """What the summary needs from a JSON record or from a CSV row (the census reads the rest)."""
    if "error_reason" in record:  # a CSV row: every value is text
        severity = record.get("worst_severity") or None
        return {"error": record["error_reason"] or None,
                "severity": Severity[severity.upper()] if severity else None}
    error = record.get("error")
    severities = [Severity[f["severity"].upper()] for f in record.get("findings") or ()]
    return {"error": error.get("reason") or "error" if error else None,
            "severity": max(severities) if severities else None}


# =========================================================================== output


def _mass(grams: float | None) -> str:
    return "-" if grams is None else format_mass(grams)


def _estimate_cell(record: dict[str, Any]) -> str:
    result = record.get("estimate") or {}
    interval = result.get("emissions_g")
    if not interval:
        return result.get("tier") or "-"
    text = f"{result['tier']} {_mass(interval['central'])}"
    if result["tier"] != "T1" and interval["low"] != interval["high"]:
        text += f" ({_mass(interval['low'])} to {_mass(interval['high'])})"
    return text


def _findings_cell(record: dict[str, Any]) -> str:
    counts = Counter(f["severity"] for f in record.get("findings") or ())
    parts = [f"{counts[s]} {s}{'s' if counts[s] != 1 else ''}" for s in ("error", "warning", "info") if counts[s]]
    return ", ".join(parts) or "none"


CSV_COLUMNS = (
    "repo_id", "sha", "downloads", "has_card", "error_reason", "error", "disclosure_tier", "reporting_class",
    "findings", "worst_severity", "estimate_tier", "emissions_g", "emissions_low_g", "emissions_high_g", "method",
    "base_model", "lineage", "pull_request", *CENSUS_COLUMNS,
)


def _csv_row(record: dict[str, Any]) -> dict[str, Any]:
    error = record.get("error")
    result = record.get("estimate") or {}
    interval = result.get("emissions_g") or {}
    findings = record.get("findings") or ()
    worst = max((Severity[f["severity"].upper()] for f in findings), default=None)
    lineage = " > ".join(f"{e['repo_id']} ({_estimate_cell(e) if not e.get('error') else 'failed'})"
                         for e in record.get("lineage") or ())
    pull = record.get("pull_request") or {}
    return {
        "repo_id": record["repo_id"], "sha": record.get("sha") or "", "downloads": record.get("downloads") or "",
        "has_card": "" if error else record.get("has_card"), "error_reason": error["reason"] if error else "",
        "error": error["message"] if error else "", "disclosure_tier": record.get("disclosure_tier", ""),
        "reporting_class": record.get("reporting_class", ""),
        "findings": " ".join(f["code"] for f in findings), "worst_severity": str(worst) if worst else "",
        "estimate_tier": result.get("tier", ""), "emissions_g": interval.get("central", ""),
        "emissions_low_g": interval.get("low", ""), "emissions_high_g": interval.get("high", ""),
        "method": result.get("method", ""), "base_model": _base_of(record), "lineage": lineage,
        "pull_request": pull.get("url") or pull.get("action") or "", **csv_cells(record),
    }


# A spreadsheet runs a cell that starts with one of these as a formula ("CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_safe(row: dict[str, Any]) -> dict[str, Any]:
    """The row with a `'` before each text cell that starts like a formula, as OWASP advises
    (numbers stay numbers), and a carriage return in a cell made a line feed: the writer quotes
    a cell with a line feed, but not one with a lone CR, which readers take for the end of the
    row. The CSV output only: JSON keeps the exact text."""
    safe = {}
    for key, value in row.items():
        if isinstance(value, str):
            value = ("'" + value if value.startswith(_FORMULA_START) else value).replace("\r\n", "\n")
            value = value.replace("\r", "\n")
        safe[key] = value
    return safe


def _base_of(record: dict[str, Any]) -> str:
    for fact in record.get("facts") or ():
        if fact["quantity"] == "base_model" and fact["chosen"]:
            value = fact["value"]
            return value[0] if isinstance(value, list) else str(value)
    return ""


class _Writer:
    """Writes records as they come, in one format, flushing each one (markdown: the census
    report at the end; parquet: row groups into `table`)."""

    def __init__(self, stream: IO[str], fmt: str, appending: bool, table: TableWriter | None = None):
        self.stream, self.fmt, self.table = stream, fmt, table
        self.first = True
        if fmt == "table":
            self._put(f"{'model':<44} {'downloads':>10}  {'disclosure':<12} {'estimate':<32} findings\n")
        elif fmt == "json":
            self._put('{"models": [')
        elif fmt == "csv":
            self.csv = csv.DictWriter(stream, CSV_COLUMNS, lineterminator="\n")
            if not appending:
                self.csv.writeheader()

    def _put(self, text: str) -> None:
        self.stream.write(text)
        self.stream.flush()  # an interrupted run keeps every record written

    def write(self, record: dict[str, Any]) -> None:
        if self.fmt == "jsonl":
            self._put(json.dumps(record, ensure_ascii=False) + "\n")
        elif self.fmt == "json":
            self._put(("\n" if self.first else ",\n") + json.dumps(record, ensure_ascii=False))
        elif self.fmt == "csv":
            self.csv.writerow(_csv_safe(_csv_row(record)))
            self.stream.flush()
        elif self.fmt == "parquet":
            self.table.add(record)
        elif self.fmt == "table":
            self._put(_table_row(record))
        self.first = False

    def finish(self, summary: AuditSummary) -> None:
        if self.fmt == "jsonl":
            self._put(json.dumps({"summary": summary.json()}) + "\n")
        elif self.fmt == "json":
            self._put(("\n" if not self.first else "") + '],\n"summary": ' + json.dumps(summary.json()) + "}\n")
        elif self.fmt == "markdown":
            self._put(summary.markdown() + "\n")
        elif self.fmt == "parquet":
            self.table.close()
        elif self.fmt == "table":
            self._put("\n" + summary.text() + "\n")


def _table_row(record: dict[str, Any]) -> str:
    downloads = f"{record['downloads']:,}" if isinstance(record.get("downloads"), int) else "-"
    if record.get("error"):
        line = f"{record['repo_id']:<44} {downloads:>10}  failed: {record['error']['message']}\n"
    else:
        disclosure = record["disclosure_tier"].split(" ")[0]
        line = (f"{record['repo_id']:<44} {downloads:>10}  {disclosure:<12} {_estimate_cell(record):<32} "
                f"{_findings_cell(record)}\n")
    for entry in record.get("lineage") or ():
        what = f"failed: {entry['error']['message']}" if entry.get("error") else \
            f"{entry['disclosure_tier'].split(' ')[0]:<12} {_estimate_cell(entry)}"
        line += f"  base {entry['repo_id']:<39} {'':>10}  {what}\n"
    pull = record.get("pull_request")
    if pull:
        line += _pull_text(pull)
    return line


def _pull_text(pull: dict[str, Any]) -> str:
    if pull["action"] in ("opened", "updated"):
        return f"  pull request #{pull['num']} {pull['action']}: {pull['url']}\n"
    if pull["action"] == "unchanged":
        return f"  pull request #{pull['num']} is up to date: {pull['url']}\n"
    if pull["action"] == "dry-run":
        target = f"update pull request #{pull['num']}" if pull["would"] == "update" else \
            f"open a pull request from commit {pull['parent_commit']}"
        return f"  dry run: would {target}\n  title: {pull['title']}\n\n{pull['description']}\n\n"
    if pull["action"] == "failed":
        return f"  pull request failed: {pull['error']}\n"
    return f"  pull request: none ({pull['reason']})\n"


def pr_description(run: _Run, after: Assessment, diff: str, fill_template: bool) -> str:
    """The pull request's text: what carbon-card found, the tier, the estimate, and the change."""
    before = run.assessment
    result = run.estimate
    fixed_keys = {(f.code, f.message) for f in after.findings}
    fixed = [f for f in before.findings if (f.code, f.message) not in fixed_keys]
    also = " and the template's Environmental Impact fields" if fill_template else ""
    lines = [
        "<!-- carbon-card audit -->",
        (f"[carbon-card](https://github.com/carbon-card/carbon-card) audited this model card at commit "
         f"`{run.snapshot.sha[:10]}` and proposes to complete its `co2_eq_emissions` block, the carbon disclosure "
         f"the Hub reads (training emissions in grams of CO2e). Nothing else in the card changes{also}."),
        "",
        "| | Before | After |",
        "|---|---|---|",
        f"| Disclosure tier | {before.disclosure_tier} | {after.disclosure_tier} |",
        f"| Reporting class (Castaño et al., 2023) | {before.reporting_class} | {after.reporting_class} |",
        "",
        (f"**Training emissions estimate**: {_estimate_cell({'estimate': estimate_json(result)})} CO2e, "
         f"tier {result.tier}: {result.method}."),
        "",
        f"**Fixed by this change** ({len(fixed)}):",
        *[f"- `{f.code}` line {f.line}: {f.message}" for f in fixed],
        "",
        f"**Still open** ({len(after.findings)}):",
        *[f"- `{f.code}` line {f.line}: {f.message}" for f in after.findings],
        "",
        "<details><summary>The change</summary>",
        "",
        "```diff",
        diff.rstrip("\n"),
        "```",
        "</details>",
        "",
        (f"Opened by carbon-card {__version__}; running `carbon-card audit {run.snapshot.repo_id} --open-pr` "
         "again updates this pull request instead of opening another."),
    ]
    return "\n".join(lines)


def _interval_json(interval) -> dict[str, float] | None:
    return None if interval is None else {"central": interval.central, "low": interval.low, "high": interval.high}


# --------------------------------------------------------------------------- resuming


def _resume(path: str, fmt: str) -> tuple[set[str], AuditSummary]:
    """The models already audited in `path`, and their summary. The file is rewritten without
    the failed records (tried again), the summary line, and a last record cut short."""
    done: set[str] = set()
    summary = AuditSummary()
    if not os.path.exists(path):
        return done, summary
    folder = os.path.dirname(os.path.abspath(path))
    with open(path, encoding="utf-8", newline="") as old, \
            tempfile.NamedTemporaryFile("w", encoding="utf-8", newline="", dir=folder, delete=False) as new:
        if fmt == "jsonl":
            for line in old:
                try:
                    record = json.loads(line)
                except json.JSONDecodeError:
                    continue  # cut short by an interruption
                if not isinstance(record, dict) or "repo_id" not in record or record.get("error"):
                    continue
                new.write(line if line.endswith("\n") else line + "\n")
                done.add(record["repo_id"])
                summary.add(record)
        else:
            reader = csv.DictReader(old)
            if reader.fieldnames and list(reader.fieldnames) != list(CSV_COLUMNS):
                os.unlink(new.name)
                raise click.UsageError(f"{path} is not a carbon-card audit CSV file; cannot --resume it")
            writer = csv.DictWriter(new, CSV_COLUMNS, lineterminator="\n")
            writer.writeheader()
            for row in reader:
                if row.get(CSV_COLUMNS[-1]) is None or row["error_reason"] or not row["repo_id"]:
                    continue  # cut short, or failed: tried again
                writer.writerow(row)
                done.add(row["repo_id"])
                summary.add(row)
    os.replace(new.name, path)
    return done, summary


# =========================================================================== the command


# glibc gives each thread a heap arena of its own and raises its mmap threshold as large blocks
# are freed: over thousands of models the card texts and responses of many threads fragment the
# heap, and the resident size creeps up (+21% from 1,000 to 10,000 models at --jobs 32, with
# Python's own heap flat). Two arenas and a fixed 64 KB threshold keep it within 6%
# (benchmarks/bench_audit.py); settings of the environment (MALLOC_ARENA_MAX, ...) win.
_M_MMAP_THRESHOLD, _M_ARENA_MAX = -3, -8


def _steady_heap() -> None:
    if not sys.platform.startswith("linux"):
        return
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return
    if "MALLOC_ARENA_MAX" not in os.environ:
        mallopt(_M_ARENA_MAX, 2)
    if "MALLOC_MMAP_THRESHOLD_" not in os.environ:
        mallopt(_M_MMAP_THRESHOLD, 64 * 1024)


@click.command()
@click.argument("repo_ids", nargs=-1, metavar="[REPO_ID]...")
@click.option("--author", metavar="ORG", help="Audit the models of a user or organisation.")
@click.option("--search", metavar="TEXT", help="Audit the models whose id contains TEXT.")
@click.option("--min-downloads", type=click.IntRange(min=0), metavar="N",
              help="Audit the models with at least N downloads (last 30 days), most downloaded first.")
@click.option("--limit", type=click.IntRange(min=1), metavar="N", help="Audit at most N models.")
@click.option("--revision", metavar="REV", help="Branch, tag or commit to audit (default: main).")
@click.option("--format", "output_format",
              type=click.Choice(["table", "json", "jsonl", "csv", "markdown", "parquet"]), default="table",
              show_default=True, help="Output format: markdown is the census report; parquet (with --output) one "
                                      "row per model for analysis.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the results to FILE, not stdout.")
@click.option("--resume", is_flag=True,
              help="Skip the models already audited in --output (jsonl or csv) and retry the failed ones.")
@click.option("--lineage", is_flag=True,
              help="Also report the chain of base models of a fine-tune, with their estimates (not in the totals).")
@click.option("--label", is_flag=True,
              help="Add each model's efficiency label (Castaño et al. 2023, corrected and faithful) and their counts.")
@click.option("-j", "--jobs", type=click.IntRange(1, 256), default=None,
              help="Models audited at once (default 8); with --dataset, processes (default: one per CPU).")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=10.0, show_default=True,
              help="Seconds to wait for the Hub on each request (with --scheduler: for the scheduler to answer).")
@click.option("--retries", type=click.IntRange(0, 20), default=4, show_default=True,
              help="Retries of a request that failed with 429, 5xx, a timeout or a dropped connection.")
@click.option("--retry-wait", type=click.FloatRange(min=0), default=1.0, show_default=True,
              help="Seconds before the first retry, doubled at each (Retry-After wins).")
@click.option("--fail-on", type=click.Choice(list(_FAIL_ON)), default="warning", show_default=True,
              help="Exit 1 when a finding of this severity or worse is found.")
@click.option("--progress/--no-progress", default=None,
              help="A progress bar on stderr (default: on a terminal, and not in CI).")
@click.option("--dataset", metavar="PATH_OR_URL",
              help="Audit the cards of the Hub's dump of model cards (parquet: a file, a folder of shards, or "
                   "hf://datasets/librarian-bots/model_cards_with_metadata) instead of the API.")
@click.option("--scheduler", metavar="ADDRESS",
              help="With --dataset: audit on the workers of this Dask scheduler (tcp://host:8786).")
@click.option("--open-pr", is_flag=True, help="Propose the patched card of each REPO_ID as a pull request on the Hub "
                                              "(or update carbon-card's open one). Needs HF_TOKEN.")
@click.option("--dry-run", is_flag=True, help="With --open-pr: show what would be sent, send nothing.")
@click.option("--unsafe-fixes", is_flag=True, help="With --open-pr: also apply the unsafe fixes.")
@click.option("--fill-template", is_flag=True,
              help="With --open-pr: also fill the template's Environmental Impact placeholders.")
def audit(repo_ids: tuple[str, ...], author: str | None, search: str | None, min_downloads: int | None,
          limit: int | None, revision: str | None, output_format: str, output: str | None, resume: bool,
          lineage: bool, label: bool, jobs: int | None, timeout: float, retries: int, retry_wait: float,
          fail_on: str, progress: bool | None, dataset: str | None, scheduler: str | None, open_pr: bool,
          dry_run: bool, unsafe_fixes: bool, fill_template: bool) -> None:
    """Audit model cards on the Hub: REPO_IDs, or every model of --author, --search, --min-downloads
    (most downloaded first, up to --limit); or the cards of the Hub's dump, --dataset.

    Each model goes through the same checks as `carbon-card check`, with the facts its repository
    holds (config.json, safetensors headers, trainer_state.json, ...) and what the Hub lists of it
    (creation date, task, library, size), read through huggingface_hub (HF_ENDPOINT, HF_TOKEN).
    A listed model costs no API call of its own (one per page of the listing), only a download
    per file it has; requests are paced to the Hub's rate limits (its RateLimit headers).
    Records stream out as models finish, then a summary: models audited and failed, the Hub
    requests per model, per disclosure tier the count and total training emissions with a 90%
    interval, and the share of models that report their emissions.
    """
    listing = author is not None or search is not None or min_downloads is not None
    if scheduler is not None and dataset is None:
        raise click.UsageError("--scheduler goes with --dataset")
    if dataset is not None:
        others = [name for name, given in (("REPO_IDs", repo_ids), ("--revision", revision), ("--lineage", lineage),
                                           ("--open-pr", open_pr)) if given]
        if others:
            raise click.UsageError(f"--dataset reads the cards of the dump: {', '.join(others)} need the Hub's API")
        if resume and (output is None or output_format not in ("jsonl", "csv")):
            raise click.UsageError("--resume needs --output FILE with --format jsonl or csv")
        selection = Selection(min_downloads=min_downloads, author=author, search=search, limit=limit)
        if output_format == "parquet" and output is None:
            raise click.UsageError("--format parquet needs --output FILE")
        _audit_dataset(dataset, selection, output_format, output, resume, jobs or _cpus(), scheduler, timeout,
                       progress, fail_on, label)
    jobs = jobs or 8
    if repo_ids and listing:
        raise click.UsageError("give REPO_IDs or --author/--search/--min-downloads, not both")
    if not repo_ids and not listing and limit is None:
        raise click.UsageError("give REPO_IDs, or choose models with --author, --search, --min-downloads or --limit")
    if resume and (output is None or output_format not in ("jsonl", "csv")):
        raise click.UsageError("--resume needs --output FILE with --format jsonl or csv")
    if output_format == "parquet" and output is None:
        raise click.UsageError("--format parquet needs --output FILE")
    if open_pr and not repo_ids:
        raise click.UsageError("--open-pr needs REPO_IDs: carbon-card opens pull requests only on models named")
    if (dry_run or unsafe_fixes or fill_template) and not open_pr:
        raise click.UsageError("--dry-run, --unsafe-fixes and --fill-template go with --open-pr")

    try:
        from .hub import Hub, Settings
    except ImportError as error:  # huggingface_hub 0.x and 1.x use other HTTP clients
        click.echo(f"carbon-card: audit needs huggingface_hub>=2 ({error}); pip install -U huggingface_hub", err=True)
        sys.exit(EXIT_INPUT_ERROR)

    _steady_heap()
    done, summary = _resume(output, output_format) if resume else (set(), AuditSummary())
    hub = Hub(Settings(timeout=timeout, retries=retries, retry_wait=retry_wait))
    auditor = Auditor(hub, revision=revision, lineage=lineage, open_pr=open_pr, dry_run=dry_run,
                      unsafe_fixes=unsafe_fixes, fill_template=fill_template, label=label)
    if progress is None:
        progress = sys.stderr.isatty() and not os.environ.get("CI")

    def targets() -> Iterator[tuple[str, Listed | None]]:
        if repo_ids:
            yield from ((r, None) for r in list(dict.fromkeys(repo_ids))[:limit])
            return
        for listed in hub.list_models(author=author, search=search, limit=limit):
            if min_downloads is not None and (listed.listing.downloads or 0) < min_downloads:
                return  # most downloaded first: the rest have fewer
            yield listed.listing.repo_id, listed

    before = summary.audited + summary.failed
    table = None
    if output_format == "parquet":
        table = _table_writer(output, auditor.close)
    try:
        with _opened(None if table else output, append=resume) as stream:
            writer = _Writer(stream, output_format, appending=resume and stream.tell() > 0, table=table)
            errors, listing_error, models = _audit_all(auditor, targets(), done, writer, summary, jobs, progress,
                                                       total=len(repo_ids) if repo_ids else limit)
            summary.requests, summary.requested_for = hub.pacer.requests(), models
            writer.finish(summary)
            table = None  # in place
    except KeyboardInterrupt:
        _interrupted(summary.audited + summary.failed - before, output, output_format)
    finally:
        auditor.close()
        if table is not None:
            table.discard()  # no partial file
    if output_format in ("csv", "parquet"):
        click.echo(summary.text(), err=True)  # a CSV or parquet file holds one kind of row
    if listing_error is not None:
        click.echo(f"carbon-card: {listing_error.message}", err=True)
    threshold = _FAIL_ON[fail_on]
    if errors or listing_error is not None:
        sys.exit(EXIT_INPUT_ERROR)
    if threshold is not None and summary.worst is not None and summary.worst >= threshold:
        sys.exit(EXIT_FINDINGS)
    sys.exit(EXIT_CLEAN)


def _table_writer(output: str, cleanup: Callable[[], None] | None = None) -> TableWriter:
    """The parquet file of `--format parquet`, opened before any model is audited (pyarrow and the
    folder are there), or one line and exit 2."""
    from .census_parquet import ParquetUnavailable, TableWriter

    try:
        return TableWriter(output)
    except (ParquetUnavailable, OSError) as error:
        if cleanup is not None:
            cleanup()
        reason = error.strerror or error if isinstance(error, OSError) else error
        click.echo(f"carbon-card: {output}: {reason}", err=True)
        sys.exit(EXIT_INPUT_ERROR)


def _interrupted(written: int, output: str | None, output_format: str) -> NoReturn:
    # Every record written is whole and flushed; the summary is not written.
    if output_format in ("markdown", "parquet"):  # written whole at the end, or not at all
        click.echo(f"carbon-card: interrupted: {written} models audited, nothing written", err=True)
    else:
        where = f" in {output}" if output else ""
        click.echo(f"carbon-card: interrupted: {written} models written{where}{_again(output, output_format)}",
                   err=True)
    sys.exit(EXIT_INTERRUPTED)


def _again(output: str | None, output_format: str) -> str:
    return "; run again with --resume to go on" if output and output_format in ("jsonl", "csv") else ""


def _cpus() -> int:
    """The CPUs this process may run on (fewer than the machine's in a container or under taskset)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


@contextlib.contextmanager
def _opened(path: str | None, append: bool) -> Iterator[IO[str]]:
    if path is None:
        yield sys.stdout
        return
    with open(path, "a" if append else "w", encoding="utf-8", newline="") as stream:
        yield stream


def _audit_all(auditor: Auditor, targets: Iterator[tuple[str, Listed | None]], done: set[str], writer: _Writer,
               summary: AuditSummary, jobs: int, progress: bool, total: int | None):
    """Audit the targets `jobs` at a time, writing each record as it comes.

    Returns (records that failed, the error that stopped the model list or None, models audited
    or failed in this run)."""
    from tqdm import tqdm

    from .hub import HubError

    bar = tqdm(total=total, unit="model", disable=not progress, file=sys.stderr, dynamic_ncols=True)
    errors = models = 0

    def emit(record: dict[str, Any]) -> None:
        nonlocal errors, models
        models += 1
        summary.add(record)
        pull = record.get("pull_request") or {}
        failure = (record.get("error") or {}).get("message") or (
            f"pull request: {pull['error']}" if pull.get("action") == "failed" else None)
        with tqdm.external_write_mode(file=sys.stderr):  # lines and the bar share the terminal
            writer.write(record)
            if failure:
                errors += 1
                click.echo(f"carbon-card: {record['repo_id']}: {failure}", err=True)
        bar.update(1)
        bar.set_postfix(failed=summary.failed, refresh=False)

    listing_error = None
    pool = ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="carbon-card-audit")
    pending: set[Future] = set()
    try:
        try:
            for repo_id, listed in targets:
                if repo_id in done:  # --resume: already in the output
                    bar.update(1)
                    continue
                pending.add(pool.submit(auditor.audit, repo_id, listed))
                if len(pending) >= 2 * jobs:  # a bounded window: the listing is read as models finish
                    finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                    for future in finished:
                        emit(future.result())
        except HubError as error:
            listing_error = error
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                emit(future.result())
    except KeyboardInterrupt:
        # Keep what is written; do not wait for the window of models still running.
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    finally:
        bar.close()
    pool.shutdown(wait=True)
    return errors, listing_error, models


# =========================================================================== --dataset


def _audit_dataset(location: str, selection: Selection, output_format: str, output: str | None, resume: bool,
                   jobs: int, scheduler: str | None, timeout: float, progress: bool | None, fail_on: str,
                   label: bool = False) -> None:
    """`audit --dataset`: the cards of the dump, mapped over `jobs` processes (or a Dask
    cluster) a chunk at a time, written in the dump's order. Exits."""
    from tqdm import tqdm

    from .dataset import DatasetError, Dump, Skipped, audit_rows
    from .parallel import ParallelError, ordered_map

    # Arrow's default allocator (mimalloc) keeps some 20 MB more resident than the system's for
    # the same reading (benchmarks/bench_dataset.py); a setting of the environment wins, and so
    # does a pyarrow already imported (carbon-card run from Python).
    if "pyarrow" not in sys.modules:
        os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")
    try:
        dump = Dump(location)
    except DatasetError as error:
        click.echo(f"carbon-card: {error}", err=True)
        sys.exit(EXIT_INPUT_ERROR)
    done, summary = _resume(output, output_format) if resume else (set(), AuditSummary())
    if progress is None:
        progress = sys.stderr.isatty() and not os.environ.get("CI")
    total = dump.rows() if progress else None
    if total is not None and selection.limit is not None and not selection.filters:
        total = min(total, selection.limit)
    # The bar counts rows of the dump read (its ETA holds with filters); the postfix, cards audited.
    bar = tqdm(total=total, unit="row", disable=not progress, file=sys.stderr, dynamic_ncols=True)
    errors = 0
    before = summary.audited + summary.failed

    def say(line: str) -> None:
        with tqdm.external_write_mode(file=sys.stderr):
            click.echo(f"carbon-card: {line}", err=True)

    def skip(skipped: Skipped) -> None:
        summary.skipped_rows += skipped.rows or 0
        summary.skipped_files += skipped.rows is None
        say(str(skipped))

    # A chunk's rows go to a worker; its place in the dump stays here, for the messages.
    work = (((chunk.where, chunk.scanned), chunk.rows) for chunk in dump.chunks(selection, skip, done))
    failure = None
    table = None
    if output_format == "parquet":
        table = _table_writer(output)
    try:
        with _opened(None if table else output, append=resume) as stream:
            writer = _Writer(stream, output_format, appending=resume and stream.tell() > 0, table=table)
            try:
                results = ordered_map(audit_rows, work, jobs=jobs, scheduler=scheduler, timeout=timeout,
                                      preload=["carbon_card.dataset"])
                for (where, scanned), records in results:
                    for (file, row), record in zip(where, records):
                        if label and not record.get("error"):
                            record["label"] = efficiency_label(record)
                        summary.add(record)
                        with tqdm.external_write_mode(file=sys.stderr):
                            writer.write(record)
                        if record.get("error"):
                            errors += 1
                            say(f"{file}: row {row}: {record['repo_id']}: {record['error']['message']}")
                    bar.update(scanned)
                    audited = summary.audited + summary.failed - before
                    elapsed = bar.format_dict["elapsed"] or 0
                    bar.set_postfix_str(f"{audited} cards" + (f", {audited / elapsed:.0f} cards/s" if elapsed else ""),
                                        refresh=False)
            except ParallelError as error:
                failure = error
            finally:
                bar.close()
            if failure is None:
                writer.finish(summary)
                table = None  # in place
    except KeyboardInterrupt:
        _interrupted(summary.audited + summary.failed - before, output, output_format)
    finally:
        if table is not None:
            table.discard()  # no partial file
    if failure is not None:
        click.echo(f"carbon-card: {failure}{_again(output, output_format)}", err=True)
        sys.exit(EXIT_INPUT_ERROR)
    if output_format in ("csv", "parquet"):
        click.echo(summary.text(), err=True)  # a CSV or parquet file holds one kind of row
    threshold = _FAIL_ON[fail_on]
    if errors or summary.skipped_rows or summary.skipped_files:
        sys.exit(EXIT_INPUT_ERROR)
    if threshold is not None and summary.worst is not None and summary.worst >= threshold:
        sys.exit(EXIT_FINDINGS)
    sys.exit(EXIT_CLEAN)
