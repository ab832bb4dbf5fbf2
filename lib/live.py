"""Real-time reading of a live source: a reader thread keeps only the newest frame, so a source
faster than the tracker drops stale frames instead of piling them up (OpenCV capture)."""
from __future__ import annotations

import threading
import time
from typing import Iterator

from lib.runner import Frame


def is_live_source(source: str | int) -> bool:
    """True for a camera index or a stream URL, False for a file path."""
    return isinstance(source, int) or "://" in str(source)


class LatestFrameReader:
    """Iterate over the newest frames of ``capture`` (anything with ``read() -> (ok, image)``
    and ``release()``), read on a thread of its own.

    Each yielded ``Frame`` has the source's own frame index, ``captured_at`` (the
    ``time.perf_counter()`` when ``read`` returned it) and ``frames_skipped``: the frames read
    but replaced by a newer one before the consumer asked. The thread starts on iteration and
    stops, releasing the capture, when the source ends or drops or the consumer stops.
    ``pace_fps``: read at most this many frames per second (a file played as if it were a
    camera); None reads as fast as the source delivers (cameras block until their next frame).
    ``max_frames``: stop after yielding this many frames.
    """

    def __init__(self, capture, folder: str, *, pace_fps: float | None = None,
                 max_frames: int | None = None):
        self.capture, self.folder = capture, folder
        self.pace_fps, self.max_frames = pace_fps, max_frames
        self._cond = threading.Condition()
        self._stop = threading.Event()
        self._latest = None  # (index, image, captured_at) not yet taken by the consumer
        self._ended = False
        self._error: BaseException | None = None

    def __iter__(self) -> Iterator[Frame]:
        thread = threading.Thread(target=self._read, name="LatestFrameReader", daemon=True)
        thread.start()
        last, count = -1, 0
        try:
            while self.max_frames is None or count < self.max_frames:
                with self._cond:
                    while self._latest is None and not self._ended:
                        self._cond.wait()
                    if self._latest is None:
                        break
                    (index, image, captured_at), self._latest = self._latest, None
                yield Frame(index, image, folder=self.folder, name=f"frame{index:05d}.jpg",
                            captured_at=captured_at, frames_skipped=index - last - 1)
                last, count = index, count + 1
        finally:
            self._stop.set()
            thread.join()
        if self._error is not None:
            raise self._error

    def _read(self) -> None:
        """The reader thread: read, replace the newest frame, repeat until told to stop."""
        period = 1.0 / self.pace_fps if self.pace_fps else 0.0
        due = time.perf_counter()
        index = 0
        try:
            while not self._stop.is_set():
                if period:  # never catch up in a burst after falling behind
                    time.sleep(max(due - time.perf_counter(), 0.0))
                    due = max(due, time.perf_counter()) + period
                ok, image = self.capture.read()
                if not ok or image is None:
                    break
                with self._cond:
                    self._latest = (index, image, time.perf_counter())
                    self._cond.notify()
                index += 1
        except Exception as err:  # handed to the consumer, raised there
            self._error = err
        finally:
            self.capture.release()
            with self._cond:
                self._ended = True
                self._cond.notify()
