"""Regenerate the pictures in docs/img used by the README: python scripts/readme_pictures.py"""

from __future__ import annotations

from pathlib import Path

import hemicycle
from hemicycle.compare import compare
from hemicycle.html import arch_for
from hemicycle.pictures import curve_svg
from hemicycle.votes import load_votes
from hemicycle.whatif import seat_vote_curve

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "img"
SYSTEMS = ["kazakhstan-2021", "kazakhstan-2021-dhondt", "kazakhstan-2021-5pct", "kazakhstan-2021-no-threshold"]


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    votes = load_votes(ROOT / "elections" / "kazakhstan-2021.json")
    rules = [hemicycle.load(n) for n in SYSTEMS]
    comparison = compare(rules, votes)
    arches = [arch_for(s) for s in comparison.systems]
    width = 420
    parts = []
    for i, svg in enumerate(arches):
        inner = svg.split(">", 1)[1].rsplit("</svg>", 1)[0]
        x, y = (i % 2) * width, (i // 2) * 300
        parts.append(f'<g transform="translate({x},{y})">{inner}</g>')
    (OUT / "kazakhstan-2021-arches.svg").write_text(
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{2 * width}" height="600" viewBox="0 0 {2 * width} 600" '
        f'font-family="sans-serif" font-size="12">{"".join(parts)}</svg>\n', "utf-8")
    curves = {}
    for r in rules[:3]:
        c = seat_vote_curve(r, votes, "AkZhol")
        curves[Path(r.path).stem] = [(float(p.start * 100), float(p.end * 100), p.seats) for p in c.pieces]
    share = votes.lists[3].votes / votes.list_votes * 100
    (OUT / "kazakhstan-2021-akzhol-curve.svg").write_text(
        curve_svg(curves, title="Ak Zhol: seats against its vote share (others in proportion)", actual=share) + "\n",
        "utf-8")
    print("wrote", *sorted(p.name for p in OUT.glob("*.svg")))


if __name__ == "__main__":
    main()
