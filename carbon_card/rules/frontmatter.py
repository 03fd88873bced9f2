"""CC0xx: the front matter, the YAML between the card's two `---` lines, as the Hub reads it
(and CC010, the card's own `carbon-card: ignore` comments)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

import yaml

from .base import (
    BLOCK_KEY, Context, Example, Finding, Findings, Fix, FixSafety, FixStage, Rule, Severity,
)

if TYPE_CHECKING:  # a fix's types: loaded by the runs that fix (see `fixing`)
    from .fixing import Change, FixContext

__all__ = ["RULES"]

_TOP_LEVEL_MISSPELLINGS = (
    "co2_eq_emission", "co2_emissions", "co2_emission", "co2eq_emissions", "co2_eq", "co2-eq-emissions",
    "carbon_emissions", "carbon_emission", "co2_equivalent_emissions", "emissions",
)

_PROBLEM_CODES = {"invalid-yaml": "CC001", "not-mapping": "CC002", "unclosed": "CC003"}


def front_matter_problem(ctx: Context) -> Findings:
    """CC001-CC004: the front matter cannot be read, or there is none."""
    problem = ctx.card.problem
    if problem is None:
        return ()
    rule = _BY_CODE[_PROBLEM_CODES.get(problem.kind, "CC004")]
    return [rule.finding(problem.message, (problem.line, problem.column))]


def not_a_model_card(ctx: Context) -> Findings:
    """CC007: the file is a project README, a dataset card, a Space's README or a web page (`document`)."""
    document = ctx.facts.document
    if document.is_model_card:
        return ()
    return [CC007.finding(f"this file reads as {document.kind.value}, not a model card ({document.reason}): "
                          "nothing else is checked", (1, 1))]


def misspelled_block_key(ctx: Context) -> Findings:
    """CC005: no `co2_eq_emissions`, but a top-level key that looks like it."""
    if not ctx.readable or ctx.has_block:
        return ()
    card, found = ctx.card, []
    for key_node in card.keys_at():
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
        if not isinstance(key, str):
            continue
        normalised = key.lower().replace("-", "_")
        if normalised in _TOP_LEVEL_MISSPELLINGS or _like_block_key(normalised):
            found.append(CC005.finding(f"top-level key `{key}` is not read by the Hub; did you mean `{BLOCK_KEY}`?",
                                       card.position(key_node), fix=f"rename `{key}` to `{BLOCK_KEY}`", value=key))
    return found


_BLOCK_KEY_LETTERS = Counter(BLOCK_KEY)


def _like_block_key(key: str) -> bool:
    """difflib's similarity to `co2_eq_emissions` is 0.85 or more. Its bounds from the lengths
    alone (`real_quick_ratio`) and from the letters in common (`quick_ratio`) rule out most keys
    before any matching (and difflib's import): a card has dozens of keys."""
    size, target = len(key), len(BLOCK_KEY)
    if 2.0 * min(size, target) / (size + target) < 0.85:
        return False
    if 2.0 * sum((Counter(key) & _BLOCK_KEY_LETTERS).values()) / (size + target) < 0.85:
        return False
    import difflib  # only for a key of about the block's letters

    return difflib.SequenceMatcher(None, key, BLOCK_KEY).ratio() >= 0.85


def rename_block_key(ctx: FixContext, findings: Sequence[Finding]) -> Iterator[Change]:
    finding = findings[0]
    yield ctx.change(finding, BLOCK_KEY, finding.fix_value, finding.fix)


def duplicate_keys(ctx: Context) -> Findings:
    """CC006: `co2_eq_emissions` twice at the top, or a key twice within it."""
    if not ctx.has_block:
        return ()
    card = ctx.card
    found = [] if _distinct(card, card.root) else [*_duplicates(card, card.keys_at(), only=BLOCK_KEY)]
    if isinstance(ctx.block, dict) and not _distinct(card, card.node_at(BLOCK_KEY)[1]):
        found += _duplicates(card, card.keys_at(BLOCK_KEY))
    return found


def _distinct(card, node: yaml.Node) -> bool:
    """Every key of a mapping node differs (the card's key index, built once, has one entry per
    key): most cards, which need no walk over their keys."""
    return isinstance(node, yaml.MappingNode) and len(card.node_index(node)) == len(node.value)


def _duplicates(card, key_nodes: list[yaml.Node], only: str | None = None) -> Iterator[Finding]:
    seen: set[str] = set()
    for key_node in key_nodes:
        if not isinstance(key_node, yaml.ScalarNode) or (only is not None and key_node.value != only):
            continue
        if key_node.value in seen:
            yield CC006.finding(f"`{key_node.value}` appears more than once; only this last value counts",
                                card.position(key_node))
        seen.add(key_node.value)


_BLOCK = """co2_eq_emissions:
  emissions: 1812
  source: CodeCarbon
  training_type: fine-tuning
  geographical_location: Iowa, USA
  hardware_used: 1 x A100"""

CC001 = Rule(
    "CC001", "invalid-yaml", Severity.ERROR,
    "The front matter is not valid YAML, uses YAML tags, or is an alias bomb: the Hub cannot read the card's "
    "metadata.",
    why="The Hub reads a card's metadata with a YAML parser: when the front matter does not parse, the card has "
        "no metadata at all (no license, no tags, no `co2_eq_emissions`). carbon-card reads YAML as the Hub does, "
        "with a safe loader: it never constructs a tag such as `!!python/object`, and refuses an alias bomb "
        "(\"billion laughs\") before expanding it. The finding points at the line the parser stopped at.",
    bad=Example("---\nlicense: mit\nco2_eq_emissions:\n  emissions: 1812\n  source: \"CodeCarbon\n---\n"),
    good=Example(f"---\nlicense: mit\n{_BLOCK}\n---\n"),
    check=front_matter_problem,
)
CC002 = Rule(
    "CC002", "front-matter-not-mapping", Severity.ERROR,
    "The front matter is valid YAML but not a mapping of keys to values.",
    why="A model card's metadata is a mapping (`license: mit`, `co2_eq_emissions: ...`). A list or a bare "
        "value between the `---` lines is valid YAML, but the Hub finds no key in it.",
    bad=Example("---\n- license: mit\n- co2_eq_emissions: 1812\n---\n"),
    good=Example(f"---\nlicense: mit\n{_BLOCK}\n---\n"),
    check=front_matter_problem,
)
CC003 = Rule(
    "CC003", "front-matter-unclosed", Severity.ERROR,
    "The card opens a front matter with `---` but never closes it, so the Hub sees no metadata.",
    why="The front matter ends at the second `---` line. Without it the Hub takes the whole card for Markdown: "
        "the metadata is shown as text and none of it is read.",
    bad=Example(f"---\nlicense: mit\n{_BLOCK}\n\n# my-model\n"),
    good=Example(f"---\nlicense: mit\n{_BLOCK}\n---\n\n# my-model\n"),
    check=front_matter_problem,
)
CC004 = Rule(
    "CC004", "front-matter-missing", Severity.WARNING,
    "The card has no YAML front matter, or an empty one.",
    why="The Hub reads a model's license, tags and carbon disclosure from the YAML front matter at the top of "
        "its `README.md`. A card without one has no metadata, and its emissions, if the text states them, are "
        "not where the Hub (or anyone filtering models by emissions) looks.",
    bad=Example("# my-model\n\nA sentiment classifier fine-tuned on IMDB reviews.\n"),
    good=Example(f"---\nlicense: mit\n{_BLOCK}\n---\n\n# my-model\n\nA sentiment classifier fine-tuned on IMDB "
                 "reviews.\n"),
    check=front_matter_problem,
)
CC005 = Rule(
    "CC005", "block-key-misspelled", Severity.ERROR,
    "A top-level key looks like a misspelling of `co2_eq_emissions`; the Hub ignores it.",
    why="The Hub reads the carbon disclosure from the key `co2_eq_emissions` only. Under any other spelling "
        "(`co2_emissions`, `co2_eq_emission`, `carbon_emissions`) the figure is in the card but the Hub, its "
        "search filters and every tool that reads the metadata miss it. The fix renames the key; it is unsafe "
        "because the key may hold something else.",
    bad=Example("---\nlicense: mit\nco2_eq_emission:\n  emissions: 1812\n  source: CodeCarbon\n"
                "  training_type: fine-tuning\n  geographical_location: Iowa, USA\n  hardware_used: 1 x A100\n---\n"),
    good=Example(f"---\nlicense: mit\n{_BLOCK}\n---\n"),
    check=misspelled_block_key,
    fix=Fix(FixSafety.UNSAFE, FixStage.RENAME_BLOCK, rename_block_key, "a misspelt key renamed"),
)
CC006 = Rule(
    "CC006", "duplicate-key", Severity.WARNING,
    "A key of the carbon block appears twice; only the last value counts.",
    why="YAML parsers keep the last of two equal keys, silently: the Hub reads the second value, and a reader "
        "of the card may well read the first.",
    bad=Example("---\nlicense: mit\nco2_eq_emissions:\n  emissions: 1812\n  source: CodeCarbon\n"
                "  training_type: fine-tuning\n  geographical_location: Iowa, USA\n  hardware_used: 1 x A100\n"
                "  emissions: 1.8\n---\n"),
    good=Example(f"---\nlicense: mit\n{_BLOCK}\n---\n"),
    check=duplicate_keys,
)
CC007 = Rule(
    "CC007", "not-a-model-card", Severity.INFO,
    "The file is not a model card (a project README, a dataset card, a Space's README, a blog post or docs page): "
    "nothing else is checked.",
    why="A directory walk finds every `README.md`, and not all of them describe a model: a project's README "
        "says what the project emitted, a docs page quotes a GPU for inference, a dataset card counts images. "
        "Read as a model card, their figures would become a model's training facts. A file is a model card "
        "when something marks it as one: a front matter (unless it holds only a dataset card's, a Space's or a "
        "web page's keys), a file name such as `model_card.md`, model files beside it (`config.json`, weights), a "
        "model-card section (Model Details, Intended Uses, Training Data, Environmental Impact, ...), a heading "
        "that says it copies a model's page on the Hub; and whatever it holds, the README of a git clone of a Hub "
        "model repository (its remote), of a model the Hub lists (the audit) or names with `--model-id`. Without "
        "any of these, a project's sections or set-up steps (Installation, Requirements, `git clone`) or a "
        "dataset card's title (or a title naming a dataset, a corpus or a benchmark and no model) make it "
        "something else, and carbon-card says so and judges it on nothing else. To stop walking into such files, "
        "exclude them in the configuration.",
    bad=Example("# my-project\n\n## Installation\n\n    git clone https://github.com/me/my-project\n\n"
                "Training took 3 days on 8 x A100.\n"),
    good=Example(f"---\nlicense: mit\n{_BLOCK}\n---\n\n# my-model\n\n## Training Details\n\n"
                 "Training took 3 days on 8 x A100.\n"),
    check=not_a_model_card,
)
CC010 = Rule(
    "CC010", "unused-suppression", Severity.WARNING,
    "A `carbon-card: ignore` comment suppresses nothing: no such finding, a rule not enabled, or an unknown code "
    "(like ruff's RUF100).",
    why="A suppression comment (`<!-- carbon-card: ignore CC203 -->` for the whole card, `# carbon-card: ignore "
        "CC203` on a line of the front matter) that no longer matches a finding hides nothing today but would "
        "hide a new finding tomorrow. Remove it, or correct its code.",
    bad=Example(f"---\nlicense: mit\n{_BLOCK}\n---\n\n<!-- carbon-card: ignore CC203 -->\n"),
    good=Example("---\nlicense: mit\nco2_eq_emissions:\n  emissions: 1812\n  source: CodeCarbon\n"
                 "  training_type: fine-tuning\n  hardware_used: 1 x A100\n---\n\n"
                 "<!-- carbon-card: ignore CC203 (we do not say where we train) -->\n"),
    check=None,  # the assessment reports it, once every other rule has run (`suppression.Selection`)
)

RULES = (CC001, CC002, CC003, CC004, CC005, CC006, CC007, CC010)
_BY_CODE = {rule.code: rule for rule in RULES}
