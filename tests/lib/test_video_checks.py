"""lib.video_checks: reading past undecodable frames, resizing, checking a written video."""
import logging

import cv2
import numpy as np
import pytest

from lib.errors import LightTrackError
from lib.video import VideoSink
from lib.runner import Frame
from lib.video_checks import MAX_FAILED_READS, DecodeTally, finish_video, fit_frame


class ScriptedCapture:
    """A capture whose read() replays ``pattern``: "o" a frame, "x" a failed read."""

    def __init__(self, pattern: str):
        self.pattern, self.position = pattern, 0

    def read(self):
        if self.position >= len(self.pattern):
            return False, None
        ok = self.pattern[self.position] == "o"
        self.position += 1
        return ok, (np.zeros((2, 2, 3), np.uint8) if ok else None)


def read_all(pattern, expected):
    tally, capture, count = DecodeTally(expected), ScriptedCapture(pattern), 0
    while tally.read(capture) is not None:
        count += 1
    return tally, count


def test_failed_reads_inside_the_announced_length_are_skipped():
    tally, count = read_all("ooxxoooxo", 9)
    assert (count, tally.decoded, tally.skipped) == (6, 6, 3)
    assert tally.summary() == ("6 of the 9 frames the container announces were decoded: "
                               "3 undecodable frames skipped")


def test_a_stream_cut_short_reports_the_missing_tail():
    tally, count = read_all("ooxoo", 10)
    assert (count, tally.skipped) == (4, 1)
    assert "the last 5 unreadable" in tally.summary()


def test_without_a_frame_count_the_first_failure_ends_and_a_full_read_is_silent(caplog):
    assert read_all("ooxoo", None)[1] == 2
    tally, count = read_all("oooo", 4)
    assert count == 4 and tally.summary() is None
    tally, count = read_all("o" + "x" * (MAX_FAILED_READS + 1) + "o", 1000)
    assert count == 1  # the retries are bounded
    with caplog.at_level(logging.WARNING):
        read_all("oxo", 3)[0].report("clip")
    assert caplog.messages == ["warning: clip: 2 of the 3 frames the container announces were "
                               "decoded: 1 undecodable frames skipped"]


def test_fit_frame_resizes_only_other_sizes():
    image = np.zeros((10, 20, 3), np.uint8)
    assert fit_frame(image, (20, 10)) is image
    assert fit_frame(image, (40, 30)).shape == (30, 40, 3)


def test_video_sink_resizes_changed_frames_and_checks_the_file(tmp_path):
    path = tmp_path / "out.mp4"
    sink = VideoSink(str(path), 25, lambda frame, result: frame.image)
    for index, size in enumerate([(64, 48), (64, 48), (100, 30), (64, 48)]):
        sink.write(Frame(index, np.full((size[1], size[0], 3), 100, np.uint8)), None)
    assert not path.exists()  # only under its temporary name while running
    sink.close()
    capture = cv2.VideoCapture(str(path))
    assert int(capture.get(cv2.CAP_PROP_FRAME_COUNT)) == 4
    assert (capture.get(cv2.CAP_PROP_FRAME_WIDTH), capture.get(cv2.CAP_PROP_FRAME_HEIGHT)) == (64, 48)


def test_finish_video_refuses_a_short_or_unreadable_file(tmp_path):
    broken = tmp_path / "x.partial.mp4"
    broken.write_bytes(b"\x00" * 100)
    with pytest.raises(LightTrackError, match="holds 0 of 3 frames"):
        finish_video(str(broken), str(tmp_path / "x.mp4"), 3)
    assert not broken.exists() and not (tmp_path / "x.mp4").exists()
