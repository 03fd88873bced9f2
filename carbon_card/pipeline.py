"""The pipeline every command runs: Card -> Facts -> Estimate -> Assessment -> Patch.

`run` takes a parsed card and gives a `Result` holding each stage's output. The estimate is
computed at most once per card, on first use: the rules (CC501's cross-check) and the patch
(an unsafe fix that writes carbon-card's estimate) take the Result's instead of computing
their own, and a run whose output needs no estimate (`check`'s text) never computes it.

    result = run(parse_card(text, "models/a/README.md"), "models/a")
    result.assessment.findings, result.estimate.emissions_g

`check`, `audit` (the Hub and its dump) and the estimate of `carbon-card estimate` (its facts
stage) call it; `check` hands each Result to a format (`carbon_card.formats`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, NamedTuple

from .assessment import Assessment, assess
from .card import Card, CardReadError, PatchError, parse_card, read_card
from .facts import Facts, gather

if TYPE_CHECKING:
    from .estimate import Estimate
    from .facts import Listing
    from .patch import Patch

__all__ = ["DEFAULTS", "Result", "Settings", "facts_of", "fix", "propose_patch", "run", "run_file"]


# A NamedTuple, not a frozen dataclass: `check` defines it at every start, and a dataclass costs five
# times as much to define (Python 3.11 compiles each method it generates).
class Settings(NamedTuple):
    """What the pipeline reads of a card's settings (`config.CardSettings` and `check`'s defaults
    have these fields too, and may be given instead)."""

    enabled: frozenset[str] | None = None
    """The rules reported (None: every rule)."""
    model_id: str | None = None
    """The model the card describes: picks its row in tables of several models."""
    unsafe_fixes: bool = False
    fill_template: bool = False


DEFAULTS = Settings()


@dataclass(frozen=True, eq=False)
class Result:
    """One card through the pipeline."""

    card: Card
    facts: Facts
    assessment: Assessment
    settings: Settings
    """The settings it ran with (the formats read `unsafe_fixes` to mark fixes)."""
    estimated: Callable[[], Estimate] = field(repr=False)
    """The estimate of `facts`, computed on the first call only (see `estimate`)."""
    patch: Patch | None = None
    """The proposed card, when asked for; after `fix`, the patch that was written."""
    error: CardReadError | None = None
    """The card was assessed but could not be patched or written (a `PatchError`, or a bug)."""

    @property
    def estimate(self) -> Estimate:
        """carbon-card's estimate of the card's training emissions, computed once."""
        return self.estimated()


def facts_of(card: Card, folder: str | os.PathLike | None = None, settings: Settings = DEFAULTS, *,
             listing: Listing | None = None, folder_names: Collection[str] | None = None) -> Facts:
    """The Facts stage: what the card, the files of `folder` (None: none; `folder_names`, its
    names when already listed) and the Hub's `listing` state."""
    return gather(card, folder, settings.model_id, listing=listing, folder_names=folder_names)


def run(card: Card, folder: str | os.PathLike | None = None, settings: Settings = DEFAULTS, *,
        want_patch: bool = False, facts: Facts | None = None, listing: Listing | None = None,
        folder_names: Collection[str] | None = None) -> Result:
    """The card through every stage; the patch only when `want_patch`.

    `facts` replaces the Facts stage (the Hub audit adds what it read from the Hub itself).
    A patch that cannot be made is the Result's `error`, with the assessment kept; an error of
    an earlier stage is raised.
    """
    if facts is None:
        facts = facts_of(card, folder, settings, listing=listing, folder_names=folder_names)
    estimated = _estimate_once(facts)
    assessment = assess(card, facts, settings.enabled, estimate=estimated)
    result = Result(card, facts, assessment, settings, estimated)
    if not want_patch:
        return result
    try:
        return replace(result, patch=propose_patch(result))
    except PatchError as failed:
        return replace(result, error=failed)
    except Exception as bug:  # noqa: BLE001 - one card must not stop the run
        return replace(result, error=CardReadError(
            card.path, f"internal error while patching ({type(bug).__name__}: {bug}); please report it"))


def _estimate_once(facts: Facts) -> Callable[[], Estimate]:
    # A closure over a one-element list, not functools.cache: that wrapper costs more to make,
    # per card, than most cards' estimate is ever asked for.
    kept: list[Estimate] = []

    def estimated() -> Estimate:
        if not kept:
            # The Estimate stage: loaded only when a card needs it.
            from . import estimate

            kept.append(estimate.estimate(facts))
        return kept[0]

    return estimated


def propose_patch(result: Result) -> Patch:
    """The Patch stage: the card with its findings fixed (unsafe ones with the settings'
    `unsafe_fixes`), using the Result's estimate. Raises `PatchError`."""
    from .patch import propose  # only runs that patch load the Patch stage (a pre-commit check does not)

    settings = result.settings
    return propose(result.assessment, unsafe=settings.unsafe_fixes, fill_template=settings.fill_template,
                   estimate=result.estimated)


def run_file(path: str, settings: Settings = DEFAULTS, *, want_patch: bool = False, data: bytes | None = None,
             folder: str | None = None, folder_names: Collection[str] | None = None) -> Result | CardReadError:
    """`run` on the card file at `path` (or on `data`, its bytes, from stdin), with the files of
    `folder` beside it (`folder_names`: its names, when already listed). A card that cannot be
    read, or a bug, gives the error instead of a Result: one bad card must not stop a run over many."""
    try:
        card = read_card(path) if data is None else parse_card(data, path)
        return run(card, folder, settings, want_patch=want_patch, folder_names=folder_names)
    except CardReadError as read_error:
        return read_error
    except Exception as bug:  # noqa: BLE001
        return CardReadError(path, f"internal error ({type(bug).__name__}: {bug}); please report it")


def fix(result: Result, folder: str | None = None, *, write: bool = True) -> Result:
    """`--fix`: write the Result's patch over the card's file (unless not `write`: a card from
    stdin goes back to stdout), then the pipeline again on the text written, so that what
    remains is reported from it, not read back from disk. The Result's `patch` is the one
    written. Raises `PatchError` when the file cannot be written (and leaves it as it was)."""
    patch = result.patch
    if patch is None:
        raise ValueError("fix needs a Result with a patch: run(..., want_patch=True)")
    if write:
        from .patch import write_patch

        write_patch(patch, result.card.path)
    after = run(parse_card(patch.data(), result.card.path), folder, result.settings)
    return replace(after, patch=patch)
