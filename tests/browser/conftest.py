"""A real browser for the workbench's end-to-end tests: ``hemicycle serve`` in a subprocess and a
headless Chromium (Debian's ``chromium`` and ``chromium-driver``) driven through Selenium.

When the browser cannot be had, the tests are skipped and the end of the run says so in capitals:
a green run without them has not tested the page.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from typing import Any

import pytest

from chromium import chrome, missing

EXTRA = ["--disable-dev-shm-usage", "--window-size=1400,900"]
SKIPPED: list[str] = []


@pytest.fixture(scope="session")
def server() -> Iterator[str]:
    """The workbench's address: ``hemicycle serve --port 0`` as a user starts it."""
    process = subprocess.Popen([sys.executable, "-m", "hemicycle.cli", "serve", "--port", "0"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        found = re.search(r"http://127\.0\.0\.1:\d+/", line)
        assert found, f"hemicycle serve printed {line!r}"
        yield found.group(0)
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    reason = missing()
    if reason is not None:
        SKIPPED.append(reason)
        pytest.skip(f"NO BROWSER: {reason}")
    profile = tempfile.mkdtemp(prefix="hemicycle-chromium-")
    driver = chrome(profile, *EXTRA)
    driver.set_script_timeout(20)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def page(browser: Any, server: str) -> Any:
    """The workbench freshly loaded, with its first result on screen."""
    browser.get(server)
    wait(browser, lambda d: d.execute_script("return document.body.dataset.ready === 'true'"))
    wait(browser, lambda d: seats(d).get("NurOtan") is not None)
    return browser


def wait(driver: Any, condition: Any, timeout: float = 30.0) -> Any:
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout, poll_frequency=0.1).until(condition)


def seats(driver: Any) -> dict[str, int]:
    """The seats table as the page shows it: abbr -> seats."""
    rows = driver.execute_script(
        "return [...document.querySelectorAll('#seats tbody tr')].map(r => [r.dataset.abbr, "
        "r.querySelector('.seats-cell').textContent])")
    return {abbr: int(n) for abbr, n in rows}


def _skip_reasons(terminalreporter: Any) -> list[str]:
    """Why browser tests were skipped, read from the skip reports.

    The reports reach the process that prints the summary also when pytest-xdist runs the tests in
    worker processes (where ``SKIPPED`` is filled, out of this process's sight)."""
    reasons = list(SKIPPED)
    for report in terminalreporter.stats.get("skipped", []):
        longrepr = getattr(report, "longrepr", None)
        text = longrepr[2] if isinstance(longrepr, tuple) and len(longrepr) == 3 else str(longrepr)
        if "NO BROWSER: " in text:
            reasons.append(text.split("NO BROWSER: ", 1)[1])
    return reasons


def pytest_terminal_summary(terminalreporter: Any) -> None:
    reasons = _skip_reasons(terminalreporter)
    if reasons:
        bar = "!" * 78
        terminalreporter.write_line(bar, red=True, bold=True)
        terminalreporter.write_line(f"BROWSER TESTS SKIPPED: {reasons[0]}", red=True, bold=True)
        terminalreporter.write_line("The workbench page (hemicycle serve) was NOT tested in a browser.", red=True,
                                    bold=True)
        terminalreporter.write_line(bar, red=True, bold=True)
