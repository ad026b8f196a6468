"""The rest of the page in a real browser: the protocol's links into the editor, completions and
hovers (the language server's), comparisons, typed votes, cancelling a verification (districts:
test_page_districts.py)."""

from __future__ import annotations

import time
from typing import Any

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from conftest import seats, wait


def editor_text(page: Any) -> str:
    return page.find_element(By.ID, "rules-text").get_attribute("value")


def test_a_protocol_step_shows_its_clause_in_the_editor(page: Any) -> None:
    page.find_element(By.ID, "tab-protocol").click()
    link = page.find_elements(By.CSS_SELECTOR, "#protocol .line-link")[0]
    assert link.text == "line 14 [art. 97-1 p.1]"
    link.click()
    lines = page.find_elements(By.CSS_SELECTOR, ".highlight .ln")
    assert "focus" in lines[13].get_attribute("class")
    selected = page.execute_script("const t = document.getElementById('rules-text');"
                                   "return t.value.slice(t.selectionStart, t.selectionEnd)")
    assert selected.strip().startswith("threshold 7% of ballots_cast inclusive")


def test_completions_are_the_language_servers(page: Any) -> None:
    from hemicycle.editor.lsp import completions

    page.execute_script("const t = document.getElementById('rules-text'); const i = t.value.indexOf('  ties ') + 2;"
                        "t.focus(); t.setSelectionRange(i, i);")
    text = editor_text(page)
    line = text[: text.index("  ties ")].count("\n")
    page.find_element(By.ID, "rules-text").send_keys(Keys.CONTROL, " ")
    items = wait(page, lambda d: d.execute_script(
        "return [...document.querySelectorAll('#completions li .label')].map((e) => e.textContent)"))
    assert items == [c.label for c in completions(text, line, 2)][:50]
    page.find_element(By.ID, "rules-text").send_keys("thr")
    wait(page, lambda d: d.execute_script(
        "return [...document.querySelectorAll('#completions li .label')].map((e) => e.textContent)") == ["threshold"])
    page.find_element(By.ID, "rules-text").send_keys(Keys.ENTER)
    assert "  thresholdties registration_order" in editor_text(page)


def test_hovering_a_word_shows_the_language_servers_hover(page: Any) -> None:
    word = next(e for e in page.find_elements(By.CSS_SELECTOR, ".highlight .tok-value") if e.text == "hare")
    ActionChains(page).move_to_element(word).perform()
    tip = wait(page, lambda d: (t := d.find_element(By.CSS_SELECTOR, ".hover-tip")).is_displayed() and t)
    assert "allocate largest_remainder quota KIND" in tip.text and "hagenbach_bischoff" in tip.text


def test_compare_adds_a_bundled_system_side_by_side(page: Any) -> None:
    page.find_element(By.ID, "tab-compare").click()
    Select(page.find_element(By.ID, "add-system")).select_by_visible_text("kazakhstan-2021-dhondt")
    wait(page, lambda d: "Hondt, 7%" in (d.find_element(By.ID, "compare-report").get_attribute("srcdoc") or ""))
    page.switch_to.frame(page.find_element(By.ID, "compare-report"))
    try:
        table = page.find_elements(By.TAG_NAME, "table")[0]
        header = [th.text for th in table.find_elements(By.CSS_SELECTOR, "tr:first-child th")]
        assert header[-2:] == ["2021 law: Hare, 7%", "D'Hondt, 7%"]  # the rule files' labels
        nur_otan = next(r for r in table.find_elements(By.TAG_NAME, "tr") if "«Nur Otan»" in r.text)
        assert [td.text for td in nur_otan.find_elements(By.TAG_NAME, "td")][-2:] == ["76", "77"]
    finally:
        page.switch_to.default_content()
    assert [b.text for b in page.find_elements(By.CSS_SELECTOR, "#dl-arches button")] == [
        "kazakhstan-2021.svg", "kazakhstan-2021-dhondt.svg"]


def test_votes_typed_in_a_table(page: Any) -> None:
    page.find_element(By.ID, "edit-table").click()
    akzhol = "#votes-rows tr[data-row='4'] input[data-field='votes']"
    cell = wait(page, lambda d: d.find_elements(By.CSS_SELECTOR, akzhol))[0]
    assert cell.get_attribute("value") == "792828"  # Ak Zhol, as the bundled file has it
    cell.clear()
    cell.send_keys("1,792,828")
    error = wait(page, lambda d: (e := d.find_element(By.ID, "votes-error")).is_displayed() and e)
    assert error.text.startswith("typed table: row 4, field votes:") and "thousands separators" in error.text
    assert "bad" in cell.get_attribute("class")
    cell.clear()
    cell.send_keys("1792828")  # now the lists add up to more than the file's valid votes
    wait(page, lambda d: "field totals.valid" in d.find_element(By.ID, "votes-error").text)
    valid = page.find_element(By.CSS_SELECTOR, "#totals input[data-total='valid']")
    assert "bad" in valid.get_attribute("class")
    for total in ("valid", "ballots_cast"):
        page.find_element(By.CSS_SELECTOR, f"#totals input[data-total='{total}']").clear()
        page.find_element(By.CSS_SELECTOR, f"#totals input[data-total='{total}']").send_keys(" ")
    wait(page, lambda d: seats(d).get("AkZhol", 0) > 12)
    assert not page.find_element(By.ID, "votes-error").is_displayed()
    assert sum(seats(page).values()) == 107


def test_a_verification_can_be_cancelled(page: Any) -> None:
    page.find_element(By.ID, "tab-verify").click()
    page.find_element(By.ID, "props-all").click()
    parties = page.find_element(By.ID, "parties")
    parties.clear()
    parties.send_keys("8")
    page.find_element(By.ID, "verify-run").click()
    wait(page, lambda d: d.find_element(By.ID, "verify-cancel").is_enabled())
    time.sleep(0.5)
    page.find_element(By.ID, "verify-cancel").click()
    wait(page, lambda d: d.find_element(By.ID, "verify-state").text.startswith("cancelled"))
    assert page.find_element(By.ID, "verify-run").is_enabled()
