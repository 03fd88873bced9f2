"""The Assessment stage: the rules run over a card and give findings with positions.

Each finding names its rule (see `rules.py`), says what is wrong in one line, points at the
line and column of the card where it is, and, when a mechanical fix exists, carries it.
"""

from __future__ import annotations

import bisect
import difflib
import math
import re
from dataclasses import dataclass, replace
from typing import Any, Iterator

import yaml

from ._regex import lazy_compile
from .card import Card
from .facts import Fact, Facts, gather
from .patch import liftable
from .rules import RULES, Fix, Rule, Severity
from .schema import field_error, known_keys
from .suppression import UNUSED_CODE, Selection
from .units import UnitError, format_grams, parse_mass_grams

__all__ = ["Assessment", "Finding", "assess", "disclosure_tier", "reporting_class", "REPORTING_CLASSES"]

BLOCK_KEY = "co2_eq_emissions"

RECOMMENDED = (
    ("source", "CC201"),
    ("training_type", "CC202"),
    ("geographical_location", "CC203"),
    ("hardware_used", "CC204"),
)

# Keys people write for a field of the block that a string distance does not catch.
_KEY_ALIASES = {
    "emission": "emissions",
    "co2": "emissions",
    "co2_eq": "emissions",
    "co2_emissions": "emissions",
    "carbon_emitted": "emissions",
    "location": "geographical_location",
    "region": "geographical_location",
    "compute_region": "geographical_location",
    "country": "geographical_location",
    "hardware": "hardware_used",
    "hardware_type": "hardware_used",
    "gpu": "hardware_used",
    "gpu_model": "hardware_used",
    "energy": "energy_consumed",
    "energy_kwh": "energy_consumed",
    "hours": "hours_used",
    "duration": "hours_used",
    "training_time": "hours_used",
    "provider": "cloud_provider",
}

# A block created from the text or the estimate leaves out the recommended fields the card
# suppresses (see `patch.plan`): their suppressions are in use before the block exists.
_CONSULTS = {code: tuple(c for _, c in RECOMMENDED) for code in ("CC102", "CC302", "CC303")}

_TOP_LEVEL_MISSPELLINGS = (
    "co2_eq_emission", "co2_emissions", "co2_emission", "co2eq_emissions", "co2_eq", "co2-eq-emissions",
    "carbon_emissions", "carbon_emission", "co2_equivalent_emissions", "emissions",
)

_HEADING_RE = lazy_compile(r"^(#{1,6})[ \t]+(.*?)[ \t#]*$", re.MULTILINE)
_PLACEHOLDER_RE = lazy_compile(r"\[More Information Needed\]", re.IGNORECASE)


@dataclass(frozen=True)
class Finding:
    """One problem in one card."""

    rule: Rule
    message: str
    line: int
    """1-based line in the card."""
    column: int
    """1-based column."""
    fix: str | None = None
    """A short description of the mechanical fix, when one exists (safe or unsafe per the rule)."""
    fix_value: Any = None
    """What the fix writes, for the Patch stage (grams, or the key to rename)."""
    doubted: bool = False
    """A safe fix that another finding puts in doubt (a figure CC501 calls implausible): it
    needs `--unsafe-fixes`."""

    @property
    def code(self) -> str:
        return self.rule.code

    @property
    def severity(self) -> Severity:
        return self.rule.severity

    @property
    def fixable(self) -> bool:
        return self.fix is not None and self.rule.fix is not Fix.NONE

    @property
    def fix_safety(self) -> Fix:
        return Fix.UNSAFE if self.doubted and self.fixable else self.rule.fix

    @property
    def safe_fix(self) -> bool:
        """Fixable by `--fix`; other fixable findings need `--unsafe-fixes`."""
        return self.fixable and self.fix_safety is Fix.SAFE


@dataclass(frozen=True)
class Assessment:
    """What carbon-card concludes about one card."""

    card: Card
    findings: tuple[Finding, ...]
    facts: Facts
    reporting_class: str
    """The reporting class of Castaño et al. (2023), from carbon-card's own reading of the facts."""
    disclosure_tier: str = "none"
    """The best tier the card's own information supports (see `disclosure_tier`)."""
    selection: Selection = Selection()  # noqa: RUF009 - frozen: one shared default is safe
    """The rules enabled for the card and its suppression comments: what `findings` left out,
    and what a fix must not write either."""

    def count(self, at_least: Severity) -> int:
        return sum(1 for finding in self.findings if finding.severity >= at_least)


def assess(card: Card, facts: Facts | None = None, enabled: frozenset[str] | None = None) -> Assessment:
    """Run every rule over a card and its facts; findings come sorted by position.

    Without `facts`, the card's own facts are gathered (no files beside it). Only the rules in
    `enabled` (all by default) are reported, and none that a comment of the card suppresses;
    a suppression that suppresses nothing is a CC010 finding.
    """
    if facts is None:
        facts = gather(card)
    tier = disclosure_tier(facts, card)
    findings = [*_findings(card, facts), *_fact_findings(card, facts), *_estimate_findings(card, facts, tier)]
    if any(finding.code == "CC501" for finding in findings):
        # Lifting a figure that the card's own facts call implausible is left to the user.
        findings = [replace(f, doubted=True) if f.code == "CC303" else f for f in findings]
    selection = Selection.of(card, enabled)
    findings, unused = selection.apply(findings, _CONSULTS)
    findings += [_finding(UNUSED_CODE, message, (line, column)) for line, column, message in unused]
    findings.sort(key=lambda f: (f.line, f.column, f.code))
    return Assessment(card, tuple(findings), facts, reporting_class(facts, card), tier, selection)


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
        present = {"source"} if isinstance(block, dict) and block.get("source") else set()
        present |= {quantity for quantity, _ in _T1_FIELDS[1:] if facts.disclosed(quantity)}
        missing = [label for quantity, label in _T1_FIELDS if quantity not in present]
        return "T1 (complete)" if not missing else f"T1 (missing: {', '.join(missing)})"
    return _disclosed_tier(facts)


def _disclosed_tier(facts: Facts) -> str:
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


def _finding(code: str, message: str, position: tuple[int, int], fix: str | None = None,
             value: Any = None) -> Finding:
    if not message.isprintable():  # text from the card: a finding is one line in every format
        message = "".join(ch if ch.isprintable() else " " for ch in message)
    return Finding(RULES[code], message, position[0], position[1], fix, value)


def _findings(card: Card, facts: Facts) -> Iterator[Finding]:
    problem = card.problem
    if problem is not None:
        code = {"invalid-yaml": "CC001", "not-mapping": "CC002", "unclosed": "CC003"}.get(problem.kind, "CC004")
        yield _finding(code, problem.message, (problem.line, problem.column))
    yield from _placeholder_findings(card)
    if card.metadata is None and problem is not None and problem.kind != "missing":
        return  # The metadata could not be read: saying the block is missing would mislead.

    metadata = card.metadata or {}
    if BLOCK_KEY not in metadata:
        yield from _misspelled_block_key(card)
        position = (card.yaml_line, 1) if card.yaml_span else (1, 1)
        stated = facts.best("emissions")
        disclosed = facts.disclosed("emissions")
        if stated is not None:
            grams = format_grams(stated.value)
            lifted = liftable(card, facts).get("emissions")
            fix = f"add co2_eq_emissions with emissions {format_grams(lifted[0])}" if lifted else None
            yield _finding("CC303", f"emissions are stated only in the text ({stated.text!r} at "
                                    f"{stated.provenance()}); add `co2_eq_emissions: {{emissions: {grams}}}` "
                                    "to the front matter", position, fix=fix)
        elif disclosed:
            what = ("per model in a table, but which row is this model is unknown (name it with `--model-id` or "
                    "`model-index`)") if any(f.scope == "row" for f in disclosed) else "only as a total over several models"
            yield _finding("CC303", f"emissions are stated in the text {what}: {disclosed[0].provenance()}; "
                                    "add this model's `co2_eq_emissions` to the front matter", position)
        else:
            yield _finding("CC302", "the card states no training emissions: add `co2_eq_emissions` (grams of CO2e) "
                                    "to the front matter", position, fix=_estimate_fix(facts))
        return

    key_node, value_node = card.node_at(BLOCK_KEY)
    yield from _duplicate_keys(card, card.keys_at(), only=BLOCK_KEY)
    block = metadata[BLOCK_KEY]
    block_position = card.position(value_node)
    if isinstance(block, dict):
        yield from _mapping_findings(card, block, facts)
    elif _is_number(block):
        yield from _emissions_findings(block, "co2_eq_emissions", block_position)
        lifts = liftable(card, facts)
        for field, code in RECOMMENDED:
            yield _finding(code, f"no `{field}`: write the block as a mapping with `emissions` and `{field}`",
                           block_position, fix=_lift_fix(field, lifts))
    elif isinstance(block, str):
        yield from _string_emissions(block, "co2_eq_emissions", block_position)
    else:
        what = "empty" if block is None else f"a {_type_name(block)}"
        yield _finding("CC101", f"`co2_eq_emissions` is {what}; write a number of grams or a mapping with `emissions`",
                       card.position(key_node) if block is None else block_position)


def _mapping_findings(card: Card, block: dict[Any, Any], facts: Facts) -> Iterator[Finding]:
    block_key_node, block_node = card.node_at(BLOCK_KEY)
    yield from _duplicate_keys(card, card.keys_at(BLOCK_KEY))
    lifts = liftable(card, facts)
    if "emissions" not in block:
        lifted = lifts.get("emissions")
        fix = f"add `emissions: {format_grams(lifted[0])}` from {lifted[1].provenance()}" if lifted \
            else _estimate_fix(facts)
        yield _finding("CC102", "`co2_eq_emissions` has no `emissions` (grams of CO2e)", card.position(block_key_node),
                       fix=fix)
    else:
        key_node, value_node = card.node_at(BLOCK_KEY, "emissions")
        value = block["emissions"]
        position = card.position(value_node)
        if _is_number(value):
            yield from _emissions_findings(value, "emissions", position)
        elif isinstance(value, str):
            yield from _string_emissions(value, "emissions", position)
        else:
            what = "empty" if value is None else f"a {_type_name(value)}"
            yield _finding("CC103", f"`emissions` is {what}, not a number of grams", position)

    known = known_keys()
    suggested: set[str] = set()
    for key, value in block.items():
        if key == "emissions":
            continue
        located = card.node_at(BLOCK_KEY, key) if isinstance(key, str) else None
        key_position = card.position(located[0]) if located else card.position(block_node)
        if key not in known:
            suggestion = _suggest_key(key, known)
            if suggestion and suggestion not in block:
                suggested.add(suggestion)
                yield _finding("CC108", f"unknown key `{key}` in `co2_eq_emissions`; did you mean `{suggestion}`?",
                               key_position, fix=f"rename `{key}` to `{suggestion}`", value=(key, suggestion))
            else:
                yield _finding("CC108", f"unknown key `{key}` in `co2_eq_emissions`", key_position)
            continue
        complaint = field_error(key, value)
        if complaint is None and isinstance(value, float) and not math.isfinite(value):
            complaint = f"{value!r} is not a finite number"  # JSON Schema cannot say "finite"
        if complaint is not None:
            value_position = card.position(located[1]) if located else key_position
            yield _finding("CC109", f"`{key}`: {complaint}", value_position)

    for field, code in RECOMMENDED:
        value = block.get(field)
        if field in suggested:
            continue  # The unknown-key finding already says to rename the misspelt key.
        if value is None or (isinstance(value, str) and not value.strip()):
            fix = _lift_fix(field, lifts) if field not in block else None  # an empty value is not overwritten
            yield _finding(code, f"no `{field}` in `co2_eq_emissions`", card.position(block_key_node), fix=fix)


def _lift_fix(field: str, lifts: dict[str, tuple[Any, Fact]]) -> str | None:
    if field not in lifts:
        return None
    value, fact = lifts[field]
    return f"add `{field}: {value}` from {fact.provenance()}"


def _estimate_fix(facts: Facts) -> str | None:
    """The fix of a card that states no figure: carbon-card's estimate, when there is one."""
    tier = _disclosed_tier(facts)
    return None if tier == "none" else f"add carbon-card's {tier} estimate, marked as an estimate"


def _emissions_findings(value: float, name: str, position: tuple[int, int]) -> Iterator[Finding]:
    if math.isnan(value) or math.isinf(value):
        yield _finding("CC106", f"`{name}` is {value!r}; write a finite number of grams", position)
    elif value < 0:
        yield _finding("CC105", f"`{name}` is negative ({format_grams(value)} g)", position)
    elif value == 0:
        yield _finding("CC107", f"`{name}` is 0 g: a figure in kilograms rounded away, or a market-based claim? "
                                "State the location-based grams", position)


def _string_emissions(text: str, name: str, position: tuple[int, int]) -> Iterator[Finding]:
    try:
        grams = parse_mass_grams(text)
    except UnitError as error:
        yield _finding("CC103", f"`{name}` is the string {text!r}: {error}", position)
        return
    if not math.isfinite(grams):
        yield _finding("CC106", f"`{name}` is the string {text!r}; write a finite number of grams", position)
    elif grams < 0:
        yield _finding("CC105", f"`{name}` is negative ({text!r})", position)
    else:
        number = format_grams(grams)
        yield _finding("CC104", f"`{name}` is the string {text!r}; write the number {number} (grams)", position,
                       fix=f"replace {text!r} with {number}", value=grams)


def _misspelled_block_key(card: Card) -> Iterator[Finding]:
    for key_node in card.keys_at():
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
        if not isinstance(key, str):
            continue
        normalised = key.lower().replace("-", "_")
        if normalised in _TOP_LEVEL_MISSPELLINGS or difflib.SequenceMatcher(None, normalised, BLOCK_KEY).ratio() >= 0.85:
            yield _finding("CC005", f"top-level key `{key}` is not read by the Hub; did you mean `{BLOCK_KEY}`?",
                           card.position(key_node), fix=f"rename `{key}` to `{BLOCK_KEY}`", value=key)


def _duplicate_keys(card: Card, key_nodes: list[yaml.Node], only: str | None = None) -> Iterator[Finding]:
    seen: set[str] = set()
    for key_node in key_nodes:
        if not isinstance(key_node, yaml.ScalarNode) or (only is not None and key_node.value != only):
            continue
        if key_node.value in seen:
            yield _finding("CC006", f"`{key_node.value}` appears more than once; only this last value counts",
                           card.position(key_node))
        seen.add(key_node.value)


def _placeholder_findings(card: Card) -> Iterator[Finding]:
    """Template placeholders left in the "Environmental Impact" section of the body."""
    for start, _, label in template_placeholders(card):
        line = card.line_of_offset(start)
        line_start = max(card.text.rfind("\n", 0, start), card.text.rfind("\r", 0, start)) + 1
        what = f" for {label}" if label else ""
        yield _finding("CC301", f"template placeholder left in the Environmental Impact section{what}",
                       (line, start - line_start + 1))


# A field value that says nothing, in the spellings cards use: the template's placeholder, its
# own formula text, an unrendered template variable, and the usual non-answers.
_PLACEHOLDER_VALUE_RE = lazy_compile(
    r"more\s+info(?:rmation)?\s+(?:is\s+)?needed|unknown|tbd|tba|tbc|n/?a|nan|unavailable|forthcoming\b.*|coming\s+soon"
    r"|not\s+(?:yet\s+)?(?:available|known|reported|disclosed|measured|tracked)|not\s+specified\b.*"
    r"|(?:still\s+)?to\s+be\s+(?:determined|added|confirmed|announced|measured|calculated|estimated)"
    r"|\(?power\s+consumption\s*[x×*]\s*time\s*[x×*]\s*carbon\s+produced\s+based\s+on\s+(?:the\s+)?location"
    r"\s+of\s+(?:the\s+)?power\s+grid\)?"
    r"|\{\{.*\}\}|\{%.*%\}|\?+",
    re.IGNORECASE,
)
# "- **Hardware Type:** value", "**Hours used**: value", "- Compute Region: value".
_FIELD_LINE_RE = lazy_compile(
    r"^[ \t]*(?:[-*+][ \t]+)?(?:\*\*|__)?(?P<label>[^:*_\r\n|<>`]{2,120}?)"
    r"(?::[ \t]*(?:\*\*|__)|(?:\*\*|__)[ \t]*:|:)[ \t]*(?P<value>[^\r\n]*?)[ \t]*\r?$",
    re.MULTILINE,
)
_PLACEHOLDER_TRIM = " \t*_`[]().,;:'\"\u200b"


def template_placeholders(card: Card) -> list[tuple[int, int, str | None]]:
    """(start, end) in the card's text and field label of each placeholder left in the body's
    "Environmental Impact" section: a field whose value says nothing (`_PLACEHOLDER_VALUE_RE`),
    or a `[More Information Needed]` anywhere in it. What the Hub does not render (HTML comments)
    and code blocks are not card text."""
    body = card.body
    if "nvironmental" not in body:
        return []
    hidden = _hidden_spans(body)
    found: dict[int, tuple[int, int, str | None]] = {}  # by line start: one per line
    headings = [h for h in _HEADING_RE.finditer(body) if not _inside(h.start(), hidden)]
    for index, heading in enumerate(headings):
        if "environmental impact" not in heading.group(2).lower():
            continue
        level = len(heading.group(1))
        end = next((later.start() for later in headings[index + 1 :] if len(later.group(1)) <= level), len(body))
        for field in _FIELD_LINE_RE.finditer(body, heading.end(), end):
            value = field.group("value")
            if _inside(field.start("value"), hidden) or not _PLACEHOLDER_VALUE_RE.fullmatch(value.strip(_PLACEHOLDER_TRIM)):
                continue
            if not value.strip(_PLACEHOLDER_TRIM):
                continue
            found[field.start()] = (field.start("value"), field.end("value"), field.group("label").strip(" *_"))
        for placeholder in _PLACEHOLDER_RE.finditer(body, heading.end(), end):
            line_start = body.rfind("\n", 0, placeholder.start()) + 1
            if line_start not in found and not _inside(placeholder.start(), hidden):
                label = _field_label(body, heading.end(), placeholder.start())
                found[line_start] = (placeholder.start(), placeholder.end(), label)
    shift = card.body_span[0]
    return [(start + shift, stop + shift, label) for start, stop, label in sorted(found.values())]


def _hidden_spans(body: str) -> list[tuple[int, int]]:
    """Spans of the body that are not rendered card text: HTML comments and fenced code blocks."""
    spans = []
    for opening, closing in (("<!--", "-->"), ("```", "```")):
        position = 0
        while (start := body.find(opening, position)) >= 0:
            stop = body.find(closing, start + len(opening))
            stop = len(body) if stop < 0 else stop + len(closing)
            spans.append((start, stop))
            position = stop
    return sorted(spans)


def _inside(offset: int, spans: list[tuple[int, int]]) -> bool:
    index = bisect.bisect_right(spans, (offset, math.inf)) - 1
    return index >= 0 and spans[index][0] <= offset < spans[index][1]


def _field_label(body: str, section_start: int, offset: int) -> str | None:
    """The template's field name on the placeholder's line ("Hardware Type"), if any."""
    line_start = max(body.rfind("\n", section_start, offset), body.rfind("\r", section_start, offset)) + 1
    match = re.search(r"\*\*([^*]+?):?\*\*", body[line_start:offset])
    return " ".join(match.group(1).rstrip(":").split()) if match else None


def _suggest_key(key: Any, known: tuple[str, ...]) -> str | None:
    if not isinstance(key, str):
        return None
    normalised = key.strip().lower().replace("-", "_").replace(" ", "_")
    if normalised in known:
        return normalised
    if normalised in _KEY_ALIASES:
        return _KEY_ALIASES[normalised]
    matches = difflib.get_close_matches(normalised, known, n=1, cutoff=0.75)
    return matches[0] if matches else None


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _type_name(value: Any) -> str:
    return {list: "list", dict: "mapping", bool: "boolean", str: "string"}.get(type(value), type(value).__name__)


# --------------------------------------------------------------------------- facts

REPORTING_CLASSES = (
    "Unknown Energy Efficiency",
    "Context Reporting",
    "Basic Energy Reporting",
    "Energy Awareness",
    "Energy Optimization",
    "Certified Energy Efficiency",
)
"""The reporting classes of Castaño et al. (2023), lowest first. The last two extend the four
that the study's code reaches (see `reporting_class`)."""

_OPTIMISATION_TAGS = {"optimized", "optimised", "pruned", "pruning", "distilled", "distillation", "quantized",
                      "quantised", "quantization", "sparse", "sparsity"}
_ECO_LABEL_TAGS = {"eco-label", "ecolabel", "energy-label", "energy-star", "green-ai-certified"}


def reporting_class(facts: Facts, card: Card | None = None, rule: str = "carbon-card", extended: bool = False) -> str:
    """The reporting class of Castaño et al. (2023).

    Emissions and hardware reported: Energy Awareness; emissions only: Basic Energy Reporting;
    hardware only: Context Reporting; neither: Unknown Energy Efficiency.

    `rule="castano"` applies the study's rule: emissions from the metadata's `co2_eq_emissions`,
    hardware from its `hardware_used` or a "Hardware Type:" line of the text. The default
    reads every fact carbon-card gathers (prose, tables, files) about this model.

    `extended=True` adds the study's two higher classes, which its code never assigns: Energy
    Optimization (Energy Awareness, and a tag naming an optimisation: pruned, distilled,
    quantized, ...) and Certified Energy Efficiency (also an eco-label tag).
    """
    if rule == "castano":
        emissions = any(f.origin == "yaml" for f in facts.all("emissions"))
        hardware = any(f.origin == "yaml" or (f.note or "").lower() == "field 'hardware type'"
                       for f in facts.all("hardware"))
    else:
        emissions = bool(facts.disclosed("emissions"))
        hardware = bool(facts.disclosed("hardware"))
    if emissions and hardware:
        label = "Energy Awareness"
        if extended and card is not None:
            tags = {str(tag).lower() for tag in ((card.metadata or {}).get("tags") or []) if isinstance(tag, str)}
            if tags & _OPTIMISATION_TAGS:
                label = "Certified Energy Efficiency" if tags & _ECO_LABEL_TAGS else "Energy Optimization"
        return label
    if emissions:
        return "Basic Energy Reporting"
    return "Context Reporting" if hardware else "Unknown Energy Efficiency"


def _fact_position(card: Card, fact: Fact) -> tuple[int, int]:
    if fact.origin in ("yaml", "prose") and fact.line:
        return fact.line, fact.column or 1
    return (card.yaml_line, 1) if card.yaml_span else (1, 1)


def _ratio(a: float, b: float) -> float:
    return max(a, b) / min(a, b) if min(a, b) > 0 else math.inf


def _fact_findings(card: Card, facts: Facts) -> Iterator[Finding]:
    for problem in facts.problems:
        if problem.kind == "unreadable-file":
            # A file beside the card: the finding names it (and its line) and points at the card's top.
            place = problem.where + (f":{problem.line}" if problem.line else "")
            yield _finding("CC406", f"{place}: {problem.message}", (1, 1))
        else:
            yield _finding("CC407", problem.message, (problem.line or 1, problem.column or 1))
    yield from _emissions_conflicts(card, facts)
    yield from _hours_conflicts(card, facts)
    yield from _other_conflicts(card, facts)


def _estimate_findings(card: Card, facts: Facts, tier: str) -> Iterator[Finding]:
    """T1 cross-checked against the best lower tier the card's own facts support."""
    if not tier.startswith("T1"):
        return
    stated = facts.best("emissions")
    if stated is None or stated.value <= 0 or _disclosed_tier(facts) not in ("T2", "T3"):
        return  # no energy, hours or compute to check against (priors alone would prove nothing)
    from .estimate import estimate  # the Estimate stage, needed only for cards with such facts

    # Only what the card states in structured places: a sentence or another run's progress
    # table is too weak to call a reported figure implausible.
    found = estimate(Facts(tuple(f for f in facts.facts if f.structured), facts.problems, facts.model_name))
    check = found.cross_check
    if check is None or check.central <= 0:
        return
    ratio = stated.value / check.central
    # Far outside the interval, not merely off the central value: the interval already says
    # how much the card's facts leave open (a country's regions, unknown hardware).
    if (ratio > 10 or ratio < 0.1) and not check.low / 3 <= stated.value <= check.high * 3:
        yield _finding("CC501", f"the reported {format_grams(stated.value)} g is {ratio:.3g}x what the card's own "
                                f"facts imply ({format_grams(check.central)} g, 90% {format_grams(check.low)} to "
                                f"{format_grams(check.high)} g): check the unit, the region or the hardware",
                       _fact_position(card, stated))


def _emissions_conflicts(card: Card, facts: Facts) -> Iterator[Finding]:
    stated = [f for f in facts.all("emissions") if f.origin == "yaml"]
    if not stated or not stated[0].value:
        return
    yaml_fact = stated[0]
    grams = yaml_fact.value
    position = _fact_position(card, yaml_fact)
    others = [f for f in facts.all("emissions") if f.origin != "yaml" and f.value > 0]
    if not others and len(facts.all("emissions", scope=None)) == len(stated):
        return  # nothing else states emissions
    for factor, unit in ((1e3, "kilograms"), (1e6, "tonnes")):
        match = next((f for f in others if 0.95 * factor <= f.value / grams <= 1.05 * factor), None)
        if match is not None:
            yield _finding("CC402", f"`emissions` is {format_grams(grams)} g but {match.provenance()} says "
                                    f"{match.text!r} = {format_grams(match.value)} g: {unit} written into the grams "
                                    f"field? Write {format_grams(match.value)}", position,
                           fix=f"replace {format_grams(grams)} with {format_grams(match.value)}", value=match.value)
            return
    own_rows = [f for f in others if f.structured]
    if any(_ratio(f.value, grams) <= 1.1 for f in own_rows):
        return  # the metadata agrees with a structured statement of this model's figure
    for fact in facts.all("emissions", scope=None):
        if fact.scope in ("other", "family") and fact.value > 0 and _ratio(fact.value, grams) <= 1.01:
            whose = "a total over several models" if fact.scope == "family" else "another model's figure"
            yield _finding("CC403", f"`emissions` ({format_grams(grams)} g) is {whose}: {fact.provenance()}",
                           position)
            return
    for fact in own_rows:
        yield _finding("CC401", f"`emissions` is {format_grams(grams)} g but {fact.provenance()} says {fact.text!r} "
                                f"= {format_grams(fact.value)} g", position)
        return


def _hours_conflicts(card: Card, facts: Facts) -> Iterator[Finding]:
    count = facts.value("accelerator_count")
    if not isinstance(count, int) or count < 2:
        return
    accelerator_hours = facts.all("accelerator_hours")
    wall = facts.all("wall_hours")
    for hours in wall:
        same = next((a for a in accelerator_hours if hours.value > 0 and _ratio(a.value, hours.value) <= 1.02), None)
        if same is not None:
            yield _finding("CC404", f"{hours.text!r} ({hours.provenance()}) is wall-clock time but equals the "
                                    f"accelerator-hours at {same.provenance()}; with {count} accelerators the "
                                    f"wall-clock time is {hours.value / count:g} h", _fact_position(card, hours))
            return
        multiple = next((w for w in wall if w is not hours and w.value > 0
                         and _ratio(hours.value, w.value * count) <= 1.02), None)
        if multiple is not None and hours.origin == "yaml":
            yield _finding("CC404", f"`hours_used` is {hours.value:g} h, {count} x the {multiple.value:g} h at "
                                    f"{multiple.provenance()}: accelerator-hours written as wall-clock time?",
                           _fact_position(card, hours))
            return


_COMPARED = {"energy": 0.1, "accelerator_count": 0.0, "params": 0.02, "train_tokens": 0.1, "wall_hours": 0.1,
             "location": None}


def _other_conflicts(card: Card, facts: Facts) -> Iterator[Finding]:
    for quantity, tolerance in _COMPARED.items():
        if len(facts.all(quantity)) < 2:
            continue  # nothing to compare
        best = facts.best(quantity)
        if not best.structured:
            continue
        for other in facts.all(quantity):
            if other is best or not other.structured or other.origin == best.origin == "file":
                continue
            if tolerance is None:
                differs = _place_words(best.value).isdisjoint(_place_words(other.value))
            else:
                differs = _ratio(float(best.value), float(other.value)) > 1 + tolerance
            if differs:
                label = quantity.replace("_", " ")
                yield _finding("CC405", f"{label}: {best.text!r} at {best.provenance()} but {other.text!r} at "
                                        f"{other.provenance()}", _fact_position(card, other))
                break


def _place_words(text: str) -> set[str]:
    """The words of a place name that can tell two places apart ("united states" says little)."""
    words = {word for word in re.findall(r"[a-z]+", str(text).lower()) if len(word) > 1}
    return words - {"the", "and", "of", "united", "states", "america", "usa", "in", "at"} or words
