# Two commands work on a fresh machine: `make book` and `make test`.
# Everything is installed into .venv (Python) and node_modules (npm) from the
# package registries; Debian packages (chromium, bubblewrap) are installed when missing.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMPS := .stamps

.PHONY: setup book test lock clean bench system-packages

setup: $(STAMPS)/venv

$(STAMPS)/venv: pyproject.toml requirements.lock
	@mkdir -p $(STAMPS)
	@echo "==> creating $(VENV) and installing the locked dependencies (about a minute)"
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c requirements.lock -e ".[course,test]"
	@touch $@

# Debian packages the tests need: a browser for the book's browser tests and
# bubblewrap for the grader's sandbox. Installed only when missing.
system-packages:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v bwrap >/dev/null || missing="$$missing bubblewrap"; \
	if [ -n "$$missing" ]; then \
	  echo "==> installing Debian packages:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

book: setup
	@echo "==> course data check"
	$(PY) -m considerations

test: setup system-packages
	$(PY) -m pytest -n 2

# Refresh requirements.lock from the current .venv (after changing pyproject.toml).
lock:
	$(PY) -m pip freeze --exclude-editable | grep -v '^pakistan-taliban-recognition' > requirements.lock

clean:
	rm -rf $(STAMPS) book/_build
