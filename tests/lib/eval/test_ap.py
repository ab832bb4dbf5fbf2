"""AP routine and greedy pose assignment (SPEC §7.4)."""
import numpy as np
import pytest

from lib.eval.ap import average_precision
from lib.eval.matching import assign_poses, joint_distances
from lib.eval.loading import PosePerson


def brute_force_ap(scores, labels, num_positives):
    """All-point interpolated AP written differently: every true positive at rank k adds
    max(precision at ranks >= k) / num_positives."""
    order = sorted(range(len(scores)), key=lambda i: -scores[i])
    ranked = [labels[i] for i in order]
    precisions = [sum(ranked[:k + 1]) / (k + 1) for k in range(len(ranked))]
    return sum(max(precisions[k:]) for k in range(len(ranked)) if ranked[k]) / num_positives


@pytest.mark.parametrize("seed", range(6))
def test_ap_equals_brute_force(seed):
    rng = np.random.default_rng(seed)
    count = int(rng.integers(1, 40))
    scores = rng.permutation(count) / count + rng.uniform(0, 1e-3, count)  # distinct
    labels = rng.random(count) < 0.6
    num_positives = int(labels.sum()) + int(rng.integers(0, 5))
    if num_positives == 0:
        num_positives = 1
    ap, precision, recall = average_precision(scores, labels, num_positives)
    assert ap == pytest.approx(brute_force_ap(list(scores), list(labels), num_positives))
    assert precision == pytest.approx(labels.sum() / count)
    assert recall == pytest.approx(labels.sum() / num_positives)


def test_ap_small_cases():
    # ranked F, T, T, F, T over 4 positives: 1/4 * (2/3 + 2/3 + 3/5) = 0.48333
    ap, precision, recall = average_precision([0.95, 0.9, 0.9, 0.8, 0.7], [0, 1, 1, 0, 1], 4)
    assert ap == pytest.approx((2 / 3 + 2 / 3 + 0.6) / 4)
    assert (precision, recall) == (pytest.approx(0.6), pytest.approx(0.75))
    assert average_precision([], [], 3) == (0.0, 0.0, 0.0)       # nothing predicted: 0 as poseval
    assert np.isnan(average_precision([0.5], [0], 0)[0])        # no positive: NaN, left out


def test_equal_scores_rank_the_later_detection_first():
    # poseval ranks by argsort()[::-1]: among equal scores the last one comes first
    assert average_precision([1.0, 1.0], [1, 0], 1)[0] == pytest.approx(0.5)
    assert average_precision([1.0, 1.0], [0, 1], 1)[0] == pytest.approx(1.0)


def _assign(correct):
    """assign_poses on a synthetic distance array: correct[p][g] joints (of 10) within 0.5."""
    correct = np.asarray(correct)
    dist = np.full(correct.shape + (10,), 2.0)
    for (p, g), n in np.ndenumerate(correct):
        dist[p, g, :n] = 0.1
    return assign_poses(dist, np.ones((correct.shape[1], 10), bool)).tolist()


def test_greedy_assignment():
    # P0 keeps only its best GT (G1, 8/10); G1 prefers P1 (9/10); G0's column is then empty
    assert _assign([[6, 8], [0, 9]]) == [-1, 1]
    assert _assign([[6, 8], [0, 7]]) == [1, -1]     # G1 takes P0; P1 kept only G1: unassigned
    assert _assign([[5, 5], [0, 0]]) == [0, -1]     # ties: first GT; PCK 0 is never assigned
    assert _assign([[3, 0], [3, 0]]) == [0, -1]     # ties: first prediction
    assert _assign(np.zeros((0, 2), int)) == []


def test_pckh_distance_uses_head_size():
    gt = PosePerson(np.zeros((15, 2)), np.ones(15, bool), np.ones(15), 1, (0, 0, 30, 40))
    pred_keypoints = np.zeros((15, 2))
    pred_keypoints[:, 0] = np.arange(15)              # joint j off by j px; head size 30 px
    present = np.ones(15, bool)
    present[3] = False
    pred = PosePerson(pred_keypoints, present, np.ones(15), 1)
    dist = joint_distances([pred], [gt])[0, 0]
    assert dist[5] == pytest.approx(5 / 30) and dist[14] == pytest.approx(14 / 30)
    assert np.isinf(dist[3])
