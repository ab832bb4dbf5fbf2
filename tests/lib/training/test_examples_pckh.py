"""Sample order across passes and resumes; PCKh with the head_top–neck head size."""
import itertools

import numpy as np

from lib.training.examples import epoch_order
from lib.training.pckh import head_sizes, pckh


def test_each_pass_is_a_fresh_permutation_and_resuming_continues_it():
    stream = list(itertools.islice(epoch_order(5, seed=2), 15))
    passes = [sorted(i for i, _ in stream[p * 5:(p + 1) * 5]) for p in range(3)]
    assert passes == [list(range(5))] * 3
    assert len({tuple(i for i, _ in stream[p * 5:(p + 1) * 5]) for p in range(3)}) > 1
    assert [position for _, position in stream] == list(range(15))
    assert list(itertools.islice(epoch_order(5, seed=2, start=7), 8)) == stream[7:15]


def test_pckh_counts_joints_within_half_the_head_size():
    truth = np.zeros((2, 15, 3))
    truth[:, :, 2] = 2
    truth[:, 12, :2] = (50, 50)
    truth[:, 14, :2] = (50, 30)           # head size 20 -> threshold 10
    truth[1, 14, 2] = 0                   # no head size: person 1 is left out
    truth[0, 5, 2] = 0                    # unannotated joint: not counted
    predicted = truth[..., :2].copy()
    predicted[0, 0] += (9.9, 0)           # correct
    predicted[0, 1] += (0, 10.1)          # wrong
    np.testing.assert_allclose(head_sizes(truth), [20, np.nan])
    per_joint, mean = pckh(predicted, truth)
    assert per_joint[0] == 1 and per_joint[1] == 0 and np.isnan(per_joint[5])
    assert mean == 13 / 14
