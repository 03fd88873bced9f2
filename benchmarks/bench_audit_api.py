#!/usr/bin/env python
"""Benchmark the Hub audit's API path within a free account's rate limits, against the path it replaced.

    python benchmarks/bench_audit_api.py [--models 1000] [--jobs 8] [--latency 0.05] [--scale 10]
                                         [--base df04e7b] [--rounds 1] [--json]

Both paths run `carbon-card audit --limit N --format jsonl` (a subprocess) against the local Hub
of `tests/hub_server.py` (a process of its own, a fresh one per run) serving N synthetic
repositories, with `--latency` seconds added to every answer, pages of up to 100 models, and
the rate limits of a free account enforced per bucket in fixed windows (1,000 API calls and
5,000 resolver GETs per 300 s, answered 429 beyond), scaled so that a run takes a minute or
two: quotas divided by `--scale` and windows by `--scale` squared (at 10: 100 API calls and
500 resolver GETs per 3 s), i.e. the Hub's rates times `--scale`.

- *before*: the commit `--base` (the audit as it was: `list_models`, then `model_info` and
  every file per model, and 429s waited out), checked out in a temporary `git worktree` and
  run from there (`PYTHONPATH`);
- *after*: this tree (the expanded listing, `/resolve/` only, paced to the `RateLimit` headers).

The runs alternate (before, after, before, ...) over `--rounds`. The figures: API calls and
resolver GETs per model and 429s met (counted by the server), wall time per 1,000 models, and
the ratios after/before; then the least time per 1,000 models the real free-account limits
allow at the counted calls per model (`max(API per model / 1000, resolver per model / 5000) x
300 s x 1000`), which is what bounds a long run. huggingface_hub fetches a registry of agents
from the Hub once a day (an API call): the runs' HF_HOME holds today's copy, as a machine that
ran `hf` today would. Last, the records of the first round compared model by model: findings
and estimates the same, but where the listing adds what the card does not say. The report
prints the command that reproduces it; it exits 0 whatever the figures, 2 when a run fails.
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

FREE_API, FREE_RESOLVERS, FREE_WINDOW = 1000, 5000, 300.0
"""A free account's limits: https://huggingface.co/docs/hub/rate-limits"""


class LocalHub:
    """`tests/hub_server.py` in its own process, with the free account's limits scaled."""

    def __init__(self, models: int, latency: float, scale: float):
        command = [sys.executable, str(SERVER), "--models", str(models), "--latency", str(latency),
                   "--page-size", "100", "--api-limit", str(round(FREE_API / scale)),
                   "--resolver-limit", str(round(FREE_RESOLVERS / scale)), "--window", f"{FREE_WINDOW / scale**2:g}"]
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.url = self.process.stdout.readline().strip()
        if not self.url.startswith("http://"):
            raise SystemExit(f"bench_audit_api: the local Hub did not start ({self.url!r})")
        self.answered: list[dict] = []

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.process.stdin.close()  # the server stops when its stdin closes, and says what it answered
        line = self.process.stdout.readline()
        self.process.wait(timeout=60)
        self.answered = json.loads(line)["answered"] if line.strip() else []


def run(source: Path, url: str, models: int, jobs: int, home: Path) -> dict:
    """`carbon-card audit --limit N` from the tree `source`: wall time and the summary."""
    out = home / "audit.jsonl"
    env = {**os.environ, "PYTHONPATH": str(source), "HF_ENDPOINT": url, "HF_HOME": str(home),
           "HF_TOKEN": "hf_benchmark", "HF_HUB_DISABLE_TELEMETRY": "1", "CI": "1"}
    where = subprocess.run([sys.executable, "-c", "import carbon_card; print(carbon_card.__file__)"], env=env,
                           cwd=home, capture_output=True, text=True, check=False).stdout.strip()
    if not where.startswith(str(source)):
        raise SystemExit(f"bench_audit_api: carbon_card comes from {where}, not from {source}")
    command = [sys.executable, "-m", "carbon_card", "audit", "--limit", str(models), "--jobs", str(jobs),
               "--format", "jsonl", "--output", str(out), "--fail-on", "never", "--no-progress"]
    start = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=home, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                          check=False)
    wall = time.perf_counter() - start
    lines = out.read_text().splitlines() if out.exists() else []
    summary = json.loads(lines[-1]).get("summary") if lines else None
    if summary is None or summary["audited"] + summary["failed"] != models:
        raise SystemExit(f"bench_audit_api: the audit from {source} failed (exit {done.returncode}): "
                         f"{done.stderr[-2000:]}")
    records = {}
    for line in lines[:-1]:
        record = json.loads(line)
        estimated = record.get("estimate") or {}
        task = any(f["origin"] == "hub" and f["quantity"] == "task" for f in record.get("facts") or ())
        records[record["repo_id"]] = {"findings": [(f["code"], f["line"], f["message"]) for f in record["findings"]],
                                      "estimate": (estimated.get("tier"), estimated.get("emissions_g")),
                                      "task_from_hub": task}
    out.unlink()
    return {"wall_s": wall, "audited": summary["audited"], "failed": summary["failed"],
            "failed_by_reason": summary["failed_by_reason"], "records": records}


def measure(source: Path, args, scratch: Path, name: str) -> dict:
    home = scratch / name
    home.mkdir(exist_ok=True)
    # huggingface_hub's registry of agents, fetched from the Hub at most once a day: as of today.
    (home / ".agent_harnesses.json").write_text('{"standardEnvVars": [], "harnesses": {}}')
    with LocalHub(args.models, args.latency, args.scale) as hub:
        result = run(source, hub.url, args.models, args.jobs, home)
    answered = hub.answered
    api = sum(a["count"] for a in answered if a["route"] not in ("resolve", "unknown"))
    resolvers = sum(a["count"] for a in answered if a["route"] == "resolve")
    throttled = sum(a["count"] for a in answered if a["status"] == 429)
    per_model = {"api": api / args.models, "resolvers": resolvers / args.models}
    bound = max(per_model["api"] / FREE_API, per_model["resolvers"] / FREE_RESOLVERS) * FREE_WINDOW * 1000
    return {**result, "api": api, "resolvers": resolvers, "answered_429": throttled,
            "api_per_model": per_model["api"], "resolvers_per_model": per_model["resolvers"],
            "s_per_1000_models": result["wall_s"] * 1000 / args.models, "free_account_s_per_1000_models": bound}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=8, help="--jobs of both audits (the audit's default)")
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--scale", type=float, default=10.0, help="the Hub's rates times this")
    parser.add_argument("--base", default="df04e7b", help="the commit of the path before")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="also print the results as JSON")
    args = parser.parse_args()
    reproduce = "python benchmarks/bench_audit_api.py " + " ".join(sys.argv[1:])

    with tempfile.TemporaryDirectory(prefix="bench-audit-api-") as folder:
        scratch = Path(folder)
        base = scratch / "base"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "--quiet", str(base), args.base],
                       check=True)
        try:
            runs: dict[str, list[dict]] = {"before": [], "after": []}
            for _ in range(args.rounds):
                runs["before"].append(measure(base, args, scratch, "before"))
                runs["after"].append(measure(ROOT, args, scratch, "after"))
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(base)], check=False)

    def median(name: str, key: str) -> float:
        values = sorted(r[key] for r in runs[name])
        return values[len(values) // 2]

    # What the two paths found, model by model (first round): the same, but where the Hub's
    # listing adds what the card does not say (the task: its domain's priors move a T4 estimate).
    before, after = runs["before"][0]["records"], runs["after"][0]["records"]
    same_findings = sum(before[m]["findings"] == after[m]["findings"] for m in before)
    same_estimate = [m for m in before if before[m]["estimate"] == after[m]["estimate"]]
    moved = [m for m in before if m not in same_estimate]
    agreement = {"models": len(before), "same_findings": same_findings, "same_estimate": len(same_estimate),
                 "estimate_moved_with_a_task_from_the_hub": sum(after[m]["task_from_hub"] for m in moved)}
    for results in runs.values():
        for result in results:
            del result["records"]

    keys = ("api_per_model", "resolvers_per_model", "answered_429", "failed", "s_per_1000_models",
            "free_account_s_per_1000_models")
    table = {name: {key: median(name, key) for key in keys} for name in runs}
    ratios = {key: table["after"][key] / table["before"][key] if table["before"][key] else None
              for key in ("api_per_model", "resolvers_per_model", "s_per_1000_models",
                          "free_account_s_per_1000_models")}
    window = FREE_WINDOW / args.scale**2
    results = {"date": _dt.date.today().isoformat(), "python": platform.python_version(), "cpus": os.cpu_count(),
               "load_average": os.getloadavg(), "models": args.models, "jobs": args.jobs, "latency_s": args.latency,
               "limits": {"api": round(FREE_API / args.scale), "resolvers": round(FREE_RESOLVERS / args.scale),
                          "window_s": window},
               "base": args.base, "runs": runs, "median": table, "ratios_after_over_before": ratios,
               "agreement": agreement, "reproduce": reproduce}

    print(f"carbon-card audit, the API path: {results['date']}, Python {results['python']}, {results['cpus']} CPUs, "
          f"load average {results['load_average'][0]:.1f}")
    print(f"local Hub: {args.models} models, {args.latency * 1000:g} ms per answer, pages of 100, "
          f"{results['limits']['api']} API calls and {results['limits']['resolvers']} resolver GETs per {window:g} s "
          f"(a free account's rates x {args.scale:g}); --jobs {args.jobs}; median of {args.rounds} round(s)")
    print(f"{'':<44}{'before (' + args.base + ')':>18}{'after':>12}{'after/before':>14}")
    rows = (("API calls per model", "api_per_model", "{:.4f}"),
            ("resolver GETs per model", "resolvers_per_model", "{:.2f}"),
            ("429s met", "answered_429", "{:.0f}"),
            ("models failed", "failed", "{:.0f}"),
            ("s per 1,000 models (here)", "s_per_1000_models", "{:.1f}"),
            ("s per 1,000 models (free account, at least)", "free_account_s_per_1000_models", "{:.0f}"))
    for label, key, form in rows:
        ratio = ratios.get(key)
        print(f"{label:<44}{form.format(table['before'][key]):>18}{form.format(table['after'][key]):>12}"
              f"{'' if ratio is None else f'{ratio:.3f}':>14}")
    print(f"records: of {agreement['models']} models, {agreement['same_findings']} have the same findings before and "
          f"after, {agreement['same_estimate']} the same estimate; of the {len(moved)} others, "
          f"{agreement['estimate_moved_with_a_task_from_the_hub']} take their task from the Hub's listing")
    print(f"reproduce: {reproduce}")
    if args.json:
        print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
