"""CC3xx: the card's disclosure as a whole: the template's placeholders left in its text,
emissions stated nowhere, or only in the text where the Hub does not read them; and the
disclosure tier, the best estimator tier the card's own facts support."""

from __future__ import annotations

import enum
import functools
import itertools
import re
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, NamedTuple

from .. import __version__
from .._regex import lazy_compile
from ..card import Card
from ..facts import Fact, Facts
from ..facts.attribution import names_owner
from ..facts.base import NAMED_BY_ID, Reading
from ..facts.lift import Lift, yaml_number, yaml_scalar
from ..facts.metadata import PLACEHOLDER_TRIM, PLACEHOLDER_VALUE_RE, block_states_nothing
from ..facts.prose import DESCRIPTION_COMPUTE_FIELDS
from ..markdown import heading_value, hidden_spans, inside
from ..markdown import headings as markdown_headings
from ..units import format_grams, format_mass
from .base import (
    BLOCK_KEY, RECOMMENDED, Context, Example, Finding, Findings, Fix, FixSafety, FixStage, Rule,
    Severity,
)

if TYPE_CHECKING:  # a fix's types: loaded by the runs that fix (see `fixing`)
    from .fixing import Change, FixContext

__all__ = ["ESTIMATED_FIGURE", "RULES", "Placeholder", "PlaceholderPlace", "disclosure_tier", "estimable",
           "estimable_tier", "estimate_fix", "new_figure", "template_placeholders"]

# The template's placeholder (bracketed, or a line of its own), and a section's promise to fill it later ("With milestone 3 we will be able to fill
# this part.", "This section will be completed soon.", "To be added.").
_PLACEHOLDER_RE = lazy_compile(
    r"\[More Information Needed\]"
    # A line that is only the template's placeholder: "More information needed", "TBD", "- N/A".
    r"|^[ \t]*(?:[-*+>][ \t]+)?[*_\[(` \t]*(?:(?:needs?\s+)?more\s+info(?:rmation)?(?:\s+(?:is\s+)?(?:needed|required))?"
    r"|unknown|tbd|tba|tbc|todo|n/?a|coming\s+soon|forthcoming|(?:still\s+)?to\s+be\s+(?:determined|added|confirmed"
    r"|announced|filled(?:\s+in)?))[*_\]).` \t]*\r?$"
    r"|^[ \t]*[^\n|]{0,60}?\b(?:will\s+(?:be\s+)?(?:able\s+to\s+)?|to\s+be\s+)(?:fill(?:ed)?|complet(?:e|ed)|add(?:ed)?"
    r"|updat(?:e|ed)|provid(?:e|ed))\b[^\n|]{0,40}?\b(?:later|soon|part|section|milestone|future)\b[^\n|]{0,20}$",
    re.IGNORECASE | re.MULTILINE)

# --------------------------------------------------------------------------- the disclosure tier

_T1_FIELDS = (("source", "source"), ("training_type", "training type"), ("location", "location"),
              ("hardware", "hardware"))


def disclosure_tier(facts: Facts, card: Card | None = None) -> str:
    """How well a card discloses: the best estimator tier its own facts support.

    "T1" (emissions stated) with its completeness, e.g. "T1 (missing: location, hardware)";
    "T2" energy, or accelerator-hours, or a count with hours; "T3" FLOPs, or parameters and
    tokens; "T4" parameters only; "none".
    """
    if facts.disclosed("emissions"):
        block = (card.metadata or {}).get("co2_eq_emissions") if card is not None else None
        source = block.get("source") if isinstance(block, dict) else None
        present = {"source"} if source and not (isinstance(source, str) and block_states_nothing(source)) else set()
        present |= {quantity for quantity, _ in _T1_FIELDS[1:] if facts.disclosed(quantity)}
        missing = [label for quantity, label in _T1_FIELDS if quantity not in present]
        return "T1 (complete)" if not missing else f"T1 (missing: {', '.join(missing)})"
    return estimable_tier(facts)


def estimable_tier(facts: Facts) -> str:
    """The best tier below T1 that the card's own facts support."""
    if facts.all("energy") or facts.all("accelerator_hours") or (
        facts.all("wall_hours") and (facts.all("accelerator_count") or facts.all("hardware"))
    ):
        return "T2"
    if facts.all("train_flops") or (
        (facts.all("params") or facts.all("params_active")) and facts.all("train_tokens")
    ):
        return "T3"
    if facts.all("params") or facts.all("params_active"):
        return "T4"
    return "none"


def estimable(ctx: Context) -> str:
    """The card's `estimable_tier`, for `Context.once`."""
    return estimable_tier(ctx.facts)


# --------------------------------------------------------------------------- CC301


def placeholders(ctx: Context) -> Findings:
    """CC301: template placeholders left in the "Environmental Impact" section of the body."""
    card, found = ctx.card, []
    for placeholder in template_placeholders(card):
        start, label, place = placeholder.start, placeholder.label, placeholder.place
        line = card.line_of_offset(start)
        # The line's start, looked for within the line only: from the text's start, per finding,
        # a card of many placeholder lines would be quadratic.
        low = max(0, start - 4096)
        line_start = max(card.text.rfind("\n", low, start), card.text.rfind("\r", low, start), low - 1) + 1
        if place is PlaceholderPlace.QUESTION:  # a question of the climate performance model card
            message = f"template placeholder left as the answer to '{label}'"
        elif place is PlaceholderPlace.X_FIGURE:
            message = f"placeholder left in the text: {_X_FIGURE}"
        elif place in (PlaceholderPlace.HEADING_FIELD, PlaceholderPlace.FIELD):
            message = f"template placeholder left as the value of '{label}'"
        else:
            message = f"template placeholder left in the Environmental Impact section{f' for {label}' if label else ''}"
        found.append(CC301.finding(message, (line, start - line_start + 1)))
    return found


class PlaceholderPlace(enum.Enum):
    """Where a placeholder stands (`template_placeholders`)."""

    SECTION = "a line of the Environmental Impact section"  # a field of it, or a line that is only a placeholder
    QUESTION = "the answer to a question of the climate performance model card"
    HEADING_FIELD = "the value under a heading that names a compute field (COMPL-AI's model descriptions)"
    FIELD = "the value of a compute field elsewhere, a bracketed instruction of a template"
    X_FIGURE = "a figure of CO2 with X's for its digits"


class Placeholder(NamedTuple):
    """A placeholder left in a card: its (start, end) in the card's text, its field's label, where it stands."""

    start: int
    end: int
    label: str | None
    place: PlaceholderPlace


# A run on the author's own machine, said in the section: there "N/A" is the answer of a cloud or a region.
_LOCAL_RUN_RE = lazy_compile(r"\b(?:local(?:ly)?|laptop|workstation|desktop|on-?prem(?:ise)?s?|personal\s+(?:computer|machine))\b",
                             re.IGNORECASE)
_NOT_APPLICABLE_RE = lazy_compile(r"n/?a|n\.a|not\s+applicable", re.IGNORECASE)
_WHERE_LABEL_RE = lazy_compile(r"cloud|region|location|provider", re.IGNORECASE)
# "- **Hardware Type:** value", "**Hours used**: value", "- Compute Region: value".
_FIELD_LINE_RE = lazy_compile(
    r"^[ \t]*(?:[-*+][ \t]+)?(?:\*\*|__)?(?P<label>[^:*_\r\n|<>`]{2,120}?)"
    r"(?::[ \t]*(?:\*\*|__)|(?:\*\*|__)[ \t]*:|:)[ \t]*(?P<value>[^\r\n]*?)[ \t]*\r?$",
    re.MULTILINE,
)
# "| Hardware type | — |": the template's fields written as a table's rows of two cells (its labels only, below).
# The value's cell is one greedy group, spaces and all: a run of spaces before it, matched apart, would be rescanned
# to the line's end once per space when no pipe closes the row.
_FIELD_ROW_RE = lazy_compile(r"^[ \t]*\|[ \t]*(?:\*\*|__)?(?P<label>[^|*_\r\n]{2,60}?)(?:\*\*|__)?:?[ \t]*\|"
                             r"(?P<value>[^|\r\n]*)\|[ \t]*\r?$", re.MULTILINE)
_DASHES = "-—– "  # a value of dashes alone ("—", "--") is left blank
_CONTINUED_RE = lazy_compile(r"[ \t]+\S")
# The template's Environmental Impact fields and the block key each shows (`--fill-template` fills
# them); left blank, each is a placeholder too.
TEMPLATE_FIELDS = {
    "hardware type": "hardware_used",
    "hours used": "hours_used",
    "cloud provider": "cloud_provider",
    "compute region": "geographical_location",
    "carbon emitted": "emissions",
}
_MAX_PLACEHOLDERS = 1000  # a card's template has a dozen fields: thousands are no card's, and not all reported
_QUESTION_ROW_RE = lazy_compile(r"^[ \t]*\|[ \t]*(?:\d+\.[ \t]*)?(?P<label>[^|\r\n]{5,200}\?)[ \t]*\|"
                                r"(?P<value>[^|\r\n]*)\|[ \t]*\r?$", re.MULTILINE)  # the answer's cell whole, as a field's row


def template_placeholders(card: Card) -> list[Placeholder]:
    """Each placeholder left in the body, in order: in the "Environmental Impact" section, a field whose value says
    nothing (`PLACEHOLDER_VALUE_RE`), a `[More Information Needed]` or a line that is only a placeholder ("More
    information needed"); elsewhere, a compute field whose value is a template's bracketed instruction ("Hardware
    used: [specify GPU/CPU details]"), the climate performance model card's unanswered questions, COMPL-AI's compute
    headings left blank, a figure of CO2 with X's for its digits. What the Hub does not render (HTML comments) and
    code blocks are not card text."""
    body = card.body
    questions = "How much CO2" in body or "how much co2" in card.body_lower
    figures = _x_figures(card)
    heading_fields = "num_gpus" in body  # the COMPL-AI template's fields come together: one pass over the text, not two
    instructions = list(itertools.islice(card.matches_at_words(_INSTRUCTION_RE, _INSTRUCTION_WORDS), _MAX_PLACEHOLDERS)) \
        if _INSTRUCTION_HINT_RE.search(card.body_lower) else []  # one pass, in C, for "[" and its word: most cards have none
    if "nvironmental" not in body and not questions and not figures and not heading_fields and not instructions:
        return []
    hidden = hidden_spans(body)
    found: dict[int, Placeholder] = {}  # by line start: one per line
    for start, end in figures:
        if not inside(start, hidden):
            found[body.rfind("\n", 0, start) + 1] = Placeholder(start, end, None, PlaceholderPlace.X_FIGURE)
    for instruction in instructions:
        line_start = body.rfind("\n", 0, instruction.start()) + 1
        label = _COMPUTE_FIELD_RE.fullmatch(body, line_start, instruction.start())
        if label is not None and not inside(instruction.start(), hidden):
            found[line_start] = Placeholder(*instruction.span(), label.group("label").strip(), PlaceholderPlace.FIELD)
    if questions:
        # The climate performance model card's questions (Hershcovich et al., 2022) are its
        # fields: "| 8. How much CO2eq was emitted for all experiments? | N/A |".
        for row in _QUESTION_ROW_RE.finditer(body):
            if len(found) >= _MAX_PLACEHOLDERS:
                break
            answer = row.group("value")
            if (answer.strip(PLACEHOLDER_TRIM) and PLACEHOLDER_VALUE_RE.fullmatch(answer.strip(PLACEHOLDER_TRIM))
                    and not inside(row.start(), hidden)):
                found[row.start()] = Placeholder(*_cell_span(row), row.group("label").strip(), PlaceholderPlace.QUESTION)
    headings = markdown_headings(body, hidden)
    for index, heading in enumerate(headings):
        if heading_fields and heading.group(2).strip().lower() in _HEADING_FIELDS:
            # The COMPL-AI model description's fields, a heading each: "## num_gpus\n<!--- number of gpu's used -->\n-".
            end = headings[index + 1].start() if index + 1 < len(headings) else len(body)
            start, value = heading_value(body, heading.end(), end, hidden)
            if start is not None and (not value.strip(_DASHES) or PLACEHOLDER_VALUE_RE.fullmatch(value.strip(PLACEHOLDER_TRIM))):
                found[start] = Placeholder(start, start + len(value), heading.group(2).strip(), PlaceholderPlace.HEADING_FIELD)
            continue
        if "environmental impact" not in heading.group(2).lower():
            continue
        if len(found) >= _MAX_PLACEHOLDERS:
            break
        level = len(heading.group(1))
        # islice, not a slice: a copy of the rest per heading is quadratic in the headings.
        end = next((later.start() for later in itertools.islice(headings, index + 1, None)
                    if len(later.group(1)) <= level), len(body))
        # Whether the section says the run was local: looked for once, when an "N/A" asks.
        local = functools.cache(lambda start=heading.end(), stop=end: _LOCAL_RUN_RE.search(body, start, stop) is not None)
        rows = ((row, True) for row in _FIELD_ROW_RE.finditer(body, heading.end(), end)) \
            if body.find("|", heading.end(), end) >= 0 else ()
        for field, is_row in itertools.chain(((line, False) for line in _FIELD_LINE_RE.finditer(body, heading.end(), end)),
                                             rows):
            if len(found) >= _MAX_PLACEHOLDERS:
                break
            value = field.group("value").strip(PLACEHOLDER_TRIM)
            start, stop = _cell_span(field)
            if inside(field.start("value"), hidden):
                continue
            template_field = " ".join(field.group("label").strip(" *_").split()).lower() in TEMPLATE_FIELDS
            if is_row and not template_field:
                continue  # a row of another table of the section ("| Metric | N/A |")
            if not value.strip(_DASHES):
                # Blank, unless its value follows on indented lines ("- **Hardware Type:**\n  - 8 x A100").
                if template_field and not _CONTINUED_RE.match(body, field.end() + 1):
                    found[field.start()] = Placeholder(start, stop, field.group("label").strip(" *_"), PlaceholderPlace.SECTION)
                continue
            if not PLACEHOLDER_VALUE_RE.fullmatch(value):
                continue
            if _NOT_APPLICABLE_RE.fullmatch(value) and _WHERE_LABEL_RE.search(field.group("label")) and local():
                continue  # "Cloud Provider: N/A" beside "Hardware Type: local laptop": no cloud, an answer
            found[field.start()] = Placeholder(start, stop, field.group("label").strip(" *_"), PlaceholderPlace.SECTION)
        for placeholder in _PLACEHOLDER_RE.finditer(body, heading.end(), end):
            if len(found) >= _MAX_PLACEHOLDERS:
                break
            line_start = body.rfind("\n", 0, placeholder.start()) + 1
            if line_start in found or inside(placeholder.start(), hidden):
                continue
            if _NOT_APPLICABLE_RE.fullmatch(placeholder.group(0).strip(PLACEHOLDER_TRIM + " \t\r-*+>")) and local():
                continue  # "N/A" on a line of its own (a field's value on the next line): an answer where the run was local
            label = _field_label(body, heading.end(), placeholder.start())
            text = placeholder.group(0)
            start = placeholder.start() + len(text) - len(text.lstrip(" \t-*+>"))  # past a line's indent and list mark
            found[line_start] = Placeholder(start, placeholder.end(), label, PlaceholderPlace.SECTION)
    shift = card.body_span[0]
    return [placeholder._replace(start=placeholder.start + shift, end=placeholder.end + shift)
            for placeholder in sorted(found.values())]


# A template's instruction in brackets where a value goes: "[specify GPU/CPU details]", "[insert hours]", "[Your
# Region]"; a placeholder when it is a compute field's whole value (`_COMPUTE_FIELD_RE`), wherever the field stands.
_INSTRUCTION_WORDS = ("[specify", "[insert", "[fill", "[enter", "[provide", "[add ", "[your ")
_INSTRUCTION_HINT_RE = lazy_compile("|".join(re.escape(word) for word in _INSTRUCTION_WORDS))
_INSTRUCTION_RE = lazy_compile(r"\[(?:specify|insert|fill\s+in|enter|provide|add|your)\b[^\]\r\n]{0,100}\][ \t]*(?=\r?$)",
                               re.IGNORECASE | re.MULTILINE)
# The label of a field of training compute before its value, the whole line's start: "- **Hardware used:** ".
_COMPUTE_FIELD_RE = lazy_compile(
    r"[ \t]*(?:[-*+][ \t]+)?(?:\*\*|__)?(?P<label>(?:training\s+)?(?:hardware(?:\s+(?:type|used))?"
    r"|gpus?(?:\s+(?:type|used))?|accelerators?(?:\s+used)?|compute(?:\s+(?:region|infrastructure|resources|used))?"
    r"|cloud\s+provider|hours\s+used|training\s+(?:time|duration)|time|duration|carbon\s+emitted"
    r"|(?:co2|carbon)\s+(?:emissions?|footprint)|energy(?:\s+(?:consumption|consumed|used))?))[ \t]*"
    r"(?::[ \t]*(?:\*\*|__)|(?:\*\*|__)[ \t]*:|:)[ \t]*",
    re.IGNORECASE)


# A mass of CO2 with its digits left as X's, wherever it stands: "estimated at ~XX kg CO2", "~0.XX kg CO2eq".
_X_FIGURE = "a figure of CO2 with X's for its digits"
_X_FIGURE_RE = lazy_compile(r"(?<![\w.])(?:\d+[.,]X{1,8}|X{2,8}(?:[.,]X{1,8})?|X[.,]X{1,8})\s*(?i:kg|g|t|tonnes?|tons?)\s*"
                            r"(?i:of\s+)?(?i:co2)")  # "XX" or "X.XX", not "X" (a variable): the card's own placeholder


# The compute fields of the COMPL-AI model description (compl-ai/compl-ai's model_descriptions), a heading each.
_HEADING_FIELDS = frozenset(DESCRIPTION_COMPUTE_FIELDS)


def _x_figures(card: Card) -> list[tuple[int, int]]:
    """(start, end) in the body of each figure of CO2 written with X's for its digits (the pattern
    only over a text with an X beside another X or a decimal sign: most have none)."""
    body = card.body
    if not _x_beside_x_or_decimal_sign(body) or "co2" not in card.body_lower:
        return []
    return [figure.span() for figure in itertools.islice(_X_FIGURE_RE.finditer(body), _MAX_PLACEHOLDERS)]


def _x_beside_x_or_decimal_sign(body: str) -> bool:
    """Whether an X of the text stands beside another X or a decimal sign ("XX", "0.XX"), looked for
    at its first hundred X's ("curl -X POST" is in most AutoTrain cards): a text of more leaves it
    to the pattern."""
    at = body.find("X")
    for _ in range(100):
        if at < 0:
            return False
        if body[at + 1 : at + 2] in ("X", ".", ",") or body[at - 1 : at] in (".", ","):
            return True
        at = body.find("X", at + 1)
    return True


def _cell_span(field: re.Match) -> tuple[int, int]:
    """(start, end) of a field's value without the spaces around it (a table's cell holds them)."""
    cell = field.group("value")
    return field.start("value") + len(cell) - len(cell.lstrip()), field.start("value") + len(cell.rstrip())


def _field_label(body: str, section_start: int, offset: int) -> str | None:
    """The template's field name on the placeholder's line ("Hardware Type"), if any."""
    line_start = max(body.rfind("\n", section_start, offset), body.rfind("\r", section_start, offset)) + 1
    match = re.search(r"\*\*([^*]+?):?\*\*", body[line_start:offset])
    return " ".join(match.group(1).rstrip(":").split()) if match else None


# --------------------------------------------------------------------------- CC302, CC303


def no_block(ctx: Context) -> Findings:
    """CC302, CC303: no `co2_eq_emissions`; the text states the figure (CC303) or nothing does (CC302)."""
    if not ctx.readable or ctx.has_block:
        return ()
    facts, position = ctx.facts, ctx.top()
    stated = facts.best("emissions")
    disclosed = facts.disclosed("emissions")
    if stated is not None:
        grams = format_grams(stated.value)
        lifted = ctx.lifts.get("emissions")
        fix = f"add co2_eq_emissions with emissions {format_grams(lifted[0])}" if lifted else None
        finding = CC303.finding(f"emissions are stated only in the text ({stated.text!r} at {stated.provenance()}); "
                                f"add `co2_eq_emissions: {{emissions: {grams}}}` to the front matter", position, fix=fix)
        # A card that states other figures too (a base's, a family's, another row's) leaves the
        # choice to the user: the fix is then unsafe, unless a name the user or the Hub gives picked
        # the figure's row (`--model-id`, `model-index`, a clone's remote), not a folder's or a title's,
        # and the card names the repository's owner: a re-upload of Meta's card under another owner's
        # id (NousResearch/Meta-Llama-3.1-8B) picks the row "Llama 3.1 8B" too.
        figure = lifted.fact if lifted is not None else None
        named = facts.model_name_source in NAMED_BY_ID
        picked = figure is not None and figure.row is not None and named and names_owner(ctx.card, facts.model_name)
        # A file with no front matter, whose model neither the user nor the Hub names, may be no model's card
        # (a project's README states what its project emitted; a family's page, what the family did): writing
        # it a front matter is the user's call, unless AutoTrain's own line states the figure.
        unnamed = (ctx.card.yaml_span is None and not named and figure is not None
                   and figure.reading is not Reading.AUTOTRAIN)
        return [replace(finding, doubted=True) if lifted and (unnamed or not picked and _other_figures(facts, figure))
                else finding]
    elif disclosed:
        own = [fact for fact in disclosed if fact.scope == "model"]
        if len(own) > 1 and not any(isinstance(f.value, (int, float)) and f.value <= 0 for f in own):
            # Figures of this model read alike that disagree: none is chosen (`Facts.best`).
            what = (f"in places that disagree ({own[0].provenance()}, {own[1].provenance()}), and which is this "
                    "model's training is not said")
        elif own:
            what = f"as nothing or in doubt: {own[0].provenance()}"  # "emissions: 0" says nothing was measured
        else:
            rows = [f for f in disclosed if f.scope == "row"]
            if rows and all(f.reading is Reading.SENTENCE for f in rows):
                what = "as several figures in sentences, and which is this model's training is not said"
            elif rows:
                what = ("per model in a table, but which row is this model is unknown (name it with `--model-id` or "
                        "`model-index`)")
            else:
                what = "only as a total over several models"
            what += f": {disclosed[0].provenance()}"
        return [CC303.finding(f"emissions are stated in the text {what}; "
                              "add this model's `co2_eq_emissions` to the front matter", position)]
    return [CC302.finding("the card states no training emissions: add `co2_eq_emissions` (grams of CO2e) "
                          "to the front matter", position, fix=estimate_fix(ctx))]


def _other_figures(facts: Facts, chosen: Fact | None) -> bool:
    """Whether the card states emissions, of any model, other than the chosen figure (give or take 10%)."""
    if chosen is None:
        return False
    return any(not (0.9 <= fact.value / chosen.value <= 1.1) for fact in facts.all("emissions", scope=None)
               if fact is not chosen and isinstance(fact.value, (int, float)) and fact.value > 0 and chosen.value > 0)


def estimate_fix(ctx: Context) -> str | None:
    """The fix of a card that states no figure: carbon-card's estimate, when there is one."""
    tier = ctx.once(estimable)
    if tier == "none" or _states_a_figure_without_unit(ctx.facts):
        return None
    return f"add carbon-card's {tier} estimate, marked as an estimate"


def _states_a_figure_without_unit(facts: Facts) -> bool:
    """Whether the card states its emissions in a figure carbon-card cannot read for want of a unit ("- **Carbon
    Emitted:** 0.62", CC407): the author's figure needs its unit, not carbon-card's estimate in its place."""
    return any(problem.quantity == "emissions" for problem in facts.problems)


# What each tier of an estimate rests on, for the `source` of an estimated block.
_TIER_BASIS = {
    "T2": "from the stated energy, or hardware and hours",
    "T3": "from the training compute",
    "T4": "from the model's size and a prior on training tokens",
}
_FIELD_CODES = dict(RECOMMENDED)
_CONSULTS = tuple(_FIELD_CODES.values())


def new_figure(ctx: FixContext, findings: Sequence[Finding], estimated: bool) -> Iterator[Change]:
    """A block without a figure gets the one the card states for this model (or, when `estimated`
    and it states none, carbon-card's estimate), with every field the card states beside it: a
    block without `emissions` is invalid. A recommended field whose rule the user ignores or
    suppresses is left out (the team removed it on purpose)."""
    finding, lifts = findings[0], ctx.lifts
    if "emissions" in lifts:
        fields: dict[str, Lift] = dict(lifts)
    elif estimated and ctx.estimate is not None and not _states_a_figure_without_unit(ctx.facts):
        found = ctx.estimate()
        if found.tier == "none" or found.emissions_g is None:
            return
        interval = found.emissions_g
        fields = {"emissions": Lift(_round2(interval.central), None)}
        low, high = format_mass(_round2(interval.low)), format_mass(_round2(interval.high))
        fields["source"] = Lift(f"estimate by carbon-card {__version__}, not measured: tier {found.tier} "
                                f"({_TIER_BASIS.get(found.tier, found.method)}); 90% interval {low} to {high}", None)
        fields.update((key, lift) for key, lift in lifts.items() if key not in fields)
    else:
        return
    present = (ctx.card.metadata or {}).get(BLOCK_KEY)
    for key, (value, fact) in fields.items():
        if isinstance(present, dict) and key in present:
            continue
        code = _FIELD_CODES.get(key)
        if fact is not None and code is not None and ctx.allows is not None and not ctx.allows(code, finding.line):
            continue  # e.g. no `geographical_location` where CC203 is ignored
        where = f" from {fact.provenance()}" if fact is not None else ""
        yield ctx.change(finding, key, value, f"add `{key}: {yaml_scalar(value)}`{where}")


def _round2(value: float) -> int | float:
    """Two significant digits: an estimate claims no more."""
    return yaml_number(float(f"{value:.2g}"))


ESTIMATED_FIGURE = Fix(
    FixSafety.UNSAFE, FixStage.FIGURE, lambda ctx, findings: new_figure(ctx, findings, estimated=True),
    "no figure anywhere: carbon-card's estimate, rounded to two digits, with `source: \"estimate by carbon-card "
    f"{__version__}, not measured: tier T4 (...); 90% interval 6.9 kg to 1.3 t\"`; none where the text states a figure "
    "without its unit (CC407)", consults=_CONSULTS)
"""The fix of a block without a figure (CC102, CC302): the card's own figure, else the estimate."""

_BLOCK = """co2_eq_emissions:
  emissions: 1812
  source: CodeCarbon
  training_type: fine-tuning
  geographical_location: Iowa, USA
  hardware_used: 1 x A100"""

_IMPACT = """## Environmental Impact

- **Hardware Type:** {hardware}
- **Hours used:** {hours}
- **Carbon Emitted:** {emitted}
"""

CC301 = Rule(
    "CC301", "template-placeholder", Severity.WARNING,
    "A field of the Environmental Impact section (or a question of the climate card, or a compute field of the "
    "COMPL-AI model description: `num_gpus`, `gpu_power_draw`, `time_to_train`) says nothing: `[More "
    "Information Needed]`, Unknown, TBD, TODO, N/A, Varies, (Forthcoming.), \"Not (publicly) reported\", \"we need "
    "more information\", \"[Fill in]\", \"[Your Region]\", an illustration (\"0.5 kg CO2 (example)\"), a template "
    "field left blank or a dash, written as a line or a table's row, the "
    "template's formula, an unrendered `{{ variable }}` or a promise to fill it later (\"we will be able to fill "
    "this part\", \"[To be calculated ...]\"; not in HTML comments), or a line of the section that is only a "
    "placeholder (\"More information needed\", \"TBD\"); a compute field anywhere whose value is a template's "
    "bracketed instruction (\"Hardware used: [specify GPU/CPU details]\"); or a figure of CO2 anywhere in the text "
    "with X's for its digits (\"~XX kg CO2\", \"~0.XX kg CO2eq\").",
    why="The Hub's model card template ends with an Environmental Impact section whose fields say `[More "
        "Information Needed]` until someone fills them in. Left as they are, they tell a reader that nobody "
        "did. Fill them in, or remove the section. `check --fix --fill-template` writes the block's values into "
        "them; text in HTML comments and code blocks is not read. The questions of the climate performance "
        "model card (Hershcovich et al., 2022) are fields too: an answer of N/A is a placeholder. \"N/A\" for the "
        "cloud provider or the region of a run the section says was local (a laptop, a workstation) is an answer.",
    bad=Example(f"---\nlicense: mit\n{_BLOCK}\n---\n\n"
                + _IMPACT.format(hardware="[More Information Needed]", hours="[More Information Needed]",
                                 emitted="[More Information Needed]")),
    good=Example(f"---\nlicense: mit\n{_BLOCK}\n---\n\n"
                 + _IMPACT.format(hardware="1 x A100", hours="4.5", emitted="1.81 kg CO2eq")),
    check=placeholders,
)
CC302 = Rule(
    "CC302", "no-disclosure", Severity.WARNING,
    "The card states no training emissions, neither in its metadata nor in its text.",
    why="Training a model emits CO2e, and the Hub has a place to say how much: `co2_eq_emissions`, in grams. "
        "CodeCarbon measures it during training; the figure can also be estimated from the hardware, the hours "
        "and the region (`carbon-card estimate`). The fix writes carbon-card's estimate, rounded to two digits, "
        "with a `source` that says it is an estimate, its tier and its 90% interval; it is unsafe: a measured "
        "figure is better.",
    bad=Example("---\nlicense: mit\n---\n\n# my-model\n\nA sentiment classifier fine-tuned on IMDB reviews.\n"),
    good=Example(f"---\nlicense: mit\n{_BLOCK}\n---\n\n# my-model\n\nA sentiment classifier fine-tuned on IMDB "
                 "reviews.\n"),
    check=no_block,
    fix=ESTIMATED_FIGURE,
)
CC303 = Rule(
    "CC303", "emissions-only-in-prose", Severity.WARNING,
    "The card states its emissions in the text only; the Hub reads `co2_eq_emissions` in the metadata.",
    why="A figure in the text is read by people, but the Hub, its search filters and the studies that count "
        "disclosing models read `co2_eq_emissions` in the metadata. The fix writes the figure the text (or a "
        "file beside the card) states for this model into a new block, with the fields stated beside it; it is "
        "safe, as it writes what the card already says, unless CC501 finds the figure implausible, the card states "
        "other figures too (a base's, a family's, another row's), or the file has no front matter and no one names "
        "its model (`--model-id`, the configuration, a clone's Hub remote): a file without front matter may be no "
        "model's card (a project's README, a family's page), unless AutoTrain's own line states the figure. Then "
        "the choice is the user's, an unsafe fix.",
    bad=Example("---\nlicense: mit\n---\n\n# my-model\n\n"
                + _IMPACT.format(hardware="1 x A100", hours="4.5", emitted="1.81 kg CO2eq")),
    good=Example(f"---\nlicense: mit\n{_BLOCK.replace('1812', '1810')}\n---\n\n# my-model\n\n"
                 + _IMPACT.format(hardware="1 x A100", hours="4.5", emitted="1.81 kg CO2eq")),
    check=no_block,
    fix=Fix(FixSafety.SAFE, FixStage.FIGURE, lambda ctx, findings: new_figure(ctx, findings, estimated=False),
            "the figure the text or a file states for this model becomes the block (a new front matter if there "
            "is none), with the fields stated beside it", consults=_CONSULTS),
)

RULES = (CC301, CC302, CC303)
