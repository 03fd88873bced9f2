"""The published JSON Schema of the `co2_eq_emissions` block, loaded once.

The schema file is the single source of the block's field types: `check` validates the
fields with it (rule CC109), and `carbon-card schema` prints it for other tools.
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from pathlib import Path
from typing import Any, Callable

__all__ = ["SCHEMA_FILE", "schema_text", "schema", "known_keys", "field_error", "block_error"]

SCHEMA_FILE = "co2_eq_emissions.schema.json"


@functools.lru_cache(maxsize=None)
def schema_text() -> str:
    """The schema as published: inside the wheel, or at the root of a source checkout."""
    packaged = resources.files("carbon_card") / "schemas" / SCHEMA_FILE
    if packaged.is_file():
        return packaged.read_bytes().decode("utf-8")
    # An editable install or a source checkout: the file at the repository root.
    return (Path(__file__).resolve().parent.parent / "schemas" / SCHEMA_FILE).read_bytes().decode("utf-8")


@functools.lru_cache(maxsize=None)
def schema() -> dict[str, Any]:
    return json.loads(schema_text())


@functools.lru_cache(maxsize=None)
def known_keys() -> tuple[str, ...]:
    """The keys the schema defines for the mapping form, in schema order."""
    return tuple(schema()["$defs"]["block"]["properties"])


@functools.lru_cache(maxsize=None)
def _field_validators() -> dict[str, Callable[[Any], str | None]]:
    # jsonschema is imported only when a card has fields to validate: it is the slowest import.
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import best_match

    root = schema()
    validators = {}
    for key, subschema in root["$defs"]["block"]["properties"].items():
        # Each field's schema resolves its $refs against the whole document.
        validator = Draft202012Validator({**subschema, "$defs": root["$defs"]})

        def first_error(value: Any, validator: Draft202012Validator = validator) -> str | None:
            error = best_match(validator.iter_errors(value))
            return None if error is None else error.message

        validators[key] = first_error
    return validators


def field_error(key: str, value: Any) -> str | None:
    """The schema's complaint about one field of the block, or None when the value is valid."""
    return _field_validators()[key](value)


@functools.lru_cache(maxsize=None)
def _block_validator():
    from jsonschema import Draft202012Validator

    return Draft202012Validator(schema())


def block_error(value: Any) -> str | None:
    """The schema's complaint about a whole `co2_eq_emissions` value, or None when it is valid."""
    from jsonschema.exceptions import best_match

    error = best_match(_block_validator().iter_errors(value))
    return None if error is None else error.message
