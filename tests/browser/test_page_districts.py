"""Districts in a real browser: the Spanish Congreso of 2015 from the bundled rules and votes (the
national seats, a province's row, its protocol, a districted comparison), a two-district
election typed in the page, and a typed district's error in the CLI's words."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from conftest import seats, wait

TWO_DISTRICTS = """chamber "Two districts" seats 10
districts seats 10
tier "in the districts" in each district {
  allocate dhondt
  ties registration_order
}
"""


def district_rows(page: Any) -> dict[str, list[str]]:
    return page.execute_script(
        "return Object.fromEntries([...document.querySelectorAll('#districts-table tbody tr')]"
        ".map((r) => [r.dataset.district, [...r.children].map((c) => c.textContent)]))")


def district_header(page: Any) -> list[str]:
    return [th.text for th in page.find_elements(By.CSS_SELECTOR, "#districts-table thead th")]


def set_rules(page: Any, text: str) -> None:
    page.execute_script("const t = document.getElementById('rules-text'); t.value = arguments[0];"
                        "t.dispatchEvent(new Event('input', { bubbles: true }));", text)


def type_cell(page: Any, css: str, text: str) -> None:
    """Type `text` into the cell until it holds it: the page may draw the grid again between finding
    the cell and typing (a stale element under load), and then the new cell is typed into."""

    def typed(d: Any) -> bool:
        found = d.find_elements(By.CSS_SELECTOR, css)
        if not found:
            return False
        if found[0].get_attribute("value") != text:
            found[0].clear()
            found[0].send_keys(text)
        return d.find_elements(By.CSS_SELECTOR, css)[0].get_attribute("value") == text

    WebDriverWait(page, 60, poll_frequency=0.2, ignored_exceptions=(StaleElementReferenceException,)).until(typed)


def pp_cells(page: Any) -> list[str] | None:
    """The PP row of the report's first table, read in one script inside the report's frame (the
    report may be written anew while it is read: then None, and the caller waits)."""
    page.switch_to.frame(page.find_element(By.ID, "compare-report"))
    try:
        return page.execute_script(
            "const t = document.querySelector('table'); if (!t) return null;"
            "const r = [...t.querySelectorAll('tr')].find((r) => r.innerText.startsWith('PARTIDO POPULAR'));"
            "return r ? [...r.querySelectorAll('td')].map((c) => c.innerText.trim()) : null;")
    except StaleElementReferenceException:
        return None
    finally:
        page.switch_to.default_content()


def test_spain_2015_gives_the_national_seats_and_each_province(page: Any) -> None:
    Select(page.find_element(By.ID, "rules-select")).select_by_visible_text("spain-1986")
    Select(page.find_element(By.ID, "votes-select")).select_by_visible_text("spain-2015")
    wait(page, lambda d: seats(d).get("PP") == 123)
    got = seats(page)
    assert (got["PP"], got["PSOE"], got["Podemos"], got["Cs"]) == (123, 90, 42, 40) and sum(got.values()) == 350
    rows = wait(page, lambda d: len(r := district_rows(d)) == 52 and r)
    header = district_header(page)
    assert header[:4] == ["District", "Seats", "PP", "PSOE"]
    madrid = dict(zip(header, rows["Madrid"], strict=True))
    # the CLI's `allocate spain-1986 spain-2015 --districts --format json` gives the same province
    done = subprocess.run([sys.executable, "-m", "hemicycle.cli", "allocate", "spain-1986", "spain-2015",
                           "--format", "json"], capture_output=True, text=True, timeout=60, cwd=Path(__file__).parent)
    unit = next(u for u in json.loads(done.stdout)["districts"] if u["name"] == "Madrid")
    assert madrid["Seats"] == str(unit["magnitude"]) == "36"
    assert {a: int(madrid[a] or 0) for a in ("PP", "PSOE", "Podemos", "Cs")} == {
        a: unit["seats"][a] for a in ("PP", "PSOE", "Podemos", "Cs")} == {"PP": 13, "PSOE": 6, "Podemos": 8, "Cs": 7}
    total = [td.text for td in page.find_elements(By.CSS_SELECTOR, "#districts-table tfoot td")]
    assert total[:3] == ["350", "123", "90"]
    # a click on the province's row opens its steps in the protocol
    page.find_element(By.CSS_SELECTOR, "#districts-table tr[data-district='Madrid']").click()
    part = wait(page, lambda d: (p := d.find_element(By.CSS_SELECTOR, "#protocol details.part[data-district='Madrid']"))
                .get_attribute("open") is not None and p)
    assert part.find_element(By.TAG_NAME, "summary").text == "Madrid (36 seats)"
    assert "PP: 1,210,219 votes" in part.text
    first = page.find_element(By.CSS_SELECTOR, "#protocol section.tier h3").text
    assert first.startswith("Districts: 350 seats in 52 units")


def test_spain_2015_compared_with_one_national_district(page: Any) -> None:
    Select(page.find_element(By.ID, "rules-select")).select_by_visible_text("spain-1986")
    Select(page.find_element(By.ID, "votes-select")).select_by_visible_text("spain-2015")
    wait(page, lambda d: seats(d).get("PP") == 123)
    page.find_element(By.ID, "tab-compare").click()
    Select(page.find_element(By.ID, "add-system")).select_by_visible_text("spain-one-district")
    wait(page, lambda d: "one-district" in (d.find_element(By.ID, "compare-report").get_attribute("srcdoc") or "")
         or "national" in (d.find_element(By.ID, "compare-report").get_attribute("srcdoc") or ""), timeout=90)
    cells = wait(page, lambda d: pp_cells(d), timeout=60)
    from hemicycle import load
    from hemicycle.api import resolve_election
    from hemicycle.votes import read_vote_file

    election = read_vote_file(resolve_election("spain-2015")).election
    assert cells[-2:] == ["123", str(load("spain-one-district").allocate(election).seats["PP"])]
    notes = page.find_element(By.ID, "compare-notes").text
    assert "margins" not in notes  # the closed form gives every list x province margin at once
    report = page.find_element(By.ID, "compare-report").get_attribute("srcdoc") or ""
    assert "Votes that decide seats" in report and " in Granada" in report


def open_typed_two_districts(page: Any) -> None:
    set_rules(page, TWO_DISTRICTS)
    # the answer for these rules has come (the Kazakh votes have no districts): the grid is drawn once
    wait(page, lambda d: "give the file's \"districts\"" in d.find_element(By.ID, "votes-error").text)
    page.find_element(By.ID, "edit-table").click()
    wait(page, lambda d: d.find_element(By.ID, "district-votes").is_displayed())
    # three lists, no national figures: they are the sums of the districts
    for total in page.find_elements(By.CSS_SELECTOR, "#totals input"):
        if total.get_attribute("value"):
            total.clear()
            total.send_keys(" ")
    for _ in range(len(page.find_elements(By.CSS_SELECTOR, "#votes-rows tr"))):
        page.find_element(By.CSS_SELECTOR, "#votes-rows tr:first-child button").click()
    for k, (abbr, name) in enumerate([("A", "Alpha"), ("B", "Beta"), ("C", "Gamma")], start=1):
        page.find_element(By.ID, "add-row").click()
        type_cell(page, f"#votes-rows tr[data-row='{k}'] input[data-field='abbr']", abbr)
        type_cell(page, f"#votes-rows tr[data-row='{k}'] input[data-field='name']", name)
    for name, magnitude, votes in [("North", "6", {"A": "6000", "B": "3000", "C": "1000"}),
                                   ("South", "4", {"A": "1000", "C": "3000"})]:
        page.find_element(By.ID, "add-district").click()
        row = "#district-rows tr:last-child"
        type_cell(page, f"{row} input[data-cell='name']", name)
        type_cell(page, f"{row} input[data-cell='seats']", magnitude)
        for abbr, v in votes.items():
            type_cell(page, f"{row} input[data-cell='votes.{abbr}']", v)


def test_a_typed_two_district_election(page: Any) -> None:
    open_typed_two_districts(page)
    wait(page, lambda d: "South" in district_rows(d) and seats(d).get("C") == 3)
    assert seats(page) == {"A": 5, "C": 3, "B": 2}  # the interpreter's, below
    assert [th.text for th in page.find_elements(By.CSS_SELECTOR, "#district-head th")] == [
        "#", "district", "seats", "A", "B", "C", "blank", "invalid", ""]  # one level: no level column
    rows = district_rows(page)
    header = district_header(page)
    assert [dict(zip(header, rows[n], strict=True)) for n in ("North", "South")] == [
        {"District": "North", "Seats": "6", "A": "4", "C": "", "B": "2"},
        {"District": "South", "Seats": "4", "A": "1", "C": "3", "B": ""}]
    from hemicycle import loads
    from hemicycle.votes import parse_vote_file

    election = parse_vote_file(json.dumps({"parties": [{"abbr": a, "name": n} for a, n in
                                                       [("A", "Alpha"), ("B", "Beta"), ("C", "Gamma")]],
                                           "districts": [
        {"name": "North", "seats": 6, "parties": [{"abbr": "A", "votes": 6000}, {"abbr": "B", "votes": 3000},
                                                  {"abbr": "C", "votes": 1000}]},
        {"name": "South", "seats": 4, "parties": [{"abbr": "A", "votes": 1000}, {"abbr": "C", "votes": 3000}]}]}),
        "two.json").election
    assert loads(TWO_DISTRICTS, "two.elect").allocate(election).seats == {"A": 5, "B": 2, "C": 3}


def test_a_typed_district_error_names_the_district_and_field(page: Any, tmp_path: Path) -> None:
    open_typed_two_districts(page)
    wait(page, lambda d: seats(d).get("C") == 3)
    type_cell(page, "#district-rows tr[data-district='2'] input[data-cell='votes.C']", "3.000")
    error = wait(page, lambda d: (e := d.find_element(By.ID, "votes-error")).is_displayed() and e)
    # the CLI's words for the same file
    (tmp_path / "typed table").write_text(json.dumps({
        "parties": [{"abbr": "A", "name": "Alpha"}, {"abbr": "B", "name": "Beta"}, {"abbr": "C", "name": "Gamma"}],
        "totals": {},
        "districts": [{"name": "North", "seats": 6, "parties": [{"abbr": "A", "votes": 6000},
                                                                 {"abbr": "B", "votes": 3000},
                                                                 {"abbr": "C", "votes": 1000}]},
                      {"name": "South", "seats": 4, "parties": [{"abbr": "A", "votes": 1000},
                                                                 {"abbr": "C", "votes": "3.000"}]}]}), "utf-8")
    (tmp_path / "two.elect").write_text(TWO_DISTRICTS, "utf-8")
    done = subprocess.run([sys.executable, "-m", "hemicycle.cli", "allocate", "./two.elect", "./typed table"],
                          capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert done.returncode == 2
    assert error.text.startswith("typed table: field districts[2].parties[2].votes: South, C:")
    assert error.text in done.stderr
    cell = page.find_element(By.CSS_SELECTOR, "#district-rows tr[data-district='2'] input[data-cell='votes.C']")
    assert "bad" in cell.get_attribute("class")
