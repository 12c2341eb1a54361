"""A self-contained web page: one HTML file with its data as embedded JSON, opened from disk.

The pages (training_page, optimizer_explorer) are plain HTML, CSS and a small script with named
functions: no framework and no network, so a file:// URL is all they need.
"""

import html
import json
from pathlib import Path

import numpy as np


class Page:
    """An HTML page as a string, that saves to a file and shows inline in Jupyter."""

    def __init__(self, html_text: str, height: int = 860):
        self.html = html_text
        self.height = height

    def save(self, path) -> Path:
        """Write the page to `path` (folders are made as needed); returns the path."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.html, encoding="utf-8")
        return path

    def _repr_html_(self) -> str:
        # An iframe keeps the page's ids and script apart from the notebook's own.
        return (
            f'<iframe srcdoc="{html.escape(self.html, quote=True)}" width="100%"'
            f' height="{self.height}" style="border: 0"></iframe>'
        )


def fill(template: str, title: str, data: dict) -> str:
    """The template with its title and data put in (`__TITLE__` and `__DATA__` mark the places)."""
    return template.replace("__TITLE__", html.escape(title)).replace("__DATA__", to_json(data))


def to_json(data) -> str:
    """JSON that is safe inside a <script> element: numpy values become lists and numbers,
    non-finite numbers become null, and "</" cannot close the element early."""
    return json.dumps(_plain(data), separators=(",", ":"), allow_nan=False).replace("</", "<\\/")


def rounded(array, digits: int = 4) -> list:
    """An array as nested lists of floats with `digits` significant digits (nan and inf as None)."""
    array = np.asarray(array, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(array == 0, 0, np.floor(np.log10(np.abs(array))))
    scale = np.nan_to_num(scale, nan=0, posinf=0, neginf=0)
    factor = 10.0 ** (digits - 1 - scale)
    values = np.round(array * factor) / factor
    return _plain(values)


def _plain(value):
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, np.ndarray):
        return _plain(value.tolist())
    if isinstance(value, (np.floating, float)):
        value = float(value)
        return value if np.isfinite(value) else None
    if isinstance(value, np.integer):
        return int(value)
    return value
