#!/usr/bin/env bash
# The bad-input matrix (cases.py): every row as is and in check mode in one -vvv run, judged by check.py.
source ../setup_jama/files/lib.sh

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

"$PYTHON" cases.py "$MATRIX/matrix.yml" "$MATRIX/expected.json"
"$PYTHON" "$SETUP_FILES/admin.py" --config "$CONFIG" DELETE /requests
LOG="$LOG_DIR/bad_input-matrix.log"
# Failures are the point here; check.py judges them.
ansible-playbook -i "$INVENTORY_PATH" -e "@$CONFIG" -e "matrix_dir=$MATRIX" --vault-id "matrix@$MATRIX/pass" -vvv \
    "$MATRIX/matrix.yml" > "$LOG" 2>&1 || true
"$PYTHON" check.py --config "$CONFIG" --expected "$MATRIX/expected.json" --results "$MATRIX/results.json" --log "$LOG"
leak_check "$MATRIX"
