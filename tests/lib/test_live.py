"""The real-time reader: only the newest frame is kept, skips are counted, the capture is
released whichever way the run ends."""
import threading

import pytest

from lib.live import LatestFrameReader, is_live_source
from tests.conftest import frame_index, make_frame


class FakeCapture:
    """``num_frames`` frames, then the end; ``gate``: read() waits for it before each frame."""

    def __init__(self, num_frames, gate=None, fail_at=None):
        self.num_frames, self.gate, self.fail_at = num_frames, gate, fail_at
        self.index, self.released = 0, threading.Event()

    def read(self):
        if self.gate is not None and not self.gate.acquire(timeout=10):
            raise AssertionError("the consumer never asked for the next frame")
        if self.index == self.fail_at:
            raise RuntimeError("camera unplugged")
        if self.index >= self.num_frames:
            return False, None
        self.index += 1
        return True, make_frame(self.index - 1)

    def release(self):
        self.released.set()


def test_a_slow_consumer_gets_the_newest_frame_and_the_skip_count():
    gate = threading.Semaphore(1)
    capture = FakeCapture(50, gate)
    frames = iter(LatestFrameReader(capture, "cam"))
    first = next(frames)
    gate.release(51)  # the source delivers the rest (and its end) at once
    assert capture.released.wait(10)  # the source has ended while the consumer was busy
    rest = list(frames)
    assert first.index == 0 and first.frames_skipped == 0
    assert [(f.index, f.frames_skipped, f.name) for f in rest] == [(49, 48, "frame00049.jpg")]
    assert frame_index(rest[0].image) == 49 and rest[0].captured_at >= first.captured_at


def test_a_consumer_that_keeps_up_gets_every_frame():
    gate = threading.Semaphore(1)
    capture = FakeCapture(20, gate)
    seen = []
    for frame in LatestFrameReader(capture, "cam"):
        seen.append((frame.index, frame.frames_skipped, frame_index(frame.image)))
        gate.release()  # the source delivers its next frame only now
    assert seen == [(t, 0, t) for t in range(20)]


def test_stopping_early_stops_the_thread_and_releases_the_capture():
    gate = threading.Semaphore(1)
    capture = FakeCapture(1000, gate)
    taken = []
    for frame in LatestFrameReader(capture, "cam", max_frames=3):
        taken.append(frame.index)
        gate.release()
    assert taken == [0, 1, 2] and capture.released.is_set()


def test_a_source_error_reaches_the_consumer():
    with pytest.raises(RuntimeError, match="unplugged"):
        list(LatestFrameReader(FakeCapture(10, fail_at=0), "cam"))


def test_live_sources():
    assert is_live_source(0) and is_live_source("rtsp://host/stream")
    assert not is_live_source("clip.mp4") and not is_live_source("/data/0.avi")
