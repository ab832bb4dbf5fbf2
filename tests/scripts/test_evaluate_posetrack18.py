"""evaluate_posetrack18.py through its command line: missing and malformed inputs, an output
folder that is a file, locked or full; result files are strict JSON."""
import json
import shutil

import pytest

from lib.outputs import OutputLock
from tests.conftest import TINY_VIDEOS
from tests.scripts.run import assert_one_line, file_size_limit, leftovers, run, strict_json

SCRIPT = "evaluate_posetrack18.py"


@pytest.fixture(scope="module")
def folders(tiny_posetrack, tmp_path_factory):
    """(GT folder, PoseTrack 2018 predictions of the oracle tracker)."""
    work = tmp_path_factory.mktemp("eval")
    gt = tiny_posetrack / "annotations" / "val"
    for script, args in [
            ("process_posetrack18_with_lighttrack_MSRA152.py",
             ["--data-root", tiny_posetrack, "--output", work / "tracked", "--pose", "oracle",
              "--matcher", "none", "--quiet"]),
            ("jsonformat_std_to_posetrack18.py",
             ["--gt", gt, "--input", work / "tracked", "--output", work / "pred", "-f", "18",
              "-m", "track"])]:
        proc = run(script, *args)
        assert proc.returncode == 0, proc.stderr
    return gt, work / "pred"


def evaluate(gt, pred, output, *extra, **kwargs):
    return run(SCRIPT, "-g", gt, "-p", pred, "-o", output, *extra, **kwargs)


def test_a_clean_run_writes_strict_json(folders, tmp_path):
    proc = evaluate(*folders, tmp_path / "out", "-s")
    assert proc.returncode == 0, proc.stderr
    for path in (tmp_path / "out").iterdir():
        strict_json(path)
    assert json.loads(proc.stdout.splitlines()[-1])["mAP"] > 50
    assert leftovers(tmp_path / "out") == []


def test_missing_folders_and_options(folders, tmp_path):
    gt, pred = folders
    (tmp_path / "a_file").write_text("")
    assert_one_line(run(SCRIPT, "-p", pred), 2, "-g/--groundTruth")
    assert_one_line(evaluate(tmp_path / "none", pred, tmp_path / "o"), 1, "none")
    assert_one_line(evaluate(gt, tmp_path / "none", tmp_path / "o"), 1, "none")
    assert_one_line(evaluate(gt, pred, tmp_path / "a_file"), 1, "-o", "is a file")


@pytest.mark.parametrize("content, words", [
    (b"{broken", ["not valid JSON"]), (b"\xff\xfe{}", ["not valid JSON"]),
    (b"[1, 2]", []),
])
def test_malformed_predictions_are_named(folders, tmp_path, content, words):
    gt, pred = folders
    copy = tmp_path / "pred"
    shutil.copytree(pred, copy)
    (copy / f"{TINY_VIDEOS[0]}.json").write_bytes(content)
    assert_one_line(evaluate(gt, copy, tmp_path / "out"), 1, f"{TINY_VIDEOS[0]}.json", *words)


def test_nan_scores_rank_last_and_results_are_strict_json(folders, tmp_path):
    gt, pred = folders
    copy = tmp_path / "pred"
    shutil.copytree(pred, copy)
    path = copy / f"{TINY_VIDEOS[0]}.json"
    document = json.loads(path.read_text())
    for annotation in document["annotations"]:
        annotation["scores"] = [float("nan")] * len(annotation["scores"])
    path.write_text(json.dumps(document))  # bare NaN tokens
    proc = evaluate(gt, copy, tmp_path / "out")
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    assert "ranked last" in proc.stderr  # NaN scores count as missing scores, with a warning
    for result in (tmp_path / "out").iterdir():
        strict_json(result)


def test_locked_or_full_output_folder(folders, tmp_path):
    output = tmp_path / "out"
    output.mkdir()
    with OutputLock(str(output)):
        assert_one_line(evaluate(*folders, output), 1, "another run")
    proc = evaluate(*folders, output, preexec_fn=file_size_limit(100))
    assert_one_line(proc, 1, "cannot write", "total_AP_metrics.json", "File too large")
    assert list(output.iterdir()) == []
