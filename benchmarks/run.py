"""Benchmark spikelib against Brian2, snnTorch, plain NumPy and a hand-written numba floor.

One command runs every comparison and prints a table of medians and ratios:

    .venv/bin/python benchmarks/run.py

It writes the same tables, with the date, the machine and the library versions, to
``benchmarks/results.json`` and ``benchmarks/results.md``; the book's Performance page shows
that record. Sections:

1. the reference workload (200 Poisson inputs at 50 Hz, all-to-all onto 1000 LIF neurons,
   1 s in steps of 0.1 ms) in spikelib, Brian2 (numpy and cython targets), snnTorch, plain
   NumPy and the numba floor, with a check that the spike totals agree within 2 %;
2. the same workload over a batch of 256 input samples, on 1 and 2 threads (numba's for
   spikelib and the floor, PyTorch's for snnTorch);
3. a multi-spike network (N_s = 8, leaky reset) against its threshold ladder;
4. the number theory of the Moebius construction (``mobius``, ``squarefree_count``);
5. the book: slider move to finished redraw of each chapter's main widget, and a cold
   start with numba's cache warm.

Brian2 2.9 needs numpy < 2 on Python 3.11, so the script creates a virtual environment for
it (``~/.cache/spikelib-bench/brian2-venv``, once, with pip from PyPI) and runs
``brian2_worker.py`` there. snnTorch gets a third one
(``~/.cache/spikelib-bench/snntorch-venv``, about 1 GB) with the CPU build of PyTorch, and
runs ``snntorch_worker.py``. pip must find the wheel ``torch==2.13.0+cpu``, which is not
on PyPI: it comes from PyTorch's CPU wheel index or from a local folder in pip's
``find-links`` setting. When that environment cannot be created, the benchmark logs one
line with the reason and goes on without snnTorch. ``--quick`` runs tiny sizes with one
repeat, to check that the script works.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
import venv
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import numba  # noqa: E402

import spikelib  # noqa: E402
from floor import floor_parallel, floor_serial  # noqa: E402
from snntorch_worker import save_workload  # noqa: E402
from workloads import (  # noqa: E402
    Workload,
    agreement,
    make_inputs,
    make_weights,
    numpy_run,
    spike_lists,
)

BRIAN2_VENV = Path.home() / ".cache" / "spikelib-bench" / "brian2-venv"
BRIAN2_REQUIREMENTS = ["brian2==2.9.0", "numpy<2", "cython"]
UNLIMITED_BUDGET = 2**31 - 1
SNNTORCH_VENV = Path.home() / ".cache" / "spikelib-bench" / "snntorch-venv"
SNNTORCH_TORCH = "2.13.0+cpu"
SNNTORCH_VERSION = "1.0.0"
# --only-binary keeps pip from building torch from source; the "+cpu" pin keeps it from
# picking the CUDA build, which pulls in gigabytes of NVIDIA packages.
SNNTORCH_REQUIREMENTS = [f"torch=={SNNTORCH_TORCH}", f"snntorch=={SNNTORCH_VERSION}", "numpy"]
SNNTORCH_PIP_OPTIONS = ["--only-binary=:all:"]
SNNTORCH_INSTALL_TIMEOUT = 1800
SNNTORCH_RUN_TIMEOUT = 3600


def median_seconds(function, repeats: int) -> dict:
    """Call ``function`` once to warm up, then ``repeats`` times; return the timings."""
    return interleaved_seconds({"row": function}, repeats)["row"]


def interleaved_seconds(functions: dict, repeats: int) -> dict:
    """Time several functions in turn, ``repeats`` rounds after one warm-up call each.

    Taking the functions in turn, instead of one after the other, exposes them to the same
    load from other processes. Each row has the wall-time median and min, the median of
    the process CPU time (all threads), and ``cores_used``, CPU time divided by wall time:
    about 2 for a call that kept two cores busy, less when other processes took them.
    """
    for function in functions.values():
        function()
    wall = {name: [] for name in functions}
    cpu = {name: [] for name in functions}
    for _ in range(repeats):
        for name, function in functions.items():
            start = time.perf_counter()
            cpu_start = time.process_time()
            function()
            cpu[name].append(time.process_time() - cpu_start)
            wall[name].append(time.perf_counter() - start)
    return {
        name: {
            "median": float(np.median(wall[name])),
            "min": float(min(wall[name])),
            "all": wall[name],
            "cpu_median": float(np.median(cpu[name])),
            "cores_used": float(np.median(np.array(cpu[name]) / np.array(wall[name]))),
        }
        for name in functions
    }


def machine_info() -> dict:
    """Return the CPU model, core count, load and library versions."""
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "date_utc": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "numba_threads": numba.config.NUMBA_NUM_THREADS,
        "load_average_start": list(os.getloadavg()),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "numba": numba.__version__,
        "spikelib": spikelib.__version__,
    }


def spikelib_network(weights: np.ndarray, workload: Workload) -> spikelib.Network:
    """Return the reference workload as a one-layer spikelib network with unlimited budget."""
    layer = spikelib.Layer(
        weights=weights,
        threshold=workload.threshold,
        max_spikes=UNLIMITED_BUDGET,
        tau_m=workload.tau_m,
        reset="leaky",
    )
    return spikelib.Network(layers=(layer,), dt=workload.dt)


# ---------------------------------------------------------------- 1. reference workload


def parse_worker_result(stdout: str, prefix: str) -> dict | None:
    """Return the JSON object of the first stdout line that starts with ``prefix``, else None."""
    for line in stdout.splitlines():
        if line.startswith(prefix):
            return json.loads(line[len(prefix):])
    return None


def ensure_brian2_venv(log) -> Path | None:
    """Create the Brian2 virtual environment if needed; return its python, or None on failure."""
    python = BRIAN2_VENV / "bin" / "python"
    if python.exists():
        check = subprocess.run([str(python), "-c", "import brian2, Cython"], capture_output=True)
        if check.returncode == 0:
            return python
    log(f"creating the Brian2 environment in {BRIAN2_VENV} (once; pip install from PyPI)")
    try:
        venv.EnvBuilder(with_pip=True, clear=True).create(BRIAN2_VENV)
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", *BRIAN2_REQUIREMENTS],
            check=True,
            capture_output=True,
            text=True,
        )
    except (OSError, subprocess.CalledProcessError) as error:
        details = getattr(error, "stderr", "") or ""
        log(f"Brian2 environment could not be created: {error} {details[-500:]}")
        return None
    return python


def run_brian2(weights, inputs, workload: Workload, repeats: int, log) -> dict:
    """Run the Brian2 worker on the same weights and input spikes; return its JSON report."""
    python = ensure_brian2_venv(log)
    if python is None:
        return {"error": "the Brian2 environment could not be created"}

    indices, steps = spike_lists(inputs[0])
    path = BRIAN2_VENV.parent / "workload.npz"
    np.savez(
        path,
        weights=weights,
        spike_indices=indices,
        spike_steps=steps,
        dt=workload.dt,
        tau_m=workload.tau_m,
        threshold=workload.threshold,
        n_steps=workload.n_steps,
    )
    log("running Brian2 (the first cython run compiles, which takes minutes once)")
    completed = subprocess.run(
        [str(python), str(HERE / "brian2_worker.py"), str(path), str(repeats)],
        capture_output=True,
        text=True,
        timeout=3600,
    )
    report = parse_worker_result(completed.stdout, "BRIAN2-RESULT ")
    if report is None:
        return {"error": f"the Brian2 worker failed: {completed.stderr[-800:]}"}
    return report


def last_line(text: str | None) -> str:
    """Return the last non-empty line of ``text``, or "(no output)" when there is none."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    return lines[-1] if lines else "(no output)"


def ensure_snntorch_venv(log) -> tuple[Path | None, str]:
    """Create the snnTorch virtual environment unless it already has the pinned versions.

    Returns the environment's python and an empty string, or None and the reason why the
    environment could not be created.
    """
    python = SNNTORCH_VENV / "bin" / "python"
    version_check = (
        "import sys, torch, snntorch; sys.exit("
        f"torch.__version__ != {SNNTORCH_TORCH!r} or snntorch.__version__ != {SNNTORCH_VERSION!r})"
    )
    if python.exists():
        check = subprocess.run([str(python), "-c", version_check], capture_output=True)
        if check.returncode == 0:
            return python, ""

    log(f"creating the snnTorch environment in {SNNTORCH_VENV} (once; pip install, about 1 GB)")
    command = [str(python), "-m", "pip", "install", "-q", *SNNTORCH_PIP_OPTIONS,
               *SNNTORCH_REQUIREMENTS]
    try:
        venv.EnvBuilder(with_pip=True, clear=True).create(SNNTORCH_VENV)
        subprocess.run(
            command, check=True, capture_output=True, text=True, timeout=SNNTORCH_INSTALL_TIMEOUT
        )
    except subprocess.CalledProcessError as error:
        return None, (
            f"pip install {' '.join(SNNTORCH_REQUIREMENTS)} failed: {last_line(error.stderr)}. "
            f"The torch=={SNNTORCH_TORCH} wheel comes from PyTorch's CPU wheel index or a "
            "folder in pip's find-links setting; --no-snntorch leaves snnTorch out."
        )
    except subprocess.TimeoutExpired:
        return None, f"pip install timed out after {SNNTORCH_INSTALL_TIMEOUT} s"
    except OSError as error:
        return None, f"the virtual environment {SNNTORCH_VENV} could not be created: {error}"
    return python, ""


def run_snntorch(weights, inputs, workload: Workload, repeats: int, threads: list[int],
                 log) -> dict:
    """Run the snnTorch worker on the same weights and inputs; return its JSON report.

    ``inputs`` has shape (n_samples, n_steps, n_inputs). The worker times every count in
    ``threads``. If the environment cannot be created or the worker fails, the report is
    ``{"skipped": reason}`` or ``{"error": reason}``, and the reason is logged in one line.
    """
    python, reason = ensure_snntorch_venv(log)
    if python is None:
        log(f"snnTorch: skipped. {reason}")
        return {"skipped": reason}

    path = SNNTORCH_VENV.parent / "snntorch-workload.npz"
    save_workload(path, weights, inputs, workload.dt, workload.tau_m, workload.threshold)
    thread_list = ",".join(str(count) for count in threads)
    log(f"running snnTorch on {inputs.shape[0]} sample(s), thread counts {thread_list}")
    command = [str(python), str(HERE / "snntorch_worker.py"), str(path), str(repeats), thread_list]
    try:
        completed = subprocess.run(
            command, capture_output=True, text=True, timeout=SNNTORCH_RUN_TIMEOUT
        )
    except subprocess.TimeoutExpired:
        reason = f"the snnTorch worker timed out after {SNNTORCH_RUN_TIMEOUT} s"
        log(f"snnTorch: failed. {reason}")
        return {"error": reason}
    finally:
        path.unlink(missing_ok=True)

    report = parse_worker_result(completed.stdout, "SNNTORCH-RESULT ")
    if report is None:
        reason = (
            f"the snnTorch worker failed with exit status {completed.returncode}: "
            f"{last_line(completed.stderr)}"
        )
        log(f"snnTorch: failed. {reason}")
        return {"error": reason}
    return report


def snntorch_rows(report: dict, batch: bool) -> dict:
    """Return timing rows, named by thread count, from a snnTorch worker report.

    A row whose run took longer than the worker's long-run limit has one timed run, and
    its name says so.
    """
    rows = {}
    for run in report.get("runs", []):
        name = f"snnTorch Leaky, {run['threads']} thread" + ("(s)" if batch else "")
        if run["warm_up_timed"]:
            name += ", 1 timed run (over 60 s)"
        rows[name] = {
            "median": run["median"],
            "min": run["min"],
            "all": run["run_seconds"],
            "cpu_median": run["cpu_median"],
            "cores_used": run["cores_used"],
        }
    return rows


def workload_one(workload: Workload, repeats: int, brian2: bool, snntorch: bool, log) -> dict:
    """Time the reference workload in every implementation and compare spike totals."""
    weights = make_weights(workload)
    inputs = make_inputs(workload, 1)
    network = spikelib_network(weights, workload)
    weights_t = np.ascontiguousarray(weights.T)
    beta, theta = workload.beta, workload.threshold

    log("workload 1: spikelib, the numba floor and plain NumPy, in turn")
    rows = interleaved_seconds(
        {
            "spikelib run()": lambda: spikelib.run(network, inputs, record_counts=False),
            "numba floor, serial": lambda: floor_serial(inputs, weights_t, beta, theta),
            "numba floor, parallel=True, B=1": lambda: floor_parallel(
                inputs, weights_t, beta, theta
            ),
            "plain NumPy": lambda: numpy_run(weights, inputs[0], workload),
        },
        repeats,
    )
    totals = {
        "spikelib": int(spikelib.run(network, inputs, record_counts=False).spike_totals[0].sum()),
        "numba floor": int(floor_serial(inputs, weights_t, beta, theta).sum()),
        "plain NumPy": int(numpy_run(weights, inputs[0], workload).sum()),
    }

    brian2_report = None
    if brian2:
        brian2_report = run_brian2(weights, inputs, workload, max(1, repeats // 2), log)
        for target in brian2_report.get("targets", []):
            if "error" in target:
                continue
            name = target["target"]
            rows[f"Brian2 {name}, Network.run"] = {
                "median": target["run_median"],
                "min": min(target["run_seconds"]),
                "all": target["run_seconds"],
                "cpu_median": target["run_cpu_median"],
            }
            rows[f"Brian2 {name}, simulation loop only"] = {
                "median": target["loop_median"],
                "min": min(target["loop_seconds"]),
                "all": target["loop_seconds"],
            }
            totals[f"Brian2 {name}"] = target["total_spikes"]

    snntorch_report = {"skipped": "the benchmark ran with --no-snntorch"}
    if snntorch:
        snntorch_report = run_snntorch(weights, inputs, workload, repeats, [1], log)
        rows.update(snntorch_rows(snntorch_report, batch=False))
        for run in snntorch_report.get("runs", []):
            totals["snnTorch Leaky"] = run["total_spikes"]

    return {
        "rows": rows,
        "agreement": agreement(totals, "spikelib"),
        "brian2": brian2_report,
        "snntorch": snntorch_report,
        "input_spikes": int(inputs.sum()),
    }


# ---------------------------------------------------------------- 2. batch


def workload_two(workload: Workload, n_samples: int, repeats: int, snntorch: bool, log) -> dict:
    """Time the workload over a batch of input samples on 1 and 2 threads.

    spikelib and the floor run on numba threads, snnTorch (when ``snntorch`` is true) on
    PyTorch threads. snnTorch's spike totals are compared with spikelib's.
    """
    weights = make_weights(workload)
    log(f"workload 2: making {n_samples} input samples")
    inputs = make_inputs(workload, n_samples, seed=2)
    network = spikelib_network(weights, workload)
    weights_t = np.ascontiguousarray(weights.T)

    rows = {}
    available = numba.config.NUMBA_NUM_THREADS
    for threads in sorted({1, min(2, available)}):
        numba.set_num_threads(threads)
        log(f"workload 2: {threads} thread(s)")
        timings = interleaved_seconds(
            {
                f"spikelib run(), {threads} thread(s)": lambda: spikelib.run(
                    network, inputs, record_counts=False
                ),
                f"numba floor, {threads} thread(s)": lambda: floor_parallel(
                    inputs, weights_t, workload.beta, workload.threshold
                ),
            },
            repeats,
        )
        rows.update(timings)
    numba.set_num_threads(available)
    result = {"rows": rows, "n_samples": n_samples}

    if snntorch:
        threads = sorted({1, min(2, os.cpu_count() or 1)})
        report = run_snntorch(weights, inputs, workload, repeats, threads, log)
        rows.update(snntorch_rows(report, batch=True))
        result["snntorch"] = report
        if report.get("runs"):
            layer_totals = spikelib.run(network, inputs, record_counts=False).spike_totals[0]
            totals = {"spikelib": int(layer_totals.sum())}
            for run in report["runs"]:
                totals[f"snnTorch Leaky, {run['threads']} thread(s)"] = run["total_spikes"]
            result["agreement"] = agreement(totals, "spikelib")
    return result


# ---------------------------------------------------------------- 3. ladder


def workload_three(workload: Workload, n_neurons: int, budget: int, repeats: int, log) -> dict:
    """Time a multi-spike network with a read-out against its threshold ladder."""
    rng = np.random.default_rng(3)
    weights = rng.uniform(0.0, workload.max_weight, (n_neurons, workload.n_inputs))
    layer = spikelib.Layer(
        weights=weights, threshold=1.0, max_spikes=budget, tau_m=workload.tau_m, reset="leaky"
    )
    readout = spikelib.Readout(weights=rng.normal(size=(1, n_neurons)))
    multi = spikelib.Network(layers=(layer,), readout=readout, dt=workload.dt)
    single = spikelib.to_single_spike(multi)
    inputs = make_inputs(workload, 1, seed=3)

    log("workload 3: multi-spike network and its ladder")
    rows = interleaved_seconds(
        {
            f"multi-spike, {n_neurons} neurons, N_s={budget}": lambda: spikelib.run(
                multi, inputs, record_counts=False
            ),
            f"ladder, {single.n_neurons} single-spike neurons": lambda: spikelib.run(
                single, inputs, record_counts=False
            ),
        },
        repeats,
    )
    multi_output = spikelib.run(multi, inputs).output
    single_output = spikelib.run(single, inputs).output
    multi_cost = spikelib.network_cost(multi)
    single_cost = spikelib.network_cost(single)
    return {
        "rows": rows,
        "neuron_ratio": single.n_neurons / multi.n_neurons,
        "synapse_ratio": single_cost.synapses / multi_cost.synapses,
        "max_output_difference": float(np.max(np.abs(multi_output - single_output))),
        "output_scale": float(np.max(np.abs(multi_output))),
    }


# ---------------------------------------------------------------- 4. number theory


def number_theory(n: int, repeats: int, log) -> dict:
    """Time ``mobius(n)`` and ``squarefree_count(n)`` when spikelib has them."""
    if not hasattr(spikelib, "mobius") or not hasattr(spikelib, "squarefree_count"):
        log("number theory: not available")
        return {"available": False}
    log("number theory")
    start = time.perf_counter()
    spikelib.mobius(n)
    first = time.perf_counter() - start
    return {
        "available": True,
        "n": n,
        "mobius_first_call": first,
        "rows": {
            f"mobius({n:.0e})": median_seconds(lambda: spikelib.mobius(n), repeats),
            f"squarefree_count({n:.0e})": median_seconds(
                lambda: spikelib.squarefree_count(n), repeats
            ),
        },
        "squarefree_count": int(spikelib.squarefree_count(n)),
    }


# ---------------------------------------------------------------- 5. the book


def book_chapters() -> list[Path]:
    """Return the chapter sources listed under ``chapters:`` in _toc.yml that have code cells."""
    chapters = []
    for line in (ROOT / "_toc.yml").read_text().splitlines():
        line = line.strip()
        if line.startswith("- file:"):
            path = ROOT / (line.split(":", 1)[1].strip() + ".md")
            if path.exists() and "{code-cell}" in path.read_text():
                chapters.append(path)
    return chapters


def book_timings(moves: int, log, chapter_timeout: float) -> dict:
    """Time the main widget of every chapter and a cold start, each in a fresh process."""
    chapters = {}
    for path in book_chapters():
        if path.stem == "performance":
            continue
        log(f"book: {path.name}")
        try:
            completed = subprocess.run(
                [sys.executable, str(HERE / "book_worker.py"), str(path), str(moves)],
                capture_output=True,
                text=True,
                timeout=chapter_timeout,
            )
        except subprocess.TimeoutExpired:
            chapters[path.stem] = {"error": f"timed out after {chapter_timeout:.0f} s"}
            continue
        report = parse_worker_result(completed.stdout, "BOOK-RESULT ")
        if report is None:
            report = {"error": f"the book worker failed: {completed.stderr[-600:]}"}
        chapters[path.stem] = report

    log("book: cold start")
    command = [sys.executable, str(HERE / "cold_start.py")]
    subprocess.run(command, capture_output=True, check=True)  # fills numba's cache
    cold = []
    for _ in range(3):
        start = time.perf_counter()
        children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        completed = subprocess.run(command, capture_output=True, text=True, check=True)
        wall = time.perf_counter() - start
        children_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        report = parse_worker_result(completed.stdout, "COLD-RESULT ")
        if report is None:
            raise RuntimeError(
                f"cold_start.py printed no COLD-RESULT line: {completed.stdout[-600:]}"
            )
        report["process_seconds"] = wall
        report["process_cpu_seconds"] = (
            children_after.ru_utime + children_after.ru_stime
            - children_before.ru_utime - children_before.ru_stime
        )
        cold.append(report)
    return {"chapters": chapters, "cold_start": cold}


# ---------------------------------------------------------------- report


def format_seconds(seconds: float) -> str:
    """Return a duration with a unit that keeps 3 significant digits."""
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} µs"
    if seconds < 1.0:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds:.2f} s"


def timing_table(rows: dict, reference: str, ratio_label: str) -> list[str]:
    """Return Markdown rows: name, wall median, min, ratio of medians, CPU-time median and ratio."""
    base = rows[reference]["median"]
    cpu_base = rows[reference].get("cpu_median")
    lines = [
        f"| implementation | median | min | {ratio_label} | CPU time | CPU time ratio |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, row in rows.items():
        ratio = row["median"] / base
        cpu = row.get("cpu_median")
        cpu_text = format_seconds(cpu) if cpu is not None else ""
        cpu_ratio = f"{cpu / cpu_base:.2f}" if cpu is not None and cpu_base else ""
        lines.append(
            f"| {name} | {format_seconds(row['median'])} | {format_seconds(row['min'])} | "
            f"{ratio:.2f} | {cpu_text} | {cpu_ratio} |"
        )
    return lines


def snntorch_status_lines(report: dict | None) -> list[str]:
    """Return a Markdown line saying why snnTorch has no rows, or no lines when it ran."""
    if not report:
        return []
    reason = report.get("skipped") or report.get("error")
    return ["", f"snnTorch did not run: {reason}"] if reason else []


def report_markdown(results: dict) -> str:
    """Return the whole record as Markdown tables."""
    machine = results["machine"]
    lines = [
        f"Recorded {machine['date_utc']} on {machine['cpu']}, {machine['cores']} cores "
        f"(load average {machine['load_average_start'][0]:.1f} at the start, "
        f"{machine['load_average_end'][0]:.1f} at the end); Python {machine['python']}, "
        f"numpy {machine['numpy']}, numba {machine['numba']}, spikelib {machine['spikelib']}"
        + (f", Brian2 {machine['brian2']}" if machine.get("brian2") else "")
        + (f", PyTorch {machine['torch']}, snnTorch {machine['snntorch']}"
           if machine.get("snntorch") else "")
        + f". Repeats per row: {results['repeats']}.",
        "",
    ]

    one = results["workload_1"]
    lines += ["### 1. Reference workload, one sample", ""]
    lines += timing_table(one["rows"], "spikelib run()", "time / spikelib")
    lines += ["", "| implementation | total spikes | difference to spikelib | within 2 % |",
              "| --- | ---: | ---: | --- |"]
    for name, row in one["agreement"].items():
        lines.append(
            f"| {name} | {row['total']} | {100 * row['relative_difference']:+.3f} % | "
            f"{'yes' if row['agrees'] else 'NO'} |"
        )
    lines += snntorch_status_lines(one.get("snntorch"))

    two = results.get("workload_2")
    if two:
        lines += ["", f"### 2. Batch of {two['n_samples']} samples", ""]
        first = next(iter(two["rows"]))
        lines += timing_table(two["rows"], first, "time / first row")
        lines += ["", "Cores used (CPU time / wall time): " + ", ".join(
            f"{name}: {row['cores_used']:.2f}" for name, row in two["rows"].items()) + "."]
        if two.get("agreement"):
            lines += ["", "Spike totals over the batch: " + ", ".join(
                f"{name}: {row['total']} ({100 * row['relative_difference']:+.3f} %)"
                for name, row in two["agreement"].items()) + "."]
        lines += snntorch_status_lines(two.get("snntorch"))

    three = results.get("workload_3")
    if three:
        lines += ["", "### 3. Threshold ladder against its multi-spike original", ""]
        first = next(iter(three["rows"]))
        lines += timing_table(three["rows"], first, "time / multi-spike")
        lines += [
            "",
            f"Neurons x{three['neuron_ratio']:.1f}, synapses x{three['synapse_ratio']:.1f}; "
            f"largest read-out difference {three['max_output_difference']:.2e} "
            f"(read-out scale {three['output_scale']:.2e}).",
        ]

    numbers = results.get("number_theory")
    if numbers is not None:
        lines += ["", "### 4. Number theory", ""]
        if numbers["available"]:
            first = next(iter(numbers["rows"]))
            lines += timing_table(numbers["rows"], first, "time / mobius")
            lines += ["", f"First call of mobius, including loading the compiled sieve: "
                      f"{format_seconds(numbers['mobius_first_call'])}."]
        else:
            lines.append("not available")

    book = results.get("book")
    if book:
        lines += ["", "### 5. The book", "",
                  "| chapter | widget | moves | median, all moves | first visits | revisits "
                  "| slowest | note |",
                  "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |"]
        for name, chapter in book["chapters"].items():
            if "redraw_seconds" not in chapter or not chapter["redraw_seconds"]:
                lines.append(f"| {name} | | | | | | | {chapter.get('error', 'no redraw')} |")
                continue
            first = chapter["redraw_seconds"]
            again = chapter.get("revisit_seconds", [])
            moves = first + again
            note = "; ".join(chapter.get("redraw_errors", []))[:120]
            lines.append(
                f"| {name} | {chapter['widget']} | {len(moves)} | "
                f"{format_seconds(float(np.median(moves)))} | "
                f"{format_seconds(float(np.median(first)))} | "
                f"{format_seconds(float(np.median(again))) if again else ''} | "
                f"{format_seconds(max(moves))} | {note} |"
            )
        cold = book["cold_start"]
        lines += ["", "| cold start (median of 3 fresh processes) | seconds |", "| --- | ---: |"]
        keys = ("process_seconds", "process_cpu_seconds", "import_seconds", "first_run_seconds",
                "first_ladder_run_seconds", "first_figure_seconds")
        for key in keys:
            value = float(np.median([c[key] for c in cold]))
            lines.append(f"| {key.replace('_seconds', '').replace('_', ' ')} | {value:.2f} |")
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="tiny sizes and one repeat, to check that the script runs")
    parser.add_argument("--repeats", type=int, default=5, help="timed calls per row (default 5)")
    parser.add_argument("--no-brian2", action="store_true", help="skip the Brian2 comparison")
    parser.add_argument("--no-snntorch", action="store_true",
                        help="skip the snnTorch comparison")
    parser.add_argument("--no-book", action="store_true", help="skip the book timings")
    parser.add_argument("--output", type=Path, default=HERE,
                        help="folder for results.json and results.md (default: benchmarks/)")
    args = parser.parse_args(argv)

    def log(message: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)

    if args.quick:
        workload = Workload(n_inputs=20, n_neurons=50, n_steps=500, max_weight=0.5)
        repeats, n_samples, ladder_neurons, sieve = 1, 4, 10, 10**4
    else:
        workload = Workload()
        repeats, n_samples, ladder_neurons, sieve = args.repeats, 256, 250, 10**7

    results = {"machine": machine_info(), "repeats": repeats, "quick": args.quick}
    if args.no_snntorch:
        log("snnTorch: skipped. --no-snntorch was given")
    results["workload_1"] = workload_one(
        workload, repeats, not args.no_brian2, not args.no_snntorch, log
    )
    brian2 = results["workload_1"].get("brian2") or {}
    if brian2.get("brian2_version"):
        results["machine"]["brian2"] = brian2["brian2_version"]
    snntorch = results["workload_1"].get("snntorch") or {}
    if snntorch.get("snntorch_version"):
        results["machine"]["torch"] = snntorch["torch_version"]
        results["machine"]["snntorch"] = snntorch["snntorch_version"]
    results["workload_2"] = workload_two(
        workload, n_samples, max(1, repeats // 2), "runs" in snntorch, log
    )
    results["workload_3"] = workload_three(workload, ladder_neurons, 8, repeats, log)
    results["number_theory"] = number_theory(sieve, repeats, log)
    if not args.no_book:
        results["book"] = book_timings(4 if not args.quick else 1, log, chapter_timeout=240)
    results["machine"]["load_average_end"] = list(os.getloadavg())

    markdown = report_markdown(results)
    print(markdown)
    args.output.mkdir(parents=True, exist_ok=True)
    (args.output / "results.json").write_text(json.dumps(results, indent=1) + "\n")
    (args.output / "results.md").write_text(markdown)
    log(f"wrote {args.output / 'results.json'} and {args.output / 'results.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
