"""Sphinx extension: emit each inline ``<script>`` of the HTML pages once.

Sphinx 7.4 (the line that Jupyter Book 1.x requires) registers a script added with
``app.add_js_file(None, body=...)`` twice when an extension adds it after the HTML builder
exists: ``Sphinx.add_js_file`` passes the filename ``None`` to the builder at once, and
``StandaloneHTMLBuilder.prepare_writing`` adds every registered script again with the
filename ``''``. The builder drops a script only when it equals one it already has, and
``None != ''``, so the page gets both copies. sphinx-togglebutton (at ``builder-inited``)
and sphinx-thebe (at ``env-before-read-docs``) add inline scripts that late. sphinx-thebe's
script declares ``const THEBE_JS_URL``, so its second copy stops with the browser error
"Identifier 'THEBE_JS_URL' has already been declared".

This extension wraps the builder's ``add_js_file`` so that it receives ``''`` in place of
``None``, as ``prepare_writing`` does. The duplicate then compares equal and is dropped.
Sphinx 8.2 made the same change in ``Sphinx.add_js_file`` (sphinx-doc/sphinx pull request
13402), where this wrapper changes nothing.
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx
from sphinx.builders.html import StandaloneHTMLBuilder


def pass_inline_scripts_as_empty_filename(app: Sphinx) -> None:
    """Make the HTML builder store inline scripts under the filename ``''``."""
    builder = app.builder
    if not isinstance(builder, StandaloneHTMLBuilder):
        return

    add_to_builder = builder.add_js_file

    def add_js_file(filename: str | None, **kwargs: Any) -> None:
        add_to_builder(filename or "", **kwargs)

    builder.add_js_file = add_js_file  # type: ignore[method-assign]


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the wrapper before other extensions add scripts at ``builder-inited``."""
    app.connect("builder-inited", pass_inline_scripts_as_empty_filename, priority=100)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
