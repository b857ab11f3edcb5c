"""The built book in headless Chromium: every page in _toc.yml works offline, with no kernel.

Each page is loaded once from a loopback HTTP server (``http.server`` on 127.0.0.1 in a
thread) by Debian's ``/usr/bin/chromium``, driven by playwright. The visit records console
errors and uncaught exceptions, and it blocks and records every request that leaves the
machine. It checks that each image in the article is decoded and not a single colour, moves
every static slider and reads the prev/next links. A full-page screenshot of each page is
saved under ``<html>/screenshots/``, and the page weights (HTML plus the images it
references) are written to ``<html>/page-weights.txt``.

Two checks read the sources instead of the browser: chapter code cells and spikelib
modules must not fetch anything from the network at run time.
"""

from __future__ import annotations

import ast
import base64
import functools
import http.server
import importlib.util
import pkgutil
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

import matplotlib
import pytest
import yaml

import spikelib
from conftest import ROOT, chapter_files
from spikelib.widgets import figure_to_png, static_slider

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402 (after choosing the backend)

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
LOCAL_SCHEMES = {"data", "blob", "about", "file"}

ENTRIES = chapter_files()
ROOT_ENTRY = ENTRIES[0]
APPENDIX_ENTRIES = {"book/api"}
CHAPTERS = [entry for entry in ENTRIES if entry != ROOT_ENTRY and entry not in APPENDIX_ENTRIES]

# An image passes as drawn when at most this share of its pixels has its most common
# colour. A matplotlib figure with axes and tick labels stays well below it. An empty
# canvas, a failed render or a single-colour placeholder is at 1.0.
MAX_DOMINANT_COLOUR_SHARE = 0.995

# Budget for one page (HTML and the images it references), for readers on slow or metered
# connections. A static slider with many frames at high dpi is the usual way to exceed it.
MAX_PAGE_BYTES = 8 * 1024 * 1024

# spikelib modules that the API appendix leaves out: the command-line entry point, the
# numba kernels and argument validation are internal, and _private modules are private.
INTERNAL_MODULES = {"spikelib.__main__", "spikelib.kernels", "spikelib.validation"}

IMAGE_STATS_JS = """
async (images) => {
    const stats = [];
    for (const img of images) {
        try { await img.decode(); } catch (error) { /* reported as naturalWidth 0 */ }
        const record = {
            src: img.currentSrc.slice(0, 80),
            alt: img.alt,
            width: img.naturalWidth,
            height: img.naturalHeight,
            dominantShare: 1.0,
            colours: 0,
        };
        if (img.naturalWidth > 0 && img.naturalHeight > 0) {
            const scale = Math.min(1, 400 / Math.max(img.naturalWidth, img.naturalHeight));
            const width = Math.max(1, Math.round(img.naturalWidth * scale));
            const height = Math.max(1, Math.round(img.naturalHeight * scale));
            const canvas = document.createElement("canvas");
            canvas.width = width;
            canvas.height = height;
            const context = canvas.getContext("2d");
            context.drawImage(img, 0, 0, width, height);
            const pixels = context.getImageData(0, 0, width, height).data;
            const counts = new Map();
            for (let i = 0; i < pixels.length; i += 4) {
                const key = ((pixels[i] * 256 + pixels[i + 1]) * 256 + pixels[i + 2]) * 256 + pixels[i + 3];
                counts.set(key, (counts.get(key) || 0) + 1);
            }
            record.colours = counts.size;
            record.dominantShare = Math.max(...counts.values()) / (width * height);
        }
        stats.push(record);
    }
    return stats;
}
"""

SET_SLIDER_JS = """
(input, value) => {
    input.value = String(value);
    input.dispatchEvent(new Event("input", {bubbles: true}));
}
"""

# The text of each cell output without its <pre> blocks (printed text and tracebacks), so
# that only rendered Markdown and HTML outputs remain.
OUTPUT_PROSE_JS = """
(outputs) => outputs.map((output) => {
    const copy = output.cloneNode(true);
    copy.querySelectorAll("pre").forEach((block) => block.remove());
    return copy.textContent;
})
"""

MATH_STATE_JS = """
async () => {
    const mathjax = window.MathJax;
    if (mathjax && mathjax.startup && mathjax.startup.promise) {
        await mathjax.startup.promise;
    }
    return {
        loaded: Boolean(mathjax && mathjax.startup),
        formulas: document.querySelectorAll("article .math").length,
        rendered: document.querySelectorAll("article mjx-container").length,
        errors: document.querySelectorAll("article mjx-merror").length,
    };
}
"""


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args) -> None:  # noqa: A002 (signature of the base class)
        pass


@dataclass
class SliderCheck:
    """What happened when one static slider was moved to another frame."""

    frames: int
    target: int
    visible_before: list[str]
    visible_after: list[str]
    src_before: str
    src_after: str
    label_before: str
    label_after: str


@dataclass
class PageVisit:
    """Everything recorded while one page was open in the browser."""

    entry: str
    status: int = 0
    errors: list[str] = field(default_factory=list)
    external_requests: list[str] = field(default_factory=list)
    broken_resources: list[str] = field(default_factory=list)
    images: list[dict] = field(default_factory=list)
    math: dict = field(default_factory=dict)
    sliders: list[SliderCheck] = field(default_factory=list)
    navigation: dict[str, str] = field(default_factory=dict)
    output_texts: list[str] = field(default_factory=list)
    screenshot: Path | None = None


def is_local_url(url: str) -> bool:
    """Return whether a request stays on this machine (loopback, file, data or blob)."""
    parts = urlsplit(url)
    if parts.scheme in LOCAL_SCHEMES:
        return True
    return parts.scheme in ("http", "https", "ws", "wss") and parts.hostname in LOOPBACK_HOSTS


def _code_cells(markdown: str) -> list[str]:
    """Return the code of each MyST code cell, without its option lines or YAML block."""
    cells = []
    for body in re.findall(r"^```\{code-cell\}[^\n]*\n(.*?)^```", markdown, re.S | re.M):
        if body.startswith("---\n"):
            body = body.split("---\n", 2)[2]
        cells.append("\n".join(line for line in body.splitlines() if not line.startswith(":")))
    return cells


@pytest.fixture(scope="session")
def book_url(built_book):
    """Serve the built HTML on 127.0.0.1 (a free port) for the whole session."""
    handler = functools.partial(_QuietHandler, directory=str(built_book))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="book-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium (never a downloaded browser build)."""
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (bash .ci/setup does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


def _check_sliders(page) -> list[SliderCheck]:
    checks = []
    sliders = page.locator("article .spikelib-static-slider")
    for index in range(sliders.count()):
        slider = sliders.nth(index)
        range_input = slider.locator("input[type=range]")
        frames = slider.locator("img.spikelib-frame")
        visible = slider.locator("img.spikelib-frame:visible")

        visible_before = [visible.nth(i).get_attribute("data-index") for i in range(visible.count())]
        src_before = visible.first.get_attribute("src") if visible.count() else ""
        label_before = slider.locator(".spikelib-value").inner_text()
        current = int(range_input.input_value())
        maximum = int(range_input.get_attribute("max"))
        target = maximum if current != maximum else 0

        range_input.evaluate(SET_SLIDER_JS, target)

        visible_after = [visible.nth(i).get_attribute("data-index") for i in range(visible.count())]
        src_after = visible.first.get_attribute("src") if visible.count() else ""
        checks.append(
            SliderCheck(
                frames=frames.count(),
                target=target,
                visible_before=visible_before,
                visible_after=visible_after,
                src_before=src_before or "",
                src_after=src_after or "",
                label_before=label_before,
                label_after=slider.locator(".spikelib-value").inner_text(),
            )
        )
    return checks


def _visit(browser, book_url: str, html_dir: Path, entry: str) -> PageVisit:
    visit = PageVisit(entry)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    page = context.new_page()
    page.set_default_timeout(60_000)

    def on_console(message) -> None:
        if message.type == "error":
            visit.errors.append(f"console.error: {message.text}")

    def on_response(response) -> None:
        if response.status >= 400:
            visit.broken_resources.append(f"{response.status} {response.url}")

    def on_route(route) -> None:
        url = route.request.url
        if is_local_url(url):
            route.continue_()
        else:
            visit.external_requests.append(url)
            route.abort()

    page.on("console", on_console)
    page.on("pageerror", lambda error: visit.errors.append(f"uncaught exception: {error}"))
    page.on("response", on_response)
    page.route("**/*", on_route)

    try:
        response = page.goto(book_url + quote(f"{entry}.html"), wait_until="load")
        visit.status = response.status if response else 0
        visit.math = page.evaluate(MATH_STATE_JS)
        visit.images = page.eval_on_selector_all("article img", IMAGE_STATS_JS)
        visit.output_texts = page.eval_on_selector_all("article .cell_output", OUTPUT_PROSE_JS)
        visit.navigation = {
            anchor["kind"]: anchor["href"]
            for anchor in page.eval_on_selector_all(
                ".prev-next-area a",
                "anchors => anchors.map(a => ({kind: a.className.includes('prev') ? 'prev' : 'next', href: a.href}))",
            )
        }

        screenshots = html_dir / "screenshots"
        screenshots.mkdir(exist_ok=True)
        visit.screenshot = screenshots / (entry.replace("/", "-") + ".png")
        page.screenshot(path=str(visit.screenshot), full_page=True)

        # Moved after the screenshot, so the screenshot shows every slider at its default.
        visit.sliders = _check_sliders(page)
    finally:
        context.close()
    return visit


@pytest.fixture(scope="session")
def visit_page(browser, book_url, built_book):
    """Return a function that opens a toc entry once per session and returns its PageVisit."""
    visits: dict[str, PageVisit] = {}

    def visit(entry: str) -> PageVisit:
        if entry not in visits:
            visits[entry] = _visit(browser, book_url, built_book, entry)
        return visits[entry]

    return visit


def _visit_file_url(browser, html_dir: Path, entry: str) -> tuple[list[str], list[str], dict]:
    """Open a page from disk (file://) and return (errors, external requests, math state)."""
    errors: list[str] = []
    external: list[str] = []
    context = browser.new_context(service_workers="block")
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(f"uncaught exception: {error}"))

    def on_route(route) -> None:
        if is_local_url(route.request.url):
            route.continue_()
        else:
            external.append(route.request.url)
            route.abort()

    page.route("**/*", on_route)
    try:
        page.goto((html_dir / f"{entry}.html").as_uri(), wait_until="load")
        math = page.evaluate(MATH_STATE_JS)
    finally:
        context.close()
    return errors, external, math


def _page_path(html_dir: Path, book_url: str, url: str) -> Path | None:
    if not url.startswith(book_url):
        return None
    relative = urlsplit(url[len(book_url) :]).path
    return html_dir / relative


@pytest.mark.book
@pytest.mark.browser
@pytest.mark.parametrize("entry", ENTRIES)
def test_page_loads_without_errors(visit_page, entry):
    visit = visit_page(entry)

    assert visit.status == 200
    assert visit.errors == []
    assert visit.broken_resources == []


@pytest.mark.book
@pytest.mark.browser
@pytest.mark.parametrize("entry", ENTRIES)
def test_page_works_from_file_url(browser, built_book, entry):
    # A reader may open the pages straight from disk, where Chromium treats every file as
    # its own origin. MathJax must still load its fonts there.
    errors, external, math = _visit_file_url(browser, built_book, entry)

    assert errors == []
    assert external == []
    assert math["rendered"] >= math["formulas"], math


@pytest.mark.book
@pytest.mark.browser
@pytest.mark.parametrize("entry", ENTRIES)
def test_page_requests_stay_local(visit_page, entry):
    visit = visit_page(entry)

    assert visit.external_requests == []


@pytest.mark.book
@pytest.mark.browser
@pytest.mark.parametrize("entry", ENTRIES)
def test_page_math_renders_offline(visit_page, entry):
    math = visit_page(entry).math
    if not math["formulas"]:
        pytest.skip(f"{entry} has no formula")

    assert math["loaded"], "MathJax did not start"
    assert math["rendered"] >= math["formulas"], math
    assert math["errors"] == 0


@pytest.mark.book
@pytest.mark.browser
@pytest.mark.parametrize("entry", ENTRIES)
def test_page_images_decoded_not_blank(visit_page, entry):
    images = visit_page(entry).images

    undecoded = [image["src"] for image in images if image["width"] == 0]
    blank = [image for image in images if image["dominantShare"] > MAX_DOMINANT_COLOUR_SHARE]
    assert undecoded == []
    assert blank == []


# The delimiter row of a Markdown table left as text ("|---|", which CommonMark's
# typographic replacement may turn into "|—|").
RAW_TABLE_DELIMITER = re.compile(r"\|\s*:?(?:-{3,}|[—–]+):?\s*\|")


@pytest.mark.book
@pytest.mark.browser
@pytest.mark.parametrize("entry", ENTRIES)
def test_page_outputs_have_no_raw_tables(visit_page, entry):
    raw = [text[:200] for text in visit_page(entry).output_texts if RAW_TABLE_DELIMITER.search(text)]

    assert raw == []


@pytest.mark.book
@pytest.mark.browser
@pytest.mark.parametrize("entry", CHAPTERS)
def test_chapter_shows_figures(visit_page, entry):
    assert visit_page(entry).images, f"{entry} shows no image"


# Controls that only work with a kernel: a chapter that has them needs a static slider.
LIVE_CONTROLS = re.compile(r"\bLiveFigure\(|\bwidgets\.\w*Slider\(|\binteract\(")


def _has_live_controls(entry: str) -> bool:
    cells = _code_cells((ROOT / f"{entry}.md").read_text(encoding="utf-8"))
    return any(LIVE_CONTROLS.search(cell) for cell in cells)


@pytest.mark.book
@pytest.mark.browser
@pytest.mark.parametrize("entry", [entry for entry in CHAPTERS if _has_live_controls(entry)])
def test_chapter_static_slider_switches_frame(visit_page, entry):
    sliders = visit_page(entry).sliders

    assert sliders, f"{entry} has live controls but no static slider"
    for slider in sliders:
        assert slider.frames >= 2, slider
        assert len(slider.visible_before) == 1, slider
        assert slider.visible_after == [str(slider.target)], slider
        assert slider.src_after != slider.src_before, "the new frame shows the same image"
        assert slider.label_after != slider.label_before, slider


@pytest.mark.book
@pytest.mark.browser
@pytest.mark.parametrize("position", range(len(ENTRIES)))
def test_navigation_links_follow_toc(visit_page, built_book, book_url, position):
    navigation = visit_page(ENTRIES[position]).navigation
    expected = {}
    if position > 0:
        expected["prev"] = ENTRIES[position - 1]
    if position + 1 < len(ENTRIES):
        expected["next"] = ENTRIES[position + 1]

    assert set(navigation) == set(expected)
    for kind, target in expected.items():
        path = _page_path(built_book, book_url, navigation[kind])
        assert path == built_book / f"{target}.html", (kind, navigation[kind])
        assert path.is_file(), path


@pytest.mark.book
@pytest.mark.browser
@pytest.mark.parametrize("entry", ENTRIES)
def test_page_screenshot_saved(visit_page, entry):
    screenshot = visit_page(entry).screenshot

    assert screenshot is not None and screenshot.is_file()
    assert screenshot.stat().st_size > 10_000, "screenshot is nearly empty"


def _page_weight(html_dir: Path, entry: str) -> tuple[int, int, int]:
    """Return (HTML bytes, bytes of the local images it references, image count)."""
    page = html_dir / f"{entry}.html"
    text = page.read_text(encoding="utf-8")
    embedded = len(re.findall(r'<img[^>]+src="data:', text))
    linked_bytes = 0
    linked = 0
    for src in re.findall(r'<img[^>]+src="([^"]+)"', text):
        if src.startswith("data:") or "://" in src:
            continue
        linked_bytes += (page.parent / src).resolve().stat().st_size
        linked += 1
    return page.stat().st_size, linked_bytes, embedded + linked


@pytest.mark.book
def test_page_weights_within_budget(built_book):
    lines = [f"{'page':<28} {'html bytes':>12} {'linked images':>14} {'total bytes':>12} {'images':>7}"]
    totals = {}
    for entry in ENTRIES:
        html_bytes, image_bytes, images = _page_weight(built_book, entry)
        totals[entry] = html_bytes + image_bytes
        lines.append(
            f"{entry:<28} {html_bytes:>12} {image_bytes:>14} {totals[entry]:>12} {images:>7}"
        )
    table = "\n".join(lines) + "\n"
    (built_book / "page-weights.txt").write_text(table)
    print("\n" + table)

    too_heavy = {entry: size for entry, size in totals.items() if size > MAX_PAGE_BYTES}
    assert too_heavy == {}


def _inline_scripts(html: str) -> list[str]:
    return [body.strip() for body in re.findall(r"<script>(.*?)</script>", html, re.S) if body.strip()]


@pytest.mark.book
@pytest.mark.parametrize("entry", ENTRIES)
def test_page_inline_scripts_not_repeated(built_book, entry):
    scripts = _inline_scripts((built_book / f"{entry}.html").read_text(encoding="utf-8"))
    repeated = sorted({script[:80] for script in scripts if scripts.count(script) > 1})

    assert repeated == []


def _launch_settings() -> tuple[str, str, str, str]:
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    owner, repository = urlsplit(config["repository"]["url"]).path.strip("/").split("/")[:2]
    return (
        owner,
        repository,
        config["repository"].get("branch", "main"),
        config["launch_buttons"]["jupyterhub_url"],
    )


def _is_notebook(entry: str) -> bool:
    return "kernelspec:" in (ROOT / f"{entry}.md").read_text(encoding="utf-8")


@pytest.mark.book
@pytest.mark.parametrize("entry", [entry for entry in ENTRIES if _is_notebook(entry)])
def test_notebook_page_has_launch_links(built_book, entry):
    owner, repository, branch, hub = _launch_settings()
    html = (built_book / f"{entry}.html").read_text(encoding="utf-8")
    # BinderHub's documented form: /v2/gh/<owner>/<repository>/<ref>?urlpath=<path to open>.
    binder = f"https://mybinder.org/v2/gh/{owner}/{repository}/{branch}?urlpath=lab/tree/{entry}.md"

    assert f'href="{binder}"' in html
    assert f'href="{hub.rstrip("/")}/hub/user-redirect/git-pull?' in html


def _public_modules() -> list[str]:
    names = []
    for module in pkgutil.iter_modules(spikelib.__path__, prefix="spikelib."):
        short = module.name.rsplit(".", 1)[1]
        if not short.startswith("_") and module.name not in INTERNAL_MODULES:
            names.append(module.name)
    return sorted(names)


@pytest.mark.parametrize("module", _public_modules())
def test_api_page_includes_module(module):
    source = (ROOT / "book" / "api.md").read_text(encoding="utf-8")

    assert re.search(rf"^\.\. automodule:: {re.escape(module)}$", source, re.M), (
        f"book/api.md does not document {module}"
    )


@pytest.mark.book
def test_api_page_documents_exports(built_book):
    html = (built_book / "book" / "api.html").read_text(encoding="utf-8")
    missing = []
    # Classes and functions carry the module that defines them. Exported data (a dict of
    # targets, say) has no __module__, and autodoc lists it only when it has a doc comment.
    for name in spikelib.__all__:
        exported = getattr(spikelib, name)
        if not callable(exported):
            continue
        if f'id="{exported.__module__}.{name}"' not in html:
            missing.append(f"{exported.__module__}.{name}")

    assert missing == []


# Names whose use in a chapter or in spikelib means a download at run time.
NETWORK_MODULES = {"urllib", "urllib3", "requests", "httpx", "aiohttp", "socket", "http", "ftplib", "pooch", "wget"}
DOWNLOAD_CALL = re.compile(r"^(fetch_\w+|urlopen|urlretrieve|load_dataset|download\w*)$")
URL_STRING = re.compile(r"^\s*(https?|ftp)://")


def _network_uses(tree: ast.AST) -> list[str]:
    """Return the imports, calls and URL strings in ``tree`` that would fetch data."""
    docstrings = {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
    }
    uses = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            uses += [f"import {a.name}" for a in node.names if a.name.split(".")[0] in NETWORK_MODULES]
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module.split(".")[0] in NETWORK_MODULES:
                uses.append(f"from {node.module} import ...")
        elif isinstance(node, ast.Call):
            function = node.func
            name = function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", "")
            if DOWNLOAD_CALL.match(name):
                uses.append(f"call {name}()")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if id(node) not in docstrings and URL_STRING.match(node.value):
                uses.append(f"URL {node.value!r}")
    return uses


@pytest.mark.parametrize("entry", ENTRIES)
def test_chapter_cells_fetch_nothing(entry):
    problems = []
    for number, cell in enumerate(_code_cells((ROOT / f"{entry}.md").read_text(encoding="utf-8")), 1):
        lines = cell.splitlines()
        shell = [line for line in lines if line.lstrip().startswith(("!", "%pip", "%%bash", "%%sh"))]
        problems += [f"cell {number}: shell command {line.strip()!r}" for line in shell]
        python = "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in lines)
        problems += [f"cell {number}: {use}" for use in _network_uses(ast.parse(python))]

    assert problems == []


@pytest.mark.parametrize("module", sorted(m.name for m in pkgutil.iter_modules(spikelib.__path__, prefix="spikelib.")))
def test_library_module_fetches_nothing(module):
    source = Path(importlib.util.find_spec(module).origin).read_text(encoding="utf-8")

    assert _network_uses(ast.parse(source)) == []


def _png_data_url(draw) -> str:
    """Return a data URL of a small matplotlib figure drawn by ``draw(axes)``."""
    figure, axes = plt.subplots(figsize=(3, 2))
    draw(axes)
    png = figure_to_png(figure)
    plt.close(figure)
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _blank(axes) -> None:
    axes.set_axis_off()


@pytest.mark.browser
def test_image_check_flags_blank_figure(browser):
    page = browser.new_page()
    try:
        page.set_content(
            f'<article><img src="{_png_data_url(_blank)}"/>'
            f'<img src="{_png_data_url(lambda axes: axes.plot([0, 1], [1, 0]))}"/></article>'
        )
        blank, drawn = page.eval_on_selector_all("article img", IMAGE_STATS_JS)
    finally:
        page.close()

    assert blank["dominantShare"] > MAX_DOMINANT_COLOUR_SHARE
    assert drawn["dominantShare"] <= MAX_DOMINANT_COLOUR_SHARE


@pytest.mark.browser
def test_slider_check_sees_frame_switch(browser):
    def make_figure(slope):
        figure, axes = plt.subplots(figsize=(3, 2))
        axes.plot([0, 1], [0, slope])
        return figure

    markup = static_slider([1, 2, 3], make_figure, label="slope", initial=2).data
    page = browser.new_page()
    try:
        page.set_content(f"<article>{markup}</article>")
        (check,) = _check_sliders(page)
    finally:
        page.close()

    assert check.frames == 3
    assert check.visible_before == ["1"]
    assert check.target == 2
    assert check.visible_after == ["2"]
    assert check.src_after != check.src_before
    assert (check.label_before, check.label_after) == ("2", "3")
