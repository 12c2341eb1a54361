"""Remake the README's screenshots of the pages: python docs/figures/pages/make.py (from the root).

Runs the commands the README shows into a temporary folder, opens each page in headless Chromium
(tests/browser.py), moves it to a moment worth showing and saves a 1400 x 900 screenshot here.
"""

import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parents[2] / "tests"))
from browser import open_page, start_browser  # noqa: E402


def main():
    out = Path(tempfile.mkdtemp(prefix="minigrad-pages-"))
    minigrad = [sys.executable, "-m", "minigrad"]
    subprocess.run([*minigrad, "train", "moons", "--html", "--no-progress", "--out", out], check=True)
    subprocess.run([*minigrad, "compare", "--problem", "rosenbrock", "--html", "--out", out], check=True)
    subprocess.run([*minigrad, "graph", "--mlp", "4,16,16,3", "--steps", "--out", out / "steps"], check=True)
    driver = start_browser()
    try:
        for page, moment, name in [
            (out / "moons_training.html", "show(8)", "training.png"),
            (out / "compare_rosenbrock.html", "", "explorer.png"),
            (out / "steps" / "backward.html", "show(3)", "steps.png"),
        ]:
            errors, fetched = open_page(driver, page)
            assert errors == [] and fetched == [], (page, errors, fetched)
            if moment:
                driver.execute_script(moment)
            driver.save_screenshot(str(HERE / name))
            print(f"wrote {HERE / name}")
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
