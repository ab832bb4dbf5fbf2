"""Video input and output with OpenCV: frames decoded as a stream, rendered videos and frames."""
from __future__ import annotations

import os
from typing import Iterator

import cv2

from lib.errors import LightTrackError
from lib.outputs import remove_quietly, temporary_path
from lib.runner import Frame
from lib.video_checks import DecodeTally, finish_video, fit_frame


def open_capture(source: str | int) -> cv2.VideoCapture:
    """An opened capture for a video file, a camera index or a URL; LightTrackError if not."""
    if isinstance(source, str) and "://" not in source:
        if not os.path.isfile(source):
            raise LightTrackError(f"video not found: {source}")
        if os.path.getsize(source) == 0:
            raise LightTrackError(f"video is empty (0 bytes): {source}")
    capture = cv2.VideoCapture(source)
    if not capture.isOpened():
        raise LightTrackError(f"cannot open video source {source!r}: not a video OpenCV can decode")
    return capture


def read_frames(capture: cv2.VideoCapture, name: str, *, max_frames: int | None = None,
                require_frames: bool = True) -> Iterator[Frame]:
    """Decode frames one by one (never the whole video in memory).

    Frames are named as the published demo named its split frames (``frame%05d.jpg`` in folder
    ``name``). The capture is released when the stream ends, drops or the consumer stops.
    ``require_frames``: raise LightTrackError if not even one frame decodes (a file source).
    Undecodable packets are skipped (``DecodeTally``); a warning says how many frames of those
    the container announces were decoded and skipped.
    """
    index = 0
    tally = DecodeTally(frame_count(capture))  # reads past undecodable packets of a file
    try:
        while max_frames is None or index < max_frames:
            image = tally.read(capture)
            if image is None:
                break
            yield Frame(index, image, folder=name, name=f"frame{index:05d}.jpg")
            index += 1
    finally:
        capture.release()
    tally.report(name)
    if index == 0 and require_frames:
        raise LightTrackError(f"no frame could be decoded from {name}: not a readable video")


def frame_count(capture: cv2.VideoCapture) -> int | None:
    """The container's frame count, or None when it does not say (cameras, streams)."""
    count = int(capture.get(cv2.CAP_PROP_FRAME_COUNT))
    return count if count > 0 else None


def frame_rate(capture: cv2.VideoCapture) -> float | None:
    """The container's frames per second, or None when it does not say."""
    fps = float(capture.get(cv2.CAP_PROP_FPS))
    return fps if 0 < fps < 1000 else None


class VideoSink:
    """Writes rendered frames to an mp4 file; the size comes from the first frame (later frames
    of another size are resized). The file is written under its temporary name and, by
    ``close``, checked to hold every frame and renamed (``lib.video_checks.finish_video``)."""

    def __init__(self, path: str, fps: float, render):
        self.path, self.fps, self.render = path, fps, render
        self._writer: cv2.VideoWriter | None = None
        self._temporary, self._size, self._count = temporary_path(path), (0, 0), 0

    def write(self, frame: Frame, result) -> None:
        image = self.render(frame, result)
        if self._writer is None:
            height, width = image.shape[:2]
            writer = cv2.VideoWriter(self._temporary, cv2.VideoWriter_fourcc(*"mp4v"), self.fps,
                                     (width, height))
            if not writer.isOpened():
                remove_quietly(self._temporary)
                raise LightTrackError(f"cannot write video {self.path}: OpenCV cannot open an "
                                      f"mp4v writer for {width}x{height} frames there")
            self._writer, self._size = writer, (width, height)
        self._writer.write(fit_frame(image, self._size))
        self._count += 1

    def close(self) -> None:
        if self._writer is not None:
            self._writer.release()
            self._writer = None
            finish_video(self._temporary, self.path, self._count)


class FramesSink:
    """Saves every rendered frame as a JPEG under ``folder`` with the frame's own name."""

    def __init__(self, folder: str, render):
        self.folder, self.render = folder, render
        os.makedirs(folder, exist_ok=True)

    def write(self, frame: Frame, result) -> None:
        path = os.path.join(self.folder, frame.name)
        if not cv2.imwrite(path, self.render(frame, result)):
            raise LightTrackError(f"cannot write {path}")

    def close(self) -> None:
        pass
