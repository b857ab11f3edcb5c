"""The book builds with every chapter executed, and each chapter page shows its figures."""

import re

import pytest

from conftest import chapter_files

pytestmark = pytest.mark.book


def test_every_toc_entry_has_a_page(built_book):
    for entry in chapter_files():
        assert (built_book / f"{entry}.html").is_file(), entry


# Pages without simulations: the opening page, the recorded benchmark and the API appendix.
PAGES_WITHOUT_FIGURES = {"book/intro", "book/performance", "book/api"}


def figure_sources(html: str) -> list[str]:
    """Return the sources of executed figures: PNG files under _images or embedded PNG data.

    The theme's own images (launch-button logos) are SVG files under _static and do not
    count.
    """
    sources = re.findall(r'<img[^>]+src="([^"]+)"', html)
    return [s for s in sources if s.startswith(("../_images/", "data:image/png"))]


def test_figure_sources_ignore_theme_logos():
    html = '<img alt="Binder logo" src="../_static/images/logo_binder.svg">'

    assert figure_sources(html) == []


@pytest.mark.parametrize("entry", [e for e in chapter_files() if e not in PAGES_WITHOUT_FIGURES])
def test_chapter_page_has_figures(built_book, entry):
    html = (built_book / f"{entry}.html").read_text()

    assert figure_sources(html), f"{entry} has no figure"


@pytest.mark.parametrize("entry", chapter_files())
def test_chapter_page_has_no_error_output(built_book, entry):
    html = (built_book / f"{entry}.html").read_text()

    assert "Traceback (most recent call last)" not in html
    assert 'class="output traceback' not in html
