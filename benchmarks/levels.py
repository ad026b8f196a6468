"""Milliseconds to allocate the German Bundestag 2025 (2023 law: 299 constituencies, Oberverteilung
of 630, Unterverteilung to 16 Land lists, Zweitstimmendeckung), hemicycle against interregnum 0.4.1
whose wheel ships this system, in one process on the same election; with ``--system norway`` or
``scotland`` (or ``all``), the Storting 2021 (169 seats: 150 in 19 districts by modified
Sainte-Laguë, 19 levelling seats with the national calculation repeated, placed back into the
districts) and the Scottish Parliament 2011 (73 constituencies by plurality, 8 regions of 7
additional members by D'Hondt continued from them) against the same systems in interregnum's wheel
(``tests/examples/no/no_stortingsvalg_2021.yaml``, ``tests/examples/uk/uk_sco_parliament_2011.yaml``)
and, for Scotland, votelib 0.4 (``Plurality`` in each constituency, then
``HighestAverages('d_hondt').evaluate(region votes, 7 + held, prev_gains=the constituency seats there)``
in each region; the glue that feeds one into the other is written here). votelib has no
levelling-seat step (a national entitlement less district seats, the repeated calculation and the
placement of the seats into districts), so it is not run for Norway.

Run: ``python benchmarks/levels.py [--system germany|norway|scotland|all] [--repeat 10] [--rounds 3]``
(needs ``pip install -e .[bench]``).

* **hemicycle (full protocol)**: ``allocate(rules, election)`` with ``rules/germany-2025.elect`` on
  the bundled record: every constituency, threshold test, seat of the Oberverteilung, Land split and
  not-seated winner recorded (the text is not rendered). **hemicycle (seats)**: ``explain=False``.
* **interregnum 0.4.1**: its own Bundestag 2025 system from its wheel
  (``tests/examples/de/de_bundestag_2025.yaml`` and the CSV vote files beside it, read once as its
  own test reads them): ``unserialize_node(doc, cwd)`` then ``build()()``, "build and allocate".
  Its national seats are compared with hemicycle's.

The ratio is interregnum's time / hemicycle's. The machine is shared: each contestant's best round
counts.
"""

from __future__ import annotations

import argparse
import platform
from collections.abc import Callable
from pathlib import Path
from typing import Any

import hemicycle
from hemicycle.api import resolve_election
from hemicycle.interpreter import allocate
from hemicycle.votes import load_votes

try:
    from benchmarks.districts import best_of
except ImportError:  # run as a script from the repository root
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from districts import best_of  # type: ignore[no-redef]


def interregnum_system() -> tuple[Callable[[], Any], Callable[[Any], dict[str, int]]] | None:
    try:
        import interregnum
        import yaml
        from interregnum.district import unserialize_node
    except ImportError:
        return None
    folder = Path(interregnum.__file__).parent / "tests" / "examples" / "de"
    doc = yaml.safe_load((folder / "de_bundestag_2025.yaml").read_text("utf-8"))

    def run() -> Any:
        node = unserialize_node(doc, cwd=folder)
        node.build()()
        return node

    def seats(node: Any) -> dict[str, int]:
        ober = next(d for d in node.divisions if d.name == "Oberverteilung")
        return {str(getattr(c.name, "name", c.name)): int(c.seats) for c in ober.result.allocation if c.seats}

    return run, seats


def interregnum_wheel(relative: str) -> tuple[Callable[[], Any], Callable[[Any], dict[str, int]]] | None:
    """A system of interregnum's wheel: build and allocate; its seats per party (an alliance's
    constituency candidates counted for it; placed levelling seats not counted twice)."""
    try:
        import interregnum
        import yaml
        from interregnum.district import unserialize_node
    except ImportError:
        return None
    path = Path(interregnum.__file__).parent / "tests" / "examples" / relative
    doc = yaml.safe_load(path.read_text("utf-8"))

    def run() -> Any:
        node = unserialize_node(doc, cwd=path.parent)
        node.build()()
        return node

    def seats(node: Any) -> dict[str, int]:
        out: dict[str, int] = {}

        def walk(n: Any) -> None:
            divisions = getattr(n, "divisions", None) or []
            result = getattr(n, "result", None)
            if not divisions and result is not None and type(n).__name__ != "Reapportionment":
                for c in result.allocation:
                    key = getattr(c.name, "alliance", None) or getattr(c.name, "name", c.name)
                    out[str(key)] = out.get(str(key), 0) + int(c.seats)
            for d in divisions:
                walk(d)

        walk(node)
        return {k: n for k, n in out.items() if n}

    return run, seats


def votelib_scotland(election: Any) -> Callable[[], dict[str, int]] | None:
    """Scotland 2011 in votelib 0.4: plurality per constituency, D'Hondt per region with the
    constituency seats there as prior gains."""
    try:
        from votelib.evaluate.core import Plurality
        from votelib.evaluate.proportional import HighestAverages
    except ImportError:
        return None
    regions = [u for u in election.units if u.level == "region"]
    inside = {r.name: [u.candidate_votes for u in election.units if u.parent == r.name] for r in regions}
    plurality, dhondt = Plurality(), HighestAverages("d_hondt")

    def run() -> dict[str, int]:
        total: dict[str, int] = {}
        for r in regions:
            held: dict[str, int] = {}
            for votes in inside[r.name]:
                for abbr in plurality.evaluate(votes, 1):  # the winners
                    held[abbr] = held.get(abbr, 0) + 1
            # votelib counts the prior gains in its seats and returns the new ones
            extra = dhondt.evaluate(dict(r.votes), 7 + sum(held.values()), prev_gains=held)
            for abbr, n in [*held.items(), *extra.items()]:
                total[abbr] = total.get(abbr, 0) + n
        return {a: n for a, n in total.items() if n}

    return run


def compare_system(name: str, wheel: str, title: str, args: argparse.Namespace) -> None:
    """hemicycle against interregnum's wheel system (and votelib for Scotland) on one record."""
    rules = hemicycle.load(name)
    election = load_votes(resolve_election(name))
    contestants: dict[str, tuple[Callable[[], Any], int]] = {
        "hemicycle interpreter (full protocol)": (lambda: allocate(rules.model, election), args.repeat),
        "hemicycle interpreter (seats only)": (lambda: allocate(rules.model, election, explain=False), args.repeat),
    }
    peer = interregnum_wheel(wheel)
    if peer is not None:
        contestants["interregnum 0.4.1 (build + allocate)"] = (peer[0], max(2, args.repeat // 5))
    vl = votelib_scotland(election) if name == "scotland-2011" else None
    if vl is not None:
        contestants["votelib 0.4 (glue written here)"] = (vl, args.repeat)
    best = best_of(contestants, args.rounds)
    ours = {a: n for a, n in best["hemicycle interpreter (full protocol)"][1].seats.items() if n}
    print(f"{title}; Python {platform.python_version()}")
    base = best["hemicycle interpreter (full protocol)"][0]
    for label, (ms, _) in best.items():
        ratio = f"{ms / base:6.1f}x" if not label.startswith("hemicycle") else ""
        print(f"  {label:42s} {ms:9.2f} ms  {ratio}")
    if peer is not None:  # the peers name parties otherwise: the seat totals are compared as multisets
        theirs = peer[1](best["interregnum 0.4.1 (build + allocate)"][1])
        same = sorted(theirs.values()) == sorted(ours.values())
        print(f"  interregnum's seats per party {'agree' if same else 'DIFFER: ' + str(theirs)} (as a multiset)")
    if vl is not None:
        got = best["votelib 0.4 (glue written here)"][1]
        print(f"  votelib's seats per party {'agree' if got == ours else 'DIFFER: ' + str(got)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--system", choices=("germany", "norway", "scotland", "all"), default="germany")
    parser.add_argument("--repeat", type=int, default=10, help="calls per round (interregnum: a fifth, at least 2)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds; each contestant's best round counts")
    args = parser.parse_args()
    if args.system in ("norway", "all"):
        compare_system("norway-2021", "no/no_stortingsvalg_2021.yaml",
                       "Norway 2021 (169 seats, 19 districts, 19 levelling seats)", args)
    if args.system in ("scotland", "all"):
        compare_system("scotland-2011", "uk/uk_sco_parliament_2011.yaml",
                       "Scotland 2011 (129 seats, 73 constituencies, 8 regions)", args)
    if args.system in ("germany", "all"):
        germany(args)


def germany(args: argparse.Namespace) -> None:
    rules = hemicycle.load("germany-2025")
    election = load_votes(resolve_election("germany-2025"))
    contestants: dict[str, tuple[Callable[[], Any], int]] = {
        "hemicycle interpreter (full protocol)": (lambda: allocate(rules.model, election), args.repeat),
        "hemicycle interpreter (seats only)": (lambda: allocate(rules.model, election, explain=False), args.repeat),
    }
    peer = interregnum_system()
    if peer is not None:
        contestants["interregnum 0.4.1 (build + allocate)"] = (peer[0], max(2, args.repeat // 5))
    else:
        print("interregnum is not installed (pip install -e .[bench])")
    best = best_of(contestants, args.rounds)
    ours = {a: n for a, n in best["hemicycle interpreter (full protocol)"][1].seats.items() if n}
    print(f"Germany 2025 (630 seats, 299 constituencies, 16 Länder); Python {platform.python_version()}")
    base = best["hemicycle interpreter (full protocol)"][0]
    for name, (ms, _) in best.items():
        ratio = f"{ms / base:6.1f}x" if name.startswith("interregnum") else ""
        print(f"  {name:42s} {ms:9.2f} ms  {ratio}")
    if peer is not None:
        theirs = peer[1](best["interregnum 0.4.1 (build + allocate)"][1])
        same = {a: n for a, n in theirs.items() if n} == ours
        print(f"  interregnum's national seats {'agree' if same else 'DIFFER: ' + str(theirs)}")


if __name__ == "__main__":
    main()
