"""The docs' links and named evidence resolve: every relative link in README.md and docs/*.md
points at a file that exists (and at a heading that exists, if it has an #anchor), and every
test that docs/*.md names as evidence is defined in tests/."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)|<img [^>]*src=\"([^\"]+)\"")
FENCE = re.compile(r"^\s*```")


def prose_lines(text):
    """The lines outside ``` code fences (a '#' in a shell block is not a heading)."""
    inside = False
    for line in text.splitlines():
        if FENCE.match(line):
            inside = not inside
        elif not inside:
            yield line


def github_anchor(heading):
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(page):
    """Every heading's anchor in a markdown page, with GitHub's -1, -2 for repeated headings."""
    seen, result = {}, set()
    for line in prose_lines(page.read_text(encoding="utf-8")):
        heading = re.match(r"^#{1,6} (.+)$", line)
        if heading:
            anchor = github_anchor(heading.group(1))
            count = seen.get(anchor, 0)
            result.add(anchor if count == 0 else f"{anchor}-{count}")
            seen[anchor] = count + 1
    return result


def relative_links(page):
    """(line number, target) of each link that is not a web address."""
    for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
        for match in LINK.finditer(line):
            target = match.group(1) or match.group(2)
            if not re.match(r"^[a-z]+:", target):
                yield number, target


def test_anchor_rule_matches_github_on_headings_with_code_and_punctuation():
    assert github_anchor("The optimizers: `benchmarks/bench_optim.py`") == (
        "the-optimizers-benchmarksbench_optimpy"
    )
    assert github_anchor("SGD: batch, mini-batch and stochastic gradient descent") == (
        "sgd-batch-mini-batch-and-stochastic-gradient-descent"
    )


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_resolves_to_a_file_and_heading(page):
    broken = []
    for number, target in relative_links(page):
        path, _, anchor = target.partition("#")
        file = (page.parent / path).resolve() if path else page
        if not file.exists():
            broken.append(f"line {number}: {target} (no file {file.relative_to(ROOT)})")
        elif anchor and file.suffix == ".md" and anchor not in anchors(file):
            broken.append(f"line {number}: {target} (no heading #{anchor} in {file.name})")
    assert not broken, f"{page.relative_to(ROOT)} has broken links:\n" + "\n".join(broken)


NAMED_TEST = re.compile(
    r"(?:(?:tests/)?(?P<file>test_\w+\.py)::)?(?P<name>test_\w+?)(?P<prefix>_\.\.\.)?(?:\[[^\]]*\])?"
)
NAMED_FILE = re.compile(r"(?:tests/)?(?P<file>test_\w+\.py)(?:::)?")


def defined_tests():
    """{file name: set of the test functions it defines} for every tests/test_*.py."""
    return {
        path.name: set(re.findall(r"^\s*def (test_\w+)", path.read_text(encoding="utf-8"), re.M))
        for path in (ROOT / "tests").glob("test_*.py")
    }


def test_every_test_named_in_the_docs_exists():
    """`test_x`, `test_f.py::test_x`, `test_x[param]` and `test_x_...` (a prefix) all resolve."""
    defined = defined_tests()
    everywhere = set().union(*defined.values())
    missing = []
    for page in PAGES:
        for span in re.findall(r"`([^`\n]+)`", page.read_text(encoding="utf-8")):
            test, file = NAMED_TEST.fullmatch(span), NAMED_FILE.fullmatch(span)
            if file and file["file"] not in defined:
                missing.append(f"{page.name}: {span} (no such file in tests/)")
            if not test:
                continue
            if test["file"] and test["file"] not in defined:
                missing.append(f"{page.name}: {span} (no such file in tests/)")
                continue
            names = defined[test["file"]] if test["file"] else everywhere
            if test["prefix"]:
                found = any(n.startswith(test["name"]) for n in names)
            else:
                found = test["name"] in names
            if not found:
                missing.append(f"{page.name}: {span}")
    assert not missing, "tests named in the docs but defined nowhere:\n" + "\n".join(missing)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_table_row_has_as_many_cells_as_its_header(page):
    """An unescaped | inside a cell (say |Δx|) splits it, and the table renders shifted."""
    bad, header = [], None
    for line in prose_lines(page.read_text(encoding="utf-8")):
        if not line.startswith("|"):
            header = None
            continue
        cells = len(re.split(r"(?<!\\)\|", line.strip())) - 2
        if header is None:
            header = cells
        elif cells != header:
            bad.append(f"{cells} cells under a {header}-cell header: {line[:100]}")
    assert not bad, f"{page.relative_to(ROOT)}:\n" + "\n".join(bad)
