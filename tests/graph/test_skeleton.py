"""The skeleton graph against SPEC §5.1's numbers and the keypoints -> graph rule of §1.10."""
import numpy as np
import pytest

from graph import skeleton


def test_adjacency_shape_counts_and_sums():
    a = skeleton.spatial_adjacency()
    assert a.shape == (3, 15, 15) and a.dtype == np.float32
    assert [int(np.count_nonzero(p)) for p in a] == [15, 20, 8]
    np.testing.assert_allclose(a.sum(axis=(1, 2)), [5.5833, 6.75, 2.6667], atol=1e-4)


def test_root_partition_diagonal_is_one_over_degree():
    a = skeleton.spatial_adjacency()
    expected = np.empty(15)
    expected[[0, 5, 6, 11, 14]] = 1 / 2
    expected[[1, 2, 3, 4, 7, 10, 13]] = 1 / 3
    expected[[8, 9, 12]] = 1 / 4
    np.testing.assert_allclose(np.diag(a[0]), expected, rtol=1e-6)
    assert np.count_nonzero(a[0] - np.diag(np.diag(a[0]))) == 0


def test_further_partition_entries():
    a = skeleton.spatial_adjacency()
    expected = np.zeros((15, 15))
    for j, i in [(8, 2), (8, 7), (9, 3), (9, 10), (12, 13)]:
        expected[j, i] = 1 / 3
    expected[12, 8] = expected[12, 9] = 1 / 4
    expected[13, 14] = 1 / 2
    np.testing.assert_allclose(a[2], expected, rtol=1e-6)


def test_root_plus_close_holds_the_remaining_bone_entries():
    # every bone direction appears in exactly one of A[1], A[2]; none on the diagonal of A[1]
    a = skeleton.spatial_adjacency()
    bones = np.zeros((15, 15), dtype=bool)
    for i, j in skeleton.EDGES:
        bones[i, j] = bones[j, i] = True
    assert np.array_equal((a[1] != 0) | (a[2] != 0), bones)
    assert not ((a[1] != 0) & (a[2] != 0)).any()


def test_hops_beyond_max_hop_are_infinite():
    hops = skeleton.hop_distance()
    assert len(skeleton.EDGES) == 14 and hops[2, 3] == np.inf  # no hip-hip bone
    assert hops[12, 12] == 0 and hops[12, 13] == 1 and hops[12, 14] == np.inf


def test_graph_offsets_truncate_toward_zero_from_each_own_corner():
    keypoints = np.zeros((2, 15, 3))
    keypoints[0, :, :2] = [12.7, 7.9]  # box corner (10.0, 10.2): offsets 2.7 -> 2, -2.3 -> -2
    keypoints[1, :, :2] = [-1.5, 50.99]  # box corner (0.5, 0.0): -2.0 -> -2, 50.99 -> 50
    keypoints[:, :, 2] = [[0.3] * 15, [9.0] * 15]  # scores are ignored
    graphs = skeleton.keypoints_to_graphs(keypoints, [[10.0, 10.2, 90, 90], [0.5, 0.0, 5, 5]])
    assert graphs.shape == (2, 2, 1, 15, 1) and graphs.dtype == np.float32
    assert (graphs[0, 0] == 2).all() and (graphs[0, 1] == -2).all()
    assert (graphs[1, 0] == -2).all() and (graphs[1, 1] == 50).all()


def test_graph_channels_follow_joint_order():
    keypoints = np.stack([np.arange(15), 100 + np.arange(15)], axis=1)[None].astype(float)
    graphs = skeleton.keypoints_to_graphs(keypoints, [[0, 0, 1, 1]])
    assert graphs[0, 0, 0, :, 0].tolist() == list(range(15))
    assert graphs[0, 1, 0, :, 0].tolist() == list(range(100, 115))


def test_graph_rejects_mismatched_inputs():
    with pytest.raises(ValueError):
        skeleton.keypoints_to_graphs(np.zeros((2, 15, 3)), [[0, 0, 1, 1]])
