"""Choose a writable folder for numba's on-disk cache before numba is imported.

numba writes compiled kernels next to the source files (``__pycache__``). When spikelib is
installed read-only (a Binder image, a system site-packages), that fails, so this module
points ``NUMBA_CACHE_DIR`` at a per-user cache folder instead. A value that the user set
is always kept.
"""

import os
import tempfile
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def _is_writable(folder: Path) -> bool:
    """Return whether a file can be created in ``folder`` (created if missing)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError:
        return False
    return True


def user_cache_dir() -> Path:
    """Return the per-user numba cache folder for spikelib (XDG_CACHE_HOME or ~/.cache)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "spikelib" / "numba"


def configure_numba_cache() -> str | None:
    """Set ``NUMBA_CACHE_DIR`` when the package folder is not writable.

    Returns the cache folder that was chosen, or None when numba's default (the package's
    ``__pycache__``) is used. Falls back to a folder under the system temporary directory
    when the home folder is not writable either.
    """
    if os.environ.get("NUMBA_CACHE_DIR"):
        return os.environ["NUMBA_CACHE_DIR"]

    if _is_writable(PACKAGE_DIR / "__pycache__"):
        return None

    for candidate in (user_cache_dir(), Path(tempfile.gettempdir()) / "spikelib-numba-cache"):
        if _is_writable(candidate):
            os.environ["NUMBA_CACHE_DIR"] = str(candidate)
            _update_loaded_numba(str(candidate))
            return str(candidate)
    return None


def _update_loaded_numba(folder: str) -> None:
    """Tell an already imported numba about the new cache folder."""
    import sys

    config = sys.modules.get("numba.core.config")
    if config is not None:
        config.CACHE_DIR = folder
