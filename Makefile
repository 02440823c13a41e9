# The whole setup: `make run` and `make test` on a fresh Linux machine with python3 and make.
VENV := .venv
BIN := $(VENV)/bin
DB ?= data/onestop.duckdb
PORT ?= 8501

.PHONY: run test lint demo browser clean

# Two `make test` started together in one checkout would both build the venv: the second waits
# for the first under a lock and finds the work done.
$(BIN)/.installed: pyproject.toml
	@mkdir -p $(VENV)
	@flock $(VENV)/.install.lock sh -c '\
	    [ $@ -nt pyproject.toml ] && exit 0; \
	    echo "Installing the project into $(VENV)"; \
	    python3 -m venv $(VENV) && \
	    $(BIN)/pip install --quiet --upgrade pip && \
	    $(BIN)/pip install --quiet -e ".[dev]" && \
	    touch $@'

$(DB): | $(BIN)/.installed
	$(BIN)/onestop demo --db $(DB)

run: $(BIN)/.installed $(DB)
	$(BIN)/onestop migrate --db $(DB)
	$(BIN)/streamlit run dashboard.py --server.headless true --server.port $(PORT)

demo: $(BIN)/.installed
	$(BIN)/onestop demo --db $(DB)

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Browser tests drive Debian's chromium; as root we install it, otherwise we say how.
# apt allows one apt-get at a time and makes any other fail at once, so parallel `make test`
# runs queue on a lock and look again once they hold it: the first installs, the rest find it.
APT_LOCK ?= /run/lock/onestop-apt.lock
browser:
	@if ! command -v chromium >/dev/null 2>&1; then \
	    if [ "$$(id -u)" = "0" ]; then \
	        flock $(APT_LOCK) sh -c '\
	            command -v chromium >/dev/null 2>&1 && exit 0; \
	            echo "Installing Debian'"'"'s chromium for the browser tests"; \
	            apt-get -o DPkg::Lock::Timeout=600 update -qq && \
	            DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 \
	                install -y -qq chromium fonts-noto-core >/dev/null'; \
	    else \
	        echo "The browser tests need Chromium: run 'sudo apt-get install chromium fonts-noto-core', then 'make test' again." >&2; \
	        exit 1; \
	    fi; \
	fi

test: $(BIN)/.installed browser lint
	$(BIN)/pytest -q

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
