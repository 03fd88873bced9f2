"""A fuzz campaign: mutated real cards through every stage and format, counting what breaks.

The same mutations and checks as tests/test_fuzz_pipeline.py, run for a fixed number of cards
from a seed, without stopping at the first failure, so that two versions of carbon-card can be
compared on the same inputs:

    python benchmarks/fuzz_campaign.py --cards 2000 --seed 1
    PYTHONPATH=/path/to/an/older/checkout python benchmarks/fuzz_campaign.py --cards 2000 --seed 1

Prints the cards tried, the exceptions (by type and place), the outputs that are not valid for
their format, the cards slower than 1 s, and the peak memory of the process.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
import traceback
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from test_fuzz_pipeline import _PIECES, _REAL, _check_formats, _pipeline  # noqa: E402


def mutate(text: str, rng: random.Random) -> str:
    for _ in range(rng.randint(1, 6)):
        at = rng.randint(0, len(text))
        kind = rng.choice(["insert", "insert", "cut", "repeat", "text"])
        if kind == "insert":
            text = text[:at] + rng.choice(_PIECES) + text[at:]
        elif kind == "text":
            text = text[:at] + "".join(chr(rng.randint(0, 0x2FFF)) for _ in range(rng.randint(0, 30))) + text[at:]
        else:
            end = min(len(text), at + rng.randint(0, 400))
            text = text[:at] + (text[at:end] * 3 if kind == "repeat" else "") + text[end:]
    return text


def keep(save: Path | None, number: int, text: str) -> None:
    """The card as it was, line breaks included, to reproduce a failure."""
    if save is not None:
        with open(save / f"{number}.md", "w", encoding="utf-8", errors="surrogatepass", newline="") as handle:
            handle.write(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--save", metavar="DIR", help="write each card that breaks something to DIR")
    args = parser.parse_args()
    save = Path(args.save) if args.save else None
    if save:
        save.mkdir(parents=True, exist_ok=True)
    rng = random.Random(args.seed)
    texts = [path.read_text(encoding="utf-8") for path in _REAL]
    crashes: Counter[str] = Counter()
    invalid: Counter[str] = Counter()
    slow = 0
    started = time.perf_counter()
    for number in range(args.cards):
        text = mutate(rng.choice(texts), rng)
        began = time.process_time()
        try:
            stages = _pipeline(text)
        except Exception as error:  # noqa: BLE001 - counted, the campaign goes on
            where = traceback.extract_tb(error.__traceback__)[-1]
            crashes[f"{type(error).__name__} at {Path(where.filename).name}:{where.lineno}"] += 1
            keep(save, number, text)
            continue
        slow += time.process_time() - began > 1.0
        try:
            _check_formats(*stages)
        except AssertionError as error:
            invalid[str(error).splitlines()[0][:80] if str(error) else "assertion"] += 1
            keep(save, number, text)
        except Exception as error:  # noqa: BLE001
            where = traceback.extract_tb(error.__traceback__)[-1]
            crashes[f"{type(error).__name__} at {Path(where.filename).name}:{where.lineno} (formats)"] += 1
            keep(save, number, text)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"cards tried {args.cards} (seed {args.seed}) in {time.perf_counter() - started:.0f} s; "
          f"crashes {sum(crashes.values())}; invalid outputs {sum(invalid.values())}; slower than 1 s {slow}; "
          f"peak memory {peak:.0f} MB")
    for what, count in (crashes + invalid).most_common(12):
        print(f"  {count:5d}  {what}")


if __name__ == "__main__":
    main()
