"""The `minigrad` command."""

import argparse

from . import __version__


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the `minigrad` command."""
    parser = argparse.ArgumentParser(prog="minigrad", description=__doc__)
    parser.add_argument("--version", action="version", version=f"minigrad {__version__}")
    return parser


def main(argv=None) -> int:
    """Entry point of the `minigrad` command; returns the exit code."""
    build_parser().parse_args(argv)
    return 0
