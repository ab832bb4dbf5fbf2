"""Training of the SGCN pose matcher with the contrastive loss (PyTorch, CPU or GPU).

The published recipe (SPEC §5.4): each epoch draws min(#positives, #negatives) items, item i
being the i-th positive pair with probability 0.5 and else the i-th negative pair; SGD with
Nesterov momentum; the learning rate drops tenfold at the configured epochs; test accuracy
counts a pair as "same person" when its embedding distance is below 0.2 (ROC AUC is added).
"""
from __future__ import annotations

import io
import logging
import time
from pathlib import Path

import numpy as np
import torch

from graph.evaluation import match_accuracy, roc_auc
from graph.model import SGCN, load_state
from graph.pairs import load_pairs
from graph.train_config import TrainConfig
from lib.errors import LightTrackError
from lib.outputs import write_bytes

log = logging.getLogger(__name__)
STATE_FILE = "train_state.pt"


def contrastive_loss(distances: torch.Tensor, labels: torch.Tensor,
                     margin: float = 1.0) -> torch.Tensor:
    """``sum(y * d**2 + (1 - y) * max(0, margin - d)**2) / 2`` over the batch (a sum, as
    published, not a mean); labels 1 = same person."""
    labels = labels.to(distances.dtype)
    hinge = torch.clamp(margin - distances, min=0.0)
    return (labels * distances ** 2 + (1 - labels) * hinge ** 2).sum() / 2


class PairFeeder:
    """The published feeder over a pair set: ``epoch(rng)`` gives L = min(#pos, #neg) items,
    the i-th positive with probability 0.5 (``U(0, 1) > 0.5``), else the i-th negative."""

    def __init__(self, graphs: np.ndarray, labels: np.ndarray):
        self.positives, self.negatives = graphs[labels == 1], graphs[labels != 1]
        if len(self.positives) == 0 or len(self.negatives) == 0:
            raise LightTrackError(f"a training pair set needs positives and negatives, got "
                                  f"{len(self.positives)} and {len(self.negatives)}")

    def __len__(self) -> int:
        return min(len(self.positives), len(self.negatives))

    def epoch(self, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """(graphs (L, 2, 2, 1, V, 1), labels (L,)) for one epoch, in item order."""
        take_positive = rng.uniform(size=len(self)) > 0.5
        graphs = np.where(take_positive[:, None, None, None, None, None],
                          self.positives[:len(self)], self.negatives[:len(self)])
        return graphs, take_positive.astype(np.int64)


def pick_device(name: str) -> torch.device:
    """``"auto"`` -> cuda when available, else cpu; otherwise the named device."""
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name.startswith("cuda") and not torch.cuda.is_available():
        raise LightTrackError(f"device {name!r} asked for but no GPU is available; "
                              "use --device cpu")
    try:
        return torch.device(name)
    except RuntimeError:
        raise LightTrackError(f"--device {name!r} is not a torch device: use cpu, cuda, cuda:N "
                              "or auto") from None


@torch.no_grad()
def pair_distances(model: SGCN, graphs: np.ndarray, device: torch.device,
                   batch_size: int = 256) -> np.ndarray:
    """(P,) embedding distances of the (P, 2, C, T, V, M) pairs, in eval mode."""
    model.eval()
    out = [model.distance(*torch.from_numpy(graphs[i:i + batch_size]).to(device).unbind(1))
           for i in range(0, len(graphs), batch_size)]
    return torch.cat(out).cpu().numpy() if out else np.zeros(0)


def evaluate(model: SGCN, graphs: np.ndarray, labels: np.ndarray, config: TrainConfig,
             device: torch.device) -> dict[str, float]:
    """Accuracy (distance < ``match_thresh``), ROC AUC and mean loss over every pair."""
    distances = pair_distances(model, graphs, device, config.test_batch_size)
    loss = contrastive_loss(torch.from_numpy(distances), torch.from_numpy(labels), config.margin)
    return {"accuracy": match_accuracy(distances, labels, config.match_thresh),
            "auc": roc_auc(distances, labels), "loss": float(loss) / max(len(labels), 1)}


def train_epoch(model, optimizer, feeder: PairFeeder, rng: np.random.Generator,
                config: TrainConfig, device: torch.device,
                max_iter: int | None) -> tuple[float, int]:
    """One epoch in shuffled batches of ``batch_size`` (the last partial batch dropped);
    stops after ``max_iter`` iterations. Returns (mean loss per pair, iterations run)."""
    graphs, labels = feeder.epoch(rng)
    order = rng.permutation(len(labels))
    num_batches = len(order) // config.batch_size
    if max_iter is not None:
        num_batches = min(num_batches, max_iter)
    model.train()
    total = 0.0
    for it in range(num_batches):
        rows = order[it * config.batch_size:(it + 1) * config.batch_size]
        pair = torch.from_numpy(graphs[rows]).to(device)
        loss = contrastive_loss(model.distance(pair[:, 0], pair[:, 1]),
                                torch.from_numpy(labels[rows]).to(device), config.margin)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total += loss.item()
        if (it + 1) % config.log_interval == 0:
            log.info("  iter %d/%d loss %.4f", it + 1, num_batches, loss.item() / len(rows))
    return total / max(num_batches * config.batch_size, 1), num_batches


def make_optimizer(model: SGCN, config: TrainConfig) -> torch.optim.SGD:
    return torch.optim.SGD(model.parameters(), lr=config.base_lr, momentum=config.momentum,
                           nesterov=config.nesterov, weight_decay=config.weight_decay)


def save_state(work_dir: Path, model, optimizer, epoch: int, rng: np.random.Generator,
               iterations: int) -> None:
    """The resumable training state: weights, optimizer, next epoch, feeder RNG, iterations."""
    save_file({"model": model.state_dict(), "optimizer": optimizer.state_dict(),
               "epoch": epoch, "iterations": iterations,
               "rng": rng.bit_generator.state}, work_dir / STATE_FILE)


def save_file(obj, path: Path) -> None:
    """``torch.save`` through ``lib.outputs.write_bytes``: never half a file at ``path``; a
    failed write raises LightTrackError naming it."""
    buffer = io.BytesIO()
    torch.save(obj, buffer)
    write_bytes(str(path), buffer.getvalue())


def load_training_state(work_dir: Path, model, optimizer, rng) -> tuple[int, int]:
    """Restore ``save_state``; returns (next epoch, iterations so far)."""
    path = work_dir / STATE_FILE
    if not path.is_file():
        raise LightTrackError(f"{path} not found: nothing to resume; run without --resume")
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
        load_state(model, state["model"], source=str(path))
        optimizer.load_state_dict(state["optimizer"])
        rng.bit_generator.state = state["rng"]
        return int(state["epoch"]), int(state["iterations"])
    except LightTrackError:
        raise
    except Exception as err:  # torch and numpy raise many types for a damaged state file
        raise LightTrackError(f"{path} is not a training state saved by python -m graph.cli "
                              f"({type(err).__name__}: {' '.join(str(err).split())[:200]}); "
                              "delete it and run without --resume") from None


def train(config: TrainConfig) -> dict[str, float]:
    """Train (or resume) as ``config`` says; writes ``epoch{e}_model.pt`` every
    ``save_interval`` epochs and at the end, plus ``train_state.pt``. Returns the last test
    metrics (accuracy, auc, loss) with the train loss and the seconds spent."""
    torch.manual_seed(config.seed)
    rng = np.random.default_rng(config.seed)
    device = pick_device(config.device)
    feeder = PairFeeder(*load_pairs(config.train_pairs))
    test_graphs, test_labels = load_pairs(config.test_pairs)
    work_dir = Path(config.work_dir)
    work_dir.mkdir(parents=True, exist_ok=True)
    model = SGCN().to(device)
    optimizer = make_optimizer(model, config)
    epoch, iterations = 0, 0
    if config.resume:
        epoch, iterations = load_training_state(work_dir, model, optimizer, rng)
    log.info("training on %d items per epoch (%s), testing on %d pairs", len(feeder), device,
             len(test_labels))
    start, metrics, train_loss = time.perf_counter(), {}, float("nan")
    while epoch < config.num_epoch:
        for group in optimizer.param_groups:
            group["lr"] = config.learning_rate(epoch)
        left = None if config.max_iter is None else config.max_iter - iterations
        train_loss, ran = train_epoch(model, optimizer, feeder, rng, config, device, left)
        iterations, epoch = iterations + ran, epoch + 1
        done = epoch == config.num_epoch or (config.max_iter is not None
                                             and iterations >= config.max_iter)
        if epoch % config.eval_interval == 0 or done:
            metrics = evaluate(model, test_graphs, test_labels, config, device)
            log.info("epoch %d lr %.5f train loss %.4f test accuracy %.4f auc %.4f", epoch,
                     config.learning_rate(epoch - 1), train_loss, metrics["accuracy"],
                     metrics["auc"])
        if epoch % config.save_interval == 0 or done:
            save_file(model.state_dict(), work_dir / f"epoch{epoch}_model.pt")
            save_state(work_dir, model, optimizer, epoch, rng, iterations)
        if done:
            break
    if not metrics:  # resumed a finished run
        metrics = evaluate(model, test_graphs, test_labels, config, device)
    return {**metrics, "train_loss": train_loss, "seconds": time.perf_counter() - start}
