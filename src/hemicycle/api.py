"""The Python API: load rules by path or bundled name, allocate seats for votes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

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


def _resolve(name_or_path: str | Path, folder: str, suffix: str) -> Path:
    """A path as given if it exists, else the bundled file of that name in ``folder``."""
    path = Path(name_or_path)
    if path.exists():
        return path
    bundled = resources.files("hemicycle").joinpath(folder, f"{path.name.removesuffix(suffix)}{suffix}")
    if bundled.is_file():
        return Path(str(bundled))
    return path  # reading it reports the missing file


def resolve_rules(name_or_path: str | Path) -> Path:
    """A rule file by path, or a bundled one by name (``kazakhstan-2021``)."""
    return _resolve(name_or_path, "rules", ".elect")


def resolve_election(name_or_path: str | Path) -> Path:
    """A vote file by path, or a bundled election by name (``kazakhstan-2021``)."""
    return _resolve(name_or_path, "elections", ".json")


@dataclass(frozen=True)
class Rules:
    """A parsed rule file, ready to allocate seats."""

    model: Chamber

    @property
    def name(self) -> str:
        return self.model.name

    @property
    def path(self) -> str:
        return self.model.span.file

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
        ``ballots_cast=``, ``valid=``, ``registered=``, ``against_all=``."""
        if isinstance(votes, Election):
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
