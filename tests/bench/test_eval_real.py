"""The pieces of bench/eval_real.py on scripted fakes: cached model outputs replay exactly without
building a model, ByteTrack/OC-SORT rows keep ids of walking people, and tracked GT poses
written as predictions score 100."""
import numpy as np
import pytest

from bench import model_cache
from bench.eval_scoring import predictions
from bench.reference_trackers import BoxTrackerPoses
from lib import components
from lib.eval.posetrack import evaluate
from lib.formats.jsonfile import load_json, write_json
from lib.formats.posetrack import keypoints_from_slots
from lib.interfaces import FrameResult, Track
from lib.tracker import LightTracker
from tests.conftest import ReplayDetector, ReplayEstimator, World, make_frame
from tests.lib.eval.posetrack_files import walking_people, write_pair


@pytest.fixture
def fake_components(monkeypatch, walking_world):
    """``components.build`` makes replaying fakes of ``walking_world`` and counts the builds."""
    built = []

    def build(kind, name, **options):
        built.append((kind, name))
        return ReplayDetector(walking_world) if kind == "detector" else ReplayEstimator(walking_world)

    monkeypatch.setattr(components, "build", build)
    monkeypatch.setitem(components.TABLE["pose"], "fake", ("tests.conftest", "ReplayEstimator"))
    monkeypatch.setitem(components.TABLE["detector"], "fake", ("tests.conftest", "ReplayDetector"))
    return built


def track(cache, num_frames=30):
    tracker = LightTracker(model_cache.CachedDetector("fake", cache),
                           model_cache.CachedEstimator("fake", cache), keyframe_interval=10)
    results = []
    for idx in range(num_frames):
        cache.frame_idx = idx
        results.append(tracker.step(make_frame(idx)))
    return results


def test_cached_outputs_replay_without_building_a_model(tmp_path, fake_components):
    source = tmp_path / "clip.json"
    source.write_text("{}")
    cache = model_cache.ClipCache("clip", source, tmp_path / "cache")
    first = track(cache)
    cache.save()
    builds = len(fake_components)
    assert builds == 2  # the detector and the estimator, once each
    replayed = track(model_cache.ClipCache("clip", source, tmp_path / "cache"))
    assert len(fake_components) == builds  # every output came from disk
    for a, b in zip(first, replayed):
        assert [p.track_id for p in a.persons] == [p.track_id for p in b.persons]
        np.testing.assert_array_equal(np.stack([p.keypoints for p in a.persons]),
                                      np.stack([p.keypoints for p in b.persons]))
    source.write_text("{ }")  # a rebuilt clip: its cache no longer counts
    assert not model_cache.ClipCache("clip", source, tmp_path / "cache").table("det_fake")


def test_boxes_a_hundredth_of_a_pixel_apart_are_estimated_apart(tmp_path, monkeypatch):
    """The cache answers for exactly the box it was asked: a pose model may answer a box moved
    by 0.004 px differently (MoveNet's joints jump by a heatmap cell)."""
    class BoxEcho:  # a pose model whose joints are the box's first corner
        def estimate(self, image, boxes_xyxy, track_ids=None):
            boxes = np.asarray(boxes_xyxy, float)
            return np.repeat(np.column_stack([boxes[:, :2], np.ones(len(boxes))])[:, None], 15, 1)

    monkeypatch.setattr(components, "build", lambda kind, name, **options: BoxEcho())
    monkeypatch.setitem(components.TABLE["pose"], "echo", ("tests.conftest", "ReplayEstimator"))
    source = tmp_path / "clip.json"
    source.write_text("{}")
    estimator = model_cache.CachedEstimator("echo", model_cache.ClipCache("clip", source, tmp_path))
    boxes = np.array([[10.0, 20.0, 50.0, 90.0], [10.004, 20.0, 50.0, 90.0]])
    first = estimator.estimate(None, boxes[:1])
    both = estimator.estimate(None, boxes)
    assert first[0, 0, 0] == 10.0 and both[1, 0, 0] == 10.004


def test_an_edited_model_module_invalidates_its_cache(tmp_path, fake_components, monkeypatch):
    module = tmp_path / "edited_model.py"
    module.write_text("from tests.conftest import ReplayDetector\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setitem(components.TABLE["detector"], "fake", ("edited_model", "ReplayDetector"))
    source = tmp_path / "clip.json"
    source.write_text("{}")

    def detect_once():
        detector = model_cache.CachedDetector("fake", model_cache.ClipCache("clip", source,
                                                                            tmp_path / "cache"))
        detector.detect(make_frame(0))
        detector.cache.save()

    detect_once()
    detect_once()
    assert len(fake_components) == 1  # the second answer came from disk
    module.write_text("from tests.conftest import ReplayDetector  # a new default threshold\n")
    detect_once()
    assert len(fake_components) == 2


def test_keyframe_without_boxes_assigns_no_track_to_the_model(tmp_path, fake_components):
    """The tracker calls no estimate at a keyframe without boxes, then ``assign([])``: the
    model is told of no track (not of the boxes of an earlier tracking step)."""
    source = tmp_path / "clip.json"
    source.write_text("{}")
    estimator = model_cache.CachedEstimator("fake", model_cache.ClipCache("clip", source,
                                                                          tmp_path / "cache"))
    estimator.estimate(make_frame(0), np.array([[90.0, 100, 110, 200], [390, 150, 410, 250]]),
                       [1, 2])  # a tracking step: no assign follows
    told = []
    estimator._model.assign = told.append
    estimator.assign([])
    assert told == [[]]


@pytest.mark.parametrize("kind", ["bytetrack", "ocsort"])
def test_box_tracker_rows_keep_ids_of_walking_people(kind):
    world = World({t: [(100 + 4 * t, 150), (400 - 4 * t, 200)] for t in range(40)})
    tracker = BoxTrackerPoses(kind, ReplayDetector(world), ReplayEstimator(world))
    ids = [sorted(p.track_id for p in tracker.step(make_frame(t)).persons) for t in range(40)]
    assert ids[-1] == ids[10] and len(ids[-1]) == 2 and len(set(ids[-1])) == 2
    first_seen = next(t for t, frame_ids in enumerate(ids) if len(frame_ids) == 2)
    assert all(frame_ids == ids[-1] for frame_ids in ids[first_seen:])


def test_tracked_ground_truth_written_as_predictions_scores_100(tmp_path):
    gt_dir, _ = write_pair(tmp_path, "seq", walking_people(8, 3), [], fmt="18")
    gt_doc = load_json(gt_dir / "seq.json")
    results = []
    for image in gt_doc["images"]:
        persons = []
        for ann in (a for a in gt_doc["annotations"] if a["image_id"] == image["id"]):
            slots = np.asarray(ann["keypoints"], float).reshape(17, 3)
            persons.append(Track(ann["track_id"], (0, 0, 10, 10), keypoints_from_slots(slots)))
        results.append(FrameResult(frame_idx=len(results), is_keyframe=True, persons=persons))
    write_json(str(tmp_path / "pred" / "seq.json"), predictions(gt_doc, results, 0.5))
    result = evaluate(gt_dir, tmp_path / "pred")
    scores = [result[key] for key in ("mAP", "MOTA", "HOTA", "IDF1", "recall", "precision")]
    assert scores == pytest.approx([100] * 6) and result["IDSW"] == 0
    for result_frame in results:  # one joint per person scored under the threshold, far off
        for person in result_frame.persons:
            person.keypoints[0] = (person.keypoints[0, 0] + 300, person.keypoints[0, 1], 0.1)
    write_json(str(tmp_path / "pred" / "seq.json"), predictions(gt_doc, results, 0.5))
    result = evaluate(gt_dir, tmp_path / "pred")
    assert result["precision"] == pytest.approx(100) and result["recall"] < 100  # left out
