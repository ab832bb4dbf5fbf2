"""The pure ring imports neither TensorFlow nor PyTorch (STYLE.md "Rings"): every module of lib/
and the pure modules of the model packages, each imported alone in a fresh interpreter."""
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LIB_MODULES = sorted(".".join(p.relative_to(ROOT).with_suffix("").parts)
                     for p in (ROOT / "lib").rglob("*.py") if p.name != "__init__.py")
OTHER_PURE_MODULES = ["data.synthetic_posetrack", "detector", "detector.darknet_cfg",
                      "detector.darknet_weights", "detector.yolo_postprocess", "graph",
                      "graph.skeleton", "graph.pairs", "graph.train_config", "graph.evaluation",
                      "graph.sgcn_numpy", "matcher", "matcher.oks", "matcher.sgcn",
                      "detector.nanodet", "network_movenet"]


def test_lib_modules_are_found():
    assert "lib.tracker" in LIB_MODULES and len(LIB_MODULES) > 10


@pytest.mark.parametrize("module", LIB_MODULES + OTHER_PURE_MODULES)
def test_pure_module_leaves_frameworks_out(module):
    code = (f"import sys, {module}; "
            "print(sorted({'tensorflow', 'torch'} & set(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"
