"""The census's cost beside the per-card pipeline, and its memory over many records.

Records are built once by the real pipeline (parse, gather, assess, estimate) from the 1,417
rebuilt cards of Castaño et al. (2023) with their dump's columns, and the real and gold cards,
as `tests/test_census.py` builds them. Then, in the same run:

1. time per record of the pipeline (the baseline) against `Census.add` and against
   `census.efficiency_label` (`--label`): the ratios say what the census adds to an audit;
2. the census's own memory (tracemalloc, the census built alone) after 10,000 and after
   100,000 records (the corpus cycled under new ids): flat memory means the two are equal.

    PYTHONPATH=. python benchmarks/bench_census.py
"""

from __future__ import annotations

import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "tests" / "corpus")]

import test_census

from carbon_card.census import Census, efficiency_label


def main() -> None:
    start = time.perf_counter()
    records = test_census.records._get_wrapped_function()()  # the fixture's function
    pipeline = (time.perf_counter() - start) / len(records)

    census = Census()
    start = time.perf_counter()
    for _ in range(5):
        for record in records:
            census.add(record)
    add = (time.perf_counter() - start) / (5 * len(records))
    start = time.perf_counter()
    for record in records:
        efficiency_label(record)
    label = (time.perf_counter() - start) / len(records)

    def memory(n: int) -> int:
        tracemalloc.start()
        built = Census()
        for i in range(n):
            record = records[i % len(records)]
            built.add({**record, "repo_id": f"{record['repo_id']}-{i}"})
        size = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
        del built
        return size

    small, large = memory(10_000), memory(100_000)
    print(f"records: {len(records)} (pipeline {pipeline * 1e3:.2f} ms per card)")
    print(f"Census.add:       {add * 1e6:7.1f} us per record = {add / pipeline:.3f} x the pipeline")
    print(f"efficiency_label: {label * 1e6:7.1f} us per record = {label / pipeline:.3f} x the pipeline")
    print(f"census memory: {small / 1024:.0f} KiB after 10,000 records, {large / 1024:.0f} KiB after 100,000 "
          f"({large / small:.2f} x)")


if __name__ == "__main__":
    main()
