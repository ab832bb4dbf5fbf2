"""The pure ring imports neither TensorFlow nor PyTorch (STYLE.md "Rings")."""
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PURE_MODULES = ["lib.tracker", "lib.runner", "lib.geometry", "lib.association",
                "lib.pose.crop", "lib.pose.heatmaps", "lib.pose.estimator",
                "lib.formats.opensvai", "lib.components", "lib.cli",
                "lib.training.annotations", "lib.training.augment", "lib.training.targets",
                "lib.training.examples", "lib.training.pckh", "lib.training.tiny",
                "lib.training.datasets"]


@pytest.mark.parametrize("module", PURE_MODULES)
def test_pure_module_leaves_frameworks_out(module):
    code = (f"import sys, {module}; "
            "print(sorted({'tensorflow', 'torch'} & set(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"
