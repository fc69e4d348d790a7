#!/usr/bin/env bash
# controller_credential_type against the emulated automation controller, then the install playbook the guide names,
# twice (the second run changes nothing), then a leak check.
source ../setup_jama/files/lib.sh

run_playbook module.yml
run_playbook module.yml --check --diff -e '{"check_run": true}'
# The playbook as users run it: by its name in the installed collection.
PLAYBOOK=jama.connect.controller_credential_types
run_playbook "$PLAYBOOK"
run_playbook "$PLAYBOOK"
grep -Eq "localhost +: ok=1 +changed=0 +unreachable=0 +failed=0" "$LAST_LOG" || { echo "the second install changed something"; exit 1; }
run_playbook installed.yml
leak_check
