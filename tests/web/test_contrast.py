"""Sufficient contrast: every text colour the editor's stylesheet names meets WCAG AA (4.5:1)
on white and on the soft grey panels."""

import re
from importlib import resources

import pytest


def luminance(hex_colour: str) -> float:
    hex_colour = hex_colour.lstrip("#")
    if len(hex_colour) == 3:
        hex_colour = "".join(c * 2 for c in hex_colour)
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_contrast_formula():
    assert contrast("#000", "#fff") == pytest.approx(21.0)
    assert contrast("#767676", "#fff") == pytest.approx(4.54, abs=0.01)


CSS = resources.files("policypulse.web").joinpath("static/web/editor.css").read_text()
VARIABLES = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{3,6})", CSS))


@pytest.mark.parametrize("name", ["ink", "muted", "link", "ok", "warn", "bad"])
@pytest.mark.parametrize("background", ["#ffffff", "bg-soft", "#fdf2f2", "#e8f0fb"])
def test_text_colours_meet_wcag_aa(name, background):
    back = VARIABLES.get(background, background)
    assert contrast(VARIABLES[name], back) >= 4.5, (name, background)


def test_marked_figures_are_readable():
    assert contrast(VARIABLES["ink"], "#fff1a8") >= 4.5
    assert contrast(VARIABLES["bad"], "#ffdddd") >= 4.5
