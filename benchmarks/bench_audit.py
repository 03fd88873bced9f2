#!/usr/bin/env python
"""Benchmark `carbon-card audit` against a local Hub with 50 ms added to every response.

    python benchmarks/bench_audit.py [--models 1000] [--jobs 32] [--latency 0.05]
                                     [--baseline-models 100] [--flat-models 10000] [--json]

Three figures:

1. Speed: `carbon-card audit --limit N` (a subprocess of the installed tool, `--jobs J`) over
   N synthetic repositories of `tests/hub_server.py`, served by its own process with
   `--latency` seconds added to every response, against a plain sequential loop over the same
   huggingface_hub calls (list_models, model_info, a GET on huggingface_hub's session for the
   card and each side file present, parse_safetensors_file_metadata of the weights present)
   and the same check pipeline. The
   loop is timed over the first `--baseline-models` models and its per-model time multiplied
   by N (a sequential loop's time is linear in the models). Goal: >= 15x faster.
2. Peak memory: the maximum resident set size of the audit process alone (`os.wait4` on its
   pid, from a small launcher: a child spawned by this process would inherit its peak).
   Goal: <= 200 MB.
3. Flat memory: the same audit over `--flat-models` repositories (no added latency: the figure
   is about memory, not waiting); its peak resident set size against the N-model run's.
   Goal: flat (within 10%).

The report prints the command that reproduces it. It exits 0 whether the goals pass or not,
and 2 when a process fails.
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
SERVER = ROOT / "tests" / "hub_server.py"
sys.path.insert(0, str(ROOT / "tests"))

GOAL_SPEEDUP = 15.0
GOAL_PEAK_MB = 200.0
GOAL_FLAT = 1.10  # peak at --flat-models / peak at --models


class LocalHub:
    """`tests/hub_server.py` in its own process (its CPU and memory are not the audit's)."""

    def __init__(self, models: int, latency: float):
        self.process = subprocess.Popen(
            [sys.executable, str(SERVER), "--models", str(models), "--latency", str(latency)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.url = self.process.stdout.readline().strip()
        if not self.url.startswith("http://"):
            raise SystemExit(f"bench_audit: the local Hub did not start ({self.url!r})")

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.process.stdin.close()  # the server stops when its stdin closes
        self.process.wait(timeout=30)


def environment(url: str, home: str) -> dict[str, str]:
    return {**os.environ, "HF_ENDPOINT": url, "HF_HOME": home, "HF_TOKEN": "hf_benchmark",
            "HF_HUB_DISABLE_TELEMETRY": "1", "CI": "1"}


# Linux carries a process's peak RSS across exec, and a child spawned by this (large) process
# starts from this process's memory: its ru_maxrss would be at least ours. A small launcher
# spawns the audit and reports the audit's own peak (the launcher's few MB are below it).
_LAUNCHER = """import os, sys
pid = os.posix_spawn(sys.argv[1], sys.argv[1:], os.environ)
_, status, usage = os.wait4(pid, 0)
sys.stderr.write(f"\\nbench_audit: {usage.ru_maxrss} {usage.ru_utime + usage.ru_stime}\\n")
sys.exit(os.waitstatus_to_exitcode(status))
"""


def run_audit(url: str, models: int, jobs: int, home: str) -> dict:
    """Run the audit as a subprocess; its wall time, peak RSS and record count."""
    out = Path(home) / f"audit-{models}.jsonl"
    command = [str(Path(sys.executable).parent / "carbon-card"), "audit", "--limit", str(models), "--jobs", str(jobs),
               "--format", "jsonl", "--output", str(out), "--fail-on", "never", "--no-progress"]
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-I", "-S", "-c", _LAUNCHER, *command], env=environment(url, home),
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - start
    stderr, _, measured = done.stderr.rpartition("\nbench_audit: ")
    if not measured:
        raise SystemExit(f"bench_audit: the launcher failed: {done.stderr[-2000:]}")
    peak_kb, cpu_s = measured.split()
    lines = out.read_text().splitlines()
    summary = json.loads(lines[-1])["summary"]
    if done.returncode not in (0, 1) or summary["audited"] + summary["failed"] != models:
        raise SystemExit(f"bench_audit: the audit failed (exit {done.returncode}): {stderr[-2000:]}")
    return {"models": models, "jobs": jobs, "wall_s": wall, "peak_mb": int(peak_kb) / 1024,
            "cpu_s": float(cpu_s),
            "audited": summary["audited"], "failed": summary["failed"], "command": " ".join(command[1:])}


def sequential_loop(url: str, models: int, home: str) -> dict:
    """The same huggingface_hub calls and check pipeline, one model after the other, no retries."""
    os.environ.update(environment(url, home))
    from huggingface_hub import HfApi, hf_hub_url
    from huggingface_hub.utils import build_hf_headers, get_session, hf_raise_for_status

    from carbon_card.assessment import assess
    from carbon_card.card import parse_card
    from carbon_card.estimate import estimate
    from carbon_card.facts import gather

    api = HfApi(endpoint=url)
    headers = build_hf_headers()
    side = ("config.json", "trainer_state.json", "train_results.json", "all_results.json", "emissions.csv")

    def download(repo_id: str, sha: str, name: str, folder: str) -> bytes:
        response = get_session().get(hf_hub_url(repo_id, name, revision=sha, endpoint=url), headers=headers)
        hf_raise_for_status(response)
        Path(folder, name).write_bytes(response.content)
        return response.content

    start = time.perf_counter()
    count = 0
    for model in api.list_models(sort="downloads", limit=models):
        info = api.model_info(model.id, files_metadata=True)
        names = {s.rfilename for s in info.siblings}
        with tempfile.TemporaryDirectory() as folder:
            raw = download(model.id, info.sha, "README.md", folder) if "README.md" in names else b""
            for name in side:
                if name in names:
                    download(model.id, info.sha, name, folder)
            if "model.safetensors.index.json" in names:
                os.mkdir(os.path.join(folder, ".index"))
                download(model.id, info.sha, "model.safetensors.index.json", os.path.join(folder, ".index"))
            for name in sorted(n for n in names if n.endswith(".safetensors") and "/" not in n):
                api.parse_safetensors_file_metadata(model.id, name, revision=info.sha)
            card = parse_card(raw, f"{model.id}/README.md")
            facts = gather(card, folder, model.id)
            assess(card, facts)
            estimate(facts)
        count += 1
    wall = time.perf_counter() - start
    return {"models": count, "wall_s": wall, "per_model_s": wall / count}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=32)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--baseline-models", type=int, default=100)
    parser.add_argument("--flat-models", type=int, default=10000, help="0 skips the flat-memory run")
    parser.add_argument("--json", action="store_true", help="also print the results as JSON")
    args = parser.parse_args()
    reproduce = "python benchmarks/bench_audit.py " + " ".join(sys.argv[1:])

    with tempfile.TemporaryDirectory(prefix="bench-audit-") as home:
        with LocalHub(args.models, args.latency) as hub:
            audit = run_audit(hub.url, args.models, args.jobs, home)
            baseline = sequential_loop(hub.url, args.baseline_models, home)
        flat = None
        if args.flat_models:
            with LocalHub(args.flat_models, 0.0) as hub:
                small = run_audit(hub.url, args.models, args.jobs, home)
                flat = run_audit(hub.url, args.flat_models, args.jobs, home)

    sequential = baseline["per_model_s"] * args.models
    speedup = sequential / audit["wall_s"]
    results = {"date": _dt.date.today().isoformat(), "python": platform.python_version(),
               "cpus": os.cpu_count(), "load_average": os.getloadavg(), "latency_s": args.latency,
               "audit": audit, "sequential": {**baseline, "extrapolated_s": sequential}, "speedup": speedup,
               "flat": None if flat is None else {"small": small, "large": flat,
                                                  "ratio": flat["peak_mb"] / small["peak_mb"]},
               "reproduce": reproduce}

    def verdict(ok: bool) -> str:
        return "PASS" if ok else "FAIL"

    print(f"carbon-card audit benchmark, {results['date']}, Python {results['python']}, {results['cpus']} CPUs, "
          f"load average {results['load_average'][0]:.1f}")
    print(f"local Hub: tests/hub_server.py, {args.latency * 1000:g} ms added to every response")
    print(f"audit of {args.models} models (--jobs {args.jobs}): {audit['wall_s']:.1f} s "
          f"({args.models / audit['wall_s']:.1f} models/s), {audit['failed']} failed; "
          f"CPU {audit['cpu_s']:.1f} s ({audit['cpu_s'] / args.models * 1000:.1f} ms per model)")
    print(f"sequential loop: {baseline['per_model_s'] * 1000:.0f} ms per model over {baseline['models']} models "
          f"-> {sequential:.0f} s for {args.models}")
    print(f"speed-up: {speedup:.1f}x (goal >= {GOAL_SPEEDUP:g}x: {verdict(speedup >= GOAL_SPEEDUP)})")
    print(f"peak RSS of the audit process: {audit['peak_mb']:.1f} MB "
          f"(goal <= {GOAL_PEAK_MB:g} MB: {verdict(audit['peak_mb'] <= GOAL_PEAK_MB)})")
    if flat is not None:
        ratio = results["flat"]["ratio"]
        print(f"flat memory (no added latency): peak {small['peak_mb']:.1f} MB for {args.models} models, "
              f"{flat['peak_mb']:.1f} MB for {args.flat_models} ({flat['wall_s']:.0f} s): ratio {ratio:.2f} "
              f"(goal <= {GOAL_FLAT:.2f}: {verdict(ratio <= GOAL_FLAT)})")
    print(f"reproduce: {reproduce}")
    if args.json:
        print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
