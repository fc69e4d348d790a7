#!/usr/bin/env bash
# make demo: the main job against the bundled emulator, for three environments (dev, test, prod), after make has
# set up the virtual environments:
#   1. start one emulator per environment  2. demo vault password and vault files  3. configure every environment
#   4. configure again: changed=0  5. summary, health check and leak check  6. the fleet report
#   7. stop the emulators (always)
# With DEMO_STORE=openbao (make demo DEMO_STORE=openbao), prod keeps its credential in a HashiCorp Vault KV v2 secret
# on an OpenBao dev server the demo starts on 127.0.0.1 (and stops by PID), instead of its vault file.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DEMO_STORE="${DEMO_STORE:-vault-file}"
# The environment whose vault file the closing hint shows (prod's credential is in OpenBao with DEMO_STORE=openbao).
VIEW_ENV=prod
[[ "$DEMO_STORE" != openbao ]] || VIEW_ENV=dev
BAO="$ROOT/tests/integration/targets/setup_jama/files/bao.py"
VENV="$ROOT/.venv/newest"
DEMO="$ROOT/.work/demo"
ENVIRONMENTS=(dev test prod)
export PATH="$VENV/bin:$PATH"
export PYTHONPATH="$ROOT/tests/emulator"
export ANSIBLE_COLLECTIONS_PATH
ANSIBLE_COLLECTIONS_PATH="$(dirname "$(dirname "$(dirname "$(python "$ROOT/scripts/sync_collection.py" 2>/dev/null)")")")"
export ANSIBLE_FORCE_COLOR="${ANSIBLE_FORCE_COLOR:-false}" ANSIBLE_NOCOLOR="${ANSIBLE_NOCOLOR:-1}"

stop_emulators() {
    echo "== 7. Stopping the emulators"
    if [[ -f "$DEMO/openbao/server.json" ]]; then python "$BAO" stop "$DEMO/openbao"; fi
    for env in "${ENVIRONMENTS[@]}"; do
        python -m jamaemu.harness stop --workdir "$DEMO/emulators/$env" > /dev/null 2>&1 &
    done
    wait
}
trap stop_emulators EXIT

rm -rf "$DEMO" && mkdir -p "$DEMO/emulators"
echo "== 1. Starting a Jama Connect + JCI emulator per environment (127.0.0.1 only)"
for env in "${ENVIRONMENTS[@]}"; do
    python -m jamaemu.harness start --workdir "$DEMO/emulators/$env" > /dev/null &
done
wait
for env in "${ENVIRONMENTS[@]}"; do
    python - "$DEMO/emulators/$env/emulator.json" "$env" <<'PY'
import json, sys
info = json.load(open(sys.argv[1]))
print('   %-5s Jama %s   JCI %s' % (sys.argv[2], info['jama_url'], info['jci_url']))
PY
done

echo "== 2. Demo inventory, vault password and vault files in $DEMO"
# The example inventory as the repository has it: not the vault files a walkthrough of "Environments" leaves there
# (encrypted with your password, they would fail the demo's runs; and your secrets do not belong in the demo).
python -c 'import shutil, sys; shutil.copytree(sys.argv[1], sys.argv[2], ignore=shutil.ignore_patterns("*.vault.yml"))' \
    "$ROOT/examples/inventory" "$DEMO/inventory"
umask 077
python -c "import secrets; print(secrets.token_urlsafe(24))" > "$DEMO/vault-pass"
python "$ROOT/scripts/demo_inventory.py" "$DEMO" "${ENVIRONMENTS[@]}"
VAULT_IDS=()
for env in "${ENVIRONMENTS[@]}"; do
    ansible-vault encrypt --vault-id "$env@$DEMO/vault-pass" "$DEMO/inventory/group_vars/$env/vault.yml" > /dev/null &
    VAULT_IDS+=(--vault-id "$env@$DEMO/vault-pass")
done
wait
for env in "${ENVIRONMENTS[@]}"; do
    echo "   $env: group_vars/$env/vault.yml encrypted with vault ID $env"
done

if [[ "$DEMO_STORE" == openbao ]]; then
    echo "   DEMO_STORE=openbao: prod keeps its credential in OpenBao instead (secret/jama/prod, KV version 2)"
    OPENBAO_URL="$(python "$BAO" start "$DEMO/openbao")"
    python "$BAO" place "$DEMO/openbao" jama/prod  # a token with only the policy the README documents
    VAULT_TOKEN="$(cat "$DEMO/openbao/token")"
    export VAULT_TOKEN
    mkdir -p "$DEMO/inventory/host_vars"
    cat > "$DEMO/inventory/host_vars/jama-prod.yml" <<EOF
---
# Written by make demo DEMO_STORE=openbao: prod's credential lives in OpenBao (token from VAULT_TOKEN).
oauth_connector_vault_file: "{{ omit }}"
oauth_connector_hashi_vault:
  url: $OPENBAO_URL
  path: jama/prod
EOF
    echo "   OpenBao dev server $OPENBAO_URL (127.0.0.1 only); inventory/host_vars/jama-prod.yml points prod at it"
elif [[ "$DEMO_STORE" != vault-file ]]; then
    echo "ERROR: DEMO_STORE must be vault-file (the default) or openbao, got $DEMO_STORE"
    exit 1
fi

cd "$DEMO"
echo "== 3. ansible-playbook jama.connect.configure (dev, test and prod in parallel)"
ansible-playbook -i inventory/hosts.yml jama.connect.configure "${VAULT_IDS[@]}" | tee "$DEMO/first-run.log"
echo "== 4. The same run again: nothing to change"
ansible-playbook -i inventory/hosts.yml jama.connect.configure "${VAULT_IDS[@]}" > "$DEMO/second-run.log"
sed -n '/PLAY RECAP/,$p' "$DEMO/second-run.log"
if grep -E "changed=[1-9]" "$DEMO/second-run.log" > /dev/null; then
    echo "ERROR: the second run changed something; see $DEMO/second-run.log"
    exit 1
fi
echo "== 5. Summary"
python "$ROOT/scripts/demo_summary.py" "$DEMO" "${ENVIRONMENTS[@]}"
echo "   Read-only health check (ansible-playbook jama.connect.check), one line per environment:"
ansible-playbook -i inventory/hosts.yml jama.connect.check "${VAULT_IDS[@]}" > "$DEMO/check.log" \
    || { tail -n 40 "$DEMO/check.log"; exit 1; }
for env in "${ENVIRONMENTS[@]}"; do grep "^$env: " "$DEMO/check.log" | sed 's/^/   /'; done
echo "   61 days later by test's Jama clock (the emulator's clock moves on), its credential is due (max_age 90d):"
python - "$DEMO/emulators/test/emulator.json" <<'PY'
import json, sys, urllib.request
admin = json.load(open(sys.argv[1]))['admin_url']
request = urllib.request.Request(admin + '/clock', data=json.dumps({'seconds': 61 * 86400}).encode(), method='POST',
                                 headers={'Content-Type': 'application/json'})
urllib.request.urlopen(request, timeout=10).close()
PY
ansible-playbook -i inventory/hosts.yml jama.connect.check "${VAULT_IDS[@]}" --limit test > "$DEMO/check-due.log" \
    || { tail -n 40 "$DEMO/check-due.log"; exit 1; }
grep "^test: " "$DEMO/check-due.log" | sed 's/^/     check:     /'
ansible-playbook -i inventory/hosts.yml jama.connect.configure "${VAULT_IDS[@]}" --limit test > "$DEMO/due-run.log" \
    || { tail -n 40 "$DEMO/due-run.log"; exit 1; }
grep "^test: " "$DEMO/due-run.log" | sed 's/^/     configure: /'
if [[ "$DEMO_STORE" == openbao ]]; then
    python "$BAO" read "$DEMO/openbao" jama/prod | python -c '
import json, sys
found = json.load(sys.stdin)
print("   prod in OpenBao: secret/jama/prod version %d holds %s (values not shown)" % (
    found["version"], ", ".join(sorted(found["data"]))))'
fi
echo "== 6. The fleet report (ansible-playbook jama.connect.report: read only, all three environments)"
echo "   Meanwhile someone made an API credential by hand in prod's Jama (as the service user), which the report names:"
python - "$DEMO/emulators/prod/emulator.json" <<'PY'
import json, sys
import requests
from jamaemu.accounts import SERVICE
info = json.load(open(sys.argv[1]))
made = requests.post(info['jama_url'] + '/rest/v1/users/current/apicredentials', auth=SERVICE, verify=info['ca_file'],
                     json={'name': 'made-by-hand', 'description': 'a script of the integration team'}, timeout=10)
made.raise_for_status()
print('     made-by-hand (%s)' % made.json()['data']['clientId'])
PY
ansible-playbook -i inventory/hosts.yml jama.connect.report "${VAULT_IDS[@]}" -e "jama_connect_report_dir=$DEMO/report" \
    > "$DEMO/report.log" || { tail -n 40 "$DEMO/report.log"; exit 1; }
for env in "${ENVIRONMENTS[@]}"; do grep "^$env: " "$DEMO/report.log" | sed 's/^/   /'; done
grep "^The fleet report of" "$DEMO/report.log" | sed 's/^/   /'
echo "   (the page needs no network: for example xdg-open file://$DEMO/report/report.html)"
ADMIN_URLS=()
for env in "${ENVIRONMENTS[@]}"; do
    ADMIN_URLS+=(--admin-url "$(python -c 'import json, sys; print(json.load(open(sys.argv[1]))["admin_url"])' \
        "$DEMO/emulators/$env/emulator.json")")
done
echo "   Every secret the emulators issued, searched for in every file of the demo:"
python "$ROOT/tests/integration/targets/setup_jama/files/leak_check.py" "${ADMIN_URLS[@]}" "$DEMO" | sed 's/^/   /'
echo "   The demo vault password is in $DEMO/vault-pass; each environment's files are encrypted with it. To look at"
echo "   one, in a new shell:"
echo "     . $VENV/bin/activate"
echo "     ansible-vault view --vault-id $VIEW_ENV@$DEMO/vault-pass $DEMO/inventory/group_vars/$VIEW_ENV/jama_credential.vault.yml"
trap - EXIT
stop_emulators
cat <<EOF
== Next steps
   make install     build the collection and install it into ~/.ansible/collections (README: "Install it")
   make emulator    one emulator in the foreground, with its seeded logins, to try your own playbooks against
   README.md        "Install it, and use it in your own project" and "Environments" walk through your
                    own inventory; docs/automation-platform.md does the same for AWX / Automation Platform
EOF
