"""Real-pixel PoseTrack'18 set: scenario invariants, ids and keypoints by construction, the
PoseTrack layout read by the project's evaluator, GT scored as prediction = 100."""
import json
import shutil

import cv2
import numpy as np
import pytest

from shapely import contains_xy
from shapely.geometry import Polygon

from data import annotate_realpix, make_realpix, realpix_scenes
from data import realpix_sources as rs
from lib.formats.jsonfile import load_json
from lib.eval.loading import read_frames
from lib.eval.posetrack import evaluate

SCENES = {scene.name.split("_", 2)[2]: scene for scene in realpix_scenes.SCENES}
SMALL = ("crossing", "hidden")  # built to files (cut to SMALL_FRAMES frames)
SMALL_FRAMES = 110


@pytest.fixture(scope="module")
def references():
    return rs.load_references()


@pytest.fixture(scope="module")
def people(references):
    """{scene key: [annotated people of each frame]} without rendering images."""
    out = {}
    for number, (key, scene) in enumerate(SCENES.items(), start=1):
        video = make_realpix.RealpixVideo(scene, number, references)
        out[key] = [video.frame(t, render=False)[1] for t in range(scene.num_frames)]
    return out


@pytest.fixture(scope="module")
def built(tmp_path_factory, references):
    root = tmp_path_factory.mktemp("realpix")
    scenes = [SCENES[key] for key in SMALL]
    names = make_realpix.write_dataset(root, scenes, max_frames=SMALL_FRAMES, references=references)
    return root, names


def longest_absence(frames, track_id):
    """Longest run of frames without ``track_id`` between two frames with it."""
    seen = [any(p.track_id == track_id for p in ps) for ps in frames]
    shown = np.flatnonzero(seen)
    return int(np.max(np.diff(shown)) - 1) if len(shown) > 1 else 0


def test_every_source_has_reference_keypoints_and_every_scene_enough_frames(references):
    assert set(references) == set(rs.SOURCES)
    assert all(reference.known.sum() >= 6 for reference in references.values())
    assert len(SCENES) >= 8
    assert all(scene.num_frames >= 100 for scene in SCENES.values())


def test_reference_file_is_the_agreement_of_its_two_stored_model_outputs():
    document = load_json(rs.REFERENCE_PATH)
    assert document["models"] == list(annotate_realpix.MODELS)
    for name, entry in document["sources"].items():
        first, second = (np.array(entry["models"][model]) for model in annotate_realpix.MODELS)
        crop_height = entry["crop_xyxy"][3] - entry["crop_xyxy"][1]
        mean, known = annotate_realpix.agreement(first, second, crop_height)
        stored = np.array(entry["keypoints"])
        np.testing.assert_array_equal(stored[:, 2] > 0, known, err_msg=name)
        np.testing.assert_allclose(stored[:, :2], mean, atol=0.01, err_msg=name)
        assert list(entry["crop_xyxy"]) == list(rs.SOURCES[name].crop_xyxy)


def test_agreement_keeps_close_well_scored_joints_only():
    first = np.zeros((15, 3)) + [10.0, 10.0, 0.9]
    second = first.copy()
    second[0, :2] += [0, 7]    # 7 px apart: beyond 6 % of a 100 px crop
    second[1, :2] += [0, 5]    # 5 px apart: kept, at the mean
    second[2, 2] = 0.1         # one model unsure
    mean, known = annotate_realpix.agreement(first, second, 100)
    assert known.tolist() == [False, True, False] + [True] * 12
    assert mean[1].tolist() == [10.0, 12.5]


def test_scenarios_hold(people):
    assert longest_absence(people["crossing"], 2) >= 10  # hidden while crossing
    assert longest_absence(people["hidden"], 2) >= 15    # hidden behind another, reappears
    crowd = people["crowd"]
    assert max(len(ps) for ps in crowd) >= 4
    heights = [p.box_xywh[3] for ps in crowd for p in ps]
    assert 70 < np.median(heights) < 130
    drift = people["drift"]
    assert sum(1 for ps in drift if ps) >= 500 and {p.track_id for ps in drift for p in ps} == {1}
    empty = people["empty_start"]
    assert not any(empty[:50]) and max(len(ps) for ps in empty) >= 2
    edges = people["edges"]
    first = {tid: min(t for t, ps in enumerate(edges) for p in ps if p.track_id == tid)
             for tid in (1, 2, 3, 4)}
    assert sorted(first.values())[-1] > 0 and not any(p.track_id in (1, 2) for p in edges[-1])


def test_zigzag_moves_30_to_60_pixels_a_frame_and_the_camera_zooms(references):
    video = make_realpix.RealpixVideo(SCENES["zigzag"], 4, references)
    xs = []
    for t in range(SCENES["zigzag"].num_frames):
        (x1, _, width, _), = [row[1:] for row in video.placements(t) if row[0].track_id == 1]
        xs.append(x1 + width / 2)
    steps = np.abs(np.diff(xs))
    assert steps.min() >= 29 and steps.max() <= 61
    pan = make_realpix.RealpixVideo(SCENES["pan_zoom"], 3, references)
    zooms = [pan.camera(t)[0, 0] for t in range(SCENES["pan_zoom"].num_frames)]
    assert max(zooms) >= 1.3 and min(zooms) <= 1.05


def test_keypoints_follow_the_pasted_cutouts(references):
    """An annotated joint is the reference joint scaled into the actor's cutout, inside it."""
    video = make_realpix.RealpixVideo(SCENES["passing"], 9, references)
    for t in (0, 40, 80, 120):
        placed = {row[0].track_id: row for row in video.placements(t)}
        for person in video.frame(t, render=False)[1]:
            actor, x1, y1, width, height = placed[person.track_id]
            reference = references[actor.source]
            crop_w, crop_h = rs.SOURCES[actor.source].crop_size
            annotated = person.keypoints[:, 2] > 0
            assert not np.any(annotated & ~reference.known)
            expected = reference.keypoints * [width / crop_w, height / crop_h] + [x1, y1]
            np.testing.assert_allclose(person.keypoints[annotated, :2], expected[annotated])
            inside = person.keypoints[annotated, :2] - [x1, y1]
            assert np.all((inside >= 0) & (inside <= [width, height]))


def test_built_layout_ids_and_videos(built):
    root, names = built
    assert names == [SCENES[key].name for key in SMALL]
    for key, name in zip(SMALL, names):
        frames = read_frames(root / "annotations" / "val" / f"{name}.json")
        assert len(frames) == SMALL_FRAMES
        ids = {p.track_id for frame in frames for p in frame.persons}
        assert ids == {actor.track_id for actor in SCENES[key].actors}
        assert all(p.head_box is not None for frame in frames for p in frame.persons)
        regions = 0
        for frame in frames:  # ignore regions (people in view with < 4 joints) hold no GT joint
            for outline in frame.ignore_regions:
                regions += 1
                for person in frame.persons:
                    points = person.keypoints[person.present]
                    assert not contains_xy(Polygon(outline), points[:, 0], points[:, 1]).any()
        assert regions > 0
        image = cv2.imread(str(root / "images" / "val" / name / "000000.jpg"))
        assert image.shape == (360, 640, 3)
        capture = cv2.VideoCapture(str(root / "videos" / f"{name}.mp4"))
        assert capture.get(cv2.CAP_PROP_FRAME_COUNT) == SMALL_FRAMES
        assert capture.get(cv2.CAP_PROP_FPS) == 25
        assert capture.get(cv2.CAP_PROP_FRAME_WIDTH) == 640
        capture.release()


def test_ground_truth_scored_as_prediction_is_perfect_and_a_swap_is_not(built, tmp_path):
    root, names = built
    gt = root / "annotations" / "val"
    result = evaluate(gt, gt)
    assert result["mAP"] == pytest.approx(100) and result["MOTA"] == pytest.approx(100)
    assert result["HOTA"] == pytest.approx(100) and result["IDSW"] == 0
    perfect_hota = result["HOTA"]
    swapped = tmp_path / "swapped"
    shutil.copytree(gt, swapped)
    path = swapped / f"{names[0]}.json"  # crossing: swap ids 1 and 2 after the crossing
    document = json.loads(path.read_text())
    late = {image["id"] for image in document["images"] if image["frame_id"] % 10000 >= 100}
    for annotation in document["annotations"]:
        if annotation["image_id"] in late:
            annotation["track_id"] = 3 - annotation["track_id"]
    path.write_text(json.dumps(document))
    result = evaluate(gt, swapped)
    assert result["mAP"] == pytest.approx(100) and result["IDSW"] > 0 and result["MOTA"] < 100
    assert result["HOTA"] < perfect_hota - 1 and result["AssA"] < 100
