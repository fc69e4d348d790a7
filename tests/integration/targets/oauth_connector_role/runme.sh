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
leak_check "$WORK"
