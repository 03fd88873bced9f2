"""carbon-card: lint, estimate and fix the carbon disclosure of Hugging Face model cards.

The pipeline, one module a stage: `card` (read and parse) -> `assessment` (rules and
findings) -> `report` (formatters); `cli` is the command line.
"""

__version__ = "0.1.0"
