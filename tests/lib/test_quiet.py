"""lib.quiet: framework start-up lines written to the native stderr are dropped, others kept."""
import subprocess
import sys

SCRIPT = r"""
import os
from lib.quiet import quiet_startup
with quiet_startup():
    for line in [b"WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\n",
                 b"I0000 00:00:1796142672.952994    9623 port.cc:153] oneDNN custom operations are on.\n",
                 b"INFO: Created TensorFlow Lite XNNPACK delegate for CPU.\n",
                 b"fully_quantize: 0, inference_type: 6, input_inference_type: FLOAT32\n",
                 b"E0000 00:00:1.5 9623 cuda.cc:1] a real error\n",
                 b"something the user must see\n"]:
        os.write(2, line)
os.write(2, b"after\n")
"""


def test_only_framework_noise_is_dropped():
    proc = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True)
    assert proc.stderr.splitlines() == ["E0000 00:00:1.5 9623 cuda.cc:1] a real error",
                                        "something the user must see", "after"]


def test_importing_tensorflow_through_the_component_table_is_silent():
    code = ("from lib.cli import run_main\n"
            "from lib.components import build\n"
            "raise SystemExit(run_main(lambda: print(type(build('detector', 'ssdlite')).__name__)))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stdout == "SSDLiteDetector\n"
    assert proc.stderr == ""
