"""Run the example notebook, render it to HTML and take screenshots of it in headless Chromium.

    python scripts/notebook_screenshots.py [OUT_DIR]     # default: /tmp/hemicycle-notebook

1. executes docs/examples/kazakhstan-2021.ipynb headless (nbclient, a fresh Python kernel) and
   writes it back with its outputs (what GitHub and docs readers see);
2. renders it to OUT_DIR/kazakhstan-2021.html (nbconvert's lab template, no script or font
   fetched from the network);
3. screenshots the whole page at 1100 px and the first screen (rules, result) in Debian's
   Chromium through ChromeDriver (selenium), with a fresh profile.

docs/img/notebook.png is OUT_DIR/notebook-top.png; OUT_DIR/notebook-full.png is the whole
notebook. Needs the [test] extra (pandas, nbclient, ipykernel, selenium), nbconvert
(pip install nbconvert) and chromium + chromium-driver (apt-get).
"""

from __future__ import annotations

import base64
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "docs" / "examples" / "kazakhstan-2021.ipynb"
sys.path.insert(0, str(ROOT / "tests"))

from chromium import chrome, viewport  # noqa: E402


def execute(path: Path) -> Any:
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    for cell in nb.cells:
        cell.metadata.pop("execution", None)  # no timings that change every run
        for output in cell.get("outputs", []):  # the HTML is what readers see: no dataclass dump besides it
            data = output.get("data", {})
            if "text/html" in data and "text/plain" in data:
                data["text/plain"] = data["text/plain"].splitlines()[0][:80]
    nbformat.write(nb, path)
    print(f"executed {path}")
    return nb


def render(nb: Any, out: Path) -> Path:
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="lab")
    exporter.mathjax_url = ""  # nothing from the network: the page loads offline
    exporter.require_js_url = ""
    body, _ = exporter.from_notebook_node(nb)
    html = out / "kazakhstan-2021.html"
    html.write_text(body, "utf-8")
    print(f"wrote {html}")
    return html


def shoot(driver: Any, path: Path, height: int | None) -> None:
    size = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
    clip = {"x": 0, "y": 0, "width": size["width"], "height": height or size["height"], "scale": 1}
    data = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True,
                                                             "clip": clip})["data"]
    path.write_bytes(base64.b64decode(data))
    print(f"wrote {path} ({clip['width']:.0f} x {clip['height']:.0f})")


def screenshots(html: Path, out: Path) -> None:
    with tempfile.TemporaryDirectory() as profile:
        driver = chrome(profile, "--window-size=1100,1000")
        try:
            viewport(driver, 1100, 1000, False)
            driver.get(html.as_uri())
            time.sleep(1.0)
            shoot(driver, out / "notebook-full.png", None)
            shoot(driver, out / "notebook-top.png", 2600)
        finally:
            driver.quit()


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    nb = execute(NOTEBOOK)
    screenshots(render(nb, out), out)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/tmp/hemicycle-notebook"))
