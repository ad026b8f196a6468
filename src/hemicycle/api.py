"""The Python API: load rules by path or bundled name, allocate seats for votes."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from hemicycle.display import NotebookHtml
from hemicycle.election import Election
from hemicycle.family import Family
from hemicycle.grammar import load_rules, parse_rules
from hemicycle.interpreter import AllocationResult, allocate
from hemicycle.model import Chamber


def bundled_rules() -> list[str]:
    """Names of the rule files shipped with hemicycle (``hemicycle allocate NAME ...``)."""
    folder = resources.files("hemicycle").joinpath("rules")
    return sorted(p.name[: -len(".elect")] for p in folder.iterdir() if p.name.endswith(".elect"))


def bundled_elections() -> list[str]:
    folder = resources.files("hemicycle").joinpath("elections")
    return sorted(p.name[: -len(".json")] for p in folder.iterdir() if p.name.endswith(".json"))


def close_names(name: str, names: Iterable[str], n: int = 3) -> list[str]:
    """The names of ``names`` that ``name`` is most likely a misspelling of (best first)."""
    import difflib

    return difflib.get_close_matches(name, list(names), n=n, cutoff=0.75)


@dataclass(frozen=True)
class Located:
    """The file a command-line argument names, and a note when it could have meant another one."""

    path: Path
    note: str | None = None


def is_name(arg: str | Path) -> bool:
    """A name is a word without a folder or an extension (``kazakhstan-2021``); anything else
    (``./kazakhstan-2021``, ``kazakhstan-2021.json``, a ``Path``) is a path."""
    if not isinstance(arg, str):
        return False
    return not any(sep and sep in arg for sep in (os.sep, os.altsep)) and not Path(arg).suffix


def _locate(arg: str | Path, folder: str, suffix: str, what: str) -> Located:
    """Which file ``arg`` names. The rule, the same for every command and the API:

    * a name means the bundled file of that name when there is one, even if a file of that name
      exists in the current folder (the note says so, and ``./NAME`` reads that file);
    * a path means that file; if it does not exist but its name is a bundled file's, the bundled
      file is read (so the README's ``rules/kazakhstan-2021.elect`` works after any install), and
      the note says so; a file in the current folder named like a bundled file is read, with a note.
    """
    text, path = str(arg), Path(arg)
    stem = path.name.removesuffix(suffix)
    entry = resources.files("hemicycle").joinpath(folder, f"{stem}{suffix}")
    bundled = Path(str(entry)) if stem and entry.is_file() else None
    if bundled is None:
        return Located(path)
    if is_name(arg):
        if path.exists():
            return Located(bundled, f"note: {text}: reading the bundled {what} {stem}, not the file {text} in "
                                    f"this folder (write ./{text} to read that one)")
        return Located(bundled)
    if not path.exists():
        return Located(bundled, f"note: {text} does not exist: reading the bundled {what} {stem}")
    if path.parent == Path(".") and not _same_file(path, bundled):
        return Located(path, f"note: reading {text} in this folder, not the bundled {what} {stem} "
                             f"(write {stem} for that one)")
    return Located(path)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def locate_rules(name_or_path: str | Path) -> Located:
    return _locate(name_or_path, "rules", ".elect", "rule file")


def locate_election(name_or_path: str | Path) -> Located:
    return _locate(name_or_path, "elections", ".json", "election")


def resolve_rules(name_or_path: str | Path) -> Path:
    """A rule file by path, or a bundled one by name (``kazakhstan-2021``); see ``_locate``."""
    return locate_rules(name_or_path).path


def resolve_election(name_or_path: str | Path) -> Path:
    """A vote file by path, or a bundled election by name (``kazakhstan-2021``); see ``_locate``."""
    return locate_election(name_or_path).path


@dataclass(frozen=True)
class Rules(NotebookHtml):
    """A parsed rule file, ready to allocate seats."""

    model: Chamber

    @property
    def name(self) -> str:
        return self.model.name

    @property
    def path(self) -> str:
        return self.model.span.file

    @property
    def label(self) -> str:
        """The system's name for people: the rule file's ``label "..."``, else its file name; for
        a member of a family, with its parameters' values (``kazakhstan-x (threshold=5%)``)."""
        if self.model.label:
            return self.model.label
        stem = Path(self.path).stem
        values = ", ".join(f"{k}={v}" for k, v in self.model.bindings)
        return f"{stem} ({values})" if values else stem


    def allocate(
        self,
        votes: Mapping[str, int] | Iterable[tuple[str, int]] | Election,
        *,
        registration_order: Iterable[str] | None = None,
        explain: bool = True,
        **totals: int | None,
    ) -> AllocationResult:
        """Allocate seats. ``votes`` maps abbr to votes (insertion order = registration order
        unless ``registration_order`` is given); totals as keywords: ``invalid=``,
        ``ballots_cast=``, ``valid=``, ``registered=``, ``against_all=``. Votes and totals are
        whole numbers (``int`` or NumPy integers), checked by ``hemicycle.validate``: anything
        else raises ``TypeError`` or ``ValueError``."""
        if isinstance(votes, Election):
            extra = [k for k, v in totals.items() if v is not None]
            extra += ["registration_order"] if registration_order is not None else []
            if extra:
                raise TypeError(f"allocate() was given an Election and {', '.join(extra)}: an Election "
                                "holds its own totals and registration order")
            election = votes
        else:
            election = Election.from_votes(votes, registration_order=registration_order, **totals)
        return allocate(self.model, election, explain=explain)


def load(path_or_name: str | Path, params: Mapping[str, Any] | None = None) -> Rules:
    """Load a rule file by path, or a bundled one by name (e.g. ``"kazakhstan-2021"``).

    ``params`` gives values to the file's parameters (``{"threshold": "5%", "method": "dhondt"}``);
    those left out take their defaults."""
    return Rules(load_rules(resolve_rules(path_or_name), params))


def load_family(path_or_name: str | Path) -> Family:
    """A rule file as a family of systems: its parameters, every combination, each one bound."""
    return Family.load(resolve_rules(path_or_name))


def compile(rules: Rules | Chamber):
    """A specialised allocation function ``f(votes_in_list_order, invalid=0, **totals) -> tuple``."""
    from hemicycle.compiled import compile_rules

    return compile_rules(rules.model if isinstance(rules, Rules) else rules)


def allocate_batch(rules: Rules | Chamber, votes: Any, invalid: Any = None, **totals: Any) -> Any:
    """Seats for many elections at once: ``votes`` of shape (elections, lists) -> same shape."""
    from hemicycle.batch import allocate_batch as batch

    return batch(rules, votes, invalid=invalid, **totals)


def loads(text: str, file: str = "<rules>", params: Mapping[str, Any] | None = None) -> Rules:
    """Parse rule text given as a string."""
    return Rules(parse_rules(text, file, params))
