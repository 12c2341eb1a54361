"""The notebooks run: every solved one passes its exercise checks, every blank one fails each of them.

Both versions are made from one source by notebooks/build.py; the stored files must be what it
makes, so that the solved and blank versions cannot drift apart. Each notebook runs in a fresh
kernel of this interpreter (ipykernel's own kernel spec, nothing to install by hand).
"""

import importlib.util
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
_spec = importlib.util.spec_from_file_location("notebook_build", NOTEBOOKS / "build.py")
build = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build)

SOURCES = sorted(build.SOURCES.glob("*.py"))
CELL_TIMEOUT = 60  # seconds; a cell that takes longer has data that is too big for a lesson


def test_there_are_six_notebooks_each_solved_and_blank():
    assert [s.stem[:2] for s in SOURCES] == ["01", "02", "03", "04", "05", "06"]
    for source in SOURCES:
        for path in build.paths(source):
            assert path.exists(), f"{path.name} is missing: run python notebooks/build.py"


def code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


def errors_of(cell):
    return [o for o in cell.outputs if o.output_type == "error"]


def stderr_of(nb):
    """What the notebook's cells wrote to stderr (warnings, progress-bar complaints), cell by cell."""
    return [
        f"cell {k}: {o.text.strip()[:300]}"
        for k, c in enumerate(nb.cells)
        for o in c.get("outputs", [])
        if o.output_type == "stream" and o.name == "stderr"
    ]


@pytest.mark.parametrize("source", SOURCES, ids=lambda s: s.stem)
def test_stored_notebooks_are_built_from_their_source(source):
    """Same cells, same text, same tags: edit the source and rebuild, never the .ipynb."""
    for path, blank in zip(build.paths(source), (False, True)):
        stored = nbformat.read(path, as_version=4)
        made = build.make_notebook(source, blank=blank)
        assert [(c.cell_type, c.source) for c in stored.cells] == [
            (c.cell_type, c.source) for c in made.cells
        ], f"{path.name} differs from {source.name}: run python notebooks/build.py {source.stem[:2]}"
        assert [c.metadata.get("tags") for c in code_cells(stored)] == [
            c.metadata.get("tags") for c in code_cells(made)
        ]


@pytest.mark.parametrize("source", SOURCES, ids=lambda s: s.stem)
def test_stored_solved_notebook_shows_no_warnings(source):
    """A learner reads the stored outputs: a stale warning there (say, tqdm's) would mislead."""
    stored = nbformat.read(build.paths(source)[0], as_version=4)
    assert not stderr_of(stored), (
        f"{build.paths(source)[0].name} stores stderr output; rebuild it with python "
        f"notebooks/build.py {source.stem[:2]}:\n" + "\n".join(stderr_of(stored))
    )


@pytest.mark.parametrize("source", SOURCES, ids=lambda s: s.stem)
def test_solved_notebook_runs_and_passes_every_check(source):
    nb = build.execute(build.make_notebook(source, blank=False), timeout=CELL_TIMEOUT)
    checks = [c for c in code_cells(nb) if "check" in c.metadata["tags"]]
    assert checks, f"{source.name} has no exercise checks"
    for cell in checks:
        printed = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
        assert "passed:" in printed, f"a check cell printed no 'passed': {cell.source[:200]}"
    assert not stderr_of(nb), f"{source.name} writes to stderr:\n" + "\n".join(stderr_of(nb))
    # the stored solved notebook carries outputs, and they are the passing ones
    stored = nbformat.read(build.paths(source)[0], as_version=4)
    assert all(not errors_of(c) for c in code_cells(stored))
    assert all(c.outputs for c in code_cells(stored) if "check" in c.metadata["tags"])


@pytest.mark.parametrize("source", SOURCES, ids=lambda s: s.stem)
def test_blank_notebook_fails_every_check_and_nothing_else(source):
    """Every check cell stops with ExerciseFailed (a message, not a crash); no other cell errs."""
    nb = build.execute(
        build.make_notebook(source, blank=True), allow_errors=True, timeout=CELL_TIMEOUT
    )
    for cell in code_cells(nb):
        errors = errors_of(cell)
        if "check" in cell.metadata["tags"]:
            assert errors, f"a check passed on the blank notebook: {cell.source[:200]}"
            assert errors[0].ename == "ExerciseFailed", (errors[0].ename, errors[0].evalue)
            assert errors[0].evalue.strip(), "the check failed without saying what is wrong"
        else:
            assert not errors, (cell.source[:200], errors[0].ename, errors[0].evalue)
