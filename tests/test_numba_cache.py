"""numba's on-disk cache works when spikelib is installed in a read-only folder.

The test copies the spikelib package into a temporary folder, removes its write bits and
runs a small network twice in fresh interpreters that import the copy, with HOME and
XDG_CACHE_HOME pointing at an empty temporary folder. The first run must compile the
kernels and write the cache files (.nbi index, .nbc code) under
``$XDG_CACHE_HOME/spikelib/numba``, and nothing into the package. The second run must load
every kernel from there and compile nothing.

Permission bits do not stop root, so the test makes the folder read-only in one of three
ways and prints which one it used:

- ``chmod``: run by an ordinary user, removing the write bits is enough;
- ``setpriv``: run by root, the interpreters start through util-linux ``setpriv`` with
  CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH removed from the capability bounding set, so
  the permission bits apply to root as to any user;
- ``simulated``: run by root where ``setpriv`` is missing or cannot drop those
  capabilities, the interpreters patch ``spikelib._numba_cache._is_writable`` to report
  the package folder as not writable before spikelib is imported. This covers the choice
  of the folder and the cache itself, not the permission check.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from conftest import ROOT

RUN_SCRIPT = r"""
import json
import sys
from pathlib import Path

package_dir = Path(sys.argv[1])
if sys.argv[2] == "simulated":
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "spikelib._numba_cache", package_dir / "_numba_cache.py"
    )
    cache_module = importlib.util.module_from_spec(spec)
    sys.modules["spikelib._numba_cache"] = cache_module
    spec.loader.exec_module(cache_module)
    writable = cache_module._is_writable
    cache_module._is_writable = lambda folder: (
        False if Path(folder).resolve().is_relative_to(package_dir) else writable(folder)
    )

import numba
import numpy as np
from numba.core.registry import CPUDispatcher

import spikelib
import spikelib.kernels

# One non-leaky neuron (threshold 1, budget 2) driven by 0.6 per step: the free drive is
# 0.6, 1.2, 1.8, 2.4, 3.0, so it fires in step 1 (1.2 >= 1) and step 3 (2.4 - 1 >= 1).
layer = spikelib.Layer(weights=np.ones((1, 1)), threshold=1.0, max_spikes=2)
network = spikelib.Network(layers=(layer,), readout=spikelib.Readout(weights=np.ones((1, 1))))
result = spikelib.run(network, np.full((5, 1), 0.6))

hits = misses = 0
cache_paths = set()
for name in dir(spikelib.kernels):
    kernel = getattr(spikelib.kernels, name)
    if isinstance(kernel, CPUDispatcher) and kernel.signatures:
        hits += sum(kernel.stats.cache_hits.values())
        misses += sum(kernel.stats.cache_misses.values())
        cache_paths.add(kernel.stats.cache_path)

print(json.dumps({
    "spikelib_file": spikelib.__file__,
    "numba_cache_dir": numba.config.CACHE_DIR,
    "cache_paths": sorted(cache_paths),
    "cache_hits": hits,
    "cache_misses": misses,
    "counts": result.counts[0].ravel().tolist(),
    "output": result.output.ravel().tolist(),
}))
"""


# Capabilities that let root ignore permission bits (capabilities(7)).
DROP_DAC_CAPABILITIES = ["setpriv", "--bounding-set=-dac_override,-dac_read_search"]


def _setpriv_enforces_permissions() -> bool:
    """Return whether a ``setpriv``-started Python is denied writing into a read-only folder."""
    if shutil.which("setpriv") is None:
        return False
    with tempfile.TemporaryDirectory() as folder:
        read_only = Path(folder) / "read-only"
        read_only.mkdir(mode=0o555)
        probe = f"open({str(read_only / 'probe')!r}, 'w')"
        try:
            completed = subprocess.run(
                [*DROP_DAC_CAPABILITIES, sys.executable, "-c", probe],
                capture_output=True,
                text=True,
                timeout=120,
            )
        except (OSError, subprocess.SubprocessError):
            return False
        read_only.chmod(0o755)
    return completed.returncode != 0 and "PermissionError" in completed.stderr


def _read_only_mode() -> str:
    if os.geteuid() != 0:
        return "chmod"
    if _setpriv_enforces_permissions():
        return "setpriv"
    return "simulated"


def _set_write_bits(folder: Path, writable: bool) -> None:
    paths = [folder, *folder.rglob("*")]
    for path in paths:
        mode = path.stat().st_mode
        if writable:
            path.chmod(mode | stat.S_IWUSR)
        else:
            path.chmod(mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))


@pytest.fixture
def sandbox(tmp_path):
    """A temporary folder whose write bits are restored before pytest removes it."""
    folder = tmp_path / "sandbox"
    folder.mkdir()
    yield folder
    _set_write_bits(folder, writable=True)


def _cache_files(folder: Path) -> dict[str, float]:
    return {
        str(path): path.stat().st_mtime
        for path in folder.rglob("*")
        if path.suffix in (".nbi", ".nbc")
    }


def test_numba_cache_read_only_package(sandbox):
    mode = _read_only_mode()
    print(f"read-only package made effective by: {mode}")

    site = sandbox / "site"
    site.mkdir()
    package = site / "spikelib"
    shutil.copytree(
        ROOT / "spikelib", package, ignore=shutil.ignore_patterns("__pycache__", "*.nbi", "*.nbc")
    )
    _set_write_bits(site, writable=False)

    home = sandbox / "home"
    cache_home = home / ".cache-xdg"
    cache_home.mkdir(parents=True)

    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(home),
        "XDG_CACHE_HOME": str(cache_home),
        "MPLCONFIGDIR": str(home / "matplotlib"),
        "PYTHONPATH": str(site),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    command = [sys.executable, "-c", RUN_SCRIPT, str(package), mode]
    if mode == "setpriv":
        command = DROP_DAC_CAPABILITIES + command
    expected_cache = cache_home / "spikelib" / "numba"

    runs = []
    for _ in range(2):
        completed = subprocess.run(
            command, env=env, cwd=str(home), capture_output=True, text=True, timeout=600
        )
        assert completed.returncode == 0, completed.stderr[-4000:]
        assert "NumbaWarning" not in completed.stderr, completed.stderr[-4000:]
        runs.append((json.loads(completed.stdout.strip().splitlines()[-1]), _cache_files(sandbox)))
    (first, files_after_first), (second, files_after_second) = runs

    assert Path(first["spikelib_file"]).parent == package
    assert first["numba_cache_dir"] == str(expected_cache)
    assert all(Path(path).is_relative_to(expected_cache) for path in first["cache_paths"]), first
    assert first["counts"] == [0, 1, 0, 1, 0]
    assert first["output"] == [0.0, 1.0, 1.0, 2.0, 2.0]
    assert first["cache_misses"] > 0, "the first run loaded kernels from a cache that should be empty"
    assert any(path.endswith(".nbi") for path in files_after_first)
    assert any(path.endswith(".nbc") for path in files_after_first)
    assert all(Path(path).is_relative_to(expected_cache) for path in files_after_first)

    assert second["cache_hits"] > 0
    assert second["cache_misses"] == 0
    assert files_after_second == files_after_first, "the second run wrote cache files again"
    assert second["counts"] == first["counts"]
