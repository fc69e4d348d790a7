#!/usr/bin/env bash
# jci_connector, jci_connector_info, jci_connector_check and jama_oauth_check against the emulator, then a
# leak check of everything the runs printed or left behind.
source ../setup_jama/files/lib.sh

run_playbook connector.yml
run_playbook migrate.yml
run_playbook failures.yml
run_playbook check_diff.yml --check --diff
leak_check
