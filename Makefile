# lacak tasks. Only python3 >= 3.11, make and git are assumed; uv is bootstrapped if missing.
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS := never
export UV_LINK_MODE := copy
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
# Two workers (the 2-core target machine); files stay whole per worker so fixtures are reused.
PYTEST_ARGS ?= -n 2 --dist loadfile

.PHONY: install run test lint typecheck pytest bench demo clean

.tools/bin/uv:
	python3 -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv

install: $(if $(filter .tools/bin/uv,$(UV)),.tools/bin/uv)
	$(UV) sync --frozen --all-groups --all-extras

run: install
	$(UV) run --frozen lacak db upgrade
	$(UV) run --frozen lacak demo --if-empty
	$(UV) run --frozen lacak serve

lint: install
	$(UV) run --frozen ruff check src tests bench
	$(UV) run --frozen ruff format --check src tests bench

typecheck: install
	$(UV) run --frozen mypy

pytest: install
	$(UV) run --frozen pytest $(PYTEST_ARGS)

test: lint typecheck pytest

bench: install
	$(UV) run --frozen python -m bench

clean:
	rm -rf .venv .tools .pytest_cache .mypy_cache .ruff_cache
