# SkillCert: `make run` starts the suite, `make test` runs every test.
# Both set everything up on a fresh Debian machine with Python 3.11+:
# the virtualenv, the pinned packages, and RabbitMQ/PostgreSQL when they are
# installed but stopped (deploy/infra.sh says how to install them if not).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PACKAGES := shared $(patsubst %/pyproject.toml,%,$(wildcard services/*/pyproject.toml))

.PHONY: run test setup infra web bench bench-batch demo clean

$(VENV)/.installed: requirements.txt requirements-test.txt shared/pyproject.toml $(wildcard services/*/pyproject.toml)
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -r requirements-test.txt
	$(BIN)/python -m pip install -q --disable-pip-version-check --no-deps $(addprefix -e ,$(PACKAGES))
	@touch $@

setup: $(VENV)/.installed

infra:
	@bash deploy/infra.sh

web:
	@bash deploy/web.sh

run: setup infra web
	$(BIN)/python -m deploy.launch $(ARGS)

test: setup infra
	@bash deploy/infra.sh --test-tools
	@bash deploy/web.sh --required
	@bash deploy/audit.sh
	@bash deploy/test.sh $(ARGS)

bench: setup infra
	@for b in $(filter-out benchmarks/bench_batch.py,$(wildcard benchmarks/bench_*.py)); do echo "== $$b"; $(BIN)/python $$b || exit 1; done

# one whole batch over the gateway, stage by stage (docs/performance.md): N=2000, DB=<PostgreSQL URL>
bench-batch: setup infra
	$(BIN)/python benchmarks/bench_batch.py --candidates $(or $(N),2000) $(if $(DB),--db $(DB)) $(ARGS)

demo: setup
	$(BIN)/python -m deploy.demo $(ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache web/node_modules web/dist
