"""NanoDet: the box decoder on hand-made outputs, tiling windows, and the model on real photos
and the sample clip (ai-edge-litert)."""
import numpy as np
import pytest

from detector import nanodet
from lib.errors import LightTrackError
from lib.geometry import iou_matrix
from lib.sample_clip import SampleClip


def one_hot_outputs(stride, row, col, sides_bins, score=0.9):
    """Outputs with one confident person cell at (row, col) of ``stride`` whose four side
    distances put all their probability on ``sides_bins``."""
    outputs = {}
    for s in nanodet.STRIDES:
        cells = (nanodet.INPUT_SIZE // s) ** 2
        scores = np.zeros((cells, nanodet.NUM_CLASSES), np.float32)
        distances = np.full((cells, 4, nanodet.NUM_BINS), -50.0, np.float32)
        distances[:, :, 0] = 50.0
        if s == stride:
            index = row * (nanodet.INPUT_SIZE // s) + col
            scores[index, nanodet.PERSON_CLASS] = score
            scores[index, 1] = 0.99  # a confident bicycle in the same cell is ignored
            distances[index] = -50.0
            distances[index, np.arange(4), sides_bins] = 50.0
        outputs[s] = (scores, distances.reshape(cells, -1))
    return outputs


def test_decode_puts_the_box_around_the_cell_centre():
    boxes, scores = nanodet.decode(one_hot_outputs(16, row=3, col=5, sides_bins=[1, 2, 3, 4]))
    best = scores.argmax()
    assert scores[best] == pytest.approx(0.9) and np.sum(scores > 0.5) == 1
    centre_x, centre_y = 5.5 * 16, 3.5 * 16
    np.testing.assert_allclose(boxes[best], [centre_x - 16, centre_y - 32, centre_x + 48,
                                             centre_y + 64], atol=1e-6)


def test_decode_takes_the_expected_bin():
    outputs = one_hot_outputs(8, row=0, col=0, sides_bins=[0, 0, 0, 0])
    scores, distances = outputs[8]
    distances = distances.reshape(-1, 4, nanodet.NUM_BINS)
    distances[0] = -50.0
    distances[0, :, 2] = distances[0, :, 4] = 50.0  # half on bin 2, half on bin 4: 3 bins
    boxes, _ = nanodet.decode({8: (scores, distances.reshape(len(scores), -1))})
    np.testing.assert_allclose(boxes[0], [4 - 24, 4 - 24, 4 + 24, 4 + 24], atol=1e-6)


def test_tiles_cover_the_frame_with_overlap():
    windows = nanodet.tile_windows(768, 576, grid=2, overlap=0.25)
    assert windows[0] == (0, 0, 768, 576) and len(windows) == 5
    covered = np.zeros((576, 768), bool)
    for x1, y1, x2, y2 in windows[1:]:
        assert x2 <= 768 and y2 <= 576
        covered[y1:y2, x1:x2] = True
    assert covered.all()
    assert windows[1][2] - windows[2][0] >= 0.25 * (windows[1][2] - windows[1][0]) - 1
    assert nanodet.tile_windows(768, 576, grid=1, overlap=0.25) == [(0, 0, 768, 576)]


@pytest.fixture(scope="module", params=["nanodet", "nanodet-tiled"])
def detector(request):
    from lib import components
    return components.build("detector", request.param)


@pytest.mark.slow
def test_finds_the_astronaut(detector):
    from skimage import data
    boxes, scores = detector.detect(np.ascontiguousarray(data.astronaut()[:, :, ::-1]))
    assert len(boxes) >= 1 and scores[0] > 0.5
    x1, y1, x2, y2 = boxes[0]
    assert x1 < 180 < 300 < x2 and y1 < 80 and y2 > 450 and x2 < 420


@pytest.mark.slow
def test_blank_image_has_nobody(detector):
    boxes, scores = detector.detect(np.zeros((360, 640, 3), np.uint8))
    assert boxes.shape == (0, 4) and scores.shape == (0,)


@pytest.mark.slow
def test_finds_both_people_of_the_sample_clip(detector):
    clip = SampleClip(num_frames=250)
    for frame_idx in (0, 60, 200):
        boxes, scores = detector.detect(clip.frame(frame_idx))
        assert np.all(scores >= detector.score_thresh) and np.all(np.diff(scores) <= 0)
        iou = iou_matrix(clip.boxes(frame_idx), boxes)
        assert np.all(iou.max(axis=1) > 0.5)


def test_truncated_weights_name_the_file_and_the_fix(tmp_path):
    path = tmp_path / "nanodet.tflite"
    path.write_bytes(b"TFL3" + b"\0" * 64)
    with pytest.raises(LightTrackError, match=f"{path} is not a valid TFLite model.*make weights"):
        nanodet.NanoDetDetector(path)
