"""The closed table of component names, resolved lazily (no framework is imported here).

A run that picks only TensorFlow components never imports torch, and the reverse: a component's
module is imported only when its name is built. Each entry names a class with a
``from_options(**options)`` classmethod; detectors take ``weights_path``, ``cfg_path`` and
``score_thresh``, estimators and matchers take ``weights_path``; None means the default.
"""
from __future__ import annotations

import importlib

from lib.errors import LightTrackError
from lib.quiet import quiet_startup

TABLE: dict[str, dict[str, tuple[str, str]]] = {
    "detector": {
        "ssdlite": ("detector.ssdlite", "SSDLiteDetector"),
        "yolov3": ("detector.yolov3", "YOLOv3Detector"),
        "yolov3-tiny": ("detector.yolov3", "YOLOv3TinyDetector"),
        "nanodet": ("detector.nanodet", "NanoDetDetector"),
        "nanodet-tiled": ("detector.nanodet", "NanoDetTiledDetector"),
    },
    "pose": {
        "blazepose": ("network_blazepose", "BlazePoseEstimator"),
        "movenet-lightning": ("network_movenet", "MoveNetLightningEstimator"),
        "movenet-thunder": ("network_movenet", "MoveNetThunderEstimator"),
        "movenet-thunder-int8": ("network_movenet", "MoveNetThunderInt8Estimator"),
        "mobile_deconv": ("network_mobile_deconv", "MobileDeconvEstimator"),
        "cpn101": ("network_CPN101", "CPN101Estimator"),
        "msra152": ("network_MSRA152", "MSRA152Estimator"),
    },
    "matcher": {
        "oks": ("matcher.oks", "OKSMatcher"),
        "sgcn": ("matcher.sgcn", "SGCNMatcher"),
        "none": ("", ""),
    },
}


def names(kind: str) -> list[str]:
    """The names a user may give for ``kind`` ("detector", "pose" or "matcher")."""
    return list(TABLE[kind])


def build(kind: str, name: str, **options):
    """Import and construct the component ``name`` of ``kind``; None for the matcher "none"."""
    try:
        module_name, class_name = TABLE[kind][name]
    except KeyError:
        raise LightTrackError(f"unknown {kind} {name!r}; choose one of {', '.join(names(kind))}") \
            from None
    if not module_name:
        return None
    with quiet_startup():  # TensorFlow's and TFLite's start-up lines stay off the terminal
        cls = vars(importlib.import_module(module_name))[class_name]
        return cls.from_options(**options)
