# Shortcuts; the README's two commands are what CI runs.
.PHONY: setup demo test lint format bench

setup:
	scripts/setup --test

demo:
	.venv/bin/pulse demo

test:
	scripts/test

lint:
	.venv/bin/ruff check src tests bench
	.venv/bin/ruff format --check src tests bench

format:
	.venv/bin/ruff format src tests bench
	.venv/bin/ruff check --fix src tests bench

bench:
	for script in bench/*_bench.py; do .venv/bin/python $$script || exit 1; done
