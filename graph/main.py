"""The published SGCN training command line, kept as a thin wrapper over ``python -m graph.cli``.

``python graph/main.py processor_siamese_gcn -c ...`` runs ``python -m graph.cli`` with the same
arguments and working folder (the repository root is put on the child's module search path).
"""
import os
import subprocess
import sys
from pathlib import Path

if __name__ == "__main__":
    ROOT = str(Path(__file__).resolve().parents[1])
    search_path = os.pathsep.join(filter(None, [ROOT, os.environ.get("PYTHONPATH")]))
    raise SystemExit(subprocess.call([sys.executable, "-m", "graph.cli", *sys.argv[1:]],
                                     env={**os.environ, "PYTHONPATH": search_path}))
