"""The published SGCN training command line, kept as a thin wrapper over ``python -m graph.cli``.

``python graph/main.py processor_siamese_gcn -c ...`` becomes ``python -m graph.cli`` with the
same arguments and working folder (the repository root is put on its module search path). The
process is replaced, not forked, so SIGTERM and Ctrl-C reach the training run itself.
"""
import os
import sys
from pathlib import Path

if __name__ == "__main__":
    ROOT = str(Path(__file__).resolve().parents[1])
    search_path = os.pathsep.join(filter(None, [ROOT, os.environ.get("PYTHONPATH")]))
    os.execve(sys.executable, [sys.executable, "-m", "graph.cli", *sys.argv[1:]],
              {**os.environ, "PYTHONPATH": search_path})
