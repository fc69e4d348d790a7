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
# Each target's start is stamped with the seconds since this script started, so the log shows where the time goes.
"$VENV/bin/ansible-test" integration --python "$PYVER" --color no "$@" 2>&1 | while IFS= read -r line; do
    if [[ "$line" == Running*integration\ test* ]]; then printf '[%4d s] %s\n' "$SECONDS" "$line"; else printf '%s\n' "$line"; fi
done
echo "[$(printf "%4d" "$SECONDS") s] all targets passed"
