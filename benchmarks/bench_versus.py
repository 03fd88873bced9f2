"""`check`'s CPU time per card, this checkout against an earlier commit, measured side by side.

    python benchmarks/bench_versus.py --base 88cc03c [--runs 5] [--options "--format json --diff"]

The earlier commit is checked out in a temporary git worktree and run with PYTHONPATH pointing
at it; the two versions alternate run by run over the same folders of cards (the 1,417 rebuilt
Castano et al. cards and the 330 gold cards), so that the machine's drift hits both alike.
Prints the median CPU seconds (user + system of the child) of each and their ratio. `check`
runs with `-q` (text), or with `--options` (the JSON report of the Action, say).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "corpus"


def corpora(into: Path) -> dict[str, Path]:
    castano = into / "castano"
    subprocess.run([sys.executable, str(CORPUS / "castano.py"), str(castano)], check=True, capture_output=True)
    gold = into / "gold"
    for card in sorted((CORPUS / "gold" / "cards").glob("*.md")):
        folder = gold / card.stem
        folder.mkdir(parents=True)
        shutil.copyfile(card, folder / "README.md")
    return {"castano (1,417 cards)": castano, "gold (330 real cards)": gold}


def cpu_seconds(source: Path, folder: Path, options: list[str]) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, "-m", "carbon_card", "check", *options, "--fail-on", "never", str(folder)],
                   env={**os.environ, "PYTHONPATH": str(source)}, capture_output=True, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="the commit to compare against")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--options", default="-q", help="check's options (default: -q)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-versus-"))
    base = work / "base"
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "-q", "--detach", str(base), args.base], check=True)
    try:
        for name, folder in corpora(work).items():
            times: dict[str, list[float]] = {"base": [], "head": []}
            for _ in range(args.runs):
                for label, source in (("base", base), ("head", ROOT)):
                    times[label].append(cpu_seconds(source, folder, args.options.split()))
            old, new = statistics.median(times["base"]), statistics.median(times["head"])
            print(f"{name}: {args.base} {old:.2f} s, this checkout {new:.2f} s CPU; ratio {new / old:.3f}")
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(base)], check=False)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
