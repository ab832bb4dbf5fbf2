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

# the 13 drawn sticks (joint pairs); the nose is never connected
SKELETON = (
    (14, 12), (12, 8), (12, 9), (8, 7), (7, 6), (9, 10), (10, 11), (8, 2), (9, 3), (2, 1),
    (1, 0), (3, 4), (4, 5),
)

# BGR colour of a track: TRACK_COLORS[track_id % 13], in the published order: purple, yellow,
# blue, green, red, skyblue, navyblue, azure, slate, chocolate, olive, orange, orchid
TRACK_COLORS = (
    (255, 0, 255), (0, 255, 255), (255, 0, 0), (0, 255, 0), (0, 0, 255), (235, 206, 135),
    (128, 0, 0), (255, 255, 240), (255, 0, 127), (30, 105, 210), (112, 255, 202), (0, 140, 255),
    (255, 102, 224),
)
