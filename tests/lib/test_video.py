"""Video reading and writing, drawing, and the demo's output layout (OpenCV, no model)."""
import cv2
import numpy as np
import pytest

from lib.drawing import Renderer
from lib.errors import LightTrackError
from lib.interfaces import FrameResult, Track
from lib.runner import Frame
from lib.video import VideoSink, open_capture, read_frames


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("video") / "clip.mp4")
    writer = cv2.VideoWriter(path, cv2.VideoWriter_fourcc(*"mp4v"), 25, (64, 48))
    for i in range(12):
        writer.write(np.full((48, 64, 3), i * 20, np.uint8))
    writer.release()
    return path


def test_frames_are_streamed_in_order(clip):
    frames = list(read_frames(open_capture(clip), "clip"))
    assert [f.index for f in frames] == list(range(12))
    assert frames[3].name == "frame00003.jpg" and frames[3].folder == "clip"
    means = [f.image.mean() for f in frames]  # grey levels 0, 20, ... survive compression
    assert np.all(np.diff(means) > 10) and abs(means[5] - 100) < 8
    assert len(list(read_frames(open_capture(clip), "clip", max_frames=4))) == 4


@pytest.mark.parametrize("content,match", [(None, "not found"), (b"", "empty"),
                                           (b"this is not a video\n" * 10, "cannot open|no frame")])
def test_bad_videos_give_clear_errors(tmp_path, content, match):
    path = tmp_path / "bad.mp4"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(LightTrackError, match=match):
        list(read_frames(open_capture(str(path)), "bad"))


def test_video_sink_writes_every_frame(tmp_path):
    path = str(tmp_path / "out.mp4")
    sink = VideoSink(path, 25, Renderer())
    kps = np.column_stack([np.linspace(10, 50, 15), np.linspace(10, 40, 15), np.ones(15)])
    for i in range(7):
        result = FrameResult(i, True, [Track(3, np.array([5.0, 5.0, 55.0, 45.0]), kps)])
        sink.write(Frame(i, np.zeros((48, 64, 3), np.uint8)), result)
    sink.close()
    capture = cv2.VideoCapture(path)
    assert int(capture.get(cv2.CAP_PROP_FRAME_COUNT)) == 7
    ok, image = capture.read()
    assert ok and image.shape == (48, 64, 3) and image.max() > 100  # the skeleton is drawn


def test_renderer_draws_in_the_track_colour_once_per_frame():
    kps = np.zeros((15, 3))
    kps[:, :2], kps[:, 2] = (30, 30), 1.0
    kps[8], kps[7] = (20, 20, 1.0), (60, 20, 1.0)  # right shoulder - right elbow stick
    render = Renderer()
    frame = Frame(0, np.zeros((50, 80, 3), np.uint8))
    image = render(frame, FrameResult(0, True, [Track(2, np.array([0.0, 0.0, 80.0, 50.0]), kps)]))
    assert tuple(image[20, 40]) == (255, 0, 0)  # TRACK_COLORS[2] is blue (BGR)
    assert render(frame, FrameResult(0, True, [])) is image  # cached for the other sinks
    assert frame.image.max() == 0  # the input frame is not drawn on
