"""The 15 PoseTrack joints (SPEC §2.1): names, flip pairs and the drawn skeleton (no framework)."""

# index: LightTrack order = PoseTrack 2017 order; names as poseval and the PoseTrack'18 files use
JOINT_NAMES = (
    "right_ankle", "right_knee", "right_hip", "left_hip", "left_knee", "left_ankle",
    "right_wrist", "right_elbow", "right_shoulder", "left_shoulder", "left_elbow", "left_wrist",
    "head_bottom", "nose", "head_top",
)
NUM_JOINTS = len(JOINT_NAMES)

# the 17 keypoint slots of PoseTrack'18 annotation files, in file order
POSETRACK18_KEYPOINTS = (
    "nose", "head_bottom", "head_top", "left_ear", "right_ear", "left_shoulder", "right_shoulder",
    "left_elbow", "right_elbow", "left_wrist", "right_wrist", "left_hip", "right_hip",
    "left_knee", "right_knee", "left_ankle", "right_ankle",
)

# left/right partners swapped by a horizontal flip; joints 12-14 have none
FLIP_PAIRS = ((0, 5), (1, 4), (2, 3), (6, 11), (7, 10), (8, 9))

# the 13 drawn sticks with their published BGR colours; the nose is never connected
PURPLE, YELLOW, BLUE, GREEN, RED, SKYBLUE = (
    (255, 0, 255), (0, 255, 255), (255, 0, 0), (0, 255, 0), (0, 0, 255), (235, 206, 135))
SKELETON = (
    ((14, 12), PURPLE), ((12, 8), YELLOW), ((12, 9), YELLOW), ((8, 7), BLUE), ((7, 6), GREEN),
    ((9, 10), BLUE), ((10, 11), GREEN), ((8, 2), YELLOW), ((9, 3), YELLOW), ((2, 1), RED),
    ((1, 0), SKYBLUE), ((3, 4), RED), ((4, 5), SKYBLUE),
)

# colour of a track: TRACK_COLORS[track_id % 13] (published order)
TRACK_COLORS = (
    PURPLE, YELLOW, BLUE, GREEN, RED, SKYBLUE, (128, 0, 0), (255, 255, 240), (255, 0, 127),
    (30, 105, 210), (112, 255, 202), (0, 140, 255), (255, 102, 224),
)
