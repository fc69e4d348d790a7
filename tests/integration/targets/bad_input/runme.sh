#!/usr/bin/env bash
# The bad-input matrix (cases.py): every row as is and in check mode in one -vvv run, judged by check.py. Its Vault
# rows use a real OpenBao dev server started here and stopped by PID on exit; the server's audit log must show no write.
source ../setup_jama/files/lib.sh

BAO="$OUTPUT_DIR/matrix-bao"
rm -rf "$BAO"
trap '"$PYTHON" "$SETUP_FILES/bao.py" stop "$BAO"' EXIT
BAO_URL="$("$PYTHON" "$SETUP_FILES/bao.py" start "$BAO")"
"$PYTHON" "$SETUP_FILES/bao.py" matrix "$BAO"
VAULT_TOKEN="$(cat "$BAO/token")" MATRIX_NOMETA_TOKEN="$(cat "$BAO/nometa-token")"
export VAULT_TOKEN MATRIX_NOMETA_TOKEN
AUDITED="$(wc -l < "$BAO/audit.log")"  # the setup's own writes; the matrix's start after them

MATRIX="$OUTPUT_DIR/matrix"
rm -rf "$MATRIX" && mkdir -p "$MATRIX"
echo "matrix-pass" > "$MATRIX/pass"
echo "another-pass" > "$MATRIX/other"
# Vault files that cannot be used, each in its own way.
printf 'x: 1\n' > "$MATRIX/other-pass.vault.yml"
ansible-vault encrypt --vault-id "matrix@$MATRIX/other" "$MATRIX/other-pass.vault.yml" > /dev/null
printf 'x: 1\n' > "$MATRIX/other-id.vault.yml"
ansible-vault encrypt --vault-id "elsewhere@$MATRIX/other" "$MATRIX/other-id.vault.yml" > /dev/null
printf '$ANSIBLE_VAULT;1.1;AES256\nnot-hex-at-all\n' > "$MATRIX/corrupt.vault.yml"
printf -- '- a\n- b\n' > "$MATRIX/list.vault.yml"
ansible-vault encrypt --vault-id "matrix@$MATRIX/pass" "$MATRIX/list.vault.yml" > /dev/null
printf 'unrelated: 1\n' > "$MATRIX/nokeys.vault.yml"
ansible-vault encrypt --vault-id "matrix@$MATRIX/pass" "$MATRIX/nokeys.vault.yml" > /dev/null

# This core's share of the check-mode runs (scripts/test.sh shares them between the cores; alone, all of them).
SHARE="$("$PYTHON" -c 'import json, sys; print(json.load(open(sys.argv[1])).get("check_mode_share", "0/1"))' "$CONFIG")"
"$PYTHON" cases.py "$MATRIX" "$MATRIX/expected.json" "$SHARE"
"$PYTHON" "$SETUP_FILES/admin.py" --config "$CONFIG" DELETE /requests
# The parts of the matrix (cases.py PARTS) run at once, each its own -vvv log. Failures are the point here; check.py
# judges them.
PARTS=()
for playbook in "$MATRIX"/matrix-*.yml; do
    part="$(basename "$playbook" .yml)"
    ansible-playbook -i "$INVENTORY_PATH" -e "@$CONFIG" -e "matrix_dir=$MATRIX" -e "bao_url=$BAO_URL" --vault-id "matrix@$MATRIX/pass" -vvv \
        "$playbook" > "$LOG_DIR/bad_input-$part.log" 2>&1 &
    PARTS+=(--results "$MATRIX/results-${part#matrix-}.json" --log "$LOG_DIR/bad_input-$part.log")
done
wait  # each part's outcome is what check.py reads; a part that did not finish leaves no results file
"$PYTHON" check.py --config "$CONFIG" --expected "$MATRIX/expected.json" "${PARTS[@]}" \
    --vault-audit "$BAO/audit.log" --vault-audit-from "$AUDITED"
leak_check "$MATRIX" "$BAO/audit.log" --secret-file="$BAO/token" --secret-file="$BAO/nometa-token"
