"""The camera demo's live window for real: under Xvfb, a screenshot of the X screen taken by xwd
shows the tracked frame with its skeletons, q stops the run normally, and the run reports
latency and the frames it dropped (make test installs xvfb, x11-apps and xdotool)."""
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from lib.joints import TRACK_COLORS
from lib.outputs import temporary_path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "demo" / "sample.mp4"
TOOLS = ("Xvfb", "xwd", "xdotool")
pytestmark = [pytest.mark.slow, pytest.mark.skipif(
    not all(shutil.which(tool) for tool in TOOLS),
    reason="needs Xvfb, xwd and xdotool: make test installs them (xvfb x11-apps xdotool)")]


@pytest.fixture
def xvfb():
    """A private X server; yields its DISPLAY value."""
    read_fd, write_fd = os.pipe()
    server = subprocess.Popen(["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1024x768x24",
                               "-nolisten", "tcp"], pass_fds=[write_fd],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        number = pipe.readline().strip()
    assert number.isdigit(), "Xvfb did not start"
    yield f":{number}"
    server.terminate()
    server.wait(timeout=10)


def read_xwd(path) -> np.ndarray:
    """An X window dump (TrueColor, ZPixmap, 24/32 bits per pixel) as a BGR image."""
    data = Path(path).read_bytes()
    header = np.frombuffer(data[:100], dtype=">u4")
    header_size, pixmap_format, depth, width, height, byte_order = header[[0, 2, 3, 4, 5, 7]]
    bits_per_pixel, bytes_per_line, masks, num_colors = header[11], header[12], header[14:17], \
        header[19]
    assert pixmap_format == 2 and depth == 24 and bits_per_pixel == 32, header
    start = int(header_size) + 12 * int(num_colors)
    rows = np.frombuffer(data[start:start + int(height * bytes_per_line)], np.uint8)
    pixels = rows.reshape(height, bytes_per_line)[:, :width * 4].copy().view(
        "<u4" if byte_order == 0 else ">u4")
    channels = []
    for mask in masks[::-1]:  # blue, green, red
        shift = (int(mask) & -int(mask)).bit_length() - 1
        channels.append(((pixels & int(mask)) >> shift).astype(np.uint8))
    return np.dstack(channels)


def track_color_pixels(image: np.ndarray) -> int:
    """How many pixels have exactly one of the track colours (the drawn sticks)."""
    return int(sum(np.all(image == color, axis=2).sum() for color in TRACK_COLORS))


def json_frames(path):
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return []


def test_window_shows_tracked_skeletons_and_q_stops(xvfb, tmp_path):
    env = dict(os.environ, DISPLAY=xvfb, TF_CPP_MIN_LOG_LEVEL="2")
    demo = subprocess.Popen([sys.executable, "demo_camera_mobile.py", "--camera", str(SAMPLE),
                             "--realtime", "--output", str(tmp_path), "--matcher", "oks"],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    try:
        path = tmp_path / "jsons" / "sample.json"
        running = Path(temporary_path(str(path)))  # the JSON's name until the run ends
        deadline = time.time() + 180
        while time.time() < deadline and demo.poll() is None and len(json_frames(running)) < 5:
            time.sleep(0.2)
        windows = subprocess.run(["xdotool", "search", "--name", "LightTrack"], env=env,
                                 capture_output=True, text=True).stdout.split()
        assert windows, "no LightTrack window on the X screen"
        subprocess.run(["xwd", "-root", "-silent", "-out", str(tmp_path / "screen.xwd")],
                       env=env, check=True)
        subprocess.run(["xdotool", "windowfocus", "--sync", windows[0], "key", "q"], env=env,
                       check=True)
        out, err = demo.communicate(timeout=60)
    finally:
        if demo.poll() is None:
            demo.kill()
    assert demo.returncode == 0, err
    screen = read_xwd(tmp_path / "screen.xwd")
    assert screen.shape == (768, 1024, 3)
    ok, first_frame = cv2.VideoCapture(str(SAMPLE)).read()
    assert ok and track_color_pixels(first_frame) < 20  # the clip itself has no such colours
    assert track_color_pixels(screen) > 300  # the sticks of the drawn skeletons
    shown = np.any(screen > 0, axis=2)
    assert shown.sum() > 0.9 * 640 * 360  # the whole frame is on screen, not just a corner
    # q ended the run early, normally: the outputs are complete and the report is printed
    frames = json_frames(path)
    indices = [frame["image"]["id"][0] for frame in frames]
    assert 5 <= len(indices) and indices[-1] < 240 and indices == sorted(set(indices))
    dropped = int(re.search(r"dropped_frames: (\d+) of (\d+)", out).group(1))
    assert dropped == indices[-1] + 1 - len(indices)  # the gaps between the tracked frames
    assert re.search(r"capture_to_display_latency: median [\d.]+ms, 95th percentile [\d.]+ms",
                     out)
    for png in ("sample_timing.png", "sample_tracks.png"):
        assert cv2.imread(str(tmp_path / "stats" / png)) is not None
