#!/usr/bin/env bash
# Run the molecule scenarios (default: all) against the live source of the collection, with the venv
# named by MOLECULE_VENV (newest or oldest; default newest):
#   [MOLECULE_VENV=oldest] scripts/molecule.sh [SCENARIO...]
# prerun is off and ANSIBLE_COLLECTIONS_PATH points at the synced copy, so molecule never installs a stale
# copy of the collection into ~/.ansible/collections.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
export PATH="$ROOT/.venv/${MOLECULE_VENV:-newest}/bin:$PATH"
export JAMA_CONNECT_FLAVOR="${MOLECULE_VENV:-newest}"
COLLECTION="$(python "$ROOT/scripts/sync_collection.py")"
export ANSIBLE_COLLECTIONS_PATH="$(dirname "$(dirname "$(dirname "$COLLECTION")")")"
export PYTHONPATH="$ROOT/tests/emulator"
export JAMA_EMULATOR_SEED="$ROOT/tests/emulator/jamaemu/seed.json"
export ANSIBLE_FORCE_COLOR=0 PY_COLORS=0 ANSIBLE_NOCOLOR=1
cd "$COLLECTION"
SCENARIOS=("${@:-configure migrate rotate}")
for scenario in ${SCENARIOS[@]}; do
    [[ -d "extensions/molecule/$scenario" ]] || { echo "no scenario $scenario"; exit 1; }
    echo "== molecule test -s $scenario"
    # Its own working directory: molecule names the default one after the project directory's name ("connect"),
    # which the newest and oldest copies share, and make test runs both at once. Removed when the scenario passes.
    export MOLECULE_EPHEMERAL_DIRECTORY="$(mktemp -d "${TMPDIR:-/tmp}/molecule-$JAMA_CONNECT_FLAVOR-$scenario.XXXX")"
    # molecule's own summary has printed "successful" for a failed step: the exit code decides.
    molecule test -s "$scenario"
    rm -rf "$MOLECULE_EPHEMERAL_DIRECTORY"
done
