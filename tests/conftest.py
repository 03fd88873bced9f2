import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "corpus"
sys.path.insert(0, str(CORPUS))  # the castano card builder


@pytest.fixture
def write_card(tmp_path):
    """Write a card's text (or bytes) to a README.md in a fresh folder and return its path."""
    counter = iter(range(10**6))

    def write(content, name="README.md"):
        folder = tmp_path / f"card{next(counter)}"
        folder.mkdir()
        path = folder / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_bytes(content.encode("utf-8"))
        return path

    return write


def fuzz_examples(in_ci: int, developer: int) -> int:
    """How many examples a property test draws: `CARBON_CARD_FUZZ` when set, else the larger
    count in CI (.ci/run exports CI) and the smaller in a developer's `pytest -m "not slow"`."""
    import os

    if os.environ.get("CARBON_CARD_FUZZ"):
        return int(os.environ["CARBON_CARD_FUZZ"])
    return in_ci if os.environ.get("CI") else developer
