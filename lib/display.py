"""A live window of the tracked frames with an fps/latency overlay, shown with Tk (Python's own
tkinter), so OpenCV's headless build is enough; q, Esc or closing the window stops the run."""
from __future__ import annotations

import os
import time
from collections import deque

import cv2
import numpy as np

try:
    import tkinter
except ImportError:  # a Python built without Tk: no window, the demos run without one
    tkinter = None

WINDOW_TITLE = "LightTrack"
STOP_KEYS = ("q", "Q", "Escape")
FPS_WINDOW = 30  # the overlay's frame rate is taken over this many displayed frames


class WindowClosed(Exception):
    """The user pressed q or Esc or closed the window: the run stops as if the source ended."""


def display_available() -> bool:
    """True when a display is set (DISPLAY or WAYLAND_DISPLAY, or Windows) and Tk can open a
    window on it."""
    if tkinter is None or not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
                               or os.name == "nt"):
        return False
    try:
        tkinter.Tk().destroy()
    except tkinter.TclError:
        return False
    return True


def to_ppm(image: np.ndarray) -> bytes:
    """A BGR (H, W, 3) uint8 image as binary PPM bytes (what Tk's PhotoImage reads natively)."""
    height, width = image.shape[:2]
    return b"P6 %d %d 255\n" % (width, height) + np.ascontiguousarray(image[:, :, ::-1]).tobytes()


def draw_overlay(image: np.ndarray, lines: list[str]) -> None:
    """Write ``lines`` in place, white on a dark box in the top-left corner."""
    font, scale, thickness, pad = cv2.FONT_HERSHEY_SIMPLEX, 0.5, 1, 4
    sizes = [cv2.getTextSize(line, font, scale, thickness)[0] for line in lines]
    line_height = max((h for _, h in sizes), default=0) + 2 * pad
    width = max((w for w, _ in sizes), default=0) + 2 * pad
    region = image[:line_height * len(lines), :width]
    region //= 3  # darken in place
    for i, line in enumerate(lines):
        cv2.putText(image, line, (pad, (i + 1) * line_height - pad), font, scale,
                    (255, 255, 255), thickness, cv2.LINE_AA)


class DisplaySink:
    """Runner sink that shows each rendered frame in a window, with the display rate, the
    capture-to-display latency of live frames and the frames dropped so far.

    ``write`` raises ``WindowClosed`` once the user pressed q or Esc or closed the window;
    the runner then closes every sink, so the outputs are finalised as at the end of the source.
    """

    def __init__(self, render, title: str = WINDOW_TITLE):
        self.render = render
        self._root = tkinter.Tk()
        self._root.title(title)
        self._root.protocol("WM_DELETE_WINDOW", self._request_stop)
        self._root.bind("<Key>", lambda event: event.keysym in STOP_KEYS and self._request_stop())
        self._label = tkinter.Label(self._root, borderwidth=0)
        self._label.pack()
        self._photo = None  # the shown PhotoImage (Tk drops an image nobody references)
        self._shown = deque(maxlen=FPS_WINDOW)
        self._dropped = 0
        self._stop = False

    def _request_stop(self) -> None:
        self._stop = True

    def overlay_lines(self, frame, now: float) -> list[str]:
        """The overlay's text for ``frame`` shown at ``now`` (``time.perf_counter()``); counts
        the frame in the display rate and its skipped frames in the dropped total."""
        self._shown.append(now)
        self._dropped += frame.frames_skipped
        span = self._shown[-1] - self._shown[0]
        fps = (len(self._shown) - 1) / span if span > 0 else 0.0
        lines = [f"{fps:.1f} fps  frame {frame.index}"]
        if frame.captured_at is not None:
            lines.append(f"latency {1000 * (now - frame.captured_at):.0f} ms  "
                         f"dropped {self._dropped}")
        return lines + ["q / Esc: stop"]

    def write(self, frame, result) -> None:
        image = self.render(frame, result).copy()
        draw_overlay(image, self.overlay_lines(frame, time.perf_counter()))
        try:
            self._photo = tkinter.PhotoImage(master=self._root, data=to_ppm(image), format="PPM")
            self._label.configure(image=self._photo)
            self._root.update()  # shows the frame and handles the keys pressed meanwhile
        except tkinter.TclError:  # the window is gone
            self._stop = True
        if self._stop:
            raise WindowClosed

    def close(self) -> None:
        try:
            self._root.destroy()
        except tkinter.TclError:
            pass
