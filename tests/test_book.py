"""The book builds with every chapter executed, and each chapter page shows its figures."""

import re

import pytest

from conftest import chapter_files

pytestmark = pytest.mark.book


def test_every_toc_entry_has_a_page(built_book):
    for entry in chapter_files():
        assert (built_book / f"{entry}.html").is_file(), entry


@pytest.mark.parametrize("entry", [e for e in chapter_files() if e != "book/intro"])
def test_chapter_page_has_figures(built_book, entry):
    html = (built_book / f"{entry}.html").read_text()
    images = re.findall(r'<img[^>]+src="([^"]+)"', html)

    assert images, f"{entry} has no figure"


@pytest.mark.parametrize("entry", chapter_files())
def test_chapter_page_has_no_error_output(built_book, entry):
    html = (built_book / f"{entry}.html").read_text()

    assert "Traceback (most recent call last)" not in html
    assert 'class="output traceback' not in html
