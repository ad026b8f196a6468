"""docs/api.md: every ``pycon`` example on the page is run, in order, in one namespace, and must
print what the page says (doctest, with ``...`` matching anything)."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

import pytest

PAGE = Path(__file__).resolve().parent.parent / "docs" / "api.md"
BLOCK = re.compile(r"^```pycon\n(.*?)^```$", re.S | re.M)


def examples() -> list[tuple[int, str]]:
    text = PAGE.read_text("utf-8")
    return [(text.count("\n", 0, m.start()) + 2, m.group(1)) for m in BLOCK.finditer(text)]


def test_the_page_has_examples_of_every_public_function() -> None:
    import hemicycle

    code = "\n".join(block for _, block in examples())
    public = [n for n in hemicycle.__all__ if not n[0].isupper() and not n.startswith("_")]
    missing = [n for n in public if f"hemicycle.{n}(" not in code and n not in ("bundled_elections", "loads")]
    assert missing == []
    assert "hemicycle.loads(" in code


def test_examples_run_as_written() -> None:
    pytest.importorskip("pandas")
    parser = doctest.DocTestParser()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    globs: dict[str, object] = {}
    found = examples()
    assert len(found) >= 8
    for line, block in found:
        test = parser.get_doctest(block, globs, f"docs/api.md:{line}", str(PAGE), line - 1)
        runner.run(test, clear_globs=False)
        globs = test.globs  # a DocTest copies the namespace it is given: carry on in its copy
    failed, attempted = runner.summarize(verbose=False)
    assert attempted > 30 and failed == 0, "see the doctest report above"
