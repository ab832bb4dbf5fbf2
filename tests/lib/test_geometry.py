"""Geometry against hand-computed values (SPEC §1.8)."""
import numpy as np
import pytest

from lib import geometry


def test_iou_uses_plus_one_convention():
    # boxes [0,0,9,9] and [5,5,14,14]: areas 100 each, intersection 5x5 = 25
    iou = geometry.iou_matrix([[0, 0, 9, 9]], [[5, 5, 14, 14], [10, 10, 20, 20], [0, 0, 9, 9]])
    np.testing.assert_allclose(iou, [[25 / 175, 0.0, 1.0]])


def test_enlarge_uses_truncated_integer_margins():
    # margins int(0.1 * 59.4) = 5 and int(0.1 * 99) = 9
    assert geometry.enlarge_box([10.5, 20.0, 69.9, 119.0], 0.2) == pytest.approx(
        (5.5, 11.0, 74.9, 128.0))


@pytest.mark.parametrize("box", [[-50, 0, -20, 10],      # x2 < 0 after growing
                                 [0, -50, 10, -20],      # y2 < 0
                                 [5, 5, 5, 20],          # zero width
                                 [0, 0, 2500, 100]])     # wider than 2000
def test_enlarge_marks_published_invalid_cases(box):
    assert geometry.enlarge_box(box, 0.2) is None


def test_negative_margin_becomes_two():
    # int(0.1 * -15) = -1 -> 2, so the box stays inverted: width -15 + 4 < 0
    assert geometry.enlarge_box([20, 0, 5, 100], 0.2) is None
    # int(0.1 * -3) = 0: no margin, the inverted box is still invalid
    assert geometry.enlarge_box([20, 0, 17, 100], 0.2) is None


def test_xyxy_to_xywh_truncates_each_corner():
    assert geometry.xyxy_to_xywh([1.7, 2.2, 10.1, 20.9]) == pytest.approx((1.7, 2.2, 9.0, 18.0))
    assert geometry.xywh_to_xyxy([1.5, 2.0, 9.0, 18.0]) == (1.5, 2.0, 10.5, 20.0)


def test_box_from_keypoints_uses_all_scored_joints():
    kps = np.zeros((1, 15, 3))
    kps[0, :, 2] = 1.0
    kps[0, :, 0] = np.linspace(100, 200, 15)
    kps[0, :, 1] = np.linspace(50, 250, 15)
    kps[0, 3] = (999, 999, 0.0)  # score 0: ignored
    kps[0, 4] = (-999, -999, 3.0)  # score 3: ignored
    xs, ys = np.delete(kps[0, :, 0], [3, 4]), np.delete(kps[0, :, 1], [3, 4])
    mx, my = int(0.1 * (xs.max() - xs.min())), int(0.1 * (ys.max() - ys.min()))
    x1, y1, x2, y2 = xs.min() - mx, ys.min() - my, xs.max() + mx, ys.max() + my
    assert geometry.boxes_from_keypoints(kps, 0.2) == [
        pytest.approx((x1, y1, x2, y2))]
    # the same pose with every joint scored takes the outliers in
    kps[0, 3, 2] = kps[0, 4, 2] = 1.0
    assert geometry.boxes_from_keypoints(kps, 0.2) == [None]  # wider than 2000


def test_box_from_keypoints_without_usable_joint_is_none():
    assert geometry.boxes_from_keypoints(np.zeros((2, 15, 3)), 0.2) == [None, None]


def test_top_k_mean_and_validity():
    kps = np.zeros((1, 15, 3))
    kps[0, :5, 2] = [1.0, 0.9, 0.8, 0.7, 0.6]
    assert geometry.top_k_mean_scores(kps, 4)[0] == pytest.approx(0.85)
    assert [geometry.box_valid(b) for b in [[0, 0, 10, 10], [0, 0, 0, 10], [0, 0, 2001, 5],
                                            [np.nan, 0, 1, 1], None]] == [True] + [False] * 4
    # validity reads the published (truncated) extent: int(0.9) - int(0.2) = 0
    assert geometry.box_valid([0.5, 0, 1.4, 10]) and not geometry.box_valid([0.2, 0, 0.9, 10])


def test_array_converters_invert_each_other_and_match_the_scalar_ones():
    rng = np.random.default_rng(0)
    boxes_xywh = np.column_stack([rng.uniform(-50, 50, (6, 2)), rng.uniform(1, 90, (6, 2))])
    boxes_xyxy = geometry.boxes_xywh_to_xyxy(boxes_xywh)
    np.testing.assert_allclose(boxes_xyxy, [geometry.xywh_to_xyxy(b) for b in boxes_xywh])
    np.testing.assert_allclose(geometry.boxes_xyxy_to_xywh(boxes_xyxy), boxes_xywh)
    assert geometry.boxes_xywh_to_xyxy([]).shape == (0, 4)


def test_nms_keeps_best_and_drops_overlaps():
    boxes = [[0, 0, 9, 9], [1, 1, 10, 10], [50, 50, 60, 60]]
    assert geometry.nms(boxes, [0.5, 0.9, 0.3], 0.4).tolist() == [1, 2]


def test_bad_shapes_raise():
    with pytest.raises(ValueError, match=r"\(N, 4\)"):
        geometry.iou_matrix([[1, 2, 3]], [[1, 2, 3, 4]])
    with pytest.raises(ValueError, match=r"\(N, 15, 3\)"):
        geometry.sanitize_keypoints(np.zeros((2, 17, 3)), 15)


def test_published_boxes_read_back_the_published_xywh_box():
    boxes = [[10.5, -0.54, 222.9, 244.4], [-3.7, 2.2, 40.1, 9.9]]
    for box, published in zip(boxes, geometry.published_boxes(boxes)):
        assert tuple(published) == geometry.xywh_to_xyxy(geometry.xyxy_to_xywh(box))


def test_greedy_keep_drops_only_what_a_kept_candidate_suppresses():
    """0 suppresses 1; 1 would suppress 2, but 1 is dropped, so 2 stays; ties keep index order."""
    suppresses = np.array([[1, 1, 0], [0, 1, 1], [0, 0, 1]], dtype=bool)
    assert geometry.greedy_keep([0.9, 0.8, 0.7], suppresses).tolist() == [0, 2]
    assert geometry.greedy_keep([0.5, 0.5, 0.5], np.eye(3, dtype=bool)).tolist() == [0, 1, 2]
    assert geometry.greedy_keep([], np.zeros((0, 0), dtype=bool)).tolist() == []
