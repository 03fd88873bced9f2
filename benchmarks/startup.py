#!/usr/bin/env python
"""What a pre-commit run pays before carbon-card does any work: start-up, before and after.

    python benchmarks/startup.py [--runs 21] [--before REV] [--as-installed]

Four commands, run interleaved in one loop (the order shuffled every round, so load on the
machine hits them alike), each figure the median of `--runs` runs after an untimed warm-up:

    python -c pass                                   bare Python
    carbon-card --version
    carbon-card check examples/good/README.md        one card
    check-jsonschema --schemafile schemas/co2_eq_emissions.schema.json block.yaml
                                                     block.yaml: that card's co2_eq_emissions value

carbon-card runs twice: from this working tree ("after") and from REV ("before", default `main`,
checked out into a temporary `git worktree`), each put first on PYTHONPATH and started through
the console script pip would write for that tree's `[project.scripts]` entry point. Goals:
`--version` at most 3x bare Python; one-card `check` at most 0.4x check-jsonschema.

Every command runs on a clean interpreter: a throwaway virtual environment whose site-packages
holds one `.pth` naming this interpreter's site-packages, so that `.pth` hooks installed on the
machine (one here imports certifi at every start, 60 ms) do not blur the figures.
`--as-installed` runs this interpreter itself instead. Bytecode is written and used, as for an
installed package (PYTHONDONTWRITEBYTECODE is dropped for the children), and so is each tree's
cache of compiled patterns, emptied first (a working tree keeps every version's patterns: reading
them cost this tree 9M instructions more at start-up than a fresh one, 2026-12-06).

`--instructions` also counts the instructions of one run of each command under valgrind
(`callgrind`): the same from run to run, where wall and CPU times move with the machine's load.

Then the import graph of each command (`python -X importtime`, median over `--importtime-runs`
runs per module): total import time and the top imports by cumulative time.

The script reports; it exits 0 whether the goals pass or fail, and 2 when a command fails.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import os
import platform
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CARD = "examples/good/README.md"
SCHEMA = "schemas/co2_eq_emissions.schema.json"
GOAL_VERSION = 3.0  # carbon-card --version / python -c pass
GOAL_CHECK = 0.4  # carbon-card check (one card) / check-jsonschema

# What pip writes for a console script (its `distlib` template), with the entry point filled in.
SCRIPT = """import re
import sys
from {module} import {function}
if __name__ == '__main__':
    sys.argv[0] = re.sub(r'(-script\\.pyw|\\.exe)?$', '', sys.argv[0])
    sys.exit({function}())
"""

# Modules a one-card `check` must not import (the network stack, the heavy optional parts).
NOT_ON_THE_HOT_PATH = ("jsonschema", "requests", "urllib3", "certifi", "huggingface_hub", "pyarrow", "dask",
                       "importlib.resources", "tomllib", "carbon_card.config")


# The children write and use bytecode, as an installed package does; only carbon-card gets a PYTHONPATH.
BASE_ENV = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPATH")}


class BenchError(RuntimeError):
    """A command failed or a tool is missing."""


def _run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, **kwargs)


def _git(*args: str) -> str:
    done = _run(["git", "-C", str(ROOT), *args])
    if done.returncode != 0:
        raise BenchError(f"git {' '.join(args)}: {done.stderr.strip()}")
    return done.stdout.strip()


def _entry_point(tree: Path) -> tuple[str, str]:
    """The `carbon-card` console script's module and function in a tree's pyproject.toml."""
    text = (tree / "pyproject.toml").read_text(encoding="utf-8")
    scripts = text.split("[project.scripts]", 1)[1]
    found = re.search(r'^carbon-card\s*=\s*"([\w.]+):(\w+)"', scripts, re.MULTILINE)
    if not found:
        raise BenchError(f"{tree / 'pyproject.toml'} names no carbon-card console script")
    return found.group(1), found.group(2)


def _clean_python(folder: Path) -> str:
    """A virtual environment that sees this interpreter's packages but runs none of its .pth files."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True)
    python = folder / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    inner = _run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], check=True).stdout
    paths = dict.fromkeys([sysconfig.get_path("purelib"), sysconfig.get_path("platlib")])
    (Path(inner.strip()) / "_startup_bench.pth").write_text("".join(f"{path}\n" for path in paths))
    return str(python)


def _tool_script(name: str) -> str:
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.is_file() else shutil.which(name)
    if not found:
        raise BenchError(f"`{name}` is not installed (pip install -e '.[test]')")
    return found


def _block_yaml(tree: Path, out: Path) -> None:
    import yaml

    text = (tree / CARD).read_text(encoding="utf-8")
    front = text.split("---", 2)[1]
    out.write_text(yaml.safe_dump(yaml.safe_load(front)["co2_eq_emissions"], sort_keys=False), encoding="utf-8")


class Variant:
    """One carbon-card tree: its console script and the environment that imports it."""

    def __init__(self, name: str, tree: Path, label: str, scripts: Path):
        self.name, self.tree, self.label = name, tree, label
        module, function = _entry_point(tree)
        self.script = scripts / f"carbon-card-{name}"
        self.script.write_text(SCRIPT.format(module=module, function=function), encoding="utf-8")
        self.entry = f"{module}:{function}"
        self.env = {**BASE_ENV, "PYTHONPATH": str(tree)}


def _commands(python: str, variants: list[Variant], block: Path) -> dict[str, tuple[list[str], dict, Path]]:
    """name: (command, environment, working folder)."""
    commands = {
        "python -c pass": ([python, "-c", "pass"], BASE_ENV, ROOT),
        "check-jsonschema": ([python, _tool_script("check-jsonschema"), "--schemafile", str(ROOT / SCHEMA),
                              str(block)], BASE_ENV, ROOT),
    }
    for variant in variants:
        commands[f"{variant.name}: --version"] = ([python, str(variant.script), "--version"], variant.env, variant.tree)
        commands[f"{variant.name}: check"] = ([python, str(variant.script), "check", CARD], variant.env, variant.tree)
    return commands


def _time(command: list[str], env: dict, cwd: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one run; BenchError unless it exits 0."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise BenchError(f"{' '.join(command)} exited {done.returncode}: {done.stderr.decode(errors='replace')[-800:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _instructions(command: list[str], env: dict, cwd: Path) -> int:
    """The instructions one run executes (valgrind's callgrind), or BenchError."""
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        raise BenchError("--instructions needs valgrind")
    done = subprocess.run([valgrind, "--tool=callgrind", "--callgrind-out-file=/dev/null", *command], env=env,
                          cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          text=True)
    found = re.search(r"Collected\s*:\s*(\d+)", done.stderr)
    if done.returncode != 0 or not found:
        raise BenchError(f"valgrind {' '.join(command)} exited {done.returncode}: {done.stderr[-800:]}")
    return int(found.group(1))


def _importtime(command: list[str], env: dict, cwd: Path, runs: int) -> list[tuple[int, str, float, float]]:
    """(depth, module, self ms, cumulative ms) in import order, each time the median over `runs`."""
    samples: dict[tuple[int, str], list[tuple[float, float]]] = {}
    order: list[tuple[int, str]] = []
    for _ in range(runs):
        done = subprocess.run([command[0], "-X", "importtime", *command[1:]], env=env, cwd=cwd,
                              capture_output=True, text=True)
        for line in done.stderr.splitlines():
            parts = line.split("|")
            if not line.startswith("import time:") or len(parts) != 3 or not parts[0].split(":")[1].strip().isdigit():
                continue
            name = parts[2].rstrip()
            key = ((len(name) - len(name.lstrip())) // 2, name.strip())
            if key not in samples:
                samples[key] = []
                order.append(key)
            samples[key].append((int(parts[0].split(":")[1]) / 1000, int(parts[1]) / 1000))
    return [(depth, name, statistics.median(s for s, _ in samples[(depth, name)]),
             statistics.median(c for _, c in samples[(depth, name)])) for depth, name in order]


def _graph_summary(rows: list[tuple[int, str, float, float]], top: int) -> list[str]:
    total = sum(cumulative for depth, _, _, cumulative in rows if depth == 0)
    lines = [f"    total import time {total:7.1f} ms over {len(rows)} modules"]
    for depth, name, own, cumulative in sorted(rows, key=lambda row: -row[3])[:top]:
        lines.append(f"    {cumulative:7.1f} ms  {own:6.1f} self  {'  ' * depth}{name}")
    present = {name for _, name, _, _ in rows}
    heavy = [name for name in NOT_ON_THE_HOT_PATH if name in present]
    lines.append(f"    imported of {', '.join(NOT_ON_THE_HOT_PATH)}: {', '.join(heavy) or 'none'}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21, help="timed runs of each command (median)")
    parser.add_argument("--before", default="main", help="the commit to compare with ('none': this tree only)")
    parser.add_argument("--as-installed", action="store_true", help="run this interpreter, .pth hooks and all")
    parser.add_argument("--importtime-runs", type=int, default=5, help="runs of -X importtime per command")
    parser.add_argument("--top", type=int, default=15, help="imports listed per import graph")
    parser.add_argument("--instructions", action="store_true", help="count instructions with valgrind too")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="carbon-card-startup-") as tmp:
        work = Path(tmp)
        worktree = None
        try:
            variants = []
            if args.before != "none":
                commit = _git("rev-parse", "--verify", f"{args.before}^{{commit}}")
                worktree = work / "before"
                _git("worktree", "add", "--detach", str(worktree), commit)
                variants.append(Variant("before", worktree, f"{args.before} ({commit[:10]})", work))
            dirty = " + uncommitted changes" if _git("status", "--porcelain", "--untracked-files=no") else ""
            variants.append(Variant("after", ROOT, f"this tree ({_git('rev-parse', '--short=10', 'HEAD')}{dirty})", work))
            python = sys.executable if args.as_installed else _clean_python(work / "venv")
            block = work / "block.yaml"
            _block_yaml(ROOT, block)
            commands = _commands(python, variants, block)
            return _report(args, python, variants, commands)
        except BenchError as error:
            print(f"startup.py: {error}", file=sys.stderr)
            return 2
        finally:
            if worktree is not None:
                _git("worktree", "remove", "--force", str(worktree))


def _report(args, python: str, variants: list[Variant], commands: dict) -> int:
    print(f"carbon-card start-up, {_dt.datetime.now().isoformat(timespec='seconds')}: Python "
          f"{platform.python_version()}, {os.cpu_count()} CPUs, {platform.platform()}, load average "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg()) if hasattr(os, 'getloadavg') else '?'}")
    print(f"interpreter: {'as installed' if args.as_installed else 'clean venv (no .pth hooks)'} ({python})")
    for variant in variants:
        print(f"{variant.name:>6}: {variant.label}, console script -> {variant.entry}")
    print(f"reproduce: python benchmarks/startup.py --runs {args.runs} --before {args.before}"
          f"{' --as-installed' if args.as_installed else ''}{' --instructions' if args.instructions else ''}")

    for variant in variants:
        # Each tree's cache of compiled patterns emptied, then filled by the warm-up alike: a developer's
        # tree keeps the patterns of every version it ran (up to 4,000), which its start-up would read too.
        for cache in (variant.tree / "carbon_card" / "__pycache__").glob("_regex.*.patterns"):
            cache.unlink()
    for command, env, cwd in commands.values():
        _time(command, env, cwd)  # warm-up: bytecode and patterns written, files in the page cache
    walls: dict[str, list[float]] = {name: [] for name in commands}
    cpus: dict[str, list[float]] = {name: [] for name in commands}
    order = list(commands)
    shuffle = random.Random(0)
    for _ in range(args.runs):
        shuffle.shuffle(order)
        for name in order:
            wall, cpu = _time(*commands[name])
            walls[name].append(wall)
            cpus[name].append(cpu)
    wall = {name: statistics.median(values) * 1000 for name, values in walls.items()}
    cpu = {name: statistics.median(values) * 1000 for name, values in cpus.items()}

    print(f"\nmedian of {args.runs} interleaved runs       wall ms    CPU ms")
    for name in commands:
        print(f"  {name:<34} {wall[name]:8.1f}  {cpu[name]:8.1f}")
    print("\nratios (wall; CPU in brackets)")
    for variant in variants:
        version = wall[f"{variant.name}: --version"] / wall["python -c pass"]
        check = wall[f"{variant.name}: check"] / wall["check-jsonschema"]
        version_cpu = cpu[f"{variant.name}: --version"] / cpu["python -c pass"]
        check_cpu = cpu[f"{variant.name}: check"] / cpu["check-jsonschema"]
        print(f"  {variant.name:>6}: --version / python -c pass = {version:5.2f} ({version_cpu:.2f})  goal <= "
              f"{GOAL_VERSION}: {'PASS' if version <= GOAL_VERSION else 'FAIL'}")
        print(f"  {variant.name:>6}: check / check-jsonschema    = {check:5.2f} ({check_cpu:.2f})  goal <= "
              f"{GOAL_CHECK}: {'PASS' if check <= GOAL_CHECK else 'FAIL'}")

    if args.instructions:
        counts = {name: _instructions(*commands[name]) for name in commands}
        print("\ninstructions (valgrind callgrind, one run each)")
        for name in commands:
            print(f"  {name:<34} {counts[name] / 1e6:8.1f} M")
        for variant in variants:
            version = counts[f"{variant.name}: --version"] / counts["python -c pass"]
            check = counts[f"{variant.name}: check"] / counts["check-jsonschema"]
            print(f"  {variant.name:>6}: --version / python -c pass = {version:5.2f};  check / check-jsonschema = "
                  f"{check:5.2f}")

    for name in commands:
        if name == "python -c pass":
            continue
        print(f"\nimport graph: {name} (python -X importtime, median of {args.importtime_runs} runs)")
        print("\n".join(_graph_summary(_importtime(*commands[name], args.importtime_runs), args.top)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
