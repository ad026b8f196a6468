"""``hemicycle fmt``: canonical layout, comments and citations kept, idempotent, meaning unchanged.

Round trip over every bundled rule file: parse(format(x)) has the same model as parse(x)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hemicycle.cli import app
from hemicycle.diagnostics import RuleError
from hemicycle.fmt import format_rules, same_model
from hemicycle.grammar import parse_rules

ROOT = Path(__file__).resolve().parent.parent
RULE_FILES = sorted({*(ROOT / "src" / "hemicycle" / "rules").glob("*.elect"), *(ROOT / "rules").glob("*.elect")})


def comments(text: str) -> list[str]:
    """Comment texts, in order (a '#' inside a string or citation is not a comment)."""
    stripped = re.sub(r'"[^"\n]*"|\[[^\]\n]*\]', "", text)
    return [c.rstrip() for c in re.findall(r"#[^\n]*", stripped)]


def test_there_are_rule_files() -> None:
    assert len(RULE_FILES) >= 4


@pytest.mark.parametrize("path", RULE_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_round_trip(path: Path) -> None:
    text = path.read_text("utf-8")
    formatted = format_rules(text, str(path))
    assert same_model(parse_rules(text, str(path)), parse_rules(formatted, str(path)))
    assert format_rules(formatted, str(path)) == formatted  # idempotent
    assert comments(formatted) == comments(text)
    assert re.findall(r"\[[^\]\n]*\]", formatted) == re.findall(r"\[[^\]\n]*\]", text)


MESSY = """# header comment


chamber   "X"
   seats 10 [Art. 1]   # trailing on chamber
tier "t" seats 10 {   # after brace

  # before threshold

  threshold 5%
     of valid_votes   # mid-clause comment
     strict [Art 2]
  when passed = 1 { [c]
     admit runner_up # t2
  }   # after close
  allocate divisors 1 ,2,3 step 2
  ties lot seed 3 [Art. 9]


}
# end comment"""

CANONICAL = """# header comment

chamber "X" seats 10                  [Art. 1]  # trailing on chamber
tier "t" seats 10 {  # after brace
  # before threshold

  threshold 5% of valid_votes strict  [Art 2]  # mid-clause comment
  when passed = 1 {                   [c]
    admit runner_up  # t2
  }  # after close
  allocate divisors 1, 2, 3 step 2
  ties lot seed 3                     [Art. 9]
}
# end comment
"""


def test_canonical_layout() -> None:
    assert format_rules(MESSY) == CANONICAL
    assert format_rules(CANONICAL) == CANONICAL


def test_crlf_tabs_and_bom() -> None:
    text = "\ufeffchamber \"X\" seats 10\r\ntier \"t\" seats 10 {\r\n\tallocate dhondt\t[a]\r\n}\r\n"
    assert format_rules(text) == 'chamber "X" seats 10\ntier "t" seats 10 {\n  allocate dhondt  [a]\n}\n'


def test_bad_rules_are_reported_not_formatted() -> None:
    with pytest.raises(RuleError):
        format_rules('chamber "X" seats\n')


def test_cli_fmt_check_and_write(tmp_path: Path) -> None:
    runner = CliRunner()
    messy = tmp_path / "messy.elect"
    messy.write_text(MESSY, encoding="utf-8")
    r = runner.invoke(app, ["fmt", "--check", str(messy)])
    assert r.exit_code == 1 and "would reformat" in r.output
    assert messy.read_text("utf-8") == MESSY  # --check changes nothing
    r = runner.invoke(app, ["fmt", str(messy)])
    assert r.exit_code == 0 and messy.read_text("utf-8") == CANONICAL
    r = runner.invoke(app, ["fmt", "--check", str(messy)])
    assert r.exit_code == 0
    r = runner.invoke(app, ["fmt", "-"], input=MESSY)
    assert r.exit_code == 0 and r.stdout == CANONICAL
    bad = tmp_path / "bad.elect"
    bad.write_text('chamber "X" seats\n', encoding="utf-8")
    r = runner.invoke(app, ["fmt", str(bad)])
    assert r.exit_code == 2 and "the file ends too early" in r.output


@pytest.mark.parametrize("path", RULE_FILES, ids=[p.stem for p in RULE_FILES])
def test_bundled_rule_files_are_formatted(path: Path) -> None:
    """The bundled files are kept in canonical layout (run `hemicycle fmt rules/*.elect`)."""
    text = path.read_text("utf-8")
    assert format_rules(text, str(path)) == text


def test_cli_fmt_bad_files_are_input_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """issue 12, item 7: exit 2 with a message, never 4, for a file fmt cannot write or read."""
    import os

    runner = CliRunner()
    messy = tmp_path / "messy.elect"
    messy.write_text(MESSY, "utf-8")
    messy.chmod(0o444)
    if os.geteuid() != 0:  # root writes read-only files: the monkeypatched write below covers it
        r = runner.invoke(app, ["fmt", str(messy)])
        assert r.exit_code == 2 and "cannot write" in r.stderr, r.output

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "write_text", refuse)
    r = runner.invoke(app, ["fmt", str(messy)])
    assert r.exit_code == 2, r.output
    assert r.stderr == f"error: {messy}: cannot write: Permission denied\n"
    monkeypatch.undo()
    assert messy.read_text("utf-8") == MESSY
    (tmp_path / "folder.elect").mkdir()
    not_utf8 = tmp_path / "latin1.elect"
    not_utf8.write_bytes(("# Maj\xeelis\n" + MESSY).encode("latin-1"))
    for target in ("/dev/zero", str(tmp_path / "folder.elect"), str(tmp_path / "missing.elect"), str(not_utf8)):
        r = runner.invoke(app, ["fmt", target])
        assert r.exit_code == 2, (target, r.output)
    r = runner.invoke(app, ["fmt", "-"], input=b'chamber "\xff" seats 1\n')
    assert r.exit_code == 2 and "not UTF-8" in r.stderr
