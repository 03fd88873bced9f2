"""Configuration: `[tool.carbon-card]` in `pyproject.toml`, or `carbon-card.toml` / `.carbon-card.toml`.

Found as ruff finds its own: each card takes the nearest configuration file walking up from
its folder (in one folder `.carbon-card.toml`, then `carbon-card.toml`, then a
`pyproject.toml` that has the table; one without it does not count). `--config PATH` names
one file for every card and `--isolated` reads none. Globs are relative to the file's folder
(to the working folder for a file named by `--config`, as in ruff). Options given on the
command line win over the file.

A broken file (invalid TOML, an unknown key or rule code, a value of the wrong type) is one
`ConfigError` naming the file and the line; the run checks nothing with it. This module
imports only what `check` has already imported; TOML is parsed only when a file is found.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from ._regex import lazy_compile
from .rules import RULES

__all__ = ["CONFIG_FILES", "DEFAULT_INCLUDE", "FAIL_ON", "KEYS", "CardSettings", "ConfigError", "Configuration",
           "Settings", "load"]

CONFIG_FILES = (".carbon-card.toml", "carbon-card.toml", "pyproject.toml")
"""The names looked for in each folder, first wins (ruff's order: `.ruff.toml`, `ruff.toml`, `pyproject.toml`)."""

KEYS = ("select", "ignore", "extend-select", "per-file-ignores", "include", "extend-include", "exclude",
        "extend-exclude", "force-exclude", "fail-on", "unsafe-fixes", "model-id", "fill-template")

DEFAULT_INCLUDE = ("README.md",)
"""The files a directory argument takes as cards unless `include` says otherwise: the Hub's name."""

FAIL_ON = ("error", "warning", "info", "never")

_TABLE = "carbon-card"
_TABLE_HEADER_RE = lazy_compile(r"""^[ \t]*\[[ \t]*tool[ \t]*\.[ \t]*["']?carbon-card\b""", re.MULTILINE)


class ConfigError(Exception):
    """A configuration file that cannot be used: one line naming the file and, when known, the line."""

    def __init__(self, path: str, line: int | None, message: str):
        super().__init__(message)
        self.path, self.line, self.message = path, line, message

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}" if self.line else f"{self.path}: {self.message}"


@dataclass(frozen=True)
class Settings:
    """What one configuration file (or the command line) sets; None or () where it sets nothing."""

    path: str | None = None
    """The file read (None: the command line)."""
    root: str = "."
    """The folder its globs are relative to: the file's folder (the working folder for the command line)."""
    select: tuple[str, ...] | None = None
    """Rule codes or prefixes (`CC2`, `ALL`) to report; None: every rule, or what the file below says."""
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """(glob, codes) pairs: those codes are not reported for the cards the glob matches."""
    include: tuple[str, ...] | None = None
    """Globs of the files a directory argument takes as cards; None: `DEFAULT_INCLUDE`, or what the file says."""
    extend_include: tuple[str, ...] = ()
    exclude: tuple[str, ...] | None = None
    """Globs of paths not checked at all (replaces the file's list when given on the command line)."""
    extend_exclude: tuple[str, ...] = ()
    force_exclude: bool | None = None
    """Exclude even paths named explicitly (pre-commit names every file it passes)."""
    fail_on: str | None = None
    unsafe_fixes: bool | None = None
    model_id: tuple[tuple[str, str], ...] = ()
    """(glob, model id) pairs, first match wins: a folder's cards each name their own model."""
    fill_template: bool | None = None


@dataclass(frozen=True)
class CardSettings:
    """What applies to one card: its configuration file with the command line over it."""

    enabled: frozenset[str] | None
    """The rule codes reported for this card; None: every rule (no selection anywhere)."""
    fail_on: str
    unsafe_fixes: bool
    fill_template: bool
    model_id: str | None


class Configuration:
    """The settings of every card of one run: configuration files, each read once, and the
    command line over them."""

    def __init__(self, cli: Settings | None = None, config: str | None = None, isolated: bool = False,
                 model_id: str | None = None, warn: Callable[[str], None] | None = None):
        self.cli = cli or Settings(root=os.getcwd())
        self.model_id = model_id
        self.warn = warn or (lambda message: print(message, file=sys.stderr))
        self._files: dict[str, Settings | None] = {}
        self._folders: dict[str, Settings] = {}
        self._given: dict[str, Settings] = {}  # the same, by the folder as the paths give it
        self._includes: dict[str, list[tuple[str, str]]] = {}
        self._enabled: dict[Settings, frozenset[str] | None] = {}
        self._fixed: Settings | None = None
        if config is not None:
            # As in ruff, the globs of a file named on the command line are relative to the working folder.
            self._fixed = self._load(config, required=True, root=os.getcwd())
        elif isolated:
            self._fixed = Settings()

    def settings(self, path: str) -> Settings:
        """The configuration file's settings for a card (or a folder) at `path`."""
        if self._fixed is not None:
            return self._fixed
        given = os.path.dirname(path)  # asked for every card and folder: abspath once per folder
        if given in self._given:
            return self._given[given]
        folder = os.path.dirname(os.path.abspath(path))
        walked = []
        found = None
        while found is None:
            if folder in self._folders:
                found = self._folders[folder]
                break
            walked.append(folder)
            for name in CONFIG_FILES:
                candidate = os.path.join(folder, name)
                if os.path.isfile(candidate):
                    found = self._load(candidate, required=name != "pyproject.toml")
                    if found is not None:
                        break
            parent = os.path.dirname(folder)
            if found is None and parent == folder:
                found = Settings()  # no file up to the root: the defaults
            folder = parent
        for folder in walked:
            self._folders[folder] = found
        self._given[given] = found
        return found

    def _load(self, path: str, required: bool, root: str | None = None) -> Settings | None:
        if path not in self._files:
            self._files[path] = load(path, required, self.warn, root)
        return self._files[path]

    def excluded(self, path: str, explicit: bool = False) -> bool:
        """Whether a path (a card, or a folder to search) is not checked. A path named on the
        command line is checked anyway, unless `force-exclude` (as in ruff)."""
        settings, cli = self.settings(path), self.cli
        if explicit and not _first(cli.force_exclude, settings.force_exclude, False):
            return False
        globs = [(cli.root, cli.exclude)] if cli.exclude is not None else [(settings.root, settings.exclude or ())]
        globs += [(settings.root, settings.extend_exclude), (cli.root, cli.extend_exclude)]
        return any(matches(glob, path, root) for root, patterns in globs for glob in patterns)

    def included(self, path: str) -> bool:
        """Whether a file a directory argument holds is a card to check: it matches `include` or
        `extend-include` (a file named on the command line is checked whatever its name)."""
        return any(matches_file(glob, path, root) for root, glob in self._include_globs(path))

    def card_names(self, path: str) -> tuple[str, ...]:
        """The `include` and `extend-include` globs that apply at `path`, for a message."""
        return tuple(dict.fromkeys(glob for _, glob in self._include_globs(path)))

    def _include_globs(self, path: str) -> list[tuple[str, str]]:
        folder = os.path.dirname(path)
        if folder not in self._includes:
            self._includes[folder] = self._globs_of(self.settings(path))
        return self._includes[folder]

    def _globs_of(self, settings: Settings) -> list[tuple[str, str]]:
        cli = self.cli
        if cli.include is not None:
            globs = [(cli.root, glob) for glob in cli.include]
        else:
            globs = [(settings.root, glob) for glob in _first(settings.include, DEFAULT_INCLUDE)]
        return globs + [(settings.root, glob) for glob in settings.extend_include] + \
            [(cli.root, glob) for glob in cli.extend_include]

    def for_card(self, path: str) -> CardSettings:
        settings, cli = self.settings(path), self.cli
        enabled = self._enabled.get(settings, ...)
        if enabled is ...:
            levels = [(s.select, s.ignore, s.extend_select) for s in (settings, cli)]
            plain = all(select is None and not ignore and not extend for select, ignore, extend in levels)
            enabled = None if plain else select_rules(levels)
            self._enabled[settings] = enabled
        ignored = {code for glob, codes in settings.per_file_ignores if matches(glob, path, settings.root)
                   for code in expand(codes)}
        if ignored:
            enabled = (frozenset(RULES) if enabled is None else enabled) - ignored
        model_id = self.model_id or next(
            (name for glob, name in settings.model_id if matches(glob, path, settings.root)), None)
        return CardSettings(
            enabled,
            _first(cli.fail_on, settings.fail_on, "warning"),
            _first(cli.unsafe_fixes, settings.unsafe_fixes, False),
            _first(cli.fill_template, settings.fill_template, False),
            model_id,
        )


def _first(*values: Any) -> Any:
    return next(value for value in values if value is not None)


# --------------------------------------------------------------------------- rule selection


def is_selector(text: str) -> bool:
    """A rule code, a prefix of codes (`CC2`, `CC20`) or `ALL`, as ruff takes them."""
    return text == "ALL" or (bool(re.fullmatch(r"CC[0-9]{0,3}", text)) and any(c.startswith(text) for c in RULES))


def expand(selectors: Iterable[str]) -> set[str]:
    return {code for selector in selectors for code in RULES if selector == "ALL" or code.startswith(selector)}


def select_rules(levels: Iterable[tuple[tuple[str, ...] | None, Iterable[str], Iterable[str]]]) -> frozenset[str]:
    """The enabled codes from (select, ignore, extend-select) levels, the configuration file's then
    the command line's, as ruff resolves them: a level's `select` starts afresh; within a level the
    most specific selector wins (`ignore CC2` with `select CC203` keeps CC203), an ignore on a tie."""
    enabled = set(RULES)
    for select, ignore, extend_select in levels:
        on = [*(select or ()), *extend_select]
        if select is not None:
            enabled = set()
        for code in RULES:
            best_on = max((_specificity(s) for s in on if _covers(s, code)), default=-1)
            best_off = max((_specificity(s) for s in ignore if _covers(s, code)), default=-1)
            if best_off >= 0 and best_off >= best_on:
                enabled.discard(code)
            elif best_on >= 0:
                enabled.add(code)
    return frozenset(enabled)


def _covers(selector: str, code: str) -> bool:
    return selector == "ALL" or code.startswith(selector)


def _specificity(selector: str) -> int:
    return 0 if selector == "ALL" else len(selector)


# --------------------------------------------------------------------------- globs


def matches(glob: str, path: str, root: str) -> bool:
    """Whether a glob matches a path, or a folder above it, relative to `root`.

    `*` and `?` do not cross `/`, `**` matches any number of folders; a glob without `/`
    matches a file or folder name anywhere (`README.md`, `docs`), like ruff's and git's."""
    anchored, pattern = _glob_regex(glob)
    parts = _relative(path, root).split("/")
    if parts[0] == "..":
        # Outside the glob's folder: only a name glob can say anything about it.
        return not anchored and bool(pattern.fullmatch(parts[-1]))
    if anchored:
        return any(pattern.fullmatch("/".join(parts[:i])) for i in range(1, len(parts) + 1))
    return any(pattern.fullmatch(part) for part in parts)


def matches_file(glob: str, path: str, root: str) -> bool:
    """Whether a glob matches a file itself (not a folder above it): a glob without `/` its
    name, one with `/` its path from `root` (`cards/*.md`, `**/MODEL_CARD.md`)."""
    anchored, pattern = _glob_regex(glob)
    if not anchored:
        return bool(pattern.fullmatch(os.path.basename(path)))
    relative = _relative(path, root)
    return not relative.startswith("../") and bool(pattern.fullmatch(relative))


_ROOTS: dict[str, str] = {}


def _relative(path: str, root: str) -> str:
    """`path` relative to `root`, with `/`: os.path.relpath's answer, without its cost for a
    path below the root (every card of a run, against a handful of roots)."""
    base = _ROOTS.get(root)
    if base is None:
        base = os.path.abspath(root)
        if base == root:  # a relative root moves with the working folder
            _ROOTS[root] = base
    absolute = os.path.abspath(path)
    if absolute.startswith(base) and absolute[len(base) : len(base) + 1] == os.sep and base != os.sep:
        return absolute[len(base) + 1 :].replace(os.sep, "/")
    return os.path.relpath(absolute, base).replace(os.sep, "/")


def glob_problem(glob: str) -> str | None:
    """Why a glob cannot be used (an empty one, a character class that is not one), or None."""
    if not glob.strip("/"):
        return "an empty glob"
    try:
        _glob_regex(glob)
    except re.error as error:
        return f"not a glob ({error})"
    return None


_GLOBS: dict[str, tuple[bool, re.Pattern[str]]] = {}


def _glob_regex(glob: str) -> tuple[bool, re.Pattern[str]]:
    if glob not in _GLOBS:
        text = glob.replace(os.sep, "/").rstrip("/")
        anchored = "/" in text  # `docs/x.md`, `./README.md`, `/README.md`: from the root only
        text = text.removeprefix("./").lstrip("/")
        out, i = [], 0
        while i < len(text):
            if text.startswith("**/", i):
                out.append("(?:.*/)?")
                i += 3
                continue
            if text.startswith("**", i):
                out.append(".*")
                i += 2
                continue
            char = text[i]
            end = text.find("]", i + 2) if char == "[" else -1
            if char == "*":
                out.append("[^/]*")
            elif char == "?":
                out.append("[^/]")
            elif end > 0:
                body = text[i + 1 : end]
                out.append("[" + ("^" + body[1:] if body.startswith("!") else body).replace("\\", "\\\\") + "]")
                i = end
            else:
                out.append(re.escape(char))
            i += 1
        _GLOBS[glob] = anchored, re.compile("".join(out), re.DOTALL)
    return _GLOBS[glob]


def _unmatched_globs(settings: Settings, text: str, start: int) -> Iterable[str]:
    """A warning for each per-file-ignores glob that matches no file under the configuration's
    folder: a typo, or a folder renamed since (not an error: the glob may be for files to come)."""
    import glob as globbing

    hidden = {"include_hidden": True} if sys.version_info >= (3, 11) else {}
    for pattern, _ in settings.per_file_ignores:
        anchored, _regex = _glob_regex(pattern)
        relative = pattern.replace(os.sep, "/").rstrip("/").removeprefix("./").lstrip("/")
        pattern_path = os.path.join(globbing.escape(settings.root), relative if anchored else "**/" + relative)
        # `a/**` yields `a/` even when there is no `a`: what glob yields must exist.
        found = next((p for p in globbing.iglob(pattern_path, recursive=True, **hidden) if os.path.lexists(p)), None)
        if found is None:
            line = _line_of(text, pattern, start)
            yield f"{settings.path}:{line}: warning: per-file-ignores glob `{pattern}` matches no file"


# --------------------------------------------------------------------------- reading a file


def load(path: str, required: bool = True, warn: Callable[[str], None] | None = None,
         root: str | None = None) -> Settings | None:
    """The settings of one configuration file. A `pyproject.toml` takes its `[tool.carbon-card]`
    table and, without one, gives None (unless `required`: then empty settings); any other file
    takes its top-level keys. Globs are relative to `root` (the file's folder by default).
    Raises `ConfigError`; `warn` gets each warning."""
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(path, None, f"cannot read the configuration: {getattr(error, 'strerror', None) or error}") \
            from None
    root = root or os.path.dirname(os.path.abspath(path))
    relative = os.path.relpath(path)
    path = relative if not relative.startswith("..") else path  # named as the user would
    is_pyproject = os.path.basename(path) == "pyproject.toml"
    if is_pyproject and _TABLE not in text:
        return Settings(path, root) if required else None  # not even parsed: most have no such table
    data = _parse(path, text)
    start = 1
    if is_pyproject:
        table = data.get("tool", {}).get(_TABLE) if isinstance(data.get("tool"), dict) else None
        if table is None:
            return Settings(path, root) if required else None
        header = _TABLE_HEADER_RE.search(text)
        start = text.count("\n", 0, header.start()) + 1 if header else 1
        if not isinstance(table, dict):
            raise ConfigError(path, start, "`tool.carbon-card` must be a table")
    else:
        table = data
    settings = _settings(path, root, text, table, start)
    for warning in _unmatched_globs(settings, text, start):
        (warn or (lambda message: print(message, file=sys.stderr)))(warning)
    return settings


def _parse(path: str, text: str) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        at = re.search(r"\s*\(at line (\d+), column (\d+)\)$", message)
        if at:
            raise ConfigError(path, int(at.group(1)), f"invalid TOML: {message[: at.start()]} (column {at.group(2)})") \
                from None
        line = text.count("\n") + 1 if "end of document" in message else None
        raise ConfigError(path, line, f"invalid TOML: {message.removesuffix(' (at end of document)')}") from None


def _settings(path: str, root: str, text: str, table: dict[str, Any], start: int) -> Settings:
    """Every key checked before any is used: a half-read configuration checks nothing."""

    def fail(key: str, message: str, needle: str | None = None):
        raise ConfigError(path, _line_of(text, key, start, needle), message)

    for key in table:
        if key not in KEYS:
            import difflib

            close = difflib.get_close_matches(str(key).replace("_", "-"), KEYS, n=1)
            hint = f"; did you mean `{close[0]}`?" if close else f" (known keys: {', '.join(KEYS)})"
            fail(key, f"unknown key `{key}`{hint}")

    def strings(key: str, value: Any) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            fail(key, f"`{key}` must be a list of strings")
        return tuple(value)

    def globs(key: str, value: Any) -> tuple[str, ...]:
        patterns = strings(key, value)
        for pattern in patterns:
            problem = glob_problem(pattern)
            if problem is None and key.endswith("include") and pattern.endswith("/"):
                problem = "a folder: `include` globs name card files"
            if problem is not None:
                fail(key, f"`{key}`: `{pattern}` is {problem}", needle=pattern)
        return patterns

    def codes(key: str, value: Any) -> tuple[str, ...]:
        selectors = strings(key, value)
        for selector in selectors:
            if not is_selector(selector):
                fail(key, f"unknown rule code `{selector}` in `{key}` (see `carbon-card rules`)", needle=selector)
        return selectors

    def table_of(key: str, value_check: Callable[[str, Any], Any]) -> tuple[tuple[str, Any], ...]:
        value = table[key]
        if not isinstance(value, dict):
            fail(key, f"`{key}` must be a table of globs")
        globs(key, list(value))
        return tuple((glob, value_check(key, item)) for glob, item in value.items())

    def boolean(key: str) -> bool | None:
        value = table.get(key)
        if value is not None and not isinstance(value, bool):
            fail(key, f"`{key}` must be true or false")
        return value

    def model_name(key: str, value: Any) -> str:
        if not isinstance(value, str) or not value.strip():
            fail(key, f"`{key}` must map globs to model ids (strings)")
        return value

    fail_on = table.get("fail-on")
    if fail_on is not None and fail_on not in FAIL_ON:
        fail("fail-on", f"`fail-on` must be one of {', '.join(FAIL_ON)}, not {fail_on!r}")
    return Settings(
        path=path,
        root=root,
        select=codes("select", table["select"]) if "select" in table else None,
        ignore=codes("ignore", table.get("ignore", [])),
        extend_select=codes("extend-select", table.get("extend-select", [])),
        per_file_ignores=table_of("per-file-ignores", codes) if "per-file-ignores" in table else (),
        include=globs("include", table["include"]) if "include" in table else None,
        extend_include=globs("extend-include", table.get("extend-include", [])),
        exclude=globs("exclude", table["exclude"]) if "exclude" in table else None,
        extend_exclude=globs("extend-exclude", table.get("extend-exclude", [])),
        force_exclude=boolean("force-exclude"),
        fail_on=fail_on,
        unsafe_fixes=boolean("unsafe-fixes"),
        model_id=table_of("model-id", model_name) if "model-id" in table else (),
        fill_template=boolean("fill-template"),
    )


def _line_of(text: str, key: str, start: int = 1, needle: str | None = None) -> int:
    """The line of `key` (or of the quoted `needle` after it) in a TOML text, from line `start`."""
    quoted = re.escape(key)
    key_re = re.compile(rf"""^[ \t]*(?:["']{quoted}["']|{quoted})[ \t]*=|^[ \t]*\[[^\]]*\b{quoted}["']?[ \t]*\]""")
    lines = text.splitlines()
    for index in range(start - 1, len(lines)):
        if key_re.search(lines[index]):
            if needle is None:
                return index + 1
            for later in range(index, len(lines)):
                if re.search(rf"""["']{re.escape(needle)}["']""", lines[later]):
                    return later + 1
            return index + 1
    return start
