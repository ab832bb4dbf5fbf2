"""PoseTrack'18 scripts end to end on a tiny_posetrack synthetic set: process -> convert -> ablations."""
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import jsonformat_std_to_posetrack18 as convert_script
import process_posetrack18_with_lighttrack_MSRA152 as process_script
import replicate_ablations
from tests.conftest import TINY_VIDEOS
from lib.cli import run_main
from lib.batch.ablation import Config, configurations, format_table, run_config
from lib.batch.process import PoseTrackModels

ROOT = Path(__file__).resolve().parents[1]


def _ids_unique_per_frame(path):
    for frame in json.loads(Path(path).read_text()):
        ids = [c["track_id"] for c in frame["candidates"] if "track_id" in c]
        assert len(ids) == len(set(ids))


@pytest.mark.parametrize("mode", ["gt", "det"])
def test_process_then_convert(tiny_posetrack, tmp_path, mode, capsys):
    out = tmp_path / "tracked"
    args = ["--data-root", str(tiny_posetrack), "--pose", "oracle", "--matcher", "none", "--quiet",
            "-e", mode, "--output", str(out)]
    assert process_script.main(args) == 0
    assert "2 videos tracked" in capsys.readouterr().out
    for name in TINY_VIDEOS:
        _ids_unique_per_frame(out / f"{name}.json")
    assert process_script.main(args) == 0  # resume: nothing left to do
    assert "0 videos tracked, 2 already finished" in capsys.readouterr().out
    for fmt in ("17", "18"):
        pred = tmp_path / "new" / f"pred{fmt}"  # created, parents included
        assert convert_script.main(["--gt", str(tiny_posetrack / "annotations" / "val"), "--input", str(out),
                                    "--output", str(pred), "-f", fmt, "-m", "track", "-e", "0.4",
                                    "-r", "0.8"]) == 0
        assert sorted(p.name for p in pred.iterdir()) == [f"{n}.json" for n in TINY_VIDEOS]
    doc = json.loads((tmp_path / "new" / "pred18" / f"{TINY_VIDEOS[0]}.json").read_text())
    gt = json.loads((tiny_posetrack / "annotations" / "val" / f"{TINY_VIDEOS[0]}.json").read_text())
    assert [i["id"] for i in doc["images"]] == [i["id"] for i in gt["images"]]


def _run(script, *args):
    return subprocess.run([sys.executable, script, *args], cwd=ROOT, capture_output=True, text=True)


def test_bad_input_gives_one_line(tiny_posetrack, tmp_path, capsys):
    missing = _run("process_posetrack18_with_lighttrack_MSRA152.py", "--data-root",
                   str(tmp_path / "nothing"), "--pose", "oracle", "--matcher", "none", "--quiet")
    assert missing.returncode == 1
    assert missing.stderr.strip().count("\n") == 0 and "folder not found" in missing.stderr
    no_gt = _run("jsonformat_std_to_posetrack18.py", "--gt", str(tmp_path / "nothing"))
    assert no_gt.returncode == 1 and no_gt.stderr.startswith("error: ") and "GT folder" in no_gt.stderr
    assert no_gt.stderr.strip().count("\n") == 0

    args = ["--data-root", str(tmp_path), "--pose", "oracle", "--matcher", "none", "--quiet",
            "--output", str(tmp_path / "out")]
    shutil.copytree(tiny_posetrack / "detections_openSVAI", tmp_path / "detections_openSVAI")
    assert run_main(lambda: process_script.main(args)) == 1
    assert "the oracle estimator needs" in capsys.readouterr().err
    shutil.copytree(tiny_posetrack / "annotations", tmp_path / "annotations")
    (tmp_path / "detections_openSVAI" / f"{TINY_VIDEOS[0]}.json").write_text("[{broken")
    assert run_main(lambda: process_script.main(args)) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not valid JSON" in err


def test_ablation_grid_and_table(tiny_posetrack, tmp_path):
    assert configurations() == [Config("det", True), Config("det", False), Config("gt", True),
                                Config("gt", False)]
    assert configurations((2,), ("published", "memory"))[4:] == [
        Config("det", True, 2, "memory"), Config("det", False, 2, "memory"),
        Config("gt", True, 2, "memory"), Config("gt", False, 2, "memory")]
    seen = []

    def fake_evaluate(gt_dir, pred_dir):
        seen.append(sorted(p.name for p in Path(pred_dir).iterdir()))
        return {"mAP": 90.0, "MOTA": 80.25, "MOTP": 70.0}

    metrics = run_config(Config("gt", False, 3), str(tiny_posetrack), str(tmp_path),
                         PoseTrackModels("oracle", str(tiny_posetrack)), evaluate=fake_evaluate)
    assert seen == [[f"{n}.json" for n in TINY_VIDEOS]]
    table = format_table([("LightTrack", Config("gt", False, 3), metrics)])
    assert table.splitlines()[0] == "| Methods | Det Mode | Pose Match | mAP | MOTA | MOTP |"
    assert table.splitlines()[2] == "| LightTrack | GT | No | 90.0 | 80.2 | 70.0 |"


def test_ablation_script_with_the_evaluator(tiny_posetrack, tmp_path, capsys):
    assert replicate_ablations.main(["--data-root", str(tiny_posetrack), "--work-dir", str(tmp_path),
                                     "--pose", "oracle", "--matcher", "none"]) == 0
    rows = capsys.readouterr().out.strip().splitlines()[-8:]
    assert [r.split("|")[2:4] for r in rows] == [[" DET ", " Yes "], [" DET ", " No "],
                                                 [" GT ", " Yes "], [" GT ", " No "]] * 2
    assert ["memory" in r.split("|")[1] for r in rows] == [False] * 4 + [True] * 4
    assert all(float(r.split("|")[4]) > 90 for r in rows[2:4] + rows[6:])  # oracle on GT boxes
