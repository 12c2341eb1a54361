"""A headless Chromium (Debian's, through selenium) to open minigrad's pages as a person would.

Each page test module makes one browser for all its tests (starting one takes about a second).
`open_page` loads a file:// URL and returns what a page must not do: log console errors, or fetch
anything besides itself.
"""

import shutil
import tempfile

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1400,900",
]


def start_browser():
    """A headless Chromium with a fresh profile, its console log readable through get_log."""
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_path = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    if binary is None:
        raise RuntimeError(
            "the page tests need Debian's chromium and chromium-driver: "
            "sudo apt-get install -y chromium chromium-driver"
        )
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tempfile.mkdtemp(prefix='minigrad-chromium-')}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(driver_path), options=options)


def open_page(driver, path):
    """Load the page at `path`; return (console errors, resources fetched other than data: URLs)."""
    driver.get(path.resolve().as_uri())
    errors = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
    resources = driver.execute_script(
        "return performance.getEntriesByType('resource').map((entry) => entry.name)"
    )
    return errors, [url for url in resources if not url.startswith("data:")]


def text_of(driver, element_id):
    return driver.find_element("id", element_id).text
