"""The NanoDet + MoveNet pipeline runs the video demo on 5 frames without TensorFlow or torch."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
@pytest.mark.parametrize("pose", ["movenet-thunder", "movenet-lightning"])
def test_demo_runs_without_tensorflow_or_torch(tmp_path, pose):
    code = ("import sys, demo_video_mobile; "
            "demo_video_mobile.main(['--video', 'data/demo/sample.mp4', '--max-frames', '5', "
            f"'--no-visualize', '--output', {str(tmp_path)!r}, '--detector', 'nanodet', "
            f"'--pose', {pose!r}, '--matcher', 'oks']); "
            "print(sorted({'tensorflow', 'torch'} & set(sys.modules)))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]"
    frames = json.loads((tmp_path / "jsons" / "sample.json").read_text())
    assert len(frames) == 5
    # both people of the clip are tracked on every frame, with the same two ids
    ids = [sorted(c["track_id"] for c in f["candidates"] if c.get("track_id") is not None) for f in frames]
    assert all(i == ids[0] for i in ids) and len(ids[0]) == 2
