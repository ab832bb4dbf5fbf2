"""Train the SGCN pose matcher (PyTorch via graph.training).

``python -m graph.cli processor_siamese_gcn -c graph/config/train.yaml`` (the published
``python graph/main.py ...`` runs this).

Any config value can be overridden on the command line (``--num_epoch 20 --device cpu``);
``--max_iter N`` stops after N iterations (a smoke run); ``--resume`` continues from
``<work_dir>/train_state.pt``. Checkpoints: ``<work_dir>/epoch{e}_model.pt``.
"""
import argparse
import logging

from graph.train_config import add_override_args, load_config
from lib.cli import run_main
from lib.options import require_output_dir
from lib.outputs import OutputLock

PROCESSORS = ("processor_siamese_gcn",)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("processor", choices=PROCESSORS, help="what to run (published name)")
    parser.add_argument("-c", "--config", metavar="YAML",
                        help="training config (default: the published settings)")
    add_override_args(parser)
    return parser.parse_args(argv)


def main() -> None:
    args = parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    overrides = {key: value for key, value in vars(args).items()
                 if key not in ("processor", "config")}
    config = load_config(args.config, **overrides)
    require_output_dir(config.work_dir, "work_dir")
    from graph.training import train  # torch is imported only once arguments are valid
    with OutputLock(config.work_dir):
        metrics = train(config)
    print(f"test accuracy {metrics['accuracy']:.4f}  ROC AUC {metrics['auc']:.4f}  "
          f"train loss {metrics['train_loss']:.4f}  {metrics['seconds']:.1f} s  "
          f"(checkpoints in {config.work_dir})")


if __name__ == "__main__":
    raise SystemExit(run_main(main))
