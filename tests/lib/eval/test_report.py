"""poseval's tables, the result files and the evaluate_posetrack18.py script (SPEC §7.6)."""
import json

import numpy as np

import evaluate_posetrack18
from lib.cli import run_main
from lib.eval.report import ap_table, mot_table
from tests.lib.eval.posetrack_files import as_predictions, walking_people, write_pair


def test_ap_table_layout():
    ap = np.arange(16, dtype=float) * 5     # head = mean(70, 60, 65); total = the 16th value
    assert ap_table(ap).splitlines() == [
        r"& Head & Shou & Elb  & Wri  & Hip  & Knee & Ankl & Total\\",
        r"& 65.0 & 42.5 & 42.5 & 42.5 & 12.5 & 12.5 & 12.5 & 75.0 \\"]


def test_mot_table_layout():
    mot = {"mota": np.full(16, 100.0), "motp": np.full(16, 85.25),
           "precision": np.full(16, 7.0), "recall": np.full(16, -3.0)}
    mot["mota"][15] = 61.3
    assert mot_table(mot).splitlines() == [
        r"& MOTA & MOTA & MOTA & MOTA & MOTA & MOTA & MOTA & MOTA & MOTP & Prec & Rec  \\",
        r"& Head & Shou & Elb  & Wri  & Hip  & Knee & Ankl & Total& Total& Total& Total\\",
        r"&100.0 &100.0 &100.0 &100.0 &100.0 &100.0 &100.0 & 61.3 & 85.2 &  7.0 & -3.0 \\"]


def test_script_writes_files_and_summary(tmp_path, capsys):
    gt = walking_people(3, 2)
    gt_dir, pred_dir = write_pair(tmp_path, "seq", gt, as_predictions(gt))
    out = tmp_path / "out"
    assert evaluate_posetrack18.main(["-g", str(gt_dir), "-p", str(pred_dir), "-e", "-t", "-s",
                                      "-o", str(out)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert json.loads(lines[-1]) == {"mAP": 100.0, "MOTA": 100.0, "MOTP": 100.0,
                                     "precision": 100.0, "recall": 100.0, "HOTA": 100.0,
                                     "DetA": 100.0, "AssA": 100.0, "IDF1": 100.0, "IDSW": 0}
    assert r"& Head & Shou & Elb  & Wri  & Hip  & Knee & Ankl & Total\\" in lines
    assert sorted(p.name for p in out.iterdir()) == [
        "seq_AP_metrics.json", "seq_MOT_metrics.json", "total_AP_metrics.json",
        "total_MOT_metrics.json"]
    total_ap = json.loads((out / "total_AP_metrics.json").read_text())
    assert set(total_ap) == {"ap", "pre", "rec", "names"} and len(total_ap["ap"]) == 16
    assert total_ap["names"]["12"] == "neck" and total_ap["names"]["15"] == "total"
    assert set(json.loads((out / "total_MOT_metrics.json").read_text())) == {
        "mota", "motp", "pre", "rec", "names"}


def test_script_pose_only_leaves_tracking_out(tmp_path, capsys):
    gt = walking_people(2, 1)
    gt_dir, pred_dir = write_pair(tmp_path, "seq", gt, as_predictions(gt))
    evaluate_posetrack18.main(["-g", str(gt_dir), "-p", str(pred_dir), "-e", "-o",
                               str(tmp_path / "out")])
    summary = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert summary["mAP"] == 100.0 and summary["MOTA"] is None and summary["IDSW"] is None
    assert not (tmp_path / "out" / "total_MOT_metrics.json").exists()


def test_script_bad_input_is_one_line(tmp_path, capsys, monkeypatch):
    gt = walking_people(3, 1)
    gt_dir, pred_dir = write_pair(tmp_path, "seq", gt, as_predictions(gt)[:2])
    monkeypatch.setattr("sys.argv", ["evaluate_posetrack18.py", "-g", str(gt_dir),
                                     "-p", str(pred_dir), "-o", str(tmp_path / "out")])
    assert run_main(evaluate_posetrack18.main) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "2 prediction frames" in err and "3 ground-truth" in err
