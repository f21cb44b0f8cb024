# make demo: install, then release synthetic patients from the bundled example.
# make test: install with the test tools, then lint and run the whole test suite.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip

.PHONY: install demo test lint clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	# torch first, pinned: left to SDV's resolver it pulls a multi-GB CUDA build.
	$(PIP) install --quiet torch==2.13.0
	$(PIP) install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

demo: install
	$(VENV)/bin/synthguard synth --policy policies/medical.yaml --output out/medical

lint: install
	$(VENV)/bin/ruff check synthguard tests examples benchmarks

test: lint
	# pytest exits 5 when it collects nothing: that is a broken suite, not a pass.
	HF_HUB_OFFLINE=1 $(PY) -m pytest -q; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "error: pytest collected no tests" >&2; exit 1; fi; exit $$rc

clean:
	rm -rf $(VENV) out .pytest_cache
