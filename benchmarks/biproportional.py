"""Milliseconds to allocate the Gemeinderat of Zürich 2006 (125 seats, 9 districts, 8 lists,
biproportional apportionment), hemicycle against interregnum 0.4.1, in one process on the same votes.

Run: ``python benchmarks/biproportional.py [--repeat 20] [--rounds 5]`` (needs ``pip install -e .[bench]``).

* **hemicycle (protocol)**: ``allocate(rules, election)`` with the bundled ``zurich-2006`` rules
  (quorum, Sainte-Lague upper apportionment on rounded voter numbers, lower apportionment by
  standard rounding) and its full protocol (the text is not rendered); **hemicycle (seats)**: the
  same with ``explain=False``; **hemicycle solver**: ``hemicycle.biproportional.biproportional`` on
  the vote matrix and the official marginals alone.
* **interregnum 0.4.1**: its own Zürich system as its wheel's fixture states it (an
  ``alternate_scaling`` node with a Sainte-Lague upper apportionment on the list votes; in Zürich the
  same seats as on voter numbers), built from the same votes (``unserialize_node``) and allocated
  (``build()()``): "build and allocate".

Every contestant's cells are compared with hemicycle's; the ratios are peer time / hemicycle time.
"""

from __future__ import annotations

import argparse
import platform
from collections.abc import Callable
from typing import Any

import hemicycle
from hemicycle.api import resolve_election
from hemicycle.biproportional import biproportional
from hemicycle.election import Election
from hemicycle.interpreter import allocate
from hemicycle.votes import load_votes

Cells = dict[tuple[str, str], int]  # (district, abbr) -> seats, nonzero only

try:
    from benchmarks.districts import best_of
except ImportError:  # run as a script from the repository root
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from districts import best_of  # type: ignore[no-redef]


def zurich() -> tuple[hemicycle.Rules, Election]:
    return hemicycle.load("zurich-2006"), load_votes(resolve_election("zurich-2006"))


def hemicycle_cells(result: Any) -> Cells:
    return {(u.name, a): n for u in result.districts for a, n in u.seats.items() if n}


def matrix(election: Election) -> tuple[list[list[int]], list[int], list[int], list[str], list[str]]:
    abbrs = [e.abbr for e in election.lists]
    units = list(election.units)
    votes = [[u.votes.get(a, 0) for u in units] for a in abbrs]
    rows = [e.seats_official for e in election.lists] if hasattr(election.lists[0], "seats_official") else []
    return votes, rows, [u.seats or 0 for u in units], abbrs, [u.name for u in units]


def interregnum_doc(election: Election) -> dict[str, Any]:
    candidates = [{"district": u.name, "name": a, "votes": v} for u in election.units for a, v in u.votes.items()]
    return {"name": "Zurich", "type": "group", "divisions": [
        {"name": "biproportional", "method": "alternate_scaling",
         "method_params": {"round_f": "sainte_lague", "nice_quota": True, "sort_parties": True},
         "party_seats": {"name": "party seats", "method": "highest_averages",
                         "method_params": {"divisor_f": "sainte_lague"},
                         "seats": sum(u.seats or 0 for u in election.units), "candidates": "id[Wahlkreise]"},
         "district_seats": {"method": "noop",
                            "candidates": [{"name": u.name, "min_seats": u.seats} for u in election.units]},
         "candidates": "Wahlkreise"},
        {"name": "Wahlkreise", "method": "noop", "candidates": candidates}]}


def interregnum_run(doc: dict[str, Any]) -> Any:
    from interregnum.district import unserialize_node

    node = unserialize_node(doc, cwd=None)
    node.build()()
    return node


def interregnum_cells(node: Any) -> Cells:
    return {(str(c.name.district), str(c.name.name)): c.seats for c in node.divisions[0].result.allocation if c.seats}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=20, help="calls per round (the peers: a fifth)")
    parser.add_argument("--rounds", type=int, default=5, help="rounds; each contestant's best round counts")
    args = parser.parse_args()
    rules, election = zurich()
    reference = allocate(rules.model, election, explain=False)
    seats = [reference.seats[e.abbr] for e in election.lists]
    votes, _, cols, abbrs, names = matrix(election)
    from hemicycle.biproportional import Solution
    from hemicycle.model import Divisor, DivisorKind

    d = Divisor(kind=DivisorKind.SAINTE_LAGUE).divisor

    def solver_cells(sol: Solution) -> Cells:
        return {(names[j], abbrs[i]): n for i, row in enumerate(sol.seats) for j, n in enumerate(row) if n}

    few = max(3, args.repeat // 5)
    contestants: dict[str, tuple[Callable[[], Any], int]] = {
        "hemicycle interpreter (full protocol)": (lambda: allocate(rules.model, election), args.repeat),
        "hemicycle interpreter (seats only)": (lambda: allocate(rules.model, election, explain=False), args.repeat),
        "hemicycle solver (matrix and marginals)": (lambda: biproportional(votes, seats, cols, d), args.repeat),
    }
    convert: dict[str, Callable[[Any], Cells]] = {
        "hemicycle interpreter (full protocol)": hemicycle_cells, "hemicycle interpreter (seats only)": hemicycle_cells,
        "hemicycle solver (matrix and marginals)": solver_cells,
    }
    try:
        doc = interregnum_doc(election)
        contestants["interregnum 0.4.1 (build + allocate)"] = (lambda: interregnum_run(doc), few)
        convert["interregnum 0.4.1 (build + allocate)"] = interregnum_cells
    except ImportError:
        print("interregnum is not installed (pip install -e .[bench])")
    best = best_of(contestants, args.rounds)
    expected = hemicycle_cells(reference)
    base = best["hemicycle interpreter (full protocol)"][0]
    print(f"Zürich 2006 Gemeinderat, biproportional (Python {platform.python_version()}, best of {args.rounds} rounds)")
    for name, (ms, out) in best.items():
        same = "same cells" if convert[name](out) == expected else "DIFFERENT CELLS"
        print(f"  {name:42} {ms:9.3f} ms  ratio {ms / base:7.2f}  {same}")


if __name__ == "__main__":
    main()
