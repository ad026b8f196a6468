"""From what a user names (rule files, vote files, grids, properties) to a ``SweepSpec``, checked
before any work starts; and from a ``SweepResult`` to the files of ``--out``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from hemicycle.api import resolve_election, resolve_rules
from hemicycle.diagnostics import RuleError
from hemicycle.family import Family, GridError, combinations, label
from hemicycle.model import Chamber
from hemicycle.sweep.run import SweepResult
from hemicycle.sweep.spec import ElectionInput, Simulation, SweepSpec, Variant, Verification
from hemicycle.sweep.table import columns, reserved, to_csv, to_json, write_parquet


class SweepInputError(ValueError):
    """A sweep that cannot start: a grid, a vote file, a property or a combination at fault."""


def build_spec(
    rules: Sequence[str], *, votes: Sequence[str] = (), grid: Mapping[str, str] | None = None,
    properties: Sequence[str] = (), parties: int = 4, timeout: float = 30.0, simulate: int = 0,
    seed: int = 0, model: str = "dirichlet", concentration: float = 2000.0, chunk: int = 100_000,
    totals: Mapping[str, int] | None = None,
) -> SweepSpec:
    """The sweep of every combination of ``grid`` (NAME -> ``a,b`` or ``LOW..HIGH/STEP``; a
    parameter left out takes its whole domain) x ``votes`` x (``properties`` or ``simulate``).
    ``RuleError`` for a rule file or a combination that does not bind; ``SweepInputError`` for
    the rest."""
    if not rules:
        raise SweepInputError("name at least one rule file")
    if not votes and not properties:
        raise SweepInputError("nothing to compute: give --votes (elections) or --properties (and --parties)")
    if simulate and not votes:
        raise SweepInputError("--simulate needs --votes: the simulated elections are drawn around real ones")
    families = [Family.load(resolve_rules(name)) for name in rules]
    stems = [Path(f.file).stem for f in families]
    twice = next((s for s in stems if stems.count(s) > 1), None)
    if twice is not None:
        raise SweepInputError(f"two rule files are both named {twice!r}: the table tells rule files apart by "
                              "name; sweep a file once, or copy one under another name")
    try:
        combos = list(combinations(families, grid or {}))
    except GridError as e:
        raise SweepInputError(str(e)) from None
    variants = []
    models: dict[str, Chamber] = {}  # the first member of each family, for the vote files' checks
    for i, (family, combo) in enumerate(combos):
        try:
            chamber = family.bind(combo)  # every member must be a valid rule file before any work starts
        except RuleError as e:
            where = f" (with {label(combo)})" if combo else ""
            raise RuleError([replace(d, message=d.message + where) for d in e.diagnostics], e.source) from None
        models.setdefault(family.file, chamber)
        variants.append(Variant(Path(family.file).stem, family.file, family.text,
                                tuple((k, v.label) for k, v in combo.items()), i))
    spec = SweepSpec(tuple(variants), _elections(votes, list(models.values()), totals),
                     Simulation(simulate, seed, model, concentration, chunk) if simulate else None,
                     _verification(properties, parties, timeout))
    clash = reserved(spec)
    if clash:
        raise SweepInputError(f"a parameter named {clash[0]!r} would share its column with the table's own; "
                              "rename it in the rule file")
    return spec


def _elections(votes: Sequence[str], models: list[Chamber], totals: Mapping[str, int] | None) -> tuple[
        ElectionInput, ...]:
    from hemicycle.votes import VoteFileError, check_for_rules, read_vote_file

    out: list[ElectionInput] = []
    for name in votes:
        path = resolve_election(name)
        try:
            vote_file = read_vote_file(path, totals=dict(totals) if totals else None)
            for chamber in models:
                check_for_rules(vote_file, chamber)
        except VoteFileError as e:
            raise SweepInputError(str(e)) from None
        except OSError as e:
            raise SweepInputError(f"{name}: cannot read: {e.strerror}") from None
        stem = Path(path).stem
        if any(e.name == stem for e in out):
            raise SweepInputError(f"the election {stem!r} is named twice")
        out.append(ElectionInput(stem, vote_file.election))
    return tuple(out)


def _verification(properties: Sequence[str], parties: int, timeout: float) -> Verification | None:
    if not properties:
        return None
    from hemicycle.verify import CATALOGUE

    names: list[str] = []
    for item in properties:
        for name in (x.strip() for x in item.split(",")):
            if name == "all":
                names += [n for n in CATALOGUE if n not in names]
            elif name in CATALOGUE:
                names += [name] if name not in names else []
            elif name:
                raise SweepInputError(f"unknown property {name!r}; the catalogue: {', '.join(CATALOGUE)}, or all")
    if parties < 1:
        raise SweepInputError("--parties must be at least 1")
    return Verification(tuple(names), parties, timeout)


def write_outputs(result: SweepResult, out: Path) -> list[Path]:
    """results.json, results.csv, results.parquet (with pyarrow), report.html and the heat maps."""
    from hemicycle.sweep.report import html_report, pictures

    cols = columns(result.spec)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in (("results.json", to_json(result.rows)), ("results.csv", to_csv(result.rows, cols)),
                       ("report.html", html_report(result, cols))):
        (out / name).write_text(text, "utf-8")
        written.append(out / name)
    if write_parquet(result.rows, cols, out / "results.parquet"):
        written.append(out / "results.parquet")
    for name, _, svg in pictures(result):
        (out / name).write_text(svg, "utf-8")
        written.append(out / name)
    return written
