"""SSDLite person detector on real photos, the sample clip and bad weight files (TensorFlow)."""
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from detector import ssdlite
from lib.errors import LightTrackError
from lib.geometry import iou_matrix
from lib.sample_clip import SampleClip

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def detector():
    return ssdlite.SSDLiteDetector()


def test_finds_the_astronaut(detector):
    from skimage import data
    boxes, scores = detector.detect(np.ascontiguousarray(data.astronaut()[:, :, ::-1]))
    assert boxes.shape == (1, 4) and scores.shape == (1,) and scores[0] > 0.8
    x1, y1, x2, y2 = boxes[0]
    # she fills the left two thirds of the 512 x 512 photo: face near (225, 120), torso below
    assert x1 < 180 < 300 < x2 and y1 < 80 and y2 > 450 and x2 < 420


def test_blank_and_noise_images_have_nobody(detector):
    rng = np.random.default_rng(0)
    for image in (np.zeros((360, 640, 3), np.uint8),
                  rng.integers(0, 256, (360, 640, 3), dtype=np.uint8)):
        boxes, scores = detector.detect(image)
        assert boxes.shape == (0, 4) and scores.shape == (0,)


def test_finds_both_people_of_the_sample_clip(detector):
    clip = SampleClip(num_frames=250)
    boxes, scores = detector.detect(clip.frame(0))
    assert len(boxes) == 2 and np.all(scores >= detector.score_thresh)
    iou = iou_matrix(clip.boxes(0), boxes)
    assert np.all(iou.max(axis=1) > 0.7)
    assert sorted(iou.argmax(axis=1)) == [0, 1]


def test_boxes_scale_with_the_frame(detector):
    clip = SampleClip(num_frames=250)
    image = clip.frame(0)
    small, _ = detector.detect(image)
    large, _ = detector.detect(np.repeat(np.repeat(image, 2, axis=0), 2, axis=1))
    order_s, order_l = np.argsort(small[:, 0]), np.argsort(large[:, 0])
    assert np.allclose(large[order_l], 2 * small[order_s], atol=6)


def test_missing_and_corrupt_weights_name_the_fix(tmp_path):
    missing = tmp_path / "frozen_inference_graph.pb"
    with pytest.raises(LightTrackError, match=r"frozen_inference_graph.pb not found.*make weights"):
        ssdlite.SSDLiteDetector(missing)
    for content in (b"\x00\x01garbage\xff" * 50, b""):
        missing.write_bytes(content)
        with pytest.raises(LightTrackError, match=r"frozen_inference_graph.pb is not.*make weights"):
            ssdlite.SSDLiteDetector.from_options(weights_path=str(missing))


def test_from_options():
    with pytest.raises(LightTrackError, match="--detector-cfg"):
        ssdlite.SSDLiteDetector.from_options(cfg_path="detector/config/yolov3.cfg")


def test_tensorflow_only():
    code = "import sys, detector.ssdlite; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).resolve().parents[2],
                         capture_output=True, text=True, check=True).stdout.strip()
    assert out == "False"
