"""YOLOv3 letterbox, merge-NMS and back-projection against hand-computed values (numpy)."""
import numpy as np
import pytest

from detector.yolo_postprocess import letterbox, merge_nms, postprocess, to_frame_boxes


def test_letterbox_pads_the_short_side_and_swaps_to_rgb():
    image = np.zeros((2, 4, 3), np.uint8)
    image[..., 0], image[..., 2] = 10, 200  # B = 10, R = 200
    blob = letterbox(image, input_size=4)  # 2x4 -> 4x4 square, no resize needed
    assert blob.shape == (1, 3, 4, 4) and blob.dtype == np.float32
    pixels = np.round(blob[0] * 255).astype(int)
    # diff 2: one padded row above, one below, value 127
    assert (pixels[:, [0, 3]] == 127).all()
    assert (pixels[0, 1:3] == 200).all() and (pixels[2, 1:3] == 10).all()  # RGB order


def test_letterbox_splits_an_odd_difference_and_resizes_by_area():
    image = np.full((6, 3, 3), 255, np.uint8)  # tall: columns padded, 1 before and 2 after
    pixels = np.round(letterbox(image, input_size=6)[0, 0] * 255).astype(int)
    assert (pixels[:, 0] == 127).all() and (pixels[:, 4:] == 127).all()
    assert (pixels[:, 1:4] == 255).all()
    # 6x6 -> 3x3 with INTER_AREA averages 2x2 cells: column 0 mixes pad and image
    small = np.round(letterbox(image, input_size=3)[0, 0] * 255).astype(int)
    assert small[:, 0].tolist() == [191, 191, 191]  # (127 + 255) / 2
    assert small[:, 2].tolist() == [127, 127, 127]


def row(cx, cy, w, h, objectness, probs):
    return [cx, cy, w, h, objectness, *probs]


# Letterbox boxes, centre-size -> corners:
#   A (30, 30, 70, 70) obj .90, class 0 (.9): sort score .81
#   B (34, 30, 74, 70) obj .85, class 0 (.8): score .68; IoU(A, B) = 37·41 / (2·41² − 37·41)
#     = 1517 / 1845 = .822 > .4, so B merges into A
#   C (30, 30, 70, 70) obj .95, class 1 (.95): score .9025, first; same box as A but another class
#   D (130, 30, 170, 70) obj .99, class 0 (.5): score .495, far from everything
#   G (50, 30, 90, 70) obj .80 (= threshold, kept), class 0 (.6): score .48;
#     IoU(A, G) = 21·41 / (2·41² − 21·41) = 861 / 2501 = .344 <= .4, stays
#   E obj .70 < .8: dropped although its class probability is high
PREDICTIONS = np.array([
    row(50, 50, 40, 40, 0.90, [0.9, 0.1]),
    row(54, 50, 40, 40, 0.85, [0.8, 0.1]),
    row(50, 50, 40, 40, 0.95, [0.1, 0.95]),
    row(150, 50, 40, 40, 0.99, [0.5, 0.1]),
    row(70, 50, 40, 40, 0.80, [0.6, 0.0]),
    row(300, 300, 40, 40, 0.70, [0.99, 0.0]),
])
# A merged with B, weighted by objectness: x1 = (.9·30 + .85·34) / 1.75 = 55.9 / 1.75,
# x2 = (.9·70 + .85·74) / 1.75 = 125.9 / 1.75; y unchanged.
EXPECTED = np.array([
    [30, 30, 70, 70, 0.95, 0.95, 1],
    [55.9 / 1.75, 30, 125.9 / 1.75, 70, 0.90, 0.9, 0],
    [130, 30, 170, 70, 0.99, 0.5, 0],
    [50, 30, 90, 70, 0.80, 0.6, 0],
])


def test_merge_nms_by_hand():
    np.testing.assert_allclose(merge_nms(PREDICTIONS, 0.8, 0.4), EXPECTED, atol=1e-12)


def test_merge_nms_threshold_and_empty():
    assert merge_nms(PREDICTIONS, 0.999, 0.4).shape == (0, 7)
    # at IoU threshold .3, G (IoU .344 with A) merges too: weights .9, .85, .8
    merged = merge_nms(PREDICTIONS, 0.8, 0.3)
    assert len(merged) == 3
    np.testing.assert_allclose(merged[1, [0, 2]], [(55.9 + 0.8 * 50) / 2.55,
                                                   (125.9 + 0.8 * 90) / 2.55])


def test_back_projection_landscape():
    # 640x360 frame: pad_y = 280·416/640 = 182, unpad_h = 234, offset floor(182/2) = 91.
    # x = 104/416·640 = 160, w = 160; y = (91 − 91)/234·360 = 0, h = (208 − 91)/234·360 = 180
    boxes = to_frame_boxes(np.array([[104, 91, 208, 208]]), (360, 640, 3), 416)
    np.testing.assert_allclose(boxes, [[160, 0, 320, 180]])


def test_back_projection_portrait_uses_the_floored_offset():
    # 100x300 frame: pad_x = 200·416/300 = 277.33, unpad_w = 138.67, offset floor(138.67) = 138
    # (published; not 138.67). x = (138 − 138)/138.67·100 = 0, w = 138.67/138.67·100 = 100
    unpad_w = 416 - 200 * 416 / 300
    boxes = to_frame_boxes(np.array([[138, 0, 138 + unpad_w, 416]]), (300, 100, 3), 416)
    np.testing.assert_allclose(boxes, [[0, 0, 100, 300]])


def test_postprocess_keeps_persons_with_objectness_times_probability():
    boxes, scores = postprocess(PREDICTIONS, (416, 416, 3), input_size=416)  # identity mapping
    np.testing.assert_allclose(boxes, EXPECTED[1:, :4])
    np.testing.assert_allclose(scores, [0.81, 0.495, 0.48])
    boxes, scores = postprocess(PREDICTIONS, (416, 416, 3), class_id=1)
    np.testing.assert_allclose(boxes, [[30, 30, 70, 70]])
    assert postprocess(PREDICTIONS[:0], (10, 20, 3))[0].shape == (0, 4)


@pytest.mark.parametrize("thresh", [0.8, 0.5])
def test_merge_nms_output_boxes_are_sorted_by_score(thresh):
    rng = np.random.default_rng(0)
    predictions = np.column_stack([rng.uniform(0, 416, (200, 2)), rng.uniform(5, 80, (200, 2)),
                                   rng.uniform(0, 1, (200, 1)), rng.uniform(0, 1, (200, 3))])
    detections = merge_nms(predictions, thresh, 0.4)
    score = detections[:, 4] * detections[:, 5]
    assert (np.diff(score) <= 0).all() and (detections[:, 4] >= thresh).all()
