"""The docs generated from the registry: the rules table (`carbon-card rules`, the README),
each rule's explanation (`carbon-card rule CODE`, `docs/rules.md`, SARIF's rule help), the
README's table of fixes and the pre-commit hooks' manifest. Tests keep the files equal to
what this module makes; after changing a rule, write them again with

    python -m carbon_card.rules.docs
"""

from __future__ import annotations

import json
import re
import sys
import textwrap
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from . import RULES, FixSafety, Rule
from .base import Example

__all__ = ["DOCS_URL", "REPOSITORY_URL", "anchor", "explanation", "fixes_table", "hooks_manifest", "rule_json", "rules_document",
           "rules_table", "rule_url"]

REPOSITORY_URL = "https://github.com/carbon-card/carbon-card"
DOCS_PATH = "docs/rules.md"
DOCS_URL = f"{REPOSITORY_URL}/blob/main/{DOCS_PATH}"

_FIX_HELP = {
    FixSafety.NONE: "none",
    FixSafety.SAFE: "safe: `carbon-card check --diff` shows it, `--fix` applies it",
    FixSafety.UNSAFE: "unsafe: `carbon-card check --diff --unsafe-fixes` shows it, `--fix --unsafe-fixes` applies "
                      "it; review the result",
}
_WIDTH = 80


def _wrap(text: str, indent: str = "") -> str:
    return "\n".join(textwrap.wrap(text, _WIDTH, subsequent_indent=indent, break_long_words=False,
                                   break_on_hyphens=False))


def anchor(rule: Rule) -> str:
    """The rule's section in `docs/rules.md`, as GitHub names the heading's anchor."""
    return f"{rule.name}-{rule.code.lower()}"


def rule_url(rule: Rule) -> str:
    return f"{DOCS_URL}#{anchor(rule)}"


def explanation(rule: Rule) -> str:
    """One rule's explanation, as `ruff rule` prints one: Markdown that reads as text."""
    lines = [f"# {rule.name} ({rule.code})", "", _wrap(rule.summary), "", f"- Severity: {rule.severity}",
             _wrap(f"- Fix: {_FIX_HELP[rule.fix_safety]}", "  ")]
    if rule.fix is not None:
        lines.append(_wrap(f"- The fix writes: {rule.fix.summary}", "  "))
    lines += ["", "## Why is this bad?", "", _wrap(rule.why), "", "## Example", "", *_example(rule.bad), "",
              "Use instead:", "", *_example(rule.good)]
    return "\n".join(lines)


def _example(example: Example) -> list[str]:
    lines = ["```markdown", *example.card.rstrip("\n").split("\n"), "```"]
    for name, text in example.files:
        language = name.rsplit(".", 1)[-1]
        lines += ["", f"With `{name}` beside the card:", "", f"```{language}", *text.rstrip("\n").split("\n"), "```"]
    return lines


def rules_document() -> str:
    """`docs/rules.md`: every rule's explanation."""
    intro = ("<!-- Generated from the registry in carbon_card/rules/ by `python -m carbon_card.rules.docs`: "
             "do not edit. -->\n\nEvery rule of carbon-card, as `carbon-card rule CODE` prints it. The table of "
             "all rules is in the [README](../README.md#rules).\n")
    return intro + "".join(f"\n{explanation(rule)}\n" for rule in RULES.values())


def rule_json(rule: Rule) -> dict[str, Any]:
    return {
        "code": rule.code,
        "name": rule.name,
        "severity": str(rule.severity),
        "fix": str(rule.fix_safety),
        "summary": rule.summary,
        "fix_summary": rule.fix.summary if rule.fix is not None else None,
        "why": rule.why,
        "bad": _example_json(rule.bad),
        "good": _example_json(rule.good),
        "url": rule_url(rule),
    }


def _example_json(example: Example) -> dict[str, Any]:
    return {"card": example.card, "files": dict(example.files)}


def rules_table(fmt: str = "text", rules: Iterable[Rule] | None = None) -> str:
    """The rules registry as text, JSON or the Markdown table of the README."""
    rules = list(RULES.values() if rules is None else rules)
    if fmt == "json":
        return json.dumps([rule_json(rule) for rule in rules], indent=2)
    if fmt == "markdown":
        lines = ["| Code | Name | Severity | Fix | Summary |", "|---|---|---|---|---|"]
        for rule in rules:
            fix = "" if rule.fix is None else str(rule.fix_safety)
            lines.append(f"| [{rule.code}]({DOCS_PATH}#{anchor(rule)}) | `{rule.name}` | {rule.severity} | {fix} | "
                         f"{rule.summary} |")
        return "\n".join(lines)
    width = max(len(rule.name) for rule in rules)
    return "\n".join(
        f"{rule.code}  {rule.name:<{width}}  {str(rule.severity):<7}  "
        f"{'' if rule.fix is None else str(rule.fix_safety):<6}  {rule.summary}"
        for rule in rules
    )


def fixes_table() -> str:
    """The README's table of fixes: what each fix writes, safe ones first; rules whose fixes write
    the same thing share a row."""
    rows: dict[tuple[FixSafety, str], list[Rule]] = {}
    for rule in RULES.values():
        if rule.fix is not None:
            rows.setdefault((rule.fix.safety, rule.fix.summary), []).append(rule)
    ordered = sorted(rows.items(), key=lambda row: (row[0][0] is not FixSafety.SAFE, row[1][0].code))
    lines = ["| Rule | Fix | Safety |", "|---|---|---|"]
    for (safety, summary), rules in ordered:
        lines.append(f"| {_codes(rules)} | {summary} | {safety} |")
    return "\n".join(lines)


def _codes(rules: list[Rule]) -> str:
    """Codes as the docs write them: a run of consecutive rules of the registry as a range."""
    order = list(RULES)
    runs: list[list[str]] = []
    for rule in rules:
        if runs and order.index(rule.code) == order.index(runs[-1][-1]) + 1:
            runs[-1].append(rule.code)
        else:
            runs.append([rule.code])
    return ", ".join(run[0] if len(run) == 1 else f"{run[0]}-{run[-1]}" for run in runs)


def hooks_manifest() -> str:
    """`.pre-commit-hooks.yaml`: the hooks, their descriptions naming the rules each applies."""
    safe = [rule for rule in RULES.values() if rule.fix_safety is FixSafety.SAFE]
    codes = list(RULES)
    hooks = (
        ("carbon-card", "carbon-card", "carbon-card check --force-exclude",
         f"Lint the carbon disclosure (the `co2_eq_emissions` block) of Hugging Face model cards: {len(RULES)} "
         f"rules, {codes[0]} to {codes[-1]} (`carbon-card rules`)."),
        ("carbon-card-fix", "carbon-card (fix)", "carbon-card check --fix --force-exclude",
         "Lint model cards and apply carbon-card's safe fixes to their `co2_eq_emissions` block "
         f"({_codes(safe)})."),
    )
    lines = [
        "# Generated from the registry in carbon_card/rules/ by `python -m carbon_card.rules.docs`: do not edit.",
        "# One process per run (require_serial): one summary line, and each configuration file read once.",
        "# --force-exclude: pre-commit names every file, and the configuration's `exclude` must still apply.",
    ]
    for hook_id, name, entry, description in hooks:
        lines += [f"- id: {hook_id}", f"  name: {name}", f"  description: {json.dumps(description)}", f"  entry: {entry}",
                  "  language: python", "  files: (^|/)README\\.md$", "  types: [markdown]", "  require_serial: true"]
    return "\n".join(lines) + "\n"


def replace_region(text: str, name: str, content: str) -> str:
    """`text` with the lines between `<!-- name:start -->` and `<!-- name:end -->` replaced."""
    pattern = re.compile(rf"(<!-- {name}:start -->\n).*?(\n<!-- {name}:end -->)", re.S)
    if not pattern.search(text):
        raise ValueError(f"no <!-- {name}:start --> ... <!-- {name}:end --> region")
    return pattern.sub(lambda match: match.group(1) + content + match.group(2), text, count=1)


def generated(root: Path) -> dict[Path, str]:
    """Every generated file of a checkout at `root`, with the text it should have."""
    readme = (root / "README.md").read_text(encoding="utf-8")
    readme = replace_region(replace_region(readme, "rules", rules_table("markdown")), "fixes", fixes_table())
    return {root / "README.md": readme, root / DOCS_PATH: rules_document(),
            root / ".pre-commit-hooks.yaml": hooks_manifest()}


def main(argv: list[str] | None = None) -> int:
    """Write the generated docs into the checkout this module lives in; `--check` only says which differ."""
    argv = sys.argv[1:] if argv is None else argv
    root = Path(__file__).resolve().parents[2]
    stale = []
    for path, text in generated(root).items():
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            stale.append(path)
            if "--check" not in argv:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
    for path in stale:
        print(f"{'stale' if '--check' in argv else 'wrote'} {path.relative_to(root)}")
    return 1 if stale and "--check" in argv else 0


if __name__ == "__main__":
    sys.exit(main())
