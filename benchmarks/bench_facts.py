#!/usr/bin/env python
"""Benchmark the Facts stage: what gathering facts adds to `check`, and safetensors headers.

    python benchmarks/bench_facts.py [--runs N] [--json]

1. `carbon-card check -q --fail-on never DIR` over the 1,417 rebuilt Castano et al. (2023)
   cards (benchmarks/.cache/castano, built by bench_check.py's corpus code), against the same
   command with the Facts stage switched off (a driver that replaces `gather` by an empty
   `Facts()`; it still imports the facts modules, a few ms the baseline pays too). Figure: the
   CPU time (user + sys) of each child process, median of `--runs` interleaved runs.
   Goal: with facts <= 1.30 x without. When valgrind is installed, the same two commands are
   also counted in instructions (`valgrind --tool=callgrind`, PYTHONHASHSEED=0): a figure that
   does not move with the machine's load (`--no-valgrind` skips it; it takes a minute or two).
2. The parameter count of a sparse safetensors file of Llama-3-8B's size (16 GB, bf16):
   median wall time over `--runs` reads, and the bytes read (counted through
   `carbon_card.facts.files._open`). Goal: < 50 ms, and only the header read.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_check import CHILD_ENV, _corpus  # noqa: E402  (the shared corpus builder, the children's env)

from carbon_card.facts import files  # noqa: E402

GOAL_RATIO = 1.30
GOAL_HEADER_MS = 50.0
REPRODUCE = "python benchmarks/bench_facts.py"


_NO_FACTS = (
    "import sys\n"
    "import carbon_card.cli as cli\n"
    "from carbon_card.facts import Facts\n"
    "cli.gather = lambda *args, **kwargs: Facts()\n"
    "sys.argv = ['carbon-card', *sys.argv[1:]]\n"
    "cli.main()\n"
)


def _cpu_seconds(command: list[str]) -> float:
    """User + system CPU time of one child process running `command`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=CHILD_ENV)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} exited {done.returncode}: {done.stderr.decode()[-500:]}")
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _commands(log) -> tuple[int, list[str], list[str]]:
    """The number of Castano cards, and `check` over them with and without the Facts stage."""
    corpus, count = _corpus("castano", 0, False, log)
    arguments = ["check", "-q", "--fail-on", "never", str(corpus)]
    return count, [sys.executable, "-m", "carbon_card", *arguments], [sys.executable, "-c", _NO_FACTS, *arguments]


def bench_gathering(runs: int, log) -> dict:
    count, with_facts_command, without_command = _commands(log)
    _cpu_seconds(with_facts_command)  # warm the page cache
    baseline, with_facts = [], []
    for _ in range(runs):
        baseline.append(_cpu_seconds(without_command))
        with_facts.append(_cpu_seconds(with_facts_command))
    base, facts = statistics.median(baseline), statistics.median(with_facts)
    return {"cards": count, "baseline_s": base, "with_facts_s": facts, "ratio": facts / base,
            "runs_baseline": baseline, "runs_with_facts": with_facts}


def _instructions(valgrind: str, command: list[str]) -> int:
    """Instructions executed by `command` under callgrind (the `I refs` of its summary)."""
    env = {**CHILD_ENV, "PYTHONHASHSEED": "0"}  # the same dict and set orders in every run
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)  # writes the .pyc files
    done = subprocess.run([valgrind, "--tool=callgrind", "--callgrind-out-file=/dev/null", *command],
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    found = re.search(r"I\s+refs:\s+([\d,]+)", done.stderr.decode(errors="replace"))
    if done.returncode != 0 or found is None:
        raise SystemExit(f"valgrind {' '.join(command)} exited {done.returncode}: {done.stderr.decode()[-500:]}")
    return int(found.group(1).replace(",", ""))


def bench_instructions(log) -> dict | None:
    """The instruction counts of item 1's two commands; None when valgrind is not installed."""
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        return None
    _, with_facts_command, without_command = _commands(log)
    base = _instructions(valgrind, without_command)
    facts = _instructions(valgrind, with_facts_command)
    return {"baseline": base, "with_facts": facts, "ratio": facts / base}


def _sparse_safetensors(folder: Path) -> Path:
    """A 10 GB file whose header describes Llama-3-8B's tensors (bf16); the data is a hole."""
    tensors, offset = {}, 0
    shapes = [("model.embed_tokens.weight", [128256, 4096]), ("lm_head.weight", [128256, 4096]),
              ("model.norm.weight", [4096])]
    for layer in range(32):
        prefix = f"model.layers.{layer}."
        shapes += [(prefix + "self_attn.q_proj.weight", [4096, 4096]), (prefix + "self_attn.k_proj.weight", [1024, 4096]),
                   (prefix + "self_attn.v_proj.weight", [1024, 4096]), (prefix + "self_attn.o_proj.weight", [4096, 4096]),
                   (prefix + "mlp.gate_proj.weight", [14336, 4096]), (prefix + "mlp.up_proj.weight", [14336, 4096]),
                   (prefix + "mlp.down_proj.weight", [4096, 14336]), (prefix + "input_layernorm.weight", [4096]),
                   (prefix + "post_attention_layernorm.weight", [4096])]
    for name, shape in shapes:
        size = 2
        for dim in shape:
            size *= dim
        tensors[name] = {"dtype": "BF16", "shape": shape, "data_offsets": [offset, offset + size]}
        offset += size
    header = json.dumps(tensors).encode()
    path = folder / "model.safetensors"
    with open(path, "wb") as handle:
        handle.write(struct.pack("<Q", len(header)) + header)
        handle.truncate(max(10 * 1024**3, 8 + len(header) + offset))
    return path


def bench_header(runs: int) -> dict:
    with tempfile.TemporaryDirectory() as scratch:
        path = _sparse_safetensors(Path(scratch))
        read_bytes = 0
        original = files._open

        def counting_open(*args, **kwargs):
            handle = original(*args, **kwargs)
            read = handle.read

            def counted(*read_args):
                nonlocal read_bytes
                data = read(*read_args)
                read_bytes += len(data)
                return data

            handle.read = counted
            return handle

        timings, count = [], None
        for _ in range(runs):
            start = time.perf_counter()
            count = files.safetensors_parameter_count(path)
            timings.append(time.perf_counter() - start)
        files._open = counting_open
        try:
            files.safetensors_parameter_count(path)
        finally:
            files._open = original
        with open(path, "rb") as handle:
            header_length = struct.unpack("<Q", handle.read(8))[0]
        return {"file_bytes": path.stat().st_size, "parameters": count, "median_ms": statistics.median(timings) * 1000,
                "bytes_read": read_bytes, "header_bytes": 8 + header_length}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--json", action="store_true", help="also print the results as JSON on stdout")
    parser.add_argument("--no-valgrind", action="store_true", help="skip the instruction counts (callgrind)")
    args = parser.parse_args()
    log = (lambda text: print(text, file=sys.stderr)) if args.json else print

    log("carbon-card facts benchmark")
    log("=" * 72)
    log(f"reproduce:  {REPRODUCE}")
    log(f"machine:    Python {platform.python_version()}, {os.cpu_count()} CPUs, {platform.platform()}")
    log(f"runs:       median of {args.runs}")
    gathering = bench_gathering(args.runs, log)
    log(f"\n1. carbon-card check over the {gathering['cards']:,} Castano cards (CPU time of the process)")
    log(f"   check without facts (baseline)  {gathering['baseline_s'] * 1000:8.1f} ms")
    log(f"   check with facts                {gathering['with_facts_s'] * 1000:8.1f} ms")
    verdict = "PASS" if gathering["ratio"] <= GOAL_RATIO else "FAIL"
    log(f"   ratio with/without = {gathering['ratio']:.2f}  (goal <= {GOAL_RATIO:.2f})  {verdict}")
    instructions = None if args.no_valgrind else bench_instructions(log)
    if instructions is not None:
        verdict = "PASS" if instructions["ratio"] <= GOAL_RATIO else "FAIL"
        log(f"   in instructions (valgrind --tool=callgrind, deterministic): {instructions['baseline']:,} without, "
            f"{instructions['with_facts']:,} with")
        log(f"   ratio with/without = {instructions['ratio']:.3f}  (goal <= {GOAL_RATIO:.2f})  {verdict}")
    elif not args.no_valgrind:
        log("   instruction counts skipped: valgrind is not installed")
    header = bench_header(args.runs)
    log(f"\n2. parameter count of a {header['file_bytes'] / 1e9:.1f} GB sparse safetensors file (Llama-3-8B shapes)")
    log(f"   parameters {header['parameters']:,}; median {header['median_ms']:.2f} ms "
        f"(goal < {GOAL_HEADER_MS:.0f} ms)  {'PASS' if header['median_ms'] < GOAL_HEADER_MS else 'FAIL'}")
    only_header = header["bytes_read"] <= header["header_bytes"]
    log(f"   bytes read {header['bytes_read']:,} of a {header['header_bytes']:,}-byte header "
        f"{'(header only) PASS' if only_header else 'FAIL'}")
    if args.json:
        print(json.dumps({"gathering": gathering, "instructions": instructions, "safetensors": header}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
