#!/usr/bin/env bash
# ansible-test integration against a fresh emulator, for one venv:  scripts/integration.sh oldest|newest
# The emulator is started here and stopped by PID on exit, pass or fail.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
NAME="$1"; shift
export JAMA_CONNECT_FLAVOR="$NAME"
VENV="$ROOT/.venv/$NAME"
PYVER="$("$VENV/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
COLLECTION="$("$VENV/bin/python" "$ROOT/scripts/sync_collection.py")"
EMULATOR_DIR="$(mktemp -d)"

stop_emulator() { PYTHONPATH="$ROOT/tests/emulator" "$VENV/bin/python" -m jamaemu.harness stop --workdir "$EMULATOR_DIR" > /dev/null; }
trap stop_emulator EXIT
PYTHONPATH="$ROOT/tests/emulator" "$VENV/bin/python" -m jamaemu.harness start --workdir "$EMULATOR_DIR" > /dev/null
"$VENV/bin/python" "$ROOT/scripts/integration_config.py" "$EMULATOR_DIR/emulator.json" \
    "$COLLECTION/tests/integration/integration_config.yml"

cd "$COLLECTION"
echo "== ansible-test integration, ansible-core $("$VENV/bin/python" -c 'import ansible; print(ansible.__version__)') on Python $PYVER"
"$VENV/bin/ansible-test" integration --python "$PYVER" --color no "$@"
