# Sourced by the runme.sh of every target: run playbooks at -vvvv into logs, then check them for leaks.
# ansible-test copies tests/integration into a temporary tree and runs runme.sh from the target's directory.
set -euo pipefail

CONFIG="$(cd ../.. && pwd)/integration_config.yml"
SETUP_FILES="$(cd ../setup_jama/files && pwd)"
PYTHON="${ANSIBLE_TEST_PYTHON_INTERPRETER:-python3}"
LOG_DIR="${OUTPUT_DIR}/logs"
mkdir -p "$LOG_DIR"
# This run's own Ansible temp directories: the leak check judges what this run produced, not payloads an
# interrupted run elsewhere on the machine left in ~/.ansible/tmp.
export ANSIBLE_LOCAL_TEMP="$OUTPUT_DIR/ansible-tmp/local" ANSIBLE_REMOTE_TEMP="$OUTPUT_DIR/ansible-tmp/remote"
mkdir -p "$ANSIBLE_LOCAL_TEMP" "$ANSIBLE_REMOTE_TEMP"
RUN=0
LAST_LOG=""

run_playbook() {  # run_playbook PLAYBOOK [ansible-playbook options...]
    local playbook="$1" log
    shift
    RUN=$((RUN + 1))
    # Numbered, so a playbook run twice keeps both logs for the leak check.
    local name
    name="$(basename "$playbook")"
    log="$LOG_DIR/$(basename "$PWD")-$(printf '%02d' "$RUN")-${name%.yml}.log"
    # Every playbook runs at -vvvv: the leak check then proves secrets stay hidden at the highest verbosity.
    if ! ansible-playbook -i "$INVENTORY_PATH" -e "@$CONFIG" -vvvv "$@" "$playbook" > "$log" 2>&1; then
        echo "FAILED: $playbook; last lines of $log:"
        tail -n 60 "$log"
        return 1
    fi
    LAST_LOG="$log"
    echo "ok: $playbook ($(grep -c '^TASK \[' "$log") tasks)"
}

leak_check() {  # leak_check [more paths...]
    "$PYTHON" "$SETUP_FILES/leak_check.py" --config "$CONFIG" "$LOG_DIR" "$OUTPUT_DIR" "$PWD" \
        "$ANSIBLE_LOCAL_TEMP" "$ANSIBLE_REMOTE_TEMP" "$@"
}
