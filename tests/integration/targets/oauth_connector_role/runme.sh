#!/usr/bin/env bash
# The oauth_connector role as users include it: check mode first, roles:/import_role/include_role,
# module_defaults, plaintext warnings, clear failures; then a leak check.
source ../setup_jama/files/lib.sh

WORK="$OUTPUT_DIR/role"
rm -rf "$WORK" && mkdir -p "$WORK"
echo "role-integration-pass" > "$WORK/pass"
VAULT=(--vault-id "itest@$WORK/pass")

run_playbook reset.yml
# A first run in check mode with diff changes nothing anywhere.
run_playbook via_roles.yml --check --diff "${VAULT[@]}" -e "work=$WORK"
run_playbook assert_untouched.yml -e "work=$WORK"
run_playbook via_roles.yml "${VAULT[@]}" -e "work=$WORK"
run_playbook via_import_role.yml "${VAULT[@]}" -e "work=$WORK"
grep -q "changed=0" "$LOG_DIR"/oauth_connector_role-*-via_import_role.log || { echo "second run changed something"; exit 1; }
run_playbook via_include_role.yml --check --diff "${VAULT[@]}" -e "work=$WORK"
run_playbook check_health.yml "${VAULT[@]}" -e "work=$WORK"
run_playbook problems.yml "${VAULT[@]}" -e "work=$WORK"
# ansible-core 2.18 wraps warnings at 80 columns, so join the lines first.
tr '\n' ' ' < "$(ls "$LOG_DIR"/oauth_connector_role-*-problems.log)" \
    | grep -q "WARNING\]: .* is not encrypted with Ansible Vault. Anyone who can read it" \
    || { echo "no plaintext warning"; exit 1; }
run_playbook entry_points_in_one_play.yml "${VAULT[@]}" -e "work=$WORK"

# A run killed after Jama created the credential and before JCI was touched is healed by a plain re-run.
KILLED=(-e "work=$WORK" -e "oauth_connector_vault_file=$WORK/killed.vault.yml" -e "oauth_connector_name=Killed")
"$PYTHON" "$SETUP_FILES/admin.py" --config "$CONFIG" POST /faults \
    '{"kind": "latency", "system": "jci", "operation": "createConnector", "ms": 30000, "count": 1}' \
    '{"kind": "status", "system": "jci", "operation": "createConnector", "status": 500, "count": 1}'
setsid ansible-playbook -i "$INVENTORY_PATH" -e "@$CONFIG" "${VAULT[@]}" "${KILLED[@]}" via_roles.yml \
    > "$LOG_DIR/oauth_connector_role-killed.log" 2>&1 &
RUNNING=$!
"$PYTHON" "$SETUP_FILES/admin.py" --config "$CONFIG" --wait-for createUserApiCredential
# bash reports the killed job ("Killed setsid ansible-playbook ...") on its own stderr whenever it reaps it, which
# may be while kill itself runs: the kill is the test's own, so the shell's stderr is closed until the job is reaped.
exec 3>&2 2> /dev/null
kill -KILL -- "-$RUNNING"
wait "$RUNNING" || true
exec 2>&3 3>&-
echo "ok: killed the run after Jama created the credential (on purpose); the next run must heal it"
"$PYTHON" "$SETUP_FILES/admin.py" --config "$CONFIG" DELETE /faults
run_playbook via_roles.yml "${VAULT[@]}" "${KILLED[@]}"
run_playbook assert_agree.yml "${VAULT[@]}" "${KILLED[@]}"
leak_check "$WORK"
