"""Evaluate PoseTrack predictions: AP (PCKh@0.5) and MOTA/MOTP as poseval, keypoint HOTA/IDF1.

    python evaluate_posetrack18.py -g GT_DIR -p PRED_DIR -e -t [-s] [-o out]

Prints poseval's tables, writes total_AP_metrics.json / total_MOT_metrics.json (and per-sequence
files with -s) to the output folder, and ends with one JSON line of the summary numbers.
"""
import argparse

from lib.cli import run_main
from lib.options import require_output_dir
from lib.outputs import OutputLock
from lib.eval.posetrack import evaluate
from lib.eval.report import ap_table, hota_table, mot_table, summary_line, write_results


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-g", "--groundTruth", required=True, metavar="DIR",
                        help="folder of ground-truth files, one PoseTrack 2017/2018 JSON "
                             "per sequence")
    parser.add_argument("-p", "--predictions", required=True, metavar="DIR",
                        help="folder of prediction files named as the ground-truth files")
    parser.add_argument("-e", "--evalPoseEstimation", action="store_true",
                        help="per-frame pose estimation: AP per joint "
                             "(neither -e nor -t: both)")
    parser.add_argument("-t", "--evalPoseTracking", action="store_true",
                        help="pose tracking: MOTA, MOTP, precision, recall per joint; "
                             "keypoint HOTA, DetA, AssA, IDF1")
    parser.add_argument("-s", "--saveEvalPerSequence", action="store_true",
                        help="also write <sequence>_AP_metrics.json / _MOT_metrics.json")
    parser.add_argument("-o", "--outputDir", default="./out", metavar="DIR",
                        help="folder for the result files (default: %(default)s)")
    group = parser.add_argument_group("poseval conventions (all on by default)")
    group.add_argument("--no-dummy-empty-frames", action="store_true",
                       help="feed frames without GT or without predictions with their true ids "
                            "instead of poseval's one dummy miss + one dummy false positive")
    group.add_argument("--keep-last-frame", action="store_true",
                       help="also track the last frame of every sequence (poseval skips it)")
    group.add_argument("--motp-raw-events", action="store_true",
                       help="MOTP from all motmetrics events incl. RAW, as current poseval with "
                            "motmetrics >= 1.2 (default: matches and switches only, as 2017-era "
                            "py-motmetrics)")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    eval_pose, eval_tracking = args.evalPoseEstimation, args.evalPoseTracking
    if not (eval_pose or eval_tracking):
        eval_pose = eval_tracking = True
    require_output_dir(args.outputDir, "-o")
    result = evaluate(args.groundTruth, args.predictions, eval_pose, eval_tracking,
                      per_sequence=args.saveEvalPerSequence,
                      dummy_empty_frames=not args.no_dummy_empty_frames,
                      skip_last_frame=not args.keep_last_frame,
                      motp_raw_events=args.motp_raw_events)
    print(f"{result['num_sequences']} sequences, {result['num_frames']} frames with ground truth")
    if result["ap"] is not None:
        print("Average Precision (AP) metric:")
        print(ap_table(result["ap"]["ap"]))
    if result["mot"] is not None:
        print("Multiple Object Tracking (MOT) metrics:")
        print(mot_table(result["mot"]))
        print("Keypoint HOTA (PoseTrack21), mean over alphas 0.05..0.95:")
        print(hota_table(result["hota"]))
    with OutputLock(args.outputDir):
        for path in write_results(result, args.outputDir):
            print(f"saved {path}")
    print(summary_line(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(run_main(main))
