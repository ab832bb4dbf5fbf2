"""Export an SGCN PyTorch checkpoint to the ``.npz`` weight file of the numpy forward (PyTorch).

``python -m graph.export_numpy IN.pt OUT.npz`` loads IN.pt as ``graph.model.load_model`` does
(a plain or DataParallel state dict, rejected with one line when keys or shapes differ), checks
the values are finite, and writes every state-dict array under its own name; the matcher then
runs without PyTorch (``graph.sgcn_numpy``). The file is byte-identical for identical weights.
"""
from __future__ import annotations

import argparse
import io
import zipfile
from pathlib import Path

import numpy as np

from graph.model import load_model
from graph.sgcn_numpy import check_weights
from lib.cli import run_main
from lib.outputs import write_bytes

FIXED_DATE = (1980, 1, 1, 0, 0, 0)  # zip entry timestamps, so equal weights give equal bytes


def checkpoint_arrays(pt_path: str | Path, fix: str) -> dict[str, np.ndarray]:
    """{state-dict key: array} of an SGCN checkpoint, checked by ``check_weights``; a missing
    or unreadable file raises LightTrackError ending in ``fix``."""
    model = load_model(pt_path, fix=fix)
    arrays = {key: value.detach().cpu().numpy() for key, value in model.state_dict().items()}
    return check_weights(arrays, str(pt_path))


def save_npz(path: str | Path, arrays: dict[str, np.ndarray]) -> None:
    """Write ``arrays`` as an uncompressed ``.npz`` (readable by ``np.load``) with fixed entry
    dates, through a temporary file so a failed write leaves no partial file."""
    content = io.BytesIO()
    with zipfile.ZipFile(content, "w", zipfile.ZIP_STORED) as archive:
        for key in sorted(arrays):
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, np.array(arrays[key], order="C"),
                                      allow_pickle=False)
            archive.writestr(zipfile.ZipInfo(f"{key}.npy", date_time=FIXED_DATE),
                             buffer.getvalue())
    write_bytes(str(path), content.getvalue())


def export(pt_path: str | Path, npz_path: str | Path) -> dict[str, np.ndarray]:
    """Write the weights of the checkpoint ``pt_path`` to ``npz_path``; returns them."""
    arrays = checkpoint_arrays(pt_path, fix="give an existing SGCN state dict (.pt)")
    Path(npz_path).parent.mkdir(parents=True, exist_ok=True)
    save_npz(npz_path, arrays)
    return arrays


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("checkpoint", type=Path, help="SGCN state dict (.pt), e.g. "
                        "weights/GCN/epoch210_model.pt")
    parser.add_argument("out", type=Path, help="output .npz, e.g. weights/GCN/epoch210_model.npz")
    return parser.parse_args(argv)


def main() -> None:
    args = parse_args()
    arrays = export(args.checkpoint, args.out)
    print(f"{args.out}: {len(arrays)} arrays from {args.checkpoint}")


if __name__ == "__main__":
    raise SystemExit(run_main(main))
