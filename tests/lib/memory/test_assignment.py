"""Fused-cue global assignment: global optimum over greedy, gates, fading geometry, matcher
as plug-in."""
import numpy as np

from lib import geometry
from lib.association import associate
from lib.memory.assignment import AssignmentParams, FusedAssigner, TrackCues
from tests.conftest import TableMatcher, make_pose


def box(cx, cy, half=50.0):
    return [cx - half, cy - half, cx + half, cy + half]


def pose(cx, cy):
    """One body shape (100 px) placed at (cx, cy)."""
    return make_pose(0, 0) + np.array([cx, cy, 0.0])


def tracks_at(centres, seconds_lost=None, appearance=None):
    n = len(centres)
    return TrackCues(np.array([box(*c) for c in centres]),
                     np.array([pose(*c) for c in centres]),
                     np.zeros((n, 2, 4)) if appearance is None else appearance,
                     np.zeros(n) if seconds_lost is None else np.asarray(seconds_lost, float))


def candidates(centres):
    return np.array([box(*c) for c in centres]), np.array([pose(*c) for c in centres])


def test_global_optimum_where_greedy_order_fails():
    # candidate 0 overlaps both tracks, slightly more track 0; candidate 1 is track 0
    tracks = tracks_at([(100, 100), (170, 100)])
    boxes, kps = candidates([(132, 100), (95, 100)])
    iou = geometry.iou_matrix(boxes, tracks.boxes_xyxy)
    greedy = associate(iou, None, iou_thresh=0.3, match_thresh=-1)
    assert greedy == [0, None]  # the published rule, candidate by candidate
    by_box = FusedAssigner(params=AssignmentParams(oks_weight=0.0))
    assert by_box.assign(boxes, kps, None, tracks) == [1, 0]


def test_far_candidate_starts_a_new_track():
    tracks = tracks_at([(100, 100)])
    boxes, kps = candidates([(500, 300)])
    assert FusedAssigner().assign(boxes, kps, None, tracks) == [None]


def test_lost_track_reach_grows_with_time_and_appearance_decides():
    # a track lost 1 s ago, 150 px (1.5 heights) from the candidate: within 1 + 1 heights
    desc_a = np.zeros((1, 2, 4))
    desc_a[0, :, 0] = 1.0
    desc_b = np.zeros((1, 2, 4))
    desc_b[0, :, 3] = 1.0
    boxes, kps = candidates([(250, 100)])
    assigner = FusedAssigner(appearance_distances=lambda a, b: np.sqrt(
        np.clip(1 - np.einsum("irk,jrk->ijr", np.sqrt(a), np.sqrt(b)).mean(-1), 0, 1)))
    same = tracks_at([(100, 100)], seconds_lost=[1.0], appearance=desc_a)
    assert assigner.assign(boxes, kps, desc_a, same) == [0]
    other_clothes = tracks_at([(100, 100)], seconds_lost=[1.0], appearance=desc_b)
    assert assigner.assign(boxes, kps, desc_a, other_clothes) == [None]
    just_lost = tracks_at([(100, 100)], seconds_lost=[0.0], appearance=desc_a)
    assert assigner.assign(boxes, kps, desc_a, just_lost) == [None]   # 1.5 > 1 height


def test_geometry_weight_fades_with_time_lost():
    assigner = FusedAssigner()
    cues = {"iou": np.array([[1.0, 1.0]]), "oks": np.array([[1.0, 1.0]]),
            "appearance": np.array([[0.1, 0.1]])}
    fused = assigner.fused(cues, np.array([0.0, 2.0]))
    assert np.isclose(fused[0, 0], (1 + 1 + 0.1) / 3) and fused[0, 1] < 0.3


def test_missing_cue_drops_out_of_the_mean():
    assigner = FusedAssigner(params=AssignmentParams(oks_weight=0.0))
    cues = {"iou": np.array([[0.2]]), "oks": np.array([[0.9]]),
            "appearance": np.array([[np.nan]]), "matcher": np.array([[0.4]])}
    assert np.isclose(assigner.fused(cues, np.zeros(1))[0, 0], (0.2 + 0.5 * 0.4) / 1.5)


def test_matcher_is_the_plug_in_and_its_gate_applies():
    tracks = tracks_at([(100, 100), (115, 100)])
    boxes, kps = candidates([(108, 100)])
    # the matcher says the candidate is track 1; geometry alone is nearly a tie
    matcher = TableMatcher([[0.9, 0.0]])
    assert FusedAssigner(matcher, AssignmentParams(matcher_weight=2.0)).assign(
        boxes, kps, None, tracks) == [1]
    assert matcher.calls == 1
    gated = FusedAssigner(TableMatcher([[0.9, 0.9]]), AssignmentParams(matcher_gate=0.5))
    assert gated.assign(boxes, kps, None, tracks) == [None]


def test_empty_inputs():
    boxes, kps = candidates([(100, 100)])
    assert FusedAssigner().assign(boxes, kps, None, tracks_at([])) == [None]
    assert FusedAssigner().assign(np.zeros((0, 4)), np.zeros((0, 15, 3)), None,
                                  tracks_at([(1, 1)])) == []


def test_near_tie_goes_to_the_track_seen_last_frame():
    assigner = FusedAssigner(params=AssignmentParams(lost_penalty=0.1))
    cues = {"iou": np.array([[0.5, 0.5]]), "oks": np.array([[0.5, 0.5]])}
    fused = assigner.fused(cues, np.array([0.0, 0.04]))
    assert fused[0, 1] - fused[0, 0] > 0.09


def test_pose_where_an_active_track_was_predicted_is_that_tracks_first():
    # one person held by active track 0 (its pose predicted exactly where the candidate's is,
    # its box cut to the lower half) and remembered by track 1, lost 2 s ago, whose skeleton
    # and colours fit slightly better: the fused cost alone hands the person to the lost track
    tracks = tracks_at([(100, 100), (100, 100)], seconds_lost=[0.0, 2.0])
    tracks.boxes_xyxy[0] = [50, 100, 150, 150]
    boxes, kps = candidates([(100, 100)])
    options = dict(appearance_distances=lambda a, b: np.array([[0.14, 0.13]]))
    matcher = TableMatcher([[0.8, 0.2]])
    assert FusedAssigner(matcher, **options).assign(boxes, kps, None, tracks) == [1]
    sure = FusedAssigner(matcher, **options, same_person_oks=0.6)
    assert sure.assign(boxes, kps, None, tracks) == [0]
    # the first stage takes only gated-in pairs with OKS above the threshold
    far = candidates([(140, 100)])
    assert FusedAssigner(matcher, **options, same_person_oks=0.6).oks.distances(
        *far, tracks.boxes_xyxy[:1], tracks.keypoints[:1])[0, 0] > 0.4
    assert sure.assign(*far, None, tracks) == [1]
