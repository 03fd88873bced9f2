"""`check`'s CPU time per card as a multiple of the irreducible work, measured side by side.

    python benchmarks/limit.py [--runs 5] [--before REV]

The irreducible work per card is what any linter of a card's carbon disclosure must do: walk
the folders for README.md files, read each, decode it, split the front matter from the body,
load the YAML with PyYAML's C loader, and make one pass of one combined regular expression over
the lower-cased body (the vocabulary the readers look for). `--irreducible FOLDER` does that
and nothing else, in a process of its own that imports no more than it needs.

The two alternate run by run over the same folders (the 1,417 rebuilt Castaño et al. cards, the
real cards of tests/corpus/cards-real and the gold cards), so that the machine's drift,
threefold between days, hits both alike. Prints the median CPU seconds (user + system of the
child process, interpreter start-up included) of each and the multiple. Both run as installed:
with compiled bytecode (PYTHONDONTWRITEBYTECODE, set in some environments, would make every
`check` recompile carbon-card's sources, 0.4 s, where the limit imports only compiled modules),
after one untimed run each, and with their output buffered as it is when piped, to pre-commit or a CI log (PYTHONUNBUFFERED, set in
some environments, makes every card's findings a system call of their own: 5% of `check` on the Castaño cards,
where the limit prints once). `--before REV` also runs the `check` of commit REV (checked out into a
temporary `git worktree`, with a bytecode and pattern cache of its own) in the same alternation, so that a
change is measured against the tree it changes side by side, as the goal ("never worse than the commit you
started from") asks.

`--instructions` counts instead the instructions each command executes (valgrind's callgrind, once each, with
PYTHONHASHSEED=0): a figure this machine's drift does not move, where CPU seconds of one tree against another
differ by a few percent from run to run. It leaves out what instructions do not show (system calls, the caches),
so its multiples are lower than the CPU's; under valgrind, the gold cards are every tenth one.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "corpus"

# The words the readers anchor on, as one alternation: one pass finds every candidate.
_VOCABULARY = re.compile(
    r"co2|carbon|emission|emitted|kwh|mwh|energy|power|gpu|tpu|a100|h100|v100|accelerator|hours|hardware|"
    r"region|location|cloud|parameters|params|tokens|flops|pue|\bmore information needed\b"
)
_FRONT_MATTER = re.compile(r"^\s*---\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|$)", re.DOTALL)


def irreducible(folder: str) -> int:
    """The irreducible work over every README.md under `folder`; returns the matches (so that no
    step can be optimised away)."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    found = 0
    for directory, _, files in os.walk(folder):
        for name in files:
            if name != "README.md":
                continue
            with open(os.path.join(directory, name), "rb") as handle:
                text = handle.read().decode("utf-8-sig", errors="replace")
            match = _FRONT_MATTER.match(text)
            body = text
            if match:
                try:
                    yaml.load(match.group(1), Loader=loader)
                except yaml.YAMLError:
                    pass
                body = text[match.end():]
            found += sum(1 for _ in _VOCABULARY.finditer(body.lower()))
    return found


def corpora(into: Path, gold_every: int = 1) -> dict[str, Path]:
    castano = into / "castano"
    subprocess.run([sys.executable, str(CORPUS / "castano.py"), str(castano)], check=True, capture_output=True)
    folders = {"castano (1,417 cards)": castano}
    for kind, cards in (("real", sorted((CORPUS / "cards-real").glob("*.md"))),
                        ("gold", sorted((CORPUS / "gold" / "cards").glob("*.md"))[::gold_every])):
        name = f"{kind} ({len(cards)} cards)"
        root = into / kind
        for card in cards:
            (root / card.stem).mkdir(parents=True)
            shutil.copyfile(card, root / card.stem / "README.md")
        folders[name] = root
    return folders


def cpu_seconds(command: list[str], env: dict[str, str], cwd: Path) -> float:
    """CPU seconds of a command run in `cwd`: a folder that holds no `carbon_card`, which `python -m` would
    import from the current directory before PYTHONPATH's."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, env=env, cwd=cwd, capture_output=True, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _instructions(command: list[str], env: dict[str, str], cwd: Path) -> float:
    """Millions of instructions one run of `command` executes (startup.py's count under callgrind)."""
    from startup import _instructions as counted

    return counted(command, env, cwd) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--before", metavar="REV", help="also time the `check` of this commit, side by side")
    parser.add_argument("--instructions", action="store_true",
                        help="count instructions under valgrind (deterministic) instead of timing")
    parser.add_argument("--irreducible", metavar="FOLDER", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.irreducible:
        print(irreducible(args.irreducible))
        return
    work = Path(tempfile.mkdtemp(prefix="bench-limit-"))
    # Bytecode is written (to a cache of each tree's own, not beside the sources) and used.
    base = {key: value for key, value in os.environ.items() if key not in ("PYTHONDONTWRITEBYTECODE", "PYTHONUNBUFFERED")}
    trees = {"check": ROOT}
    worktree = None
    try:
        if args.before:
            commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--verify", f"{args.before}^{{commit}}"],
                                    capture_output=True, text=True, check=True).stdout.strip()
            worktree = work / "before"
            subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(worktree), commit],
                           capture_output=True, check=True)
            trees = {"before": worktree, **trees}
        envs = {label: {**base, "PYTHONPATH": str(tree), "PYTHONPYCACHEPREFIX": str(work / f"pycache-{label}"),
                        **({"PYTHONHASHSEED": "0"} if args.instructions else {})}
                for label, tree in trees.items()}
        measure = _instructions if args.instructions else cpu_seconds
        header = f"{'corpus':24s} {'limit s':>8s}" + "".join(f" {label + ' s':>9s} {'multiple':>8s}" for label in trees)
        print(header.replace(" s", " Minstr") if args.instructions else header)
        for name, folder in corpora(work, 10 if args.instructions else 1).items():
            commands = {"limit": ([sys.executable, __file__, "--irreducible", str(folder)], envs["check"])}
            for label in trees:
                commands[label] = ([sys.executable, "-m", "carbon_card", "check", "-q", "--fail-on", "never",
                                    str(folder)], envs[label])
            times: dict[str, list[float]] = {label: [] for label in commands}
            for command, env in commands.values():  # untimed: compiles the bytecode, fills the page cache
                cpu_seconds(command, env, work)
            for _ in range(1 if args.instructions else args.runs):
                for label, (command, env) in commands.items():
                    times[label].append(measure(command, env, work))
            limit = statistics.median(times["limit"])
            row = f"{name:24s} {limit:8.2f}"
            for label in trees:
                seconds = statistics.median(times[label])
                row += f" {seconds:9.2f} {seconds / limit:7.2f}x"
            print(row)
        if worktree is not None:
            how = "--instructions" if args.instructions else f"--runs {args.runs}"
            print(f"before: {args.before} ({commit[:10]}); reproduce: python benchmarks/limit.py {how} "
                  f"--before {args.before}")
    finally:
        if worktree is not None:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(worktree)], capture_output=True)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
