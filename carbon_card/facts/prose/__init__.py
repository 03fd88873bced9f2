"""Facts stated by the card's Markdown body. Deterministic parsing only: regular expressions.

Four readers, from the most to the least structured, each a module (the methods of one `_Reader`, in
`reader.py`, which runs them in turn and holds what they share):

1. `fields.py`: labelled lines, the template's Environmental Impact fields (`- **Hardware Type:** ...`)
   and the like (`- **Emissions:** 5.6 KgCO2 (Germany)`), and plain fields (`Training time: 14 days`);
2. AutoTrain's `CO2 Emissions (in grams): X` (`reader.py`);
3. `tables.py`: tables of training figures, Markdown or HTML (the Llama cards' "Time (GPU hours) | Power
   Consumption (W) | Carbon Emitted (tCO2eq)" with a row per model size and a total row);
4. `sentences.py`: sentences ("trained on 2T tokens", "7.7M GPU hours", "emissions were 2290 tCO2eq").

`grammar.py` holds what they share: how numbers, units, accelerators, durations and sizes are written.
A line read by an earlier reader is not read again by a later one.
"""

from .grammar import name_tokens
from .reader import DESCRIPTION_COMPUTE_FIELDS, facts_from_prose, first_heading

__all__ = ["DESCRIPTION_COMPUTE_FIELDS", "facts_from_prose", "first_heading", "name_tokens"]
