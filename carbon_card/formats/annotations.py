"""GitHub workflow commands: one annotation per finding, and no summary line (the runner
would show it as an unformatted log line)."""

from __future__ import annotations

from ..github import annotation, workflow_command
from . import Format

__all__ = ["GitHub"]


class GitHub(Format):
    def result(self, result) -> None:
        path = result.assessment.card.path
        self.out.write("".join(annotation(path, f) + "\n" for f in result.assessment.findings))

    def error(self, error) -> None:
        self.out.write(workflow_command("error", error.message, file=error.path, line=error.line) + "\n")
