"""Screenshots of the workbench (hemicycle serve) in headless Chromium, for the README and for
looking at the page: the main view at 1400 px and the whole page at 390 px (a phone), and the
verify panel after proving and refuting properties, and Spain 2015 in its 52 provinces (the
district table; docs/img/workbench-districts.png is OUT_DIR/workbench-districts-1400.png).

    python scripts/workbench_screenshots.py [OUT_DIR]     # default: /tmp/hemicycle-screenshots

Needs Debian's chromium and chromium-driver and the [test] extra (selenium). docs/img/workbench.png
is OUT_DIR/workbench-1400.png.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from chromium import chrome, shoot, viewport


def load(driver: Any, url: str, width: int, height: int, mobile: bool) -> None:
    viewport(driver, width, height, mobile)
    driver.get(url)
    WebDriverWait(driver, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#seats td"))
    time.sleep(0.5)


def verify(driver: Any) -> None:
    driver.find_element(By.ID, "tab-verify").click()
    driver.find_element(By.ID, "props-none").click()
    for name in ("seat-total", "monotonicity", "runner-up-guarantee"):
        driver.find_element(By.CSS_SELECTOR, f"#properties input[value='{name}']").click()
    driver.find_element(By.ID, "verify-run").click()
    WebDriverWait(driver, 120).until(lambda d: d.find_element(By.ID, "verify-state").text.startswith("done"))
    time.sleep(0.3)


def districts(driver: Any) -> None:
    """The Spanish rules and the 2015 votes, scrolled to the table of seats by province."""
    Select(driver.find_element(By.ID, "rules-select")).select_by_visible_text("spain-1986")
    Select(driver.find_element(By.ID, "votes-select")).select_by_visible_text("spain-2015")
    WebDriverWait(driver, 60).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#districts-table tbody tr")) == 52)
    driver.execute_script("document.getElementById('districts').scrollIntoView({block: 'start'});")
    time.sleep(0.5)


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    server = subprocess.Popen([sys.executable, "-m", "hemicycle.cli", "serve", "--port", "0"],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    driver = chrome(tempfile.mkdtemp(prefix="hemicycle-shots-"), "--window-size=1400,900")
    try:
        assert server.stdout is not None
        found = re.search(r"http://\S+", server.stdout.readline())
        assert found, "hemicycle serve printed no address"
        url = found.group(0)
        load(driver, url, 1400, 900, False)
        shoot(driver, out / "workbench-1400.png", False)
        verify(driver)
        shoot(driver, out / "workbench-verify-1400.png", False)
        load(driver, url, 1400, 900, False)
        districts(driver)
        shoot(driver, out / "workbench-districts-1400.png", False)
        load(driver, url, 390, 844, True)
        shoot(driver, out / "workbench-390.png", True)
        verify(driver)
        shoot(driver, out / "workbench-verify-390.png", True)
    finally:
        driver.quit()
        server.terminate()


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/hemicycle-screenshots"))
