#!/usr/bin/env python
"""Benchmark `carbon-card check` against its goals, running the real command-line tools.

    python benchmarks/bench_check.py [--runs N] [--cards N] [--json] [--rebuild]

Three figures, each the median of `--runs` timed runs (after one untimed warm-up run):

1. One card: `carbon-card check examples/good/README.md` against the baseline
   `check-jsonschema --schemafile schemas/co2_eq_emissions.schema.json block.yaml`, where
   block.yaml holds only that card's `co2_eq_emissions` block. Goal: ratio <= 0.8.
2. Throughput: `carbon-card check -q --fail-on never DIR` over 10,000 README.md files built
   from the 1,417 rebuilt Castano et al. (2023) cards and the 26 verbatim real cards,
   cycled. Goals: >= 2,000 cards/s and a peak resident memory of the carbon-card process
   <= 150 MB.
3. The same command over the 1,417 Castano cards alone (a reference figure).

Every run is a fresh subprocess of the installed console scripts. The corpora are cached
under benchmarks/.cache/ (git-ignored) and rebuilt when missing or when their sources change.
The script reports; it exits 0 whether the goals pass or fail, and non-zero only when a tool
crashes or reports an input error.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT / "schemas" / "co2_eq_emissions.schema.json"
GOOD_CARD = ROOT / "examples" / "good" / "README.md"
CORPUS = ROOT / "tests" / "corpus"
REAL_CARDS = CORPUS / "cards-real"
CACHE = Path(__file__).resolve().parent / ".cache"

GOAL_SINGLE_RATIO = 0.8  # carbon-card / check-jsonschema, one card
GOAL_CARDS_PER_S = 2000.0  # cards per second over the 10,000-card corpus
GOAL_PEAK_MB = 150.0  # peak RSS of the carbon-card process over the 10,000-card corpus

REPRODUCE = "python benchmarks/bench_check.py"
_CORPUS_FORMAT = 1  # bump when the layout of the cached corpora changes

# Run in a fresh `python` child: it times one command and reports the peak resident set size
# of that command alone (RUSAGE_CHILDREN of a process whose only child is the command).
_MEASURE_CHILD = r"""
import json, resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
wall = time.perf_counter() - start
peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # kilobytes on Linux
if sys.platform == "darwin":
    peak_kb /= 1024  # bytes on macOS
print(json.dumps({"wall": wall, "peak_kb": peak_kb, "rc": done.returncode,
                  "stderr": done.stderr.decode("utf-8", "replace")[-2000:]}))
"""


# Tools run as installed: with their compiled bytecode. PYTHONDONTWRITEBYTECODE (set in some
# environments) would make every run of an editable install recompile carbon-card's sources
# while check-jsonschema, installed from a wheel, starts from .pyc files: an unfair race.
CHILD_ENV = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}


class BenchError(RuntimeError):
    """A tool crashed or did not do what the benchmark needs."""


# --------------------------------------------------------------------------- tools


def _tool(name: str) -> str:
    """The console script next to this interpreter (a venv's bin/), else the one on PATH."""
    beside = Path(sys.executable).parent / name
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    found = shutil.which(name)
    if not found:
        raise BenchError(f"`{name}` not found next to {sys.executable} nor on PATH; install the test extras")
    return found


def _version(command: list[str]) -> str:
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout.strip()
    return out.rsplit(" ", 1)[-1] if out else "?"


def _time_once(command: list[str], ok_codes: tuple[int, ...]) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          env=CHILD_ENV)
    wall = time.perf_counter() - start
    if done.returncode not in ok_codes:
        raise BenchError(f"{' '.join(command)} exited {done.returncode}:\n{done.stderr.decode('utf-8', 'replace')[-2000:]}")
    return wall


def _measure_once(command: list[str], ok_codes: tuple[int, ...]) -> tuple[float, float]:
    """(wall seconds, peak MB) of one run of `command`, measured in a fresh Python child."""
    done = subprocess.run([sys.executable, "-c", _MEASURE_CHILD, *command], capture_output=True, text=True,
                          env=CHILD_ENV)
    if done.returncode != 0:
        raise BenchError(f"the measuring child failed ({done.returncode}):\n{done.stderr[-2000:]}")
    result = json.loads(done.stdout)
    if result["rc"] not in ok_codes:
        raise BenchError(f"{' '.join(command)} exited {result['rc']}:\n{result['stderr']}")
    return result["wall"], result["peak_kb"] / 1024


# --------------------------------------------------------------------------- inputs


def _block_yaml(card: Path) -> str:
    """The `co2_eq_emissions` block value of a card, as a YAML document of its own."""
    import yaml

    from carbon_card.card import read_card

    metadata = read_card(card).metadata or {}
    if "co2_eq_emissions" not in metadata:
        raise BenchError(f"{card} has no co2_eq_emissions block")
    return yaml.safe_dump(metadata["co2_eq_emissions"], sort_keys=False, allow_unicode=True)


def _real_cards() -> list[tuple[str, bytes]]:
    return [
        (path.stem, path.read_bytes())
        for path in sorted(REAL_CARDS.glob("*.md"))
        if path.name != "README.md"
    ]


def _castano_cards() -> list[tuple[str, str]]:
    sys.path.insert(0, str(CORPUS))
    try:
        from castano import castano_cards
    finally:
        sys.path.pop(0)
    return list(castano_cards())


def _sources_key(kind: str, count: int) -> str:
    """A fingerprint of what a cached corpus is built from: rebuild when it changes."""
    digest = hashlib.sha256(f"{_CORPUS_FORMAT}:{kind}:{count}".encode())
    sources = [CORPUS / "castano.py", CORPUS / "castano2023" / "HFStreamlit.csv"]
    if kind == "mixed":
        sources += sorted(p for p in REAL_CARDS.glob("*.md") if p.name != "README.md")
    for path in sources:
        stat = path.stat()
        digest.update(f"{path.name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()


def _shown(path: Path) -> str:
    """A path relative to the repository root when it is inside it."""
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name.replace("/", "__"))[:100]


def _corpus(kind: str, count: int, rebuild: bool, log) -> tuple[Path, int]:
    """A cached directory of `count` README.md cards, each in its own folder.

    kind "castano": the rebuilt Castano cards once each (count is ignored).
    kind "mixed": the Castano cards then the real cards, cycled to `count` files.
    """
    key = _sources_key(kind, count)
    target = CACHE / ("castano" if kind == "castano" else f"mixed-{count}")
    stamp = target / ".stamp"
    if not rebuild and stamp.is_file() and stamp.read_text().split("\n")[0] == key:
        return target, int(stamp.read_text().split("\n")[1])

    log(f"  building {_shown(target)} ...")
    if target.exists():
        shutil.rmtree(target)
    CACHE.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=CACHE))
    pool: list[tuple[str, bytes]] = [(m, t.encode("utf-8")) for m, t in _castano_cards()]
    if kind == "mixed":
        pool += _real_cards()
    else:
        count = len(pool)
    for index in range(count):
        name, data = pool[index % len(pool)]
        folder = scratch / f"{index:05d}-{_slug(name)}"
        folder.mkdir()
        (folder / "README.md").write_bytes(data)
    (scratch / ".stamp").write_text(f"{key}\n{count}\n")
    scratch.rename(target)
    return target, count


# --------------------------------------------------------------------------- benchmarks


def _median(values: list[float]) -> float:
    return statistics.median(values)


def bench_single(runs: int, carbon_card: str, check_jsonschema: str, workdir: Path) -> dict:
    block = workdir / "block.yaml"
    block.write_text(_block_yaml(GOOD_CARD), encoding="utf-8")
    cc = [carbon_card, "check", "--fail-on", "never", str(GOOD_CARD)]
    # --no-cache: no schema cache (the schema is a local file; nothing is downloaded).
    # --disable-formats '*': the schema uses no `format`, so format checkers are dead weight.
    cj = [check_jsonschema, "--no-cache", "--disable-formats", "*", "--schemafile", str(SCHEMA), str(block)]
    _time_once(cc, (0,))  # warm-up: byte-code and file caches
    _time_once(cj, (0,))
    cc_times, cj_times = [], []
    for _ in range(runs):  # interleaved so that drift in the machine hits both alike
        cc_times.append(_time_once(cc, (0,)))
        cj_times.append(_time_once(cj, (0,)))
    cc_s, cj_s = _median(cc_times), _median(cj_times)
    ratio = cc_s / cj_s
    return {
        "card": str(GOOD_CARD.relative_to(ROOT)),
        "carbon_card_s": cc_s,
        "check_jsonschema_s": cj_s,
        "ratio": ratio,
        "goal_ratio_max": GOAL_SINGLE_RATIO,
        "pass": ratio <= GOAL_SINGLE_RATIO,
        "carbon_card_runs_s": cc_times,
        "check_jsonschema_runs_s": cj_times,
        "commands": {
            "carbon_card": ["carbon-card", *cc[1:-1], str(GOOD_CARD.relative_to(ROOT))],
            "check_jsonschema": ["check-jsonschema", *cj[1:-2], str(SCHEMA.relative_to(ROOT)), "<tmp>/block.yaml"],
        },
    }


def bench_directory(runs: int, carbon_card: str, directory: Path, count: int) -> dict:
    command = [carbon_card, "check", "-q", "--fail-on", "never", str(directory)]
    _measure_once(command, (0,))  # warm-up: the page cache holds the cards afterwards
    walls, peaks = [], []
    for _ in range(runs):
        wall, peak = _measure_once(command, (0,))
        walls.append(wall)
        peaks.append(peak)
    wall = _median(walls)
    return {
        "cards": count,
        "directory": _shown(directory),
        "wall_s": wall,
        "cards_per_s": count / wall,
        "peak_mb": max(peaks),
        "peak_mb_median": _median(peaks),
        "runs_s": walls,
        "runs_peak_mb": peaks,
        "command": ["carbon-card", *command[1:-1], _shown(directory)],
    }


# --------------------------------------------------------------------------- report


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="timed runs per figure; the median is reported (default 7)")
    parser.add_argument("--cards", type=int, default=10_000, help="size of the throughput corpus (default 10000)")
    parser.add_argument("--json", action="store_true",
                        help="also print the results as JSON on stdout (the text report then goes to stderr)")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the cached corpora under benchmarks/.cache/")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.cards < 1:
        parser.error("--runs and --cards must be at least 1")

    out = sys.stderr if args.json else sys.stdout

    def log(line: str = "") -> None:
        print(line, file=out, flush=True)

    carbon_card = _tool("carbon-card")
    check_jsonschema = _tool("check-jsonschema")
    cc_version = _version([carbon_card, "--version"])
    cj_version = _version([check_jsonschema, "--version"])
    machine = {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "date": _dt.datetime.now().astimezone().isoformat(timespec="seconds"),
    }

    log("carbon-card check benchmark")
    log("=" * 72)
    log(f"reproduce:     {REPRODUCE}" + (f" --runs {args.runs}" if args.runs != 7 else "")
        + (f" --cards {args.cards}" if args.cards != 10_000 else ""))
    log(f"carbon-card:   {cc_version} ({carbon_card})")
    log(f"baseline:      check-jsonschema {cj_version} ({check_jsonschema})")
    log(f"machine:       Python {machine['python']} ({machine['implementation']}), "
        f"{machine['cpu_count']} CPUs, {machine['platform']}")
    log(f"date:          {machine['date']}")
    log(f"runs:          median of {args.runs} (after 1 warm-up run)")
    log("goals:         one card <= 0.8 x check-jsonschema; "
        f">= {GOAL_CARDS_PER_S:,.0f} cards/s and <= {GOAL_PEAK_MB:.0f} MB peak over {args.cards:,} cards")
    log()

    log("corpora")
    mixed_dir, mixed_count = _corpus("mixed", args.cards, args.rebuild, log)
    castano_dir, castano_count = _corpus("castano", 0, args.rebuild, log)  # count: all rows
    log(f"  {mixed_count:,} cards in {_shown(mixed_dir)} (1,417 Castano + 26 real cards, cycled)")
    log(f"  {castano_count:,} cards in {_shown(castano_dir)} (the rebuilt Castano cards)")
    log()

    with tempfile.TemporaryDirectory(prefix="bench-check-") as tmp:
        single = bench_single(args.runs, carbon_card, check_jsonschema, Path(tmp))
    log("1. one card (examples/good/README.md)")
    log(f"   carbon-card check          {single['carbon_card_s'] * 1000:8.1f} ms")
    log(f"   check-jsonschema (block)   {single['check_jsonschema_s'] * 1000:8.1f} ms")
    log(f"   ratio carbon-card/check-jsonschema = {single['ratio']:.2f}  "
        f"(goal <= {GOAL_SINGLE_RATIO})  {_verdict(single['pass'])}")
    log()

    throughput = bench_directory(args.runs, carbon_card, mixed_dir, mixed_count)
    cps_ok = throughput["cards_per_s"] >= GOAL_CARDS_PER_S
    mem_ok = throughput["peak_mb"] <= GOAL_PEAK_MB
    throughput.update({
        "goal_cards_per_s_min": GOAL_CARDS_PER_S,
        "cards_per_s_ratio": throughput["cards_per_s"] / GOAL_CARDS_PER_S,
        "pass_cards_per_s": cps_ok,
        "goal_peak_mb_max": GOAL_PEAK_MB,
        "peak_mb_ratio": throughput["peak_mb"] / GOAL_PEAK_MB,
        "pass_peak_mb": mem_ok,
    })
    log(f"2. throughput ({mixed_count:,} cards: carbon-card check -q --fail-on never DIR, stdout to /dev/null)")
    log(f"   wall time                  {throughput['wall_s']:8.2f} s")
    log(f"   cards/s                    {throughput['cards_per_s']:8.0f}    "
        f"(goal >= {GOAL_CARDS_PER_S:,.0f}; {throughput['cards_per_s_ratio']:.2f} x goal)  {_verdict(cps_ok)}")
    log(f"   peak RSS (carbon-card)     {throughput['peak_mb']:8.1f} MB "
        f"(goal <= {GOAL_PEAK_MB:.0f}; {throughput['peak_mb_ratio']:.2f} x goal)  {_verdict(mem_ok)}")
    if mixed_count != 10_000:
        log("   note: the goals are set for 10,000 cards; with fewer, start-up time weighs more")
    log()

    castano = bench_directory(args.runs, carbon_card, castano_dir, castano_count)
    log(f"3. the {castano_count:,} Castano cards alone (reference for later comparisons)")
    log(f"   wall time                  {castano['wall_s']:8.3f} s  "
        f"({castano['cards_per_s']:.0f} cards/s, peak {castano['peak_mb']:.1f} MB)")
    log()

    results = {
        "reproduce": REPRODUCE,
        "runs": args.runs,
        "machine": machine,
        "carbon_card_version": cc_version,
        "baseline": {"check_jsonschema_version": cj_version},
        "goals": {
            "single_ratio_max": GOAL_SINGLE_RATIO,
            "cards_per_s_min": GOAL_CARDS_PER_S,
            "peak_mb_max": GOAL_PEAK_MB,
        },
        "single_card": single,
        "throughput": throughput,
        "castano": castano,
    }
    if args.json:
        print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as error:
        print(f"bench_check: {error}", file=sys.stderr)
        sys.exit(2)
