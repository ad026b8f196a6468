"""The workbench in a real browser: the journeys of issue 19, each checked against the CLI.

1. the Kazakhstan 2021 rules and votes give 76 / 12 / 10 (+ 9 appointed);
2. a typo gives the diagnostic of `hemicycle check`, at the right line;
3. switching to the D'Hondt what-if gives 77 / 12 / 9;
4. verifying runner-up-guarantee for 3 lists says "proved";
5. a malformed vote file gives the CLI's row-level error.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from conftest import seats, wait

HERE = Path(__file__).resolve().parents[2]


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "hemicycle.cli", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=60)


def select_text(page: Any, needle: str) -> None:
    """Select the first occurrence of ``needle`` in the editor, as a user would with the mouse."""
    page.execute_script(
        "const t = document.getElementById('rules-text'); const i = t.value.indexOf(arguments[0]);"
        "t.focus(); t.setSelectionRange(i, i + arguments[0].length);", needle)


def test_kazakhstan_2021_gives_the_official_seats(page: Any) -> None:
    assert Select(page.find_element(By.ID, "rules-select")).first_selected_option.text == "kazakhstan-2021"
    assert Select(page.find_element(By.ID, "votes-select")).first_selected_option.text == "kazakhstan-2021"
    assert seats(page) == {"NurOtan": 76, "AkZhol": 12, "QHP": 10, "APK": 9, "Auyl": 0, "Adal": 0}
    assert page.find_element(By.CSS_SELECTOR, "#seats tfoot .seats-cell").text == "107"
    assert page.find_elements(By.CSS_SELECTOR, "#arch svg circle").__len__() == 107
    assert page.find_element(By.ID, "check-summary").text == "ok"


def test_a_typo_shows_the_diagnostic_of_hemicycle_check_at_its_line(page: Any, tmp_path: Path) -> None:
    select_text(page, "quota hare")
    page.find_element(By.ID, "rules-text").send_keys("quota hair")
    diagnostic = wait(page, lambda d: d.find_elements(By.CSS_SELECTOR, "#diagnostics .diagnostic.error"))[0]
    text = page.find_element(By.ID, "rules-text").get_attribute("value")
    line = text.split("\n").index(next(x for x in text.split("\n") if "quota hair" in x)) + 1
    assert diagnostic.get_attribute("data-line") == str(line)
    assert page.find_elements(By.CSS_SELECTOR, ".gutter .num")[line - 1].get_attribute("class") == "num has-error"
    (tmp_path / "kazakhstan-2021.elect").write_text(text, "utf-8")
    done = cli("check", "kazakhstan-2021.elect", cwd=tmp_path)
    assert done.returncode == 2
    # (the CLI first notes that it read the local file, not the bundled one of that name)
    shown = "\n".join(x for x in done.stderr.rstrip("\n").split("\n") if not x.startswith("note: reading"))
    assert diagnostic.find_element(By.TAG_NAME, "pre").text == shown
    assert "unexpected 'hair'" in done.stderr
    assert page.find_element(By.ID, "check-summary").text == "1 error(s)"


def test_switching_to_dhondt_gives_77_12_9(page: Any) -> None:
    Select(page.find_element(By.ID, "rules-select")).select_by_visible_text("kazakhstan-2021-dhondt")
    wait(page, lambda d: seats(d).get("NurOtan") == 77)
    assert seats(page) == {"NurOtan": 77, "AkZhol": 12, "QHP": 9, "APK": 9, "Auyl": 0, "Adal": 0}
    assert Select(page.find_element(By.ID, "votes-select")).first_selected_option.text == "kazakhstan-2021"


def test_runner_up_guarantee_for_3_lists_is_proved(page: Any) -> None:
    page.find_element(By.ID, "tab-verify").click()
    page.find_element(By.ID, "props-none").click()
    page.find_element(By.CSS_SELECTOR, "#properties input[value='runner-up-guarantee']").click()
    parties = page.find_element(By.ID, "parties")
    parties.clear()
    parties.send_keys("3")
    page.find_element(By.ID, "verify-run").click()
    verdict = ".verdict[data-property='runner-up-guarantee']"
    card = wait(page, lambda d: d.find_elements(By.CSS_SELECTOR, verdict), 90)[0]
    assert card.find_element(By.CSS_SELECTOR, ".badge").text == "proved"
    assert "3 lists" in card.text
    assert page.find_element(By.ID, "verify-progress").get_attribute("value") == "1"


def test_a_malformed_vote_file_gives_the_row_level_error(page: Any, tmp_path: Path) -> None:
    bad = tmp_path / "bad-votes.csv"
    bad.write_text("abbr,votes\nNurOtan,5148074\nAkZhol,-792828\n", "utf-8")
    page.execute_script("document.getElementById('upload-file').hidden = false")
    page.find_element(By.ID, "upload-file").send_keys(str(bad))
    box = wait(page, lambda d: (e := d.find_element(By.ID, "votes-error")).is_displayed() and e)
    done = cli("allocate", "kazakhstan-2021", "bad-votes.csv", cwd=tmp_path)
    assert done.returncode == 2
    assert box.text == done.stderr.strip().removeprefix("error: ")
    assert box.text.startswith("bad-votes.csv: row 3, field votes:")
    assert Select(page.find_element(By.ID, "votes-select")).first_selected_option.text == "Uploaded: bad-votes.csv"
