"""SARIF 2.1.0 output, for GitHub code scanning and other SARIF viewers.

One run per log: the driver lists every rule of `rules.RULES` (its help is the rule's
explanation, so a viewer can explain a finding without the docs), each finding is a result
pointing at its card's line and column, and a card that could not be read is a tool
execution notification (it is not a finding of any rule).

`sarif_log` takes assessments and read errors; `sarif_from_report` takes the JSON records of
`carbon-card check --format json`, so that a report already written can be converted
without checking the cards again:

    python -m carbon_card.sarif report.json > carbon-card.sarif
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import click

from . import __version__
from .assessment import Assessment
from .card import CardReadError
from .rules import RULES, Rule, Severity
from .rules.docs import REPOSITORY_URL, explanation, rule_url

__all__ = ["SARIF_SCHEMA", "artifact_uri", "sarif_from_report", "sarif_log"]

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = REPOSITORY_URL

_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_RULE_INDEX = {code: index for index, code in enumerate(RULES)}


def sarif_log(assessments: Iterable[Assessment], errors: Iterable[CardReadError] = ()) -> dict[str, Any]:
    """The SARIF log of a run: every finding of `assessments`, every read error as a notification."""
    results = [
        _result(assessment.card.path, finding.code, str(finding.severity), finding.message, finding.line,
                finding.column)
        for assessment in assessments
        for finding in assessment.findings
    ]
    notifications = [_notification(error.path, str(error), error.line) for error in errors]
    return _log(results, notifications)


def sarif_from_report(records: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """The same log from the JSON records of `carbon-card check --format json`."""
    results, notifications = [], []
    for record in records:
        path = record["path"]
        error = record.get("error")
        if error:
            where = f"{path}:{error['line']}" if error.get("line") else path
            notifications.append(_notification(path, f"{where}: {error['message']}", error.get("line")))
        for finding in record.get("findings") or ():
            results.append(_result(path, finding["code"], finding["severity"], finding["message"], finding["line"],
                                   finding["column"]))
    return _log(results, notifications)


def _log(results: list[dict], notifications: list[dict]) -> dict[str, Any]:
    invocation: dict[str, Any] = {"executionSuccessful": True}
    if notifications:
        # An unreadable card does not stop the run; it is reported here, not as a rule's result.
        invocation["toolExecutionNotifications"] = notifications
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "carbon-card",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": [_rule(rule) for rule in RULES.values()],
                    }
                },
                "invocations": [invocation],
                # Columns count characters of the decoded card, not UTF-16 code units.
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }


def _rule(rule: Rule) -> dict[str, Any]:
    """A rule's descriptor, its help generated from the registry as `carbon-card rule CODE` prints it."""
    help_text = explanation(rule)
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": f"{rule.summary} {rule.why}"},
        "help": {"text": help_text, "markdown": help_text},
        "helpUri": rule_url(rule),
        "defaultConfiguration": {"level": _LEVELS[rule.severity]},
        "properties": {"tags": ["carbon-disclosure", "model-card"], "fix": str(rule.fix_safety)},
    }


def _result(path: str, code: str, severity: str, message: str, line: int, column: int) -> dict[str, Any]:
    result: dict[str, Any] = {"ruleId": code}
    if code in _RULE_INDEX:  # a report from another version may name a rule this one lacks
        result["ruleIndex"] = _RULE_INDEX[code]
    result.update({
        "level": _LEVELS[Severity[severity.upper()]],
        "message": {"text": message},
        "locations": [_location(path, line, column)],
    })
    return result


def _notification(path: str, message: str, line: int | None) -> dict[str, Any]:
    return {"level": "error", "message": {"text": message}, "locations": [_location(path, line, None)]}


def _location(path: str, line: int | None, column: int | None) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": artifact_uri(path)}}
    if line:
        physical["region"] = {"startLine": max(1, line)}
        if column:
            physical["region"]["startColumn"] = max(1, column)
    return {"physicalLocation": physical}


def artifact_uri(path: str) -> str:
    """A card's path as a SARIF URI: relative, with forward slashes, when it lies below the
    working directory (code scanning resolves such URIs against the repository root), else
    an absolute `file:` URI."""
    if os.path.isabs(path):
        relative = os.path.relpath(path)
        if relative.startswith(os.pardir):
            return Path(path).as_uri()
        path = relative
    return quote(os.path.normpath(path).replace(os.sep, "/"), safe="/")


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("report", type=click.Path(dir_okay=False, allow_dash=True))
def main(report: str) -> None:
    """Convert the JSON REPORT of `carbon-card check --format json` into SARIF 2.1.0 on stdout."""
    from .github import ReportError, load_report

    try:
        records = load_report(report)
    except ReportError as error:
        click.echo(f"carbon-card: {error}", err=True)
        sys.exit(2)
    click.echo(json.dumps(sarif_from_report(records), indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main(prog_name="python -m carbon_card.sarif")
