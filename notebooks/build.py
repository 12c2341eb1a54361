"""Write every notebook twice from one source: NAME.ipynb (solved, run, with outputs) and NAME_blank.ipynb.

    python notebooks/build.py            # all notebooks
    python notebooks/build.py 03         # those whose name starts with 03

A source is a Python file in notebooks/source/ cut into cells by comment lines:

    # %% [markdown]          a markdown cell; its lines are comments ("# " is stripped)
    # %%                     a code cell
    # %% check               a code cell that checks an exercise (tagged "check")

Inside a code cell, the lines between `# BEGIN SOLUTION` and `# END SOLUTION` are the answer. The
solved notebook keeps them; the blank one gets `# YOUR CODE HERE` and `pass` instead, so a blank
function returns None and a blank answer keeps the placeholder set above it, and the check cell
after it says what is missing. tests/test_notebooks.py runs both versions: the solved one must
pass every check, the blank one must fail every check (so the checks can fail), and both stored
files must be what this script makes from the source (so they cannot drift apart).
"""

import re
import sys
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent
SOURCES = HERE / "source"
CELL_TIMEOUT = 120  # seconds per cell; every cell here takes a few at most
CELL_HEADER = re.compile(r"^# %%(?: (\[markdown\]|check))?\s*$")
BEGIN, END = "# BEGIN SOLUTION", "# END SOLUTION"


def parse(text: str) -> list:
    """The cells of a source file as (kind, tags, lines), kind "markdown" or "code"."""
    cells = []
    for line in text.splitlines():
        header = CELL_HEADER.match(line)
        if header:
            kind = "markdown" if header.group(1) == "[markdown]" else "code"
            tags = ["check"] if header.group(1) == "check" else []
            cells.append((kind, tags, []))
        elif cells:
            cells[-1][2].append(line)
        elif line.strip() and not line.startswith("#"):
            raise ValueError(f"build: code before the first '# %%' cell header: {line!r}")
    return cells


def solved_lines(lines: list) -> list:
    """The cell with its answers: the solution markers removed, their contents kept."""
    return [line for line in lines if line.strip() not in (BEGIN, END)]


def blank_lines(lines: list) -> list:
    """The cell with each answer replaced by a placeholder at the answer's indentation."""
    out, inside = [], False
    for line in lines:
        if line.strip() == BEGIN:
            indent = line[: len(line) - len(line.lstrip())]
            out += [f"{indent}# YOUR CODE HERE", f"{indent}pass"]
            inside = True
        elif line.strip() == END:
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise ValueError("build: a '# BEGIN SOLUTION' has no '# END SOLUTION'")
    return out


def markdown_text(lines: list) -> str:
    """Markdown from comment lines: '# text' -> 'text', '#' -> ''."""
    return "\n".join(re.sub(r"^# ?", "", line) for line in lines).strip("\n")


def make_notebook(source: Path, blank: bool) -> nbformat.NotebookNode:
    """The notebook (not yet run) for one source file."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    for kind, tags, lines in parse(source.read_text()):
        if kind == "markdown":
            cell = nbformat.v4.new_markdown_cell(markdown_text(lines))
        else:
            has_answer = any(line.strip() == BEGIN for line in lines)
            body = blank_lines(lines) if blank else solved_lines(lines)
            cell = nbformat.v4.new_code_cell("\n".join(body).strip("\n"))
            cell.metadata["tags"] = tags + (["solution"] if has_answer else [])
        cell.pop("id", None)  # ids change every build; the cell order identifies a cell here
        nb.cells.append(cell)
    nb.nbformat_minor = 4  # no cell ids (they appear in 4.5)
    return nb


def execute(nb, allow_errors=False, timeout=CELL_TIMEOUT):
    """Run a notebook in a fresh kernel of the current interpreter, in notebooks/ (for imports)."""
    from nbclient import NotebookClient

    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",  # ipykernel's own spec, launched with this very interpreter
        allow_errors=allow_errors,
        record_timing=False,
        resources={"metadata": {"path": str(HERE)}},
    )
    client.execute()
    return nb


def paths(source: Path):
    """Where the solved and blank notebooks of a source go."""
    return HERE / f"{source.stem}.ipynb", HERE / f"{source.stem}_blank.ipynb"


def build(source: Path):
    """Write the solved notebook (run, with its outputs) and the blank one (without outputs)."""
    solved_path, blank_path = paths(source)
    solved = execute(make_notebook(source, blank=False))
    nbformat.write(solved, solved_path)
    nbformat.write(make_notebook(source, blank=True), blank_path)
    return solved_path, blank_path


def main(prefixes):
    for source in sorted(SOURCES.glob("*.py")):
        if not prefixes or any(source.stem.startswith(p) for p in prefixes):
            for path in build(source):
                print(f"wrote {path.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main(sys.argv[1:])
