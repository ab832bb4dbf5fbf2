"""Darknet ``.cfg`` files: parse the blocks, resolve routes and count the weights (pure Python).

A cfg is a list of ``[type]`` blocks of ``key=value`` lines; the first block, ``[net]``, holds
the input size, the others are the layers, numbered from 0 in file order. Supported layer
types are those of YOLOv3 and YOLOv3-tiny: ``convolutional``, ``shortcut``, ``route``,
``upsample``, ``maxpool`` and ``yolo``.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lib.errors import LightTrackError

LAYER_TYPES = ("convolutional", "shortcut", "route", "upsample", "maxpool", "yolo")
ACTIVATIONS = ("leaky", "linear")


@dataclass(frozen=True)
class DarknetCfg:
    """A parsed cfg: ``net`` is the ``[net]`` block, ``layers[i]`` the block of layer ``i``
    (each a dict of strings with the block's name under ``"type"``)."""

    path: str
    net: dict[str, str]
    layers: tuple[dict[str, str], ...]

    @property
    def channels(self) -> int:
        return int(self.net.get("channels", 3))

    @property
    def height(self) -> int:
        return int(self.net.get("height", 416))

    def value(self, index: int, key: str, default: str | None = None) -> str:
        """The string value of ``key`` in layer ``index``; a missing key without default is an
        error naming the file and the layer."""
        block = self.layers[index]
        if key in block:
            return block[key]
        if default is None:
            raise LightTrackError(f"{self.path}: layer {index} [{block['type']}] has no "
                                  f"'{key}=' line; add it to the cfg")
        return default

    def int_values(self, index: int, key: str, default: str | None = None) -> list[int]:
        """The comma-separated integers of ``key`` in layer ``index``."""
        text = self.value(index, key, default)
        try:
            return [int(part) for part in text.split(",") if part.strip()]
        except ValueError:
            raise LightTrackError(f"{self.path}: layer {index} has {key}={text}, which is not "
                                  "a list of whole numbers") from None

    def int_value(self, index: int, key: str, default: str | None = None) -> int:
        values = self.int_values(index, key, default)
        if len(values) != 1:
            raise LightTrackError(f"{self.path}: layer {index} needs one number for {key}")
        return values[0]


@dataclass(frozen=True)
class ConvShape:
    """What a convolutional layer stores in a ``.weights`` file."""

    index: int
    filters: int
    in_channels: int
    size: int
    batch_normalize: bool

    @property
    def num_weights(self) -> int:
        """BN beta, gamma, mean, variance (or a bias), then filters·in·size² kernel values."""
        per_filter = 4 if self.batch_normalize else 1
        return self.filters * (per_filter + self.in_channels * self.size * self.size)


def parse_cfg(path: str | Path) -> DarknetCfg:
    """Read a darknet cfg. Comment (``#``) and blank lines are dropped; a convolutional block
    gets ``batch_normalize=0`` unless it says otherwise; the first block must be ``[net]``."""
    path = str(path)
    try:
        text = Path(path).read_text()
    except OSError as err:
        raise LightTrackError(f"cannot read darknet cfg {path}: {err.strerror}") from None
    blocks: list[dict[str, str]] = []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            blocks.append({"type": line[1:-1].strip()})
            if blocks[-1]["type"] == "convolutional":
                blocks[-1]["batch_normalize"] = "0"
        elif "=" in line and blocks:
            key, value = line.split("=", 1)
            blocks[-1][key.strip()] = value.strip()
        else:
            raise LightTrackError(f"{path}:{number}: expected '[type]' or 'key=value', "
                                  f"got {line!r}")
    if not blocks or blocks[0]["type"] != "net":
        raise LightTrackError(f"{path}: a darknet cfg starts with a [net] block")
    cfg = DarknetCfg(path, blocks[0], tuple(blocks[1:]))
    for index, block in enumerate(cfg.layers):
        if block["type"] not in LAYER_TYPES:
            raise LightTrackError(f"{path}: layer {index} has unsupported type "
                                  f"[{block['type']}]; supported: {', '.join(LAYER_TYPES)}")
    return cfg


def source_layers(cfg: DarknetCfg, index: int) -> list[int]:
    """Absolute indices of the layers a route (``layers``) or shortcut (``from``) of layer
    ``index`` reads. Negative values count back from ``index``; positive values are absolute
    layer numbers (the published port looked their widths up one entry off; this does not)."""
    key = "layers" if cfg.layers[index]["type"] == "route" else "from"
    sources = [value + index if value < 0 else value for value in cfg.int_values(index, key)]
    if not sources or not all(0 <= source < index for source in sources):
        raise LightTrackError(f"{cfg.path}: layer {index} reads {key}="
                              f"{cfg.value(index, key)}, which is not an earlier layer")
    return sources


def output_channels(cfg: DarknetCfg) -> list[int]:
    """Number of channels each layer outputs (a yolo layer passes its input's count on)."""
    channels: list[int] = []
    for index, block in enumerate(cfg.layers):
        previous = channels[-1] if channels else cfg.channels
        kind = block["type"]
        if kind == "convolutional":
            if cfg.value(index, "activation", "linear") not in ACTIVATIONS:
                raise LightTrackError(f"{cfg.path}: layer {index} has activation="
                                      f"{block['activation']}; supported: {', '.join(ACTIVATIONS)}")
            channels.append(cfg.int_value(index, "filters"))
        elif kind == "route":
            channels.append(sum(channels[source] for source in source_layers(cfg, index)))
        elif kind == "shortcut":
            source = source_layers(cfg, index)[0]
            if channels[source] != previous:
                raise LightTrackError(f"{cfg.path}: shortcut layer {index} adds layer {source} "
                                      f"({channels[source]} channels) to {previous} channels")
            channels.append(previous)
        else:
            channels.append(previous)
    return channels


def conv_shapes(cfg: DarknetCfg) -> list[ConvShape]:
    """The convolutional layers in file order, which is the order of a ``.weights`` file."""
    channels = output_channels(cfg)
    return [ConvShape(index=index, filters=channels[index],
                      in_channels=channels[index - 1] if index else cfg.channels,
                      size=cfg.int_value(index, "size"),
                      batch_normalize=cfg.int_value(index, "batch_normalize") != 0)
            for index, block in enumerate(cfg.layers) if block["type"] == "convolutional"]


def count_weights(cfg: DarknetCfg) -> int:
    """Float values a ``.weights`` file for this cfg holds after its header."""
    return sum(shape.num_weights for shape in conv_shapes(cfg))


def yolo_layers(cfg: DarknetCfg) -> list[int]:
    """Indices of the yolo (detection head) layers."""
    return [index for index, block in enumerate(cfg.layers) if block["type"] == "yolo"]


def yolo_anchors(cfg: DarknetCfg, index: int) -> list[tuple[int, int]]:
    """The (width, height) anchors, in input pixels, that yolo layer ``index`` uses (``mask``)."""
    flat = cfg.int_values(index, "anchors")
    anchors = list(zip(flat[0::2], flat[1::2]))
    mask = cfg.int_values(index, "mask", ",".join(str(i) for i in range(len(anchors))))
    if len(flat) % 2 or not all(0 <= i < len(anchors) for i in mask):
        raise LightTrackError(f"{cfg.path}: yolo layer {index} has mask={mask} for "
                              f"{len(flat)} anchor values; anchors come in w,h pairs")
    return [anchors[i] for i in mask]
