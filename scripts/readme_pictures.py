"""Regenerate the pictures in docs/img that the README shows of `hemicycle compare`:

    python scripts/readme_pictures.py [--screenshots]

* kazakhstan-2021-arches.svg: four parliaments from the 2021 votes (lists left to right by
  position, a legend of full names and seats), as `compare --pictures` draws them;
* kazakhstan-2021-akzhol-curve.svg: Ak Zhol's seat-vote curve under three systems;
* compare-80-columns.svg: the terminal table of six systems at 80 columns (Rich's SVG export);
* with --screenshots, report-390.png and report-1400.png: the HTML report (`compare --html`)
  photographed in headless Chromium at a phone's width (whole page) and a desktop's. Needs
  Debian's chromium and chromium-driver and the [test] extra (selenium).
"""

from __future__ import annotations

import io
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console

import hemicycle
from hemicycle.compare import compare
from hemicycle.html import arch_for, comparison_html, curve_picture
from hemicycle.pictures import side_by_side
from hemicycle.reports import comparison_table_data, needs_keys
from hemicycle.tables import to_rich
from hemicycle.votes import load_votes
from hemicycle.whatif import seat_vote_curve

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from chromium import chrome, shoot, viewport  # noqa: E402

OUT = ROOT / "docs" / "img"
FOUR = ["kazakhstan-2021", "kazakhstan-2021-dhondt", "kazakhstan-2021-5pct", "kazakhstan-2021-no-threshold"]
SIX = ["kazakhstan-2021", "kazakhstan-2021-dhondt", "kazakhstan-2021-sainte-lague", "kazakhstan-2021-5pct",
       "kazakhstan-2021-no-threshold", "kazakhstan-2021-correction"]


def pictures() -> None:
    votes = load_votes(ROOT / "elections" / "kazakhstan-2021.json")
    data = compare([hemicycle.load(n) for n in FOUR], votes).to_json()
    arches = [arch_for(s, data["lists"]) for s in data["systems"]]
    (OUT / "kazakhstan-2021-arches.svg").write_text(side_by_side(arches) + "\n", "utf-8")
    rules = [hemicycle.load(n) for n in FOUR[:3]]
    curves = [seat_vote_curve(r, votes, "AkZhol") for r in rules]
    labels = {r.path: r.label for r in rules}
    share = votes.lists[3].votes / votes.list_votes * 100
    (OUT / "kazakhstan-2021-akzhol-curve.svg").write_text(
        curve_picture(curves, share, labels, "Ak Zhol") + "\n", "utf-8")


def terminal() -> None:
    votes = load_votes(ROOT / "elections" / "kazakhstan-2021.json")
    comparison = compare([hemicycle.load(n) for n in SIX], votes)
    console = Console(width=80, record=True, file=io.StringIO(), force_terminal=True, color_system="truecolor")
    console.print("$ hemicycle compare kazakhstan-2021{,-dhondt,-sainte-lague,-5pct,-no-threshold,-correction} \\",
                  markup=False, highlight=False)
    console.print("    --votes kazakhstan-2021 --no-properties", markup=False, highlight=False)
    for table in comparison_table_data(comparison, keys=needs_keys(comparison, 80))[:3]:
        console.print(to_rich(table))
        for line in table.notes:
            console.print(line, markup=False, highlight=False)
    (OUT / "compare-80-columns.svg").write_text(console.export_svg(title="hemicycle compare, 80 columns"), "utf-8")


def screenshots(out: Path) -> None:
    votes = load_votes(ROOT / "elections" / "kazakhstan-2021.json")
    rules = [hemicycle.load(n) for n in SIX]
    curves = [seat_vote_curve(r, votes, "AkZhol") for r in rules[:3]]
    page = Path(tempfile.mkdtemp(prefix="hemicycle-report-")) / "report.html"
    page.write_text(comparison_html(compare(rules, votes), curves=curves), "utf-8")
    driver = chrome(tempfile.mkdtemp(prefix="hemicycle-shots-"))
    try:
        for width, height, mobile, full in ((390, 844, True, True), (1400, 900, False, False)):
            viewport(driver, width, height, mobile)
            driver.get(page.as_uri())
            time.sleep(0.5)
            overflow = driver.execute_script("return document.documentElement.scrollWidth")
            print(f"{width} px: the page is {overflow} px wide")
            shoot(driver, out / f"report-{width}.png", full)
    finally:
        driver.quit()


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    pictures()
    terminal()
    if "--screenshots" in sys.argv[1:]:
        screenshots(OUT)
    print("wrote", *sorted(p.name for p in OUT.glob("*.svg")))


if __name__ == "__main__":
    main()
