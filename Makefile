# cnnacc: `make report` runs the main job, `make test` runs the whole suite.
# Both set everything up on a fresh machine first (`make setup`, idempotent and fast when done).

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.cnnacc-installed
DEBIAN_DATA := /usr/share/datasets/fashion-mnist

.PHONY: setup data browser test report archive hls clean

setup: $(STAMP) data

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

# Fashion-MNIST: $CNNACC_DATA_DIR when set, else Debian's dataset-fashion-mnist package.
data:
	@if [ -n "$$CNNACC_DATA_DIR" ]; then \
	  test -d "$$CNNACC_DATA_DIR" || { echo "CNNACC_DATA_DIR=$$CNNACC_DATA_DIR is not a folder"; exit 1; }; \
	elif [ ! -f $(DEBIAN_DATA)/t10k-images-idx3-ubyte.gz ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dataset-fashion-mnist; \
	  else \
	    echo "Fashion-MNIST is missing: run 'sudo apt-get install dataset-fashion-mnist'," \
	         "or set CNNACC_DATA_DIR (cnnacc --data-dir) to a folder with its IDX .gz files"; \
	    exit 1; \
	  fi; \
	fi

# The report is printed to PDF by headless Chromium; the tests read the PDF with poppler-utils
# (pdfinfo, pdfimages, pdftoppm, pdftotext). Both are Debian packages.
browser:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v pdftoppm >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "missing:$$missing (the report's PDF and its tests need them): run 'sudo apt-get install$$missing'"; \
	    exit 1; \
	  fi; \
	fi

test: setup browser
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports
	HYPOTHESIS_PROFILE=ci $(PY) -m pytest -q

report: setup browser
	$(VENV)/bin/cnnacc report

# The submission archive (spec Part 3): source, report and exported models, with a manifest.
archive: setup
	@test -f reports/out/results.json || $(MAKE) report
	$(VENV)/bin/cnnacc archive lab3_archive.tgz

hls:
	$(MAKE) -C hls_src cbin TARGET=sw_emu

clean:
	rm -rf reports/out hls_src/csim hls_src/build .pytest_cache .hypothesis lab3_archive.tgz
