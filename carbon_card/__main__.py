"""The console scripts (`carbon-card`, `hf-carbon-card`) and `python -m carbon_card`.

A pre-commit hook pays the start-up on every commit: `--version` is answered here, before
the command line (click, the pipeline) is imported; everything else goes to `cli.main`.
"""

import sys


def main() -> None:
    if sys.argv[1:] in (["--version"], ["-V"]):
        from . import __version__

        try:
            sys.stdout.write(f"carbon-card, version {__version__}\n")  # click's version_option, word for word
            sys.stdout.flush()
        except BrokenPipeError:  # as cli.main: no traceback when the reader has gone
            sys.stderr.close()
            sys.exit(1)
        return
    import gc

    # The command line's imports make some 100,000 objects that live as long as the process:
    # collecting while they are made, then walking them at every later collection and again at
    # exit, is a few percent of a one-card check. They go to the permanent generation instead.
    gc.disable()
    try:
        from .cli import main as run
    finally:
        gc.freeze()
        gc.enable()
    run()


if __name__ == "__main__":
    main()
