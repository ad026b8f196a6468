"""Families of electoral systems: a rule file with parameters, and every combination of values.

``Family.load(path)`` reads a rule file and its ``param`` declarations (``grammar/params.py``);
``family.bind({"threshold": "5%"})`` gives the ordinary model of one member;
``family.grid({"threshold": ["3%", "5%"]})`` lists combinations (a parameter left out takes
every value of its domain); ``family.check()`` binds and checks every combination statically,
as ``hemicycle check`` does. A file without parameters is a family of one.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction
from pathlib import Path
from typing import Any

from hemicycle import model as m
from hemicycle.checker import check as check_model
from hemicycle.diagnostics import Diagnostic, RuleError
from hemicycle.grammar.params import Binding, ParamFail, choose, render_number
from hemicycle.grammar.parser import make_binding, parse_rules, read_parameters, read_rule_text

MAX_CHECKED = 20_000  # combinations `check` binds one by one


class GridError(ValueError):
    """A grid that names an unknown parameter, a value outside a domain, or no combination."""


Combination = dict[str, m.ParamValue]


@dataclass(frozen=True)
class Family:
    text: str
    file: str
    parameters: tuple[m.Parameter, ...]

    @classmethod
    def parse(cls, text: str, file: str = "<rules>") -> Family:
        text = text.removeprefix("\ufeff")
        return cls(text, file, read_parameters(text, file))

    @classmethod
    def load(cls, path: str | Path) -> Family:
        return cls.parse(read_rule_text(path), str(path))

    @property
    def names(self) -> list[str]:
        return [p.name for p in self.parameters]

    def parameter(self, name: str) -> m.Parameter:
        for p in self.parameters:
            if p.name == name:
                return p
        known = ", ".join(self.names) or "none"
        raise GridError(f"{self.file}: no parameter {name!r} is declared (parameters: {known})")

    def binding(self, values: Mapping[str, Any] | None = None) -> Binding:
        try:
            chosen = choose(self.parameters, values or {}, self.file)
        except ParamFail as e:
            raise RuleError([e.diagnostic], self.text) from None
        return make_binding(self.parameters, chosen, self.file)

    def bind(self, values: Mapping[str, Any] | None = None) -> m.Chamber:
        """The model of one member: ``values`` maps names to labels, numbers or ``ParamValue``s;
        the others take their defaults."""
        return parse_rules(self.text, self.file, binding=self.binding(values))

    def grid(self, choices: Mapping[str, Sequence[m.ParamValue]] | None = None) -> list[Combination]:
        """Every combination, in declaration order (the last parameter varies fastest)."""
        choices = choices or {}
        for name in choices:
            self.parameter(name)
        axes = [list(choices.get(p.name, p.values)) for p in self.parameters]
        return [dict(zip(self.names, combo, strict=True)) for combo in itertools.product(*axes)]

    def size(self, choices: Mapping[str, Sequence[m.ParamValue]] | None = None) -> int:
        choices = choices or {}
        return math.prod(len(choices.get(p.name, p.values)) for p in self.parameters)

    def check(self, choices: Mapping[str, Sequence[m.ParamValue]] | None = None) -> FamilyCheck:
        """Bind and check every combination; diagnostics met in several combinations once."""
        total = self.size(choices)
        if total > MAX_CHECKED:
            raise GridError(f"{self.file}: {total:,} combinations are too many to check one by one "
                            f"(at most {MAX_CHECKED:,}); fix some parameters with --set NAME=VALUE")
        found: dict[tuple[str, str, int, int, str], FoundDiagnostic] = {}
        used: set[str] = set()
        for combo in self.grid(choices):
            binding = self.binding(combo)
            unreadable = False
            try:
                chamber = parse_rules(self.text, self.file, binding=binding)
                diagnostics = check_model(chamber)
            except RuleError as e:
                diagnostics, unreadable = e.diagnostics, True
            used |= binding.used
            for d in diagnostics:
                key = (d.severity, d.message, d.span.line, d.span.col, d.hint or "")
                found.setdefault(key, FoundDiagnostic(d, unreadable=unreadable)).combinations.append(combo)
        result = FamilyCheck(self, total, list(found.values()))
        if not any(f.diagnostic.severity == "error" for f in result.found):
            for p in self.parameters:
                if p.name not in used:
                    d = Diagnostic(p.span, f"parameter {p.name!r} is declared but never used",
                                   f"write ${p.name} where its value belongs, or remove the declaration",
                                   severity="warning")
                    result.found.append(FoundDiagnostic(d, []))
        return result


def label(combo: Mapping[str, m.ParamValue] | Sequence[tuple[str, str]]) -> str:
    """``threshold=5%, method=dhondt`` ('' for a file without parameters)."""
    pairs = combo.items() if isinstance(combo, Mapping) else combo
    return ", ".join(f"{k}={v.label if isinstance(v, m.ParamValue) else v}" for k, v in pairs)


@dataclass
class FoundDiagnostic:
    diagnostic: Diagnostic
    combinations: list[Combination] = field(default_factory=list)
    unreadable: bool = False  # the combination is not a valid rule file (a parse error), not a failed check


@dataclass
class FamilyCheck:
    family: Family
    combinations: int
    found: list[FoundDiagnostic]

    @property
    def errors(self) -> list[FoundDiagnostic]:
        return [f for f in self.found if f.diagnostic.severity == "error"]

    @property
    def unreadable(self) -> bool:
        """Some combination does not parse: an input error (exit 2), not a failed check (exit 1)."""
        return any(f.unreadable for f in self.found)

    @property
    def warnings(self) -> list[FoundDiagnostic]:
        return [f for f in self.found if f.diagnostic.severity == "warning"]

    def diagnostic(self, f: FoundDiagnostic) -> Diagnostic:
        """The diagnostic, its message naming the combinations it holds for (all, or the first few)."""
        d, n = f.diagnostic, len(f.combinations)
        if not self.family.parameters or n == 0:
            return d
        if n == self.combinations:
            where = f"in all {n} combinations"
        else:
            shown = "; ".join(label(c) for c in f.combinations[:3])
            where = f"in {n} of {self.combinations} combinations: {shown}" + (f" and {n - 3} more" if n > 3 else "")
        return replace(d, message=f"{d.message} ({where})")

    def render(self, f: FoundDiagnostic) -> str:
        return self.diagnostic(f).render(self.family.text)


# --- grid specifications (--grid NAME=VALUES, --set NAME=VALUE) -----------------------------------


def parse_assignment(item: str, option: str) -> tuple[str, str]:
    """``NAME=VALUE`` -> (NAME, VALUE), or a ``GridError`` saying how to write it."""
    name, sep, value = item.partition("=")
    if not sep or not name.strip() or not value.strip():
        raise GridError(f"{option} {item!r}: write NAME=VALUE, e.g. {option} threshold=5%")
    return name.strip(), value.strip()


def grid_values(param: m.Parameter, spec: str) -> list[m.ParamValue]:
    """The values ``spec`` names: ``a,b,c``; ``LOW..HIGH`` (every value of the domain between
    them); ``LOW..HIGH/STEP`` (LOW, LOW+STEP, ... up to HIGH, each a value of the domain)."""
    spec = spec.strip()
    if ".." not in spec:
        out = []
        for word in (w.strip() for w in spec.split(",")):
            if not word:
                continue
            value = param.value(word)
            if value is None:
                raise GridError(f"{word} is not a value of parameter {param.name!r}: it takes {param.domain}")
            if value not in out:
                out.append(value)
        return out
    low_text, _, rest = spec.partition("..")
    high_text, _, step_text = rest.partition("/")
    low, high = _bound(param, low_text), _bound(param, high_text)
    if not step_text.strip():
        return [v for v in param.values if v.number is not None and low <= v.number <= high]
    step = _bound(param, step_text)
    if step <= 0:
        raise GridError(f"--grid {param.name}={spec}: the step must be more than zero")
    out = []
    x = low
    while x <= high:
        value = next((v for v in param.values if v.number == x), None)
        if value is None:
            shown = render_number(x, "percent" if "%" in low_text else "decimal")
            raise GridError(f"{shown} is not a value of parameter {param.name!r}: "
                            f"it takes {param.domain}")
        out.append(value)
        x += step
    return out


def _bound(param: m.Parameter, text: str) -> Fraction:
    text = text.strip()
    number = m._as_number(text)
    if number is None:
        raise GridError(f"{text!r} is not a number (write 5%, 0.05 or 1/20): parameter {param.name!r} "
                        f"takes {param.domain}")
    return number


def choices_from(family: Family, grid: Mapping[str, str]) -> dict[str, list[m.ParamValue]]:
    """``--grid`` specifications for one family (names it does not declare are left out)."""
    return {name: grid_values(family.parameter(name), spec) for name, spec in grid.items() if name in family.names}


def combinations(families: Sequence[Family], grid: Mapping[str, str]) -> Iterator[tuple[Family, Combination]]:
    """Every (family, combination) a sweep covers; ``GridError`` for a name no family declares
    or a grid with no combination."""
    declared = {n for f in families for n in f.names}
    for name in grid:
        if name not in declared:
            where = ", ".join(f"{Path(f.file).name}: {', '.join(f.names) or 'none'}" for f in families)
            raise GridError(f"unknown parameter {name!r}: no rule file declares it ({where})")
    chosen = [(f, choices_from(f, grid)) for f in families]
    total = sum(f.size(c) for f, c in chosen)
    if total == 0:
        empty = [n for f, c in chosen for n, v in c.items() if not v]
        raise GridError("the sweep has 0 combinations" + (f": no value for {', '.join(sorted(set(empty)))}"
                                                           if empty else ""))
    for f, c in chosen:
        for combo in f.grid(c):
            yield f, combo
