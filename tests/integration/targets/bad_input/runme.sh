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

"$PYTHON" cases.py "$MATRIX" "$MATRIX/expected.json"
"$PYTHON" "$SETUP_FILES/admin.py" --config "$CONFIG" DELETE /requests
# The parts of the matrix (cases.py PARTS) run at once, each its own -vvv log. Failures are the point here; check.py
# judges them.
PARTS=()
for playbook in "$MATRIX"/matrix-*.yml; do
    part="$(basename "$playbook" .yml)"
    ansible-playbook -i "$INVENTORY_PATH" -e "@$CONFIG" -e "matrix_dir=$MATRIX" --vault-id "matrix@$MATRIX/pass" -vvv \
        "$playbook" > "$LOG_DIR/bad_input-$part.log" 2>&1 &
    PARTS+=(--results "$MATRIX/results-${part#matrix-}.json" --log "$LOG_DIR/bad_input-$part.log")
done
wait  # each part's outcome is what check.py reads; a part that did not finish leaves no results file
"$PYTHON" check.py --config "$CONFIG" --expected "$MATRIX/expected.json" "${PARTS[@]}"
leak_check "$MATRIX"
