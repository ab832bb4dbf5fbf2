"""The demos' default pipeline (detector, pose model, matcher as ``lib.demo`` builds them) runs 5
frames without TensorFlow or torch, as does its lightning variant; a truncated model file ends the
demo with one line."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
@pytest.mark.parametrize("components", [[], ["--pose", "movenet-lightning"]],
                         ids=["default", "default-with-lightning"])
def test_default_demo_runs_without_tensorflow_or_torch(tmp_path, components):
    code = ("import sys, demo_video_mobile; "
            "demo_video_mobile.main(['--video', 'data/demo/sample.mp4', '--max-frames', '5', "
            f"'--no-visualize', '--no-display', '--output', {str(tmp_path)!r}, *{components!r}]); "
            "import lib.demo, argparse; parser = argparse.ArgumentParser(); "
            "lib.demo.add_demo_args(parser); args = parser.parse_args([]); "
            "print(args.detector, args.pose, args.matcher); "
            "print(sorted({'tensorflow', 'torch'} & set(sys.modules)))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, check=True)
    *_, built, imported = done.stdout.strip().splitlines()
    assert imported == "[]", built
    assert built.split()[2] == "sgcn"  # the matcher's numpy forward is part of what is checked
    frames = json.loads((tmp_path / "jsons" / "sample.json").read_text())
    assert len(frames) == 5
    # both people of the clip are tracked on every frame, with the same two ids
    ids = [sorted(c["track_id"] for c in f["candidates"] if c.get("track_id") is not None)
           for f in frames]
    assert all(i == ids[0] for i in ids) and len(ids[0]) == 2


def test_truncated_model_ends_the_demo_with_one_line(tmp_path):
    """A truncated .tflite stops the demo with one line naming the file and make weights."""
    source = ROOT / "weights" / "human-models" / "nanodet.tflite"
    truncated = tmp_path / "nanodet.tflite"
    truncated.write_bytes(source.read_bytes()[:100000] if source.is_file() else b"TFL3")
    done = subprocess.run([sys.executable, "demo_video_mobile.py", "--max-frames", "1",
                           "--no-visualize", "--output", str(tmp_path), "--detector", "nanodet",
                           "--detector-weights", str(truncated), "--pose", "movenet-lightning",
                           "--matcher", "oks"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1
    assert str(truncated) in done.stderr and "make weights" in done.stderr
