"""The Facts stage: every carbon-relevant value a card and its repository state.

`gather` reads the front matter (`metadata`), the Markdown body (`prose`) and the files
beside the card (`files`), and keeps every candidate with its provenance; `Facts.best`
picks the one carbon-card uses, and the rules report where candidates disagree.
"""

from __future__ import annotations

import os
import re
from collections.abc import Collection
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from .._regex import lazy_compile
from ..card import Card
from ..document import MODEL_CARD, document_kind
from ..tables import task_domain
from .attribution import SIZE_IN_NAME_RE, attribute, copied_from, copied_metadata, model_words, size_agrees, size_in_name
from .base import NAMED_BY_ID, QUANTITIES, Fact, FactProblem, Facts, Quantity, Reading
from .files import facts_from_folder, hub_repository
from .metadata import facts_from_metadata, model_index_name
from .prose import facts_from_prose, first_heading

if TYPE_CHECKING:
    from .listing import Listing

__all__ = ["QUANTITIES", "Fact", "FactProblem", "Facts", "Listing", "Quantity", "gather"]


def __getattr__(name: str) -> Any:
    # The Hub's listing (and its datetime parsing) is read by `audit` and `dataset`, never by `check`.
    if name == "Listing":
        from .listing import Listing

        return Listing
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

# Folders whose name is not a model's: a model card in `docs/` is named by its title.
_CARD_TITLE_PREFIX_RE = lazy_compile(r"^\W*model\s+card\s*(?:for|of|:|-|–)\s*", re.IGNORECASE)
_GENERIC_FOLDER_NAMES = {"", ".", "model", "models", "output", "outputs", "checkpoint", "final", "examples", "docs", "doc",
                         "documentation", "reports", "report", "model_cards", "model-cards", "modelcards", "cards"}


def gather(card: Card, folder: str | os.PathLike | None = None, model_name: str | None = None, *,
           listing: Listing | None = None, folder_names: Collection[str] | None = None) -> Facts:
    """Every fact about a card.

    `folder` is the model folder holding the card (its `config.json`, `*.safetensors`, ...);
    None reads the card alone. `model_name` (a Hub repo id, say) picks this model's row in
    multi-model tables; without it, the name comes from `model-index`, the Hub repository the
    folder is a git clone of (its remote in .git/config), the folder or the title.
    `listing` is what the Hub lists about the model (creation date, task, library, size): each
    of its facts is added when the card and its files state nothing of that quantity.
    `folder_names` are the names in `folder` when they are already listed (None: listed here).
    """
    name, name_source = _model_name(card, folder, model_name, folder_names)
    # A card the Hub lists is a model repository's, and so is the README of a git clone of a Hub model repository (a
    # pre-commit run, the Action); one the user names a model for (option or configuration) is that model's card:
    # none is judged a project README.
    named_repository = listing is not None or name_source in ("given", "hub clone")
    document = MODEL_CARD if named_repository else document_kind(card, folder, folder_names)
    if not document.is_model_card:
        return Facts(document=document)
    facts, problems = facts_from_metadata(card)
    # The folder's name may say what the model is ("model-GGUF"), unless a repository's id names it: then
    # the folder is any the user or the audit chose (a temporary "tmp_q8_x1" converts nothing).
    folder_name = (os.path.basename(os.path.abspath(folder))
                   if folder is not None and name_source not in ("given", "hub clone") else None)
    sizes = _named_sizes(card, name) if name else []  # read once: the readers, attribution and, below, the fallback
    if (not sizes and name_source == "model-index" and folder_name and SIZE_IN_NAME_RE.search(folder_name)
            and _extends(folder_name, name)):
        sizes = _named_sizes(card, folder_name)  # `model-index` names the family ("bloom"), the folder the member (bloom-3b)
    named_size = next((fact.value for fact in sizes if fact.quantity == "params"), None)
    prose_facts, prose_problems = facts_from_prose(card, name, named_size)
    copied = copied_from(card, name, folder_name)
    facts = copied_metadata(facts, copied)
    facts += _sizes_in_doubt(attribute(card, prose_facts, name, copied, name_source in NAMED_BY_ID,
                                       named_size), named_size)
    if not document.sentences_are_the_models and name_source not in NAMED_BY_ID:
        facts = _unattributed_sentences(facts, named_size, card)
    problems += prose_problems
    if folder is not None:
        file_facts, file_problems = facts_from_folder(folder, folder_names)
        facts += file_facts
        problems += file_problems
    if listing is not None:
        from .listing import facts_from_listing

        stated = {fact.quantity for fact in facts}
        facts += [fact for fact in facts_from_listing(listing) if fact.quantity not in stated]
    if sizes and not any(fact.quantity in ("params", "params_active") and fact.scope == "model" for fact in facts):
        facts += sizes
    task = next((fact for fact in facts if fact.quantity == "task"), None)
    if task is not None:
        facts.append(Fact("domain", task_domain(task.value), task.text, task.origin, task.where, task.line,
                          task.column, note="domain of the task"))
    gathered = Facts(tuple(facts), tuple(problems), name, name_source, copied=copied)
    if any(fact.reading is Reading.FIELD for fact in gathered.all("wall_hours")) and not gathered.all("accelerator_count"):
        # Looked up in the Facts' index: most cards state no hours in a field, and a pass over every fact costs.
        summed = _hours_summed_over_accelerators(gathered)
        if summed is not None:
            gathered = replace(gathered, facts=summed)
    return gathered


# What a sentence of a file without front matter says of a run, when no one names the file's model.
_SENTENCE_RUN_QUANTITIES = frozenset({"hardware", "accelerator_count", "wall_hours", "accelerator_hours", "params",
                                      "train_tokens"})


# A bold label before a value that is the figure: "**Infrastructure**: 4x Tesla v100" (deepset's cards), a field.
_BOLD_LABEL_RE = lazy_compile(r"[ \t]*(?:[-*+][ \t]+)?(\*\*|__)[^*_\n]{2,40}?:?\1[ \t]*:?[ \t]*")


def _in_a_bold_field(card: Card, fact: Fact) -> bool:
    """Whether a fact read from a sentence is the whole value of a line's bold label."""
    line = card.line_text(fact.line) if fact.line else ""
    label = _BOLD_LABEL_RE.match(line)
    return label is not None and line.find(str(fact.text)) == label.end()


def _unattributed_sentences(facts: list[Fact], named_size: float | None, card: Card) -> list[Fact]:
    """A file without front matter that nothing but its headings marks as a model card (`BY_HEADINGS`: "## Model
    Details", "## How to use"), or nothing at all (`UNMARKED`), and whose model no one names (`--model-id`, a
    clone's Hub remote, the Hub's listing) is often a project's README, a docs page or a report: the hardware, time
    and sizes its sentences state may be any of its models' or experiments' (on the gold corpus's tune split, 46 of
    65 right on unmarked files and 211 of 232 on files marked by headings, against 98.9% on cards with front matter).
    They are the document's, not this model's; its fields and tables, which name what they state, still are,
    and so is a size that the model's name states too ("A 2.8B parameter pretrained language model" in
    RedPajama-INCITE-Base-3B-v1's card)."""
    return [replace(fact, scope="document") if fact.scope == "model" and fact.origin == "prose"
            and fact.reading is Reading.SENTENCE and fact.quantity in _SENTENCE_RUN_QUANTITIES
            and not (fact.quantity == "params" and named_size is not None and size_agrees(fact.value, named_size))
            and not _in_a_bold_field(card, fact)
            else fact for fact in facts]


# The card's emissions over what one accelerator draws in the hours its field states, on its grid: from
# 1 (the board's power alone) to 1.8 (a data centre's overhead, PUE up to about 1.5, and rounding); two
# accelerators running those hours give 2 or more.
_ONE_ACCELERATOR_RATIO = (0.6, 1.8)
# Hardware named in the plural, without a count: "Nvidia H200 140GB GPUs", "H100 Hopper nodes", "A100s".
_PLURAL_HARDWARE_RE = lazy_compile(r"\b(?:gpus|tpus|nodes|chips|cards|accelerators|devices|pods|servers|machines|instances)\b"
                                   r"|\d0s\b", re.IGNORECASE)


def _hours_summed_over_accelerators(gathered: Facts) -> tuple[Fact, ...] | None:
    """An "Hours used" field beside hardware with no count ("Nvidia H200 140GB GPUs") may be wall-clock
    time or the accelerators' sum: the card's own emissions tell them apart. "Hours used: 896 hrs",
    "Carbon Emitted: 252.13 kg" in Singapore (471 g/kWh) is one H200's 700 W for 896 hours: the
    calculator was given accelerator-hours (on the same template, "13 hrs" and "27 kg" are several
    accelerators' wall-clock hours)."""
    fields = [fact for fact in gathered.all("wall_hours") if fact.reading is Reading.FIELD and fact.value > 0]
    emissions = {fact.value for fact in gathered.all("emissions")}
    # The hardware and the place the estimate would use (`Facts.best`, as estimate's `_hardware_match` and `_region`).
    named, location = gathered.best("hardware"), gathered.best("location")
    if len(emissions) != 1 or named is None or location is None:
        return None
    if not _PLURAL_HARDWARE_RE.search(str(named.value)):
        return None  # "NVIDIA GeForce RTX 3090": one, whose wall-clock hours are its accelerator-hours
    from ..hardware import parse_hardware  # the tables are loaded only for the few cards stating all three
    from ..location import parse_location

    hardware = parse_hardware(str(named.value))
    grid = parse_location(str(location.value), gathered.value("cloud_provider"))
    if hardware is None or hardware.count is not None or not hardware.accelerator.tdp_w or grid is None:
        return None
    (grams,) = emissions
    facts = gathered.facts
    for field in fields:
        ratio = grams / (field.value * hardware.accelerator.tdp_w / 1000 * grid.region.gco2_per_kwh)
        if _ONE_ACCELERATOR_RATIO[0] <= ratio <= _ONE_ACCELERATOR_RATIO[1]:
            summed = replace(field, quantity="accelerator_hours",
                             note=f"{field.note}; the card's emissions are one {hardware.accelerator.name}'s power for "
                                  f"these hours on its grid (x{ratio:.2f}): a sum over its accelerators")
            facts = tuple(summed if fact is field else fact for fact in facts)
    return facts


# Where a size is read without its model named: a sentence, a table's lone row.
_UNSURE_SIZES = (Reading.SENTENCE, Reading.ROW)


def _sizes_in_doubt(facts: list[Fact], named_size: float | None = None) -> list[Fact]:
    """Sentences (or a table's lone row) that give this model two sizes ("750M parameters" for
    one checkpoint, "450M" for the other; the stages of a pipeline; "SmolLM2-360M ... 360 million
    parameters" above a table of one 135M variant), or one beside a family's others, leave its
    size open: none is chosen, each is kept as a row whose model is unknown. A table's own row or
    a field decides it elsewhere, unless fields disagree too ("### Baseline Model ... - **Parameters**:
    ~5M", "### Improved Model ... - **Parameters**: ~12.4M": two models' fields). Sizes that all round to the one
    the model's name states are that size written loosely and precisely ("a pretrained 1B parameter causal language
    model" and "It has 1.3 billion free parameters" on Luciole-1B-Base's card): the one stated most precisely is
    the model's."""
    sizes = [fact for fact in facts if fact.quantity == "params" and fact.scope == "model"]
    if not sizes:
        return facts
    if all(fact.reading is Reading.FIELD for fact in sizes):
        values = [fact.value for fact in sizes]
    elif any(fact.reading not in _UNSURE_SIZES for fact in sizes):
        return facts
    else:
        # A family's sizes stated beside it count too ("Stage C comes with a 1 billion and 3.6 billion
        # parameter version ... Stage A contains 20 million parameters": which is this model's?).
        values = [fact.value for fact in facts if fact.quantity == "params" and fact.scope in ("model", "family")
                  and fact.reading in _UNSURE_SIZES]
    if max(values) <= min(values) * 1.1:
        return facts
    precise = _most_precise(sizes) if named_size and all(size_agrees(fact.value, named_size) for fact in sizes) else None
    return [replace(fact, scope="row", note=f"{fact.note}; one of several sizes the card states")
            if fact in sizes and fact is not precise else fact for fact in facts]


def _most_precise(sizes: list[Fact]) -> Fact | None:
    """The size stated with the most significant digits (1.3e9 over 1e9), if one is."""
    digits = [len(f"{float(fact.value):.6g}".split("e")[0].replace(".", "").strip("0")) for fact in sizes]
    best = max(digits)
    return sizes[digits.index(best)] if digits.count(best) == 1 else None


_EXPERTS_RE = lazy_compile(r"(?<![a-z0-9])\d+e(?![a-z0-9])|\bmoe\b|\d+x\d+b", re.IGNORECASE)


def _size_from_name(name: str) -> list[Fact]:
    """The parameter count a model's name states ("Meta-Llama-3-8B", "TeenyTinyLlama-160m"); in
    a mixture-of-experts name ("Llama-4-Scout-17B-16E") the size is the active parameters, and
    of two sizes ("OLMoE-1B-7B") the larger is the total and the smaller the active ones."""
    name = name.rsplit("/", 1)[-1]  # the owner's name states no size
    sizes = []
    for match in SIZE_IN_NAME_RE.finditer(name):
        sizes.append((size_in_name(match), match.group(0)))
        if len(sizes) == 2:
            break
    if not sizes:
        return []
    note = "size in the model's name"
    if len(sizes) == 2 and sizes[0][0] != sizes[1][0] and "moe" in name.lower():
        (active, active_text), (total, total_text) = sorted(sizes)
        return [Fact("params", total, total_text, "name", name, note=note),
                Fact("params_active", active, active_text, "name", name, note=note)]
    value, text = sizes[0]
    quantity = "params_active" if _EXPERTS_RE.search(name) else "params"
    return [Fact(quantity, value, text, "name", name, note=note)]


# After a name's figure in the text, its scale and what it counts when that is data: "trained on ~480m SMILES strings"
# (roberta_zinc_480m), "400M image-text pairs", "522MB of Indonesian Wikipedia" (the text's bytes): the name's figure is
# the data's, not the parameters.
_DATA_NOUNS = (r"(?:[\w-]+[ \t]+)?(?:tweets|smiles|strings|molecules|images|image-text[ \t]+pairs|pairs|samples|examples"
               r"|sentences|documents|words|tokens|steps|iterations|texts|sequences|utterances|proteins|compounds)\b")
_DATA_COUNT_AFTER_RE = {
    "m": lazy_compile(rf"[ \t]?(?:million|m)(?:[ \t]+{_DATA_NOUNS}|b[ \t]+of\b)", re.IGNORECASE),
    "b": lazy_compile(rf"[ \t]?(?:billion|b)[ \t]+{_DATA_NOUNS}", re.IGNORECASE),
}


def _named_sizes(card: Card, name: str) -> list[Fact]:
    """The sizes a name states (`_size_from_name`), less those whose figure the card says counts data."""
    sizes = _size_from_name(name)
    return [fact for fact in sizes if not _counts_data(card, fact.text)] if sizes else sizes


def _counts_data(card: Card, size_text: str) -> bool:
    """Whether the card says that the figure of a size in the model's name counts data ("480m" of roberta_zinc_480m:
    "trained on ~480m SMILES strings"), looked for only after each place the figure stands in the text."""
    number, scale = size_text[:-1].replace("_", "."), size_text[-1:].lower()
    if scale not in _DATA_COUNT_AFTER_RE:
        return False  # "7b1": BLOOM's, a size
    body, after = card.body_lower, _DATA_COUNT_AFTER_RE[scale]  # the readers have lower-cased it already
    opening = min(len(body), _OPENING)
    for written in (number + scale, f"{number} {scale}"):  # "480m", "480 m", "480 million": the figure with its scale
        at = body.find(written, 0, opening)
        while at >= 0:
            if not (at and (body[at - 1].isalnum() or body[at - 1] == ".")) and after.match(body, at + len(number)):
                return True
            at = body.find(written, at + len(written), opening)
    return False


_OPENING = 3000
"""Where a card says what it was trained on (its first lines): a card's code names its model over and over further on."""


def _extends(folder_name: str, name: str) -> bool:
    """Whether a folder's name is a model's name with a size alone ("bloom-3b" of "bloom"; not
    "ppo-LunarLander-v2-1M" of "PPO", whose 1M are steps)."""
    words, more = model_words(name.rsplit("/", 1)[-1]), model_words(folder_name)
    return bool(words) and words < more and all(SIZE_IN_NAME_RE.fullmatch(word) for word in more - words)


def _model_name(card: Card, folder, given: str | None,
                folder_names: Collection[str] | None = None) -> tuple[str | None, str | None]:
    if given:
        return given, "given"
    from_index = model_index_name(card)
    if from_index:
        return from_index, "model-index"
    # A folder listed already holds a .git or not: most are no clone, and opening .git/config in each is a system call.
    clone = folder is not None and (folder_names is None or ".git" in folder_names)
    if clone and (repository := hub_repository(folder)):
        return repository, "hub clone"  # the folder is a git clone of this Hub repository
    if folder is not None:
        base = os.path.basename(os.fspath(folder).rstrip("/\\"))
        if base.lower() not in _GENERIC_FOLDER_NAMES:
            return base, "folder name"
    heading = first_heading(card)
    if heading:
        heading = _CARD_TITLE_PREFIX_RE.sub("", heading) or heading  # "# Model Card for OLMo 1B": OLMo 1B
    return (heading, "title") if heading else (None, None)
