#!/usr/bin/env bash
# jama_api_credential and jama_api_credential_info against the emulator, then a leak check of everything
# the runs printed or left behind.
source ../setup_jama/files/lib.sh

VAULT_DIR="$OUTPUT_DIR/vault"
rm -rf "$VAULT_DIR" && mkdir -p "$VAULT_DIR"
echo "integration-vault-pass" > "$VAULT_DIR/pass"
echo "some-other-pass" > "$VAULT_DIR/other-pass"
# A vars file the hand-off must keep, and one encrypted with a secret the run does not have.
printf 'other_setting: keep-me\n' > "$VAULT_DIR/keep.yml"
ansible-vault encrypt --vault-id "integration@$VAULT_DIR/pass" "$VAULT_DIR/keep.yml" > /dev/null
printf 'x: 1\n' > "$VAULT_DIR/foreign.yml"
ansible-vault encrypt --vault-id "other@$VAULT_DIR/other-pass" "$VAULT_DIR/foreign.yml" > /dev/null

run_playbook idempotence.yml
run_playbook vault.yml --vault-id "integration@$VAULT_DIR/pass" -e "vault_dir=$VAULT_DIR"
run_playbook vault_vars_types.yml --vault-id "integration@$VAULT_DIR/pass" -e "vault_dir=$VAULT_DIR"
run_playbook errors.yml
run_playbook check_diff.yml --check --diff
run_playbook lost_answer.yml
run_playbook lost_answer_vault.yml --vault-id "integration@$VAULT_DIR/pass" -e "vault_dir=$VAULT_DIR"
run_playbook controller_sink.yml
run_playbook lost_answer_controller.yml
leak_check
