"""The demo clip builder: the video OpenCV reads back, and a truth file that fits the frames."""
import importlib
import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from lib import sample_clip



@pytest.fixture(scope="module")
def clip():
    return sample_clip.SampleClip()


def load_script():
    return importlib.import_module("data.demo.make_sample")


def read_video(path):
    capture = cv2.VideoCapture(str(path))
    meta = (capture.get(cv2.CAP_PROP_FPS), capture.get(cv2.CAP_PROP_FRAME_WIDTH),
            capture.get(cv2.CAP_PROP_FRAME_HEIGHT))
    frames = []
    while True:
        ok, frame = capture.read()
        if not ok:
            break
        frames.append(frame)
    capture.release()
    return meta, frames


def test_script_writes_video_and_truth_then_skips(tmp_path):
    out = tmp_path / "clip.mp4"
    script = load_script()
    assert script.main(["--out", str(out), "--frames", "12", "--fps", "10"]) == 0
    (fps, width, height), frames = read_video(out)
    assert (fps, width, height, len(frames)) == (10, 640, 360, 12)
    truth = json.loads((tmp_path / "clip_truth.json").read_text())
    assert (truth["num_frames"], truth["fps"], truth["width"]) == (12, 10, 640)
    assert [len(p["boxes_xyxy"]) for p in truth["people_back_to_front"]] == [12, 12]
    stamp = out.stat().st_mtime_ns
    assert script.main(["--out", str(out), "--frames", "3"]) == 0
    assert out.stat().st_mtime_ns == stamp
    assert script.main(["--out", str(out), "--frames", "3", "--force"]) == 0
    assert len(read_video(out)[1]) == 3


def test_defaults_are_ten_seconds_at_25_fps():
    args = load_script().parse_args([])
    assert (args.frames, args.fps, args.out.name) == (250, 25, "sample.mp4")


def test_frames_are_deterministic_and_change(clip):
    assert np.array_equal(clip.frame(10), sample_clip.SampleClip().frame(10))
    assert clip.frame(0).shape == (360, 640, 3) and clip.frame(0).dtype == np.uint8
    assert np.abs(clip.frame(0).astype(int) - clip.frame(1)).mean() > 0.5


def test_people_stay_inside_and_cross_once(clip):
    boxes = np.array([clip.boxes(i) for i in range(clip.num_frames)])    # (T, 2, 4)
    sprites = np.array([clip.sprite_boxes(i) for i in range(clip.num_frames)])
    assert np.all(sprites[..., :2] >= 0) and np.all(sprites[..., 2] <= 640)
    assert np.all(sprites[..., 3] <= 360)
    assert np.all(boxes[..., :2] >= sprites[..., :2]) and np.all(boxes[..., 2:] <= sprites[..., 2:])
    centre_x = boxes[..., [0, 2]].mean(axis=-1)
    order = np.sign(centre_x[:, 0] - centre_x[:, 1])
    assert np.count_nonzero(np.diff(order[order != 0])) == 1
    heights = boxes[..., 3] - boxes[..., 1]
    assert np.all((heights > 150) & (heights < 260))


def test_truth_matches_the_pixels(clip):
    """Inside the front person's box the frame shows that person's sprite; the person behind
    is partly hidden only while the boxes overlap."""
    truth = clip.truth(25.0)
    back, front = truth["people_back_to_front"]
    for frame_idx in (0, 125, 249):
        image = clip.frame(frame_idx)
        sprite_image, _ = sample_clip.sprite(clip.walkers[1])
        x1, y1, x2, y2 = (int(v) for v in front["sprite_boxes_xyxy"][frame_idx])
        inner = (slice(y1 + 8, y2 - 8), slice(x1 + 8, x2 - 8))
        diff = np.abs(image[inner].astype(int) - sprite_image[8:-8, 8:-8])
        assert diff.max() <= 1
    person, cover = np.array(back["boxes_xyxy"]), np.array(front["sprite_boxes_xyxy"])
    overlap = ((np.minimum(person[:, 2:], cover[:, 2:]) - np.maximum(person[:, :2], cover[:, :2]))
               > 0).all(axis=1)
    hidden = np.array(back["visible"]) < 1
    assert np.array_equal(hidden, overlap) and hidden.any()
    assert min(back["visible"]) > 0.4 and all(v == 1 for v in front["visible"])


@pytest.mark.parametrize("x1, y1", [(5, 3), (-4, 2), (17, 12), (-30, 0), (3, 40)])
def test_paste_drops_what_lies_outside_the_canvas(x1, y1):
    """Clipped paste = unclipped paste into a padded canvas, cut back to the canvas."""
    rng = np.random.default_rng(0)
    canvas = rng.uniform(0, 255, (20, 24, 3))
    image = rng.uniform(0, 255, (10, 8, 3))
    alpha = sample_clip.soft_alpha(10, 8, border=2)
    pad = 40
    padded = np.pad(canvas, ((pad, pad), (pad, pad), (0, 0)))
    region = padded[pad + y1:pad + y1 + 10, pad + x1:pad + x1 + 8]
    region[:] = alpha * image + (1 - alpha) * region
    sample_clip.paste(canvas, image, alpha, x1, y1)
    np.testing.assert_allclose(canvas, padded[pad:pad + 20, pad:pad + 24])
