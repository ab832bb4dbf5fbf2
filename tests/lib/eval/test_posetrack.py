"""End-to-end numbers of lib.eval.posetrack.evaluate on hand-made sequences (SPEC §7.4-7.5)."""
import numpy as np
import pytest

from lib.eval.posetrack import evaluate
from tests.lib.eval.posetrack_files import (as_predictions, person, skeleton, walking_people,
                                            write_pair)


@pytest.mark.parametrize("fmt", ["2017", "2018"])
def test_ground_truth_as_predictions_scores_100(tmp_path, fmt):
    gt = walking_people(5, 3)
    write_pair(tmp_path, "seq_a", gt, as_predictions(gt), fmt=fmt)
    write_pair(tmp_path, "seq_b", gt[:3], as_predictions(gt[:3]), fmt=fmt)
    result = evaluate(tmp_path / "gt", tmp_path / "pred")
    for key in ("mAP", "MOTA", "MOTP", "precision", "recall"):
        assert result[key] == pytest.approx(100.0), key
    assert result["IDSW"] == 0
    np.testing.assert_allclose(result["ap"]["ap"], 100.0)
    assert result["num_sequences"] == 2 and result["num_frames"] == 8


def test_swapping_two_ids_costs_two_switches_per_joint(tmp_path):
    gt = walking_people(6, 2)
    pred = as_predictions(gt)
    for people in pred[3:]:                   # from frame 3 on the two ids are exchanged
        people[0]["track_id"], people[1]["track_id"] = 2, 1
    write_pair(tmp_path, "seq", gt, pred)
    result = evaluate(tmp_path / "gt", tmp_path / "pred")
    # frames 0-4 are fed (the last is skipped): 2 people x 5 frames = 10 objects per joint;
    # at frame 3 both GT people change their predicted partner: 2 switches per joint
    assert result["IDSW"] == 2 * 15
    np.testing.assert_array_equal(result["mot"]["num_switches"], 2)
    assert result["MOTA"] == pytest.approx(100 * (1 - 2 / 10))
    assert result["mAP"] == pytest.approx(100.0)   # AP ignores ids
    assert result["MOTP"] == pytest.approx(100.0)


def test_keypoint_noise_lowers_ap_monotonically(tmp_path):
    gt = walking_people(4, 3, spacing=150.0)
    unit_noise = np.random.default_rng(0).normal(size=(4, 3, 15, 2))
    ap = []
    for level, sigma in enumerate([0.0, 4.0, 8.0, 16.0]):
        pred = as_predictions(gt)
        for t, people in enumerate(pred):
            for i, p in enumerate(people):
                p["keypoints"] = p["keypoints"] + sigma * unit_noise[t, i]
        write_pair(tmp_path / str(level), "seq", gt, pred)
        ap.append(evaluate(tmp_path / str(level) / "gt", tmp_path / str(level) / "pred",
                           eval_tracking=False)["mAP"])
    assert ap[0] == pytest.approx(100.0)
    assert all(a > b for a, b in zip(ap, ap[1:])), ap


def hand_fixture():
    """Two frames, two GT people (ids 1, 2; head boxes 30 x 40: head size 30 px, PCKh@0.5 = 15 px).

    frame 0: P1 (id 7, score 0.9) = A moved by (3, 4): 5 px = 1/6 head size at every joint;
             P2 (id 8, score 0.8) = B with joints 0-6 moved 20 px (> 15 px: wrong), 7-14 exact.
    frame 1: both people moved 5 px; P1 (id 7, 0.9) = A; P2 (id 9, 0.7) = B without joint 14;
             P3 (id 10, 0.95) a lone joint 0 far from everybody.
    """
    gt = [[person(1, skeleton(50, 20)), person(2, skeleton(150, 20))],
          [person(1, skeleton(55, 20)), person(2, skeleton(155, 20))]]
    shifted_b = skeleton(150, 20)
    shifted_b[:7, 0] += 20
    no_head_top = np.ones(15, bool)
    no_head_top[14] = False
    pred = [[person(7, skeleton(53, 24), score=0.9), person(8, shifted_b, score=0.8)],
            [person(7, skeleton(55, 20), score=0.9),
             person(9, skeleton(155, 20), score=0.7, present=no_head_top),
             person(10, skeleton(900, 20), score=0.95, present=np.arange(15) == 0)]]
    return gt, pred


def test_hand_computed_ap(tmp_path):
    write_pair(tmp_path, "seq", *hand_fixture())
    ap = evaluate(tmp_path / "gt", tmp_path / "pred", eval_tracking=False)["ap"]
    # 4 positives per joint. Every pose is assigned to its own GT; P3 to none.
    # joint 0: ranked 0.95 F (P3), 0.9 T, 0.9 T, 0.8 F (P2 f0), 0.7 T -> precision 0, 1/2, 2/3,
    #   1/2, 3/5 at recall 0, 1/4, 1/2, 1/2, 3/4: AP = 1/4 (2/3 + 2/3 + 3/5) = 48.33
    # joints 1-6: 0.9 T, 0.9 T, 0.8 F, 0.7 T: AP = 1/4 (1 + 1 + 3/4) = 68.75
    # joints 7-13: four true positives: 100; joint 14: three of four (P2 f1 lacks it): 75
    expected = [48.333333] + [68.75] * 6 + [100.0] * 7 + [75.0]
    np.testing.assert_allclose(ap["ap"][:15], expected, rtol=1e-6)
    assert ap["ap"][15] == pytest.approx(np.mean(expected))          # 82.389
    assert (ap["precision"][0], ap["recall"][0]) == (pytest.approx(60.0), pytest.approx(75.0))
    assert (ap["precision"][1], ap["recall"][1]) == (pytest.approx(75.0), pytest.approx(75.0))


def test_hand_computed_tracking_default(tmp_path):
    write_pair(tmp_path, "seq", *hand_fixture())
    result = evaluate(tmp_path / "gt", tmp_path / "pred", eval_pose=False)
    mot = result["mot"]
    # only frame 0 is fed (poseval skips the last frame).
    # joints 0-6: A-P1 match (d 1/6), B missed (P2 20 px off), P2 false positive:
    #   MOTA 1 - 2/2 = 0, MOTP 1 - 1/6 = 83.33, precision 1/2, recall 1/2
    # joints 7-14: A-P1 (1/6) and B-P2 (0) match: MOTA 100, MOTP 1 - (1/6)/2 = 91.67
    np.testing.assert_allclose(mot["mota"][:15], [0.0] * 7 + [100.0] * 8, atol=1e-9)
    np.testing.assert_allclose(mot["motp"][:15], [500 / 6] * 7 + [1100 / 12] * 8)
    np.testing.assert_allclose(mot["precision"][:15], [50.0] * 7 + [100.0] * 8)
    assert result["MOTA"] == pytest.approx(800 / 15)                        # 53.33
    assert result["MOTP"] == pytest.approx((7 * 500 / 6 + 8 * 1100 / 12) / 15)  # 87.78
    assert result["precision"] == pytest.approx((7 * 50 + 8 * 100) / 15)    # 76.67
    assert result["recall"] == pytest.approx((7 * 50 + 8 * 100) / 15)
    assert result["IDSW"] == 0


def test_hand_computed_tracking_with_last_frame(tmp_path):
    write_pair(tmp_path, "seq", *hand_fixture())
    result = evaluate(tmp_path / "gt", tmp_path / "pred", eval_pose=False, skip_last_frame=False)
    mot = result["mot"]
    # frame 1 adds: A-P1 match (kept from frame 0) at every joint;
    # joint 0: B-P2 match (B was never matched: no switch), P3 false positive
    #   -> 4 objects, 1 miss, 2 FP: MOTA 25, 3 detections, sum d 1/6: MOTP 1 - 1/18
    # joints 1-6: B-P2 match -> 1 miss, 1 FP: MOTA 50, MOTP 1 - 1/18
    # joints 7-13: B was with id 8, now id 9: a switch -> MOTA 75, 4 detections: MOTP 1 - 1/24
    # joint 14: P2 of frame 1 lacks it: B missed once -> MOTA 75, MOTP 1 - 1/18
    np.testing.assert_allclose(mot["mota"][:15], [25.0] + [50.0] * 6 + [75.0] * 8)
    np.testing.assert_allclose(mot["motp"][:15], [100 * (1 - 1 / 18)] * 7
                               + [100 * (1 - 1 / 24)] * 7 + [100 * (1 - 1 / 18)])
    np.testing.assert_allclose(mot["precision"][:15], [60.0] + [75.0] * 6 + [100.0] * 8)
    np.testing.assert_allclose(mot["recall"][:15], [75.0] * 7 + [100.0] * 7 + [75.0])
    np.testing.assert_array_equal(mot["num_switches"], [0] * 7 + [1] * 7 + [0])
    assert result["MOTA"] == pytest.approx(925 / 15)                        # 61.67
    assert result["IDSW"] == 7


def test_motp_from_raw_events_is_poseval_with_new_motmetrics(tmp_path):
    write_pair(tmp_path, "seq", *hand_fixture())
    result = evaluate(tmp_path / "gt", tmp_path / "pred", eval_pose=False, motp_raw_events=True)
    # RAW rows repeat every finite distance: joints 0-6 sum 2/6 over 1 detection (66.67),
    # joints 7-14 sum 2/6 over 2 detections (83.33)
    assert result["MOTP"] == pytest.approx((7 * 200 / 3 + 8 * 250 / 3) / 15)   # 75.56
    assert result["MOTA"] == pytest.approx(800 / 15)                             # unchanged


def test_2017_and_2018_files_give_the_same_numbers(tmp_path):
    gt, pred = hand_fixture()
    noisy = walking_people(4, 3)
    noisy_pred = as_predictions(noisy, score=0.5)
    noisy_pred[1][0]["keypoints"] = noisy_pred[1][0]["keypoints"] + 9.0
    results = []
    for fmt in ("2017", "2018"):
        write_pair(tmp_path / fmt, "a", gt, pred, fmt=fmt)
        write_pair(tmp_path / fmt, "b", noisy, noisy_pred, fmt=fmt)
        results.append(evaluate(tmp_path / fmt / "gt", tmp_path / fmt / "pred"))
    for part, key in [("ap", "ap"), ("ap", "precision"), ("mot", "mota"), ("mot", "motp"),
                      ("mot", "recall"), ("mot", "num_switches")]:
        np.testing.assert_allclose(results[0][part][key], results[1][part][key])


def _one_frame_without_predictions(tmp_path, **conventions):
    gt = walking_people(3, 2)
    pred = as_predictions(gt)
    pred[1] = []
    write_pair(tmp_path, "seq", gt, pred)
    return evaluate(tmp_path / "gt", tmp_path / "pred", eval_pose=False, **conventions)


def test_dummy_frames_convention(tmp_path):
    # frames 0, 1 fed; frame 1 has no predictions.
    # poseval: one dummy object, one miss, one FP per joint -> 3 objects, 2 errors: MOTA 33.3
    default = _one_frame_without_predictions(tmp_path)
    assert default["MOTA"] == pytest.approx(100 / 3)
    assert default["precision"] == pytest.approx(200 / 3)
    # switched off: the 2 real people are missed, nothing is a false positive: 4 objects: 50
    plain = _one_frame_without_predictions(tmp_path, dummy_empty_frames=False)
    assert plain["MOTA"] == pytest.approx(50.0) and plain["precision"] == pytest.approx(100.0)
    assert plain["recall"] == pytest.approx(50.0) and default["recall"] == pytest.approx(200 / 3)


def test_skip_last_frame_convention(tmp_path):
    # perfect frame 2 is skipped by default; kept, it adds 2 objects and 2 matches per joint
    assert _one_frame_without_predictions(tmp_path)["MOTA"] == pytest.approx(100 / 3)
    kept = _one_frame_without_predictions(tmp_path, skip_last_frame=False)
    assert kept["MOTA"] == pytest.approx(100 * (1 - 2 / 5))
    # and a switch in the last frame only counts when that frame is kept
    gt = walking_people(4, 2)
    pred = as_predictions(gt)
    pred[3][0]["track_id"], pred[3][1]["track_id"] = 2, 1
    write_pair(tmp_path / "swap", "seq", gt, pred)
    folders = tmp_path / "swap" / "gt", tmp_path / "swap" / "pred"
    assert evaluate(*folders, eval_pose=False)["MOTA"] == pytest.approx(100.0)
    assert evaluate(*folders, eval_pose=False, skip_last_frame=False)["MOTA"] == \
        pytest.approx(100 * (1 - 2 / 8))


def test_per_sequence_results(tmp_path):
    gt = walking_people(6, 2)
    swapped = as_predictions(gt)
    for people in swapped[3:]:
        people[0]["track_id"], people[1]["track_id"] = 2, 1
    write_pair(tmp_path, "clean", gt, as_predictions(gt))
    write_pair(tmp_path, "swapped", gt, swapped)
    result = evaluate(tmp_path / "gt", tmp_path / "pred", per_sequence=True)
    sequences = result["sequences"]
    assert sequences["clean"]["mot"]["mota"][15] == pytest.approx(100.0)
    assert sequences["swapped"]["mot"]["mota"][15] == pytest.approx(80.0)
    assert result["MOTA"] == pytest.approx(100 * (1 - 2 / 20))     # counts summed, then the ratio
    assert sequences["swapped"]["ap"]["ap"][15] == pytest.approx(100.0)
