import io
import os
import subprocess
import sys
import traceback
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "corpus"
sys.path.insert(0, str(CORPUS))  # the castano card builder


@pytest.fixture
def write_card(tmp_path):
    """Write a card's text (or bytes) to a README.md in a fresh folder and return its path."""
    counter = iter(range(10**6))

    def write(content, name="README.md"):
        folder = tmp_path / f"card{next(counter)}"
        folder.mkdir()
        path = folder / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_bytes(content.encode("utf-8"))
        return path

    return write


def fuzz_examples(in_ci: int, developer: int) -> int:
    """How many examples a property test draws: `CARBON_CARD_FUZZ` when set, else the larger
    count in CI (.ci/run exports CI) and the smaller in a developer's `pytest -m "not slow"`."""
    import os

    if os.environ.get("CARBON_CARD_FUZZ"):
        return int(os.environ["CARBON_CARD_FUZZ"])
    return in_ci if os.environ.get("CI") else developer


class _Kept(io.BytesIO):
    """Output that the command may close (as `main` closes stderr on a broken pipe) and still be read."""

    def close(self) -> None:
        pass


def run_cli(*args, cwd=ROOT, input: bytes | str | None = None, env: dict | None = None,
            text: bool = True) -> subprocess.CompletedProcess:
    """`python -m carbon_card *args` run in this process, as `subprocess.run(..., capture_output=True)`
    reports it: exit code, stdout, stderr (text with universal newlines, or bytes). Some 0.3 s of
    interpreter start-up less per call. The command sees what a process with pipes sees: its own
    stdin (`input`, else empty), stdout and stderr that are not terminals, `cwd`, the environment
    `env` (whole, as subprocess takes it) or this one, `sys.argv`. An exception it lets out becomes
    a traceback on stderr and exit code 1, as Python's own. Tests of the process itself (start-up,
    `--version`, signals, a pipe, a terminal, time or memory bounds, a crash that would take pytest
    down) use `run_process`."""
    from carbon_card.cli import main

    argv = ["carbon-card", *map(str, args)]
    data = input.encode("utf-8") if isinstance(input, str) else (input or b"")
    out, err = _Kept(), _Kept()
    saved = sys.stdin, sys.stdout, sys.stderr, sys.argv, os.getcwd(), dict(os.environ)
    sys.stdin = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8")
    sys.stdout = io.TextIOWrapper(out, encoding="utf-8")
    sys.stderr = io.TextIOWrapper(err, encoding="utf-8", errors="backslashreplace")
    sys.argv = argv
    if env is not None:
        os.environ.clear()
        os.environ.update(env)
    code = 0
    try:
        os.chdir(cwd)
        main()
    except SystemExit as stopped:
        if stopped.code is None or isinstance(stopped.code, int):
            code = stopped.code or 0
        else:
            print(stopped.code, file=sys.stderr)
            code = 1
    except BaseException:  # noqa: BLE001 - what the interpreter would print, then exit 1
        traceback.print_exc()
        code = 1
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except ValueError:  # closed by the command
                pass
        sys.stdin, sys.stdout, sys.stderr, sys.argv, cwd_before, environ = saved
        os.chdir(cwd_before)
        if env is not None:
            os.environ.clear()
            os.environ.update(environ)
    stdout, stderr = out.getvalue(), err.getvalue()
    if text:  # as subprocess decodes text: the locale's encoding, universal newlines
        stdout, stderr = (io.TextIOWrapper(io.BytesIO(b), encoding="utf-8", newline=None).read()
                          for b in (stdout, stderr))
    return subprocess.CompletedProcess(argv, code, stdout, stderr)


def run_process(*args, cwd=ROOT, input: bytes | str | None = None, env: dict | None = None,
                text: bool = True, timeout: float = 60) -> subprocess.CompletedProcess:
    """`python -m carbon_card *args` as a real process (see `run_cli` for when a test needs one)."""
    return subprocess.run([sys.executable, "-m", "carbon_card", *map(str, args)], cwd=cwd, input=input, env=env,
                          capture_output=True, text=text, timeout=timeout)
