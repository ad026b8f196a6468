"""Milliseconds to allocate the German Bundestag 2025 (2023 law: 299 constituencies, Oberverteilung
of 630, Unterverteilung to 16 Land lists, Zweitstimmendeckung), hemicycle against interregnum 0.4.1
whose wheel ships this system, in one process on the same election.

Run: ``python benchmarks/levels.py [--repeat 10] [--rounds 3]`` (needs ``pip install -e .[bench]``).

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=10, help="calls per round (interregnum: a fifth, at least 2)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds; each contestant's best round counts")
    args = parser.parse_args()
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
