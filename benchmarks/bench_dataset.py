#!/usr/bin/env python
"""Benchmark `carbon-card audit --dataset` against `carbon-card check` on the same cards.

    python benchmarks/bench_dataset.py [--cards 100000] [--small 10000] [--shard-rows 10000] [--runs 1] [--json]

The corpus's cards (`tests/corpus/dump.py`: the 1,417 rebuilt Castaño cards, the real and the
gold cards, cycled and renamed up to `--cards`) are written to a temporary folder twice: as
parquet shards of the Hub dump's schema, and as `<n>/README.md` folders for `check`. Then, in
one run, each a fresh process of the command-line tool:

1. `check --format json --fail-on never FOLDER` (json: it parses, gathers, assesses, estimates
   and serialises each card, the work an audit record needs) and
   `audit --dataset SHARDS --format jsonl --jobs 1`: cards/s of each, by wall time and by CPU
   time (per core). Goal: the dataset's >= 0.9x check's.
2. `audit --dataset SHARDS --jobs 2` against `--jobs 1`: wall-time speed-up. Goal: >= 1.6x.
   (On a machine where other work runs, the two cores are not the audit's alone; the load
   average is printed.)
3. Peak memory of `--jobs 2` over `--small` cards against `--cards` cards: the largest process
   (the reader and writer) and the sum over the processes (reader, fork server, workers).
   Goal: within 10%, and under 300 MB.

With `--runs N` the three runs of items 1 and 2 are repeated in turn and the run of median
wall time of each is reported (with the largest peaks of all).

A small launcher spawns each command in its own process group and samples the peak resident
set size (VmHWM) and CPU time of every process of the group from /proc; the command's own
process is measured exactly (`getrusage(RUSAGE_CHILDREN)` once it has exited). The report
prints the command that reproduces it; the script exits 0 whether the goals pass or not, and
2 when a run fails.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "corpus"))

GOAL_PER_CORE = 0.9
GOAL_SPEEDUP = 1.6
GOAL_FLAT = 1.10
GOAL_PEAK_MB = 300.0

# Runs the command in its own process group; samples VmHWM and CPU of the group's processes
# every 50 ms; prints one JSON line on stderr. The command's own process is measured exactly by
# RUSAGE_CHILDREN (the launcher has no other child); the fork server and the workers, which it
# does not reap, from their last sample.
_LAUNCHER = r"""import json, os, resource, sys, time
start = time.perf_counter()
null = os.open(os.devnull, os.O_WRONLY)
pid = os.posix_spawn(sys.argv[1], sys.argv[1:], os.environ, setpgroup=0,
                     file_actions=[(os.POSIX_SPAWN_DUP2, null, 1)])
tick = os.sysconf("SC_CLK_TCK")
seen = {}
def sample():
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            if int(fields[2]) != pid:  # the process group
                continue
            with open(f"/proc/{entry}/status") as f:
                hwm = next((int(l.split()[1]) for l in f if l.startswith("VmHWM:")), 0)
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                name = f.read().replace(b"\0", b" ").decode(errors="replace")[:120]
        except (OSError, StopIteration, IndexError, ValueError):
            continue
        cpu = (int(fields[11]) + int(fields[12])) / tick
        old = seen.get(int(entry), {"hwm_kb": 0, "cpu_s": 0.0})
        seen[int(entry)] = {"name": name, "hwm_kb": max(old["hwm_kb"], hwm), "cpu_s": max(old["cpu_s"], cpu)}
while True:
    done, status = os.waitpid(pid, os.WNOHANG)
    if done:
        break
    sample()
    time.sleep(0.05)
wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
seen[pid] = {"name": "main", "hwm_kb": usage.ru_maxrss, "cpu_s": usage.ru_utime + usage.ru_stime}
sys.stderr.write("\nbench_dataset: " + json.dumps({"wall_s": wall, "status": os.waitstatus_to_exitcode(status),
                                                  "processes": list(seen.values())}) + "\n")
"""


def build(folder: Path, cards: int, small: int, shard_rows: int) -> dict[str, Path]:
    """The shards of `cards` rows, those of the first `small`, and the folder of the `cards` cards."""
    from dump import corpus_rows, replicated, write_shards

    corpus = corpus_rows()
    paths = {"shards": folder / "dump", "small": folder / "dump-small", "cards": folder / "cards"}
    write_shards(replicated(corpus, cards), paths["shards"], shard_rows)
    write_shards(replicated(corpus, small), paths["small"], shard_rows)
    for index, row in enumerate(replicated(corpus, cards)):
        card = paths["cards"] / f"{index:06d}" / "README.md"
        card.parent.mkdir(parents=True)
        card.write_bytes(row["card"].encode("utf-8"))
    return paths


def measure(command: list[str], cards: int) -> dict:
    """Run a command of the tool through the launcher: wall and CPU time, peaks, cards/s."""
    tool = str(Path(sys.executable).parent / "carbon-card")
    env = {**os.environ, "CI": "1", "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-I", "-S", "-c", _LAUNCHER, tool, *command], env=env,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    stderr, _, measured = done.stderr.rpartition("\nbench_dataset: ")
    if not measured:
        raise SystemExit(f"bench_dataset: the launcher failed: {done.stderr[-2000:]}")
    result = json.loads(measured)
    if result["status"] not in (0, 1):
        raise SystemExit(f"bench_dataset: carbon-card {' '.join(command)} failed (exit {result['status']}): "
                         f"{stderr[-2000:]}")
    processes = result.pop("processes")
    main = next(p for p in processes if p["name"] == "main")
    cpu = sum(p["cpu_s"] for p in processes)
    return {**result, "command": "carbon-card " + " ".join(command), "cards": cards, "cpu_s": cpu,
            "cards_per_s": cards / result["wall_s"], "cards_per_cpu_s": cards / cpu,
            "main_peak_mb": main["hwm_kb"] / 1024, "largest_peak_mb": max(p["hwm_kb"] for p in processes) / 1024,
            "sum_peak_mb": sum(p["hwm_kb"] for p in processes) / 1024, "processes": len(processes),
            "main_cpu_s": main["cpu_s"]}


def median(runs: list[dict]) -> dict:
    """The run of median wall time, with the largest peaks of all the runs."""
    chosen = dict(sorted(runs, key=lambda run: run["wall_s"])[len(runs) // 2])
    for key in ("main_peak_mb", "largest_peak_mb", "sum_peak_mb"):
        chosen[key] = max(run[key] for run in runs)
    chosen["walls_s"] = [run["wall_s"] for run in runs]
    return chosen


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=10_000, help="cards of the flat-memory comparison")
    parser.add_argument("--shard-rows", type=int, default=10_000, help="rows per parquet shard")
    parser.add_argument("--runs", type=int, default=1, help="runs of check, --jobs 1 and --jobs 2, in turn (median)")
    parser.add_argument("--json", action="store_true", help="also print the results as JSON")
    args = parser.parse_args()
    reproduce = "python benchmarks/bench_dataset.py " + " ".join(sys.argv[1:])

    with tempfile.TemporaryDirectory(prefix="bench-dataset-") as folder:
        started = time.perf_counter()
        paths = build(Path(folder), args.cards, args.small, args.shard_rows)
        built = time.perf_counter() - started
        dataset = ["audit", "--dataset", str(paths["shards"]), "--format", "jsonl", "--output", os.devnull,
                   "--fail-on", "never", "--no-progress"]
        loads = [os.getloadavg()[0]]
        runs: dict[str, list[dict]] = {"check": [], "one": [], "two": []}
        for _ in range(args.runs):  # in turn, so that a change of the machine's load touches all three
            runs["check"].append(measure(["check", "--format", "json", "--fail-on", "never", str(paths["cards"])],
                                         args.cards))
            runs["one"].append(measure([*dataset, "--jobs", "1"], args.cards))
            runs["two"].append(measure([*dataset, "--jobs", "2"], args.cards))
        small = measure([*dataset[:2], str(paths["small"]), *dataset[3:], "--jobs", "2"], args.small)
        loads.append(os.getloadavg()[0])
    check, one, two = (median(runs[name]) for name in ("check", "one", "two"))

    per_core_wall = one["cards_per_s"] / check["cards_per_s"]
    per_core_cpu = one["cards_per_cpu_s"] / check["cards_per_cpu_s"]
    speedup = two["cards_per_s"] / one["cards_per_s"]
    # What the CPU time allows on two cores of their own: the work shared by two workers, unless
    # the reader and writer process alone takes longer.
    projected = one["cpu_s"] / max(two["cpu_s"] / 2, two["main_cpu_s"])
    flat_main = two["main_peak_mb"] / small["main_peak_mb"]
    flat_sum = two["sum_peak_mb"] / small["sum_peak_mb"]
    results = {"date": _dt.date.today().isoformat(), "python": platform.python_version(), "cpus": os.cpu_count(),
               "load_average": loads, "cards": args.cards, "small": args.small, "build_s": built,
               "check": check, "dataset_jobs_1": one, "dataset_jobs_2": two, "dataset_jobs_2_small": small,
               "per_core_wall": per_core_wall, "per_core_cpu": per_core_cpu, "speedup_2_over_1": speedup,
               "speedup_from_cpu_time": projected,
               "flat_main": flat_main, "flat_sum": flat_sum, "reproduce": reproduce}

    def verdict(ok: bool) -> str:
        return "PASS" if ok else "FAIL"

    print(f"carbon-card audit --dataset benchmark, {results['date']}, Python {results['python']}, "
          f"{results['cpus']} CPUs, load average {loads[0]:.1f} before and {loads[1]:.1f} after")
    print(f"{args.cards} cards (corpus cycled), shards of {args.shard_rows} rows; built in {built:.0f} s")
    print(f"{'run':<34} {'wall s':>8} {'cards/s':>8} {'CPU s':>8} {'cards/CPU s':>11} {'main MB':>8} "
          f"{'sum MB':>7} {'procs':>5}")
    for name, run in (("check --format json", check), ("audit --dataset --jobs 1", one),
                      ("audit --dataset --jobs 2", two), (f"audit --dataset --jobs 2 ({args.small})", small)):
        print(f"{name:<34} {run['wall_s']:>8.1f} {run['cards_per_s']:>8.0f} {run['cpu_s']:>8.1f} "
              f"{run['cards_per_cpu_s']:>11.0f} {run['main_peak_mb']:>8.1f} {run['sum_peak_mb']:>7.1f} "
              f"{run['processes']:>5}")
    print(f"per core, --dataset / check: {per_core_cpu:.2f}x by CPU time, {per_core_wall:.2f}x by wall time "
          f"(goal >= {GOAL_PER_CORE}: {verdict(min(per_core_cpu, per_core_wall) >= GOAL_PER_CORE)})")
    print(f"--jobs 2 / --jobs 1: {speedup:.2f}x by wall time (goal >= {GOAL_SPEEDUP}: {verdict(speedup >= GOAL_SPEEDUP)});"
          f" {projected:.2f}x as the CPU time allows on two free cores (the reader and writer process used "
          f"{two['main_cpu_s']:.0f} of {two['cpu_s']:.0f} CPU s)")
    peak = max(two["sum_peak_mb"], small["sum_peak_mb"])
    print(f"peak memory, {args.cards} / {args.small} cards at --jobs 2: main process {flat_main:.2f}x, all processes "
          f"{flat_sum:.2f}x (goal <= {GOAL_FLAT}: {verdict(max(flat_main, flat_sum) <= GOAL_FLAT)}); all processes "
          f"at most {peak:.0f} MB (goal < {GOAL_PEAK_MB:g}: {verdict(peak < GOAL_PEAK_MB)})")
    print(f"reproduce: {reproduce}")
    if args.json:
        print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
