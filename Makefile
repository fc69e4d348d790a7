# The README's two commands are `make demo` and `make test`; both set up what they need.
.PHONY: setup test demo install emulator clean

setup:
	bash scripts/setup.sh

test: setup
	bash scripts/test.sh

demo: setup
	bash scripts/demo.sh

install: setup
	bash scripts/install.sh

emulator: setup
	PYTHONPATH=tests/emulator .venv/newest/bin/python -m jamaemu --workdir .work/emulator --show-logins

clean:
	rm -rf .venv .work tests/output
