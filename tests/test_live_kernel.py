"""A LiveFigure in a real IPython kernel: a slider move replaces the displayed PNG in place.

The other widget tests call LiveFigure in this process with a stand-in display. Here a
kernel started with jupyter_client runs the code as a notebook would, and the tests read
the messages that the kernel sends to a front end. The figure must arrive once, as
``display_data`` with a display id. Each slider move must send ``update_display_data``
for that same id with the new PNG, and never a second figure.
"""

import base64
import queue

import pytest
from jupyter_client.manager import start_new_kernel

SETUP = """
import ipywidgets as widgets
import numpy as np
from spikelib.widgets import LiveFigure

def draw(fig, gain):
    ax = fig.axes[0] if fig.axes else fig.add_subplot()
    ax.plot(np.arange(10), gain * np.arange(10))
    ax.set_ylim(0, 30)

slider = widgets.FloatSlider(value=1.0, min=0.0, max=3.0)
live = LiveFigure(draw, {"gain": slider}, figsize=(3.0, 2.0), dpi=40, reuse_axes=True)
live.show()
"""


@pytest.fixture(scope="module")
def kernel():
    manager, client = start_new_kernel(kernel_name="python3", startup_timeout=120)
    yield client
    client.stop_channels()
    manager.shutdown_kernel(now=True)


def run(client, code: str) -> list[dict]:
    """Execute ``code`` and return the iopub messages of that execution, up to idle."""
    message_id = client.execute(code)
    messages = []
    while True:
        try:
            message = client.get_iopub_msg(timeout=60)
        except queue.Empty:
            pytest.fail(f"no idle status within 60 s after executing {code!r}")
        if message["parent_header"].get("msg_id") != message_id:
            continue
        if message["msg_type"] == "error":
            pytest.fail("\n".join(message["content"]["traceback"]))
        if message["msg_type"] == "status" and message["content"]["execution_state"] == "idle":
            return messages
        messages.append(message)


def pngs(messages: list[dict], kind: str) -> list[tuple[str, bytes]]:
    """Return (display id, PNG bytes) of every message of type ``kind`` that has a PNG."""
    found = []
    for message in messages:
        content = message["content"]
        if message["msg_type"] == kind and "image/png" in content.get("data", {}):
            display_id = content.get("transient", {}).get("display_id")
            found.append((display_id, base64.b64decode(content["data"]["image/png"])))
    return found


@pytest.fixture(scope="module")
def shown(kernel):
    return pngs(run(kernel, SETUP), "display_data")


def test_kernel_shows_figure_once(shown):
    assert len(shown) == 1


def test_kernel_figure_has_display_id(shown):
    display_id, png = shown[0]

    assert display_id
    assert png.startswith(b"\x89PNG\r\n\x1a\n")


def test_kernel_move_updates_same_display(kernel, shown):
    display_id, first_png = shown[0]

    messages = run(kernel, "slider.value = 2.5")

    updates = pngs(messages, "update_display_data")
    assert [update_id for update_id, _ in updates] == [display_id]
    assert updates[0][1] != first_png
    assert pngs(messages, "display_data") == []


def test_kernel_invalid_move_keeps_display(kernel, shown):
    display_id, _ = shown[0]

    messages = run(kernel, "live.draw = lambda fig, gain: 1 / 0\nslider.value = 0.5\nprint(live.error)")

    updates = pngs(messages, "update_display_data")
    printed = "".join(m["content"].get("text", "") for m in messages if m["msg_type"] == "stream")
    assert [update_id for update_id, _ in updates] == [display_id]
    assert "ZeroDivisionError" in printed
