"""Headless Chromium (Debian's ``chromium`` and ``chromium-driver``) driven through Selenium.

Used by the workbench's browser tests (``tests/browser/conftest.py``) and the scripts that
photograph pages for the docs (``scripts/readme_pictures.py``, ``scripts/workbench_screenshots.py``,
``scripts/notebook_screenshots.py``): one place that finds the browser, starts it with a fresh
profile and nothing fetched in the background, sizes the page and takes a picture of it.
"""

from __future__ import annotations

import base64
import os
import shutil
from pathlib import Path
from typing import Any

CHROMIUM = os.environ.get("HEMICYCLE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = os.environ.get("HEMICYCLE_CHROMEDRIVER") or shutil.which("chromedriver") or "/usr/bin/chromedriver"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


def missing() -> str | None:
    """Why the browser cannot be had (selenium, chromium or chromedriver missing), or None."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[test]')"
    for path in (CHROMIUM, DRIVER):
        if not os.access(path, os.X_OK):
            return f"{path} not found (apt-get install chromium chromium-driver; .ci/run does)"
    return None


def chrome(profile: str, *flags: str) -> Any:
    """A headless Chromium with the profile folder ``profile`` and ``flags`` besides ``FLAGS``."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in [*FLAGS, *flags, f"--user-data-dir={profile}"]:
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(DRIVER), options=options)


def viewport(driver: Any, width: int, height: int, mobile: bool) -> None:
    """Lay the page out as a screen of ``width`` x ``height`` CSS pixels (a phone's if ``mobile``)."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})


def shoot(driver: Any, path: Path, full: bool) -> None:
    """A PNG of the screen, or with ``full`` of the whole page."""
    args: dict[str, Any] = {"format": "png"}
    if full:
        size = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
        args |= {"captureBeyondViewport": True,
                 "clip": {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}}
    path.write_bytes(base64.b64decode(driver.execute_cdp_cmd("Page.captureScreenshot", args)["data"]))
    print(f"wrote {path}")
