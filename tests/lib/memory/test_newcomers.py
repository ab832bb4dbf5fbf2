"""Which detections no track covers, and the change trigger outside followed boxes."""
import numpy as np

from lib.memory.newcomers import ChangeTrigger, TriggerParams, covered


def test_covered_one_to_one_by_iou():
    tracks = np.array([[0, 0, 100, 100.0], [300, 0, 400, 100]])
    boxes = np.array([[5, 0, 105, 100], [0, 0, 90, 100], [200, 200, 260, 300.0]])
    # both first boxes fit track 0 well; only one of them continues it
    assert covered(boxes, tracks, 0.5).tolist() == [True, False, False]
    assert covered(boxes[1:], tracks, 0.5).tolist() == [True, False]
    assert covered(boxes[:1], tracks, 0.95).tolist() == [False]
    assert covered(boxes, np.zeros((0, 4)), 0.5).tolist() == [False] * 3


def test_trigger_fires_on_change_outside_boxes_only():
    trigger = ChangeTrigger(TriggerParams(cell=8, pixel_thresh=10, min_fraction=0.001))
    image = np.full((360, 640, 3), 100, np.uint8)
    person = np.array([[100, 100, 200, 300.0]])
    assert trigger.changed(image, person)             # first frame
    assert not trigger.changed(image.copy(), person)  # nothing moved
    inside = image.copy()
    inside[120:280, 120:180] = 250                     # the followed person moves
    assert not trigger.changed(inside, person)
    outside = inside.copy()
    outside[100:200, 500:540] = 250                    # someone enters at the right
    assert trigger.changed(outside, person)
    trigger.reset()
    assert trigger.changed(outside, person)
