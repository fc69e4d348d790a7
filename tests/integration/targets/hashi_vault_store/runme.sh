#!/usr/bin/env bash
# The role with its credential in HashiCorp Vault's KV v2, against a real OpenBao dev server this script starts (and
# stops by PID): check mode writes nothing, configure creates the credential and hands its secret to the secret, a
# second run changes nothing (the secret's version too), rotate writes a new version, check and the report read it;
# the token comes from VAULT_TOKEN with only the documented policy. Then a leak check, the server's audit log included.
source ../setup_jama/files/lib.sh

WORK="$OUTPUT_DIR/hashi_vault"
rm -rf "$WORK" && mkdir -p "$WORK"
# The expected values hold the client secret: gone with the server, whatever happens.
# A failed run leaves no fault armed (the race's barrier) on the emulator the next targets share.
stop_bao() {
    rm -f "$WORK/expected.json"
    "$PYTHON" "$SETUP_FILES/bao.py" stop "$WORK/bao"
    "$PYTHON" "$SETUP_FILES/admin.py" --config "$CONFIG" DELETE /faults > /dev/null || true
}
trap stop_bao EXIT
URL="$("$PYTHON" "$SETUP_FILES/bao.py" start "$WORK/bao")"
SECRET_PATH=jama/itest
"$PYTHON" "$SETUP_FILES/bao.py" place "$WORK/bao" "$SECRET_PATH"
VAULT_TOKEN="$(cat "$WORK/bao/token")"
export VAULT_TOKEN
INVENTORY_PATH="$PWD/inventory.yml"
VARS=(-e "bao_url=$URL" -e "bao_path=$SECRET_PATH")
version() { "$PYTHON" "$SETUP_FILES/bao.py" read "$WORK/bao" "$SECRET_PATH" | "$PYTHON" -c 'import json, sys; print(json.load(sys.stdin)["version"])'; }

run_playbook jama.connect.configure --check "${VARS[@]}"
[[ "$(version)" == 0 ]] || { echo "check mode wrote the secret"; exit 1; }
run_playbook jama.connect.configure "${VARS[@]}"
FIRST="$(version)"
run_playbook jama.connect.configure "${VARS[@]}"
grep -q "changed=0" "$LAST_LOG" || { echo "the second run changed something"; exit 1; }
[[ "$(version)" == "$FIRST" ]] || { echo "the second run wrote the secret"; exit 1; }
run_playbook jama.connect.rotate "${VARS[@]}"
[[ "$(version)" -gt "$FIRST" ]] || { echo "rotate wrote no new version"; exit 1; }
run_playbook jama.connect.check "${VARS[@]}"
run_playbook jama.connect.report "${VARS[@]}" -e "jama_connect_report_dir=$WORK/report"
"$PYTHON" - "$WORK/report/report.json" <<'PY'
import json, sys
entry = json.load(open(sys.argv[1]))['environments'][0]
ready = [condition for condition in entry['conditions'] if condition['type'] == 'Ready'][0]
# Ready: the suite's shared emulator holds other targets' credentials (ForeignCredentials), so not "healthy".
assert entry['outcome']['observed'] and ready['status'], entry
assert entry['store'].startswith('the Vault secret secret/jama/itest'), entry
print('ok: the report reads the Vault store: %s' % entry['store'])
PY
echo "ok: check mode wrote nothing; configure, a converged run, rotate ($FIRST -> $(version)), check and the report"

# Two jobs, one secret: two rotations of the environment started together. The emulator holds each job's first call
# until both have arrived (a barrier), so both read the secret's version before either writes: exactly one wins, the
# other's check-and-set write is refused and it stops, deleting nothing; one more run and all three agree.
BEFORE="$(version)"
"$PYTHON" "$SETUP_FILES/admin.py" --config "$CONFIG" POST /faults '{"kind": "barrier", "system": "*", "parties": 2, "ms": 30000}'
RACE=()
for job in 1 2; do
    ansible-playbook -i "$INVENTORY_PATH" -e "@$CONFIG" -vvvv "${VARS[@]}" jama.connect.rotate \
        > "$LOG_DIR/hashi_vault_store-race-$job.log" 2>&1 &
    RACE+=($!)
done
OUTCOMES=()
for pid in "${RACE[@]}"; do if wait "$pid"; then OUTCOMES+=(ok); else OUTCOMES+=(failed); fi; done
"$PYTHON" race.py --config "$CONFIG" --outcomes "${OUTCOMES[@]}" --logs "$LOG_DIR"/hashi_vault_store-race-*.log
[[ "$(version)" -gt "$BEFORE" ]] || { echo "neither rotation wrote the secret"; exit 1; }
run_playbook jama.connect.configure "${VARS[@]}"
run_playbook agree.yml "${VARS[@]}"
echo "ok: two overlapping rotations: one won, the other stopped; after one more run Jama, OpenBao and JCI agree"

# jama_api_credential with the same store, its own secret and a token with only its policy.
"$PYTHON" "$SETUP_FILES/bao.py" place "$WORK/bao" jama/module module-token
VAULT_TOKEN="$(cat "$WORK/bao/module-token")" run_playbook module.yml "${VARS[@]}" -e bao_module_path=jama/module

# Two jama_api_credential jobs rotate that secret: the second starts once the first has written its record and is held
# at its create (the emulator's barrier, until the second's create arrives), so the second writes the secret between
# the first's record and its hand-off. The first's hand-off is refused, and it deletes its new credential again.
MODULE_VARS=("${VARS[@]}" -e bao_module_path=jama/module)
AT="$("$PYTHON" "$SETUP_FILES/bao.py" read "$WORK/bao" jama/module | "$PYTHON" -c 'import json, sys; print(json.load(sys.stdin)["version"])')"
"$PYTHON" "$SETUP_FILES/admin.py" --config "$CONFIG" POST /faults \
    '{"kind": "barrier", "system": "jama", "operation": "createUserApiCredential", "parties": 2, "ms": 30000}'
export VAULT_TOKEN_MAIN="$VAULT_TOKEN"
export VAULT_TOKEN="$(cat "$WORK/bao/module-token")"
ansible-playbook -i "$INVENTORY_PATH" -e "@$CONFIG" -vvvv "${MODULE_VARS[@]}" -e "result_file=$WORK/first.json" \
    handoff_race.yml > "$LOG_DIR/hashi_vault_store-handoff-1.log" 2>&1 &
FIRST_JOB=$!
"$PYTHON" "$SETUP_FILES/bao.py" wait "$WORK/bao" jama/module "$AT"
ansible-playbook -i "$INVENTORY_PATH" -e "@$CONFIG" -vvvv "${MODULE_VARS[@]}" -e "result_file=$WORK/second.json" \
    handoff_race.yml > "$LOG_DIR/hashi_vault_store-handoff-2.log" 2>&1
wait "$FIRST_JOB"
run_playbook handoff_agree.yml "${MODULE_VARS[@]}" -e "first_file=$WORK/first.json" -e "second_file=$WORK/second.json"
export VAULT_TOKEN="$VAULT_TOKEN_MAIN"
echo "ok: two jama_api_credential rotations: the hand-off refused by the other's write deleted its credential again"

# Read back by the real consumers: community.hashi_vault's kv2 lookup (from the ansible wheel, scripts/setup.sh) and
# AWX's HashiCorp Vault Secret Lookup plugin. The expected values stay in a file of this run (mode 0600).
umask 077
"$PYTHON" "$SETUP_FILES/bao.py" read "$WORK/bao" "$SECRET_PATH" > "$WORK/expected.json"
COMMUNITY="$("$PYTHON" -c 'import json, sys; print(json.load(open(sys.argv[1]))["community_collections"])' "$CONFIG")"
ANSIBLE_COLLECTIONS_PATH="${ANSIBLE_COLLECTIONS_PATH:-}:$COMMUNITY" VAULT_ADDR="$URL" \
    run_playbook lookup.yml "${VARS[@]}" -e "expected_file=$WORK/expected.json"
"$PYTHON" awx_lookup.py "$WORK/bao/server.json" "$WORK/bao/token" "$SECRET_PATH" "$WORK/expected.json"
rm -f "$WORK/expected.json"
leak_check "$WORK" --secret-file="$WORK/bao/token" --secret-file="$WORK/bao/module-token"
# The emulator is shared with the targets after this one: back to its seed, so their credential counts start clean.
"$PYTHON" "$SETUP_FILES/admin.py" --config "$CONFIG" POST /reset
