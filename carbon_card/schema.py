"""The published JSON Schema of the `co2_eq_emissions` block, loaded once, and its validator.

The schema file is the single source of the block's field types: `check` validates the
fields with it (rule CC109), and `carbon-card schema` prints it for other tools.

The validator here knows the JSON Schema (2020-12) keywords that file uses, and nothing
more: `check` runs once per commit in a pre-commit hook, and importing jsonschema was a third
of its start-up. It reports what jsonschema reports (the same errors, chosen as its
`best_match` chooses them, with the same messages); `tests/test_schema.py` holds jsonschema
as the oracle. A schema that uses a keyword this validator does not know is refused
(`SchemaKeywordError`) when the validator is built, so the two cannot drift apart silently.
"""

from __future__ import annotations

import functools
import json
import os
import re
from typing import Any, Callable, Iterator, NamedTuple

__all__ = [
    "SCHEMA_FILE", "SchemaKeywordError", "Violation", "schema_text", "schema", "known_keys", "field_error",
    "block_error", "violations", "best_match",
]

SCHEMA_FILE = "co2_eq_emissions.schema.json"
DIALECT = "https://json-schema.org/draft/2020-12/schema"


def _schema_path() -> str:
    """The schema as published: inside the wheel, or at the root of a source checkout."""
    here = os.path.dirname(os.path.abspath(__file__))
    packaged = os.path.join(here, "schemas", SCHEMA_FILE)
    if os.path.isfile(packaged):
        return packaged
    # An editable install or a source checkout: the file at the repository root.
    return os.path.join(os.path.dirname(here), "schemas", SCHEMA_FILE)


@functools.lru_cache(maxsize=None)
def schema_text() -> str:
    with open(_schema_path(), "rb") as handle:
        return handle.read().decode("utf-8")


@functools.lru_cache(maxsize=None)
def schema() -> dict[str, Any]:
    return json.loads(schema_text())


@functools.lru_cache(maxsize=None)
def known_keys() -> tuple[str, ...]:
    """The keys the schema defines for the mapping form, in schema order."""
    return tuple(schema()["$defs"]["block"]["properties"])


def field_error(key: str, value: Any) -> str | None:
    """The schema's complaint about one field of the block, or None when the value is valid."""
    error = best_match(violations(value, _validator().fields[key]))
    return None if error is None else error.message


def block_error(value: Any) -> str | None:
    """The schema's complaint about a whole `co2_eq_emissions` value, or None when it is valid."""
    error = best_match(violations(value, schema()))
    return None if error is None else error.message


# --------------------------------------------------------------------------- the validator


class SchemaKeywordError(ValueError):
    """The schema uses a keyword (or a form of one) that this validator does not implement."""


class Violation(NamedTuple):
    """One complaint of the schema about a value: what jsonschema's `ValidationError` carries."""

    message: str
    path: tuple[Any, ...]  # the keys from the validated value down to the offending one
    keyword: str | None  # the keyword that failed (None for a `false` schema)
    schema: Any  # the (sub)schema holding that keyword
    instance: Any  # the offending value
    context: tuple["Violation", ...] = ()  # anyOf / oneOf: the errors of every branch


def violations(instance: Any, subschema: Any = None) -> Iterator[Violation]:
    """Every complaint of `subschema` (the whole schema by default) about `instance`, in
    jsonschema's order; `$ref`s resolve against the whole published schema."""
    validator = _validator()
    return validator.errors(validator.root if subschema is None else subschema, instance, ())


def best_match(errors: Iterator[Violation]) -> Violation | None:
    """The error jsonschema's `best_match` picks: the shallowest, except that a failed anyOf or
    oneOf gives way to its deepest branch error when one stands out."""
    best = max(errors, key=_relevance, default=None)
    while best is not None and best.context:
        first, *rest = sorted(best.context, key=_relevance)[:2]
        if rest and _relevance(first) == _relevance(rest[0]):
            return best
        best = first
    return best


_WEAK = frozenset({"anyOf", "oneOf"})


def _relevance(error: Violation) -> tuple:
    return (-len(error.path), error.path, error.keyword not in _WEAK, False, not _matches_type(error))


def _matches_type(error: Violation) -> bool:
    expected = error.schema.get("type") if isinstance(error.schema, dict) else None
    if expected is None:
        return False
    return any(_TYPES[name](error.instance) for name in ([expected] if isinstance(expected, str) else expected))


def _is_number(value: Any) -> bool:
    # What jsonschema calls a number, for the values YAML gives (int, float; never a bool).
    return isinstance(value, (int, float)) and not isinstance(value, bool)


_TYPES: dict[str, Callable[[Any], bool]] = {
    "array": lambda value: isinstance(value, list),
    "boolean": lambda value: isinstance(value, bool),
    "integer": lambda value: _is_number(value) and (isinstance(value, int) or value.is_integer()),
    "null": lambda value: value is None,
    "number": _is_number,
    "object": lambda value: isinstance(value, dict),
    "string": lambda value: isinstance(value, str),
}


def _equal(one: Any, two: Any) -> bool:
    """JSON equality (jsonschema's `equal`): true and 1 differ, lists and mappings compare by item."""
    if one is two:
        return True
    if isinstance(one, str) or isinstance(two, str):
        return one == two
    if isinstance(one, (list, tuple)) and isinstance(two, (list, tuple)):
        return len(one) == len(two) and all(_equal(a, b) for a, b in zip(one, two))
    if isinstance(one, dict) and isinstance(two, dict):
        return len(one) == len(two) and all(key in two and _equal(value, two[key]) for key, value in one.items())
    if isinstance(one, bool) or isinstance(two, bool):
        return isinstance(one, bool) and isinstance(two, bool) and one == two
    return one == two


class _Validator:
    """The published schema, checked once for keywords this module knows, with its `$ref`s resolved."""

    def __init__(self, root: dict[str, Any]):
        if root.get("$schema") != DIALECT:
            raise SchemaKeywordError(f"the schema's $schema is {root.get('$schema')!r}; this validator knows {DIALECT}")
        self.root = root
        self.refs: dict[str, Any] = {}
        self._check(root, "#")
        self.fields = root["$defs"]["block"]["properties"]

    def _check(self, node: Any, where: str) -> None:
        """Refuse a keyword, a type name or a reference this validator does not implement."""
        if isinstance(node, bool):
            return
        if not isinstance(node, dict):
            raise SchemaKeywordError(f"{where}: a schema must be an object or a boolean, not {node!r}")
        for keyword, value in node.items():
            at = f"{where}/{keyword}"
            if keyword in _ANNOTATIONS:
                continue
            if keyword == "$defs" or keyword == "properties":
                for name, subschema in value.items():
                    self._check(subschema, f"{at}/{name}")
            elif keyword in ("anyOf", "oneOf", "allOf"):
                for index, subschema in enumerate(value):
                    self._check(subschema, f"{at}/{index}")
            elif keyword == "additionalProperties":
                self._check(value, at)
            elif keyword == "$ref":
                self.refs[value] = self._resolve(value, at)
            elif keyword == "type":
                names = [value] if isinstance(value, str) else value
                unknown = [name for name in names if name not in _TYPES]
                if unknown:
                    raise SchemaKeywordError(f"{at}: unknown type {unknown[0]!r}")
            elif keyword == "pattern":
                re.compile(value)
            elif keyword not in _KEYWORDS:
                raise SchemaKeywordError(
                    f"{at}: the keyword {keyword!r} is not implemented by carbon_card.schema's validator; "
                    "implement it there (tests/test_schema.py compares it with jsonschema)")

    def _resolve(self, ref: str, where: str) -> Any:
        # Only references inside this document (JSON pointers in the fragment) are implemented.
        if not ref.startswith("#") or "%" in ref:
            raise SchemaKeywordError(f"{where}: only local references are implemented, not {ref!r}")
        target: Any = self.root
        for part in ref[1:].split("/")[1:]:
            part = part.replace("~1", "/").replace("~0", "~")
            if not isinstance(target, dict) or part not in target:
                raise SchemaKeywordError(f"{where}: {ref!r} points at nothing")
            target = target[part]
        return target

    def errors(self, subschema: Any, instance: Any, path: tuple[Any, ...]) -> Iterator[Violation]:
        if subschema is True:
            return
        if subschema is False:
            yield Violation(f"False schema does not allow {instance!r}", path, None, subschema, instance)
            return
        for keyword, value in subschema.items():
            check = _KEYWORDS.get(keyword)
            if check is not None:
                yield from check(self, value, instance, subschema, path)


# Each keyword as jsonschema's `_keywords` module implements it (messages word for word).
_Check = Callable[[_Validator, Any, Any, dict, tuple], Iterator[Violation]]


def _type(v: _Validator, types: Any, instance: Any, schema: dict, path: tuple) -> Iterator[Violation]:
    names = [types] if isinstance(types, str) else types
    if not any(_TYPES[name](instance) for name in names):
        reprs = ", ".join(repr(name) for name in names)
        yield Violation(f"{instance!r} is not of type {reprs}", path, "type", schema, instance)


def _enum(v: _Validator, enums: Any, instance: Any, schema: dict, path: tuple) -> Iterator[Violation]:
    if all(not _equal(each, instance) for each in enums):
        yield Violation(f"{instance!r} is not one of {enums!r}", path, "enum", schema, instance)


def _const(v: _Validator, const: Any, instance: Any, schema: dict, path: tuple) -> Iterator[Violation]:
    if not _equal(instance, const):
        yield Violation(f"{const!r} was expected", path, "const", schema, instance)


def _bound(keyword: str, fails: Callable[[Any, Any], bool], words: str) -> _Check:
    def check(v: _Validator, bound: Any, instance: Any, schema: dict, path: tuple) -> Iterator[Violation]:
        if _is_number(instance) and fails(instance, bound):
            yield Violation(f"{instance!r} is {words} {bound!r}", path, keyword, schema, instance)
    return check


def _length(keyword: str, fails: Callable[[int, int], bool], edge: int, edge_words: str, words: str) -> _Check:
    def check(v: _Validator, limit: int, instance: Any, schema: dict, path: tuple) -> Iterator[Violation]:
        if isinstance(instance, str) and fails(len(instance), limit):
            yield Violation(f"{instance!r} {edge_words if limit == edge else words}", path, keyword, schema, instance)
    return check


def _pattern(v: _Validator, pattern: str, instance: Any, schema: dict, path: tuple) -> Iterator[Violation]:
    if isinstance(instance, str) and not re.search(pattern, instance):
        yield Violation(f"{instance!r} does not match {pattern!r}", path, "pattern", schema, instance)


def _ref(v: _Validator, ref: str, instance: Any, schema: dict, path: tuple) -> Iterator[Violation]:
    yield from v.errors(v.refs[ref], instance, path)  # the target's own errors, as they are


def _all_of(v: _Validator, subschemas: list, instance: Any, schema: dict, path: tuple) -> Iterator[Violation]:
    for subschema in subschemas:
        yield from v.errors(subschema, instance, path)


def _any_of(v: _Validator, subschemas: list, instance: Any, schema: dict, path: tuple) -> Iterator[Violation]:
    context: list[Violation] = []
    for subschema in subschemas:
        found = list(v.errors(subschema, instance, path))
        if not found:
            return
        context.extend(found)
    yield Violation(f"{instance!r} is not valid under any of the given schemas", path, "anyOf", schema, instance,
                    tuple(context))


def _one_of(v: _Validator, subschemas: list, instance: Any, schema: dict, path: tuple) -> Iterator[Violation]:
    context: list[Violation] = []
    for index, subschema in enumerate(subschemas):
        found = list(v.errors(subschema, instance, path))
        if not found:
            break
        context.extend(found)
    else:
        yield Violation(f"{instance!r} is not valid under any of the given schemas", path, "oneOf", schema, instance,
                        tuple(context))
        return
    more = [each for each in subschemas[index + 1:] if next(v.errors(each, instance, path), None) is None]
    if more:
        reprs = ", ".join(repr(each) for each in [*more, subschema])
        yield Violation(f"{instance!r} is valid under each of {reprs}", path, "oneOf", schema, instance)


def _properties(v: _Validator, properties: dict, instance: Any, schema: dict, path: tuple) -> Iterator[Violation]:
    if isinstance(instance, dict):
        for name, subschema in properties.items():
            if name in instance:
                yield from v.errors(subschema, instance[name], (*path, name))


def _required(v: _Validator, required: list, instance: Any, schema: dict, path: tuple) -> Iterator[Violation]:
    if isinstance(instance, dict):
        for name in required:
            if name not in instance:
                yield Violation(f"{name!r} is a required property", path, "required", schema, instance)


def _additional(v: _Validator, allowed: Any, instance: Any, schema: dict, path: tuple) -> Iterator[Violation]:
    if not isinstance(instance, dict):
        return
    extras = [name for name in instance if name not in schema.get("properties", {})]
    if isinstance(allowed, dict):
        for name in extras:
            yield from v.errors(allowed, instance[name], (*path, name))
    elif not allowed and extras:
        extras.sort(key=str)
        verb = "was" if len(extras) == 1 else "were"
        listed = ", ".join(repr(name) for name in extras)
        yield Violation(f"Additional properties are not allowed ({listed} {verb} unexpected)", path,
                        "additionalProperties", schema, instance)


_KEYWORDS: dict[str, _Check] = {
    "type": _type,
    "enum": _enum,
    "const": _const,
    "minimum": _bound("minimum", lambda x, b: x < b, "less than the minimum of"),
    "exclusiveMinimum": _bound("exclusiveMinimum", lambda x, b: x <= b, "less than or equal to the minimum of"),
    "maximum": _bound("maximum", lambda x, b: x > b, "greater than the maximum of"),
    "exclusiveMaximum": _bound("exclusiveMaximum", lambda x, b: x >= b, "greater than or equal to the maximum of"),
    "minLength": _length("minLength", lambda n, m: n < m, 1, "should be non-empty", "is too short"),
    "maxLength": _length("maxLength", lambda n, m: n > m, 0, "is expected to be empty", "is too long"),
    "pattern": _pattern,
    "$ref": _ref,
    "allOf": _all_of,
    "anyOf": _any_of,
    "oneOf": _one_of,
    "properties": _properties,
    "required": _required,
    "additionalProperties": _additional,
}

# Keywords that say something about the schema, not about the value; `$defs` holds the
# targets of `$ref` (checked through the walk of `_Validator._check`).
_ANNOTATIONS = frozenset({"$schema", "$id", "$comment", "title", "description", "default", "examples", "deprecated"})


@functools.lru_cache(maxsize=None)
def _validator() -> _Validator:
    return _Validator(schema())
