#!/usr/bin/env bash
# jama.connect.report as users run it: nine environments configured, then reported read only (the emulator's request
# log holds only GETs), in check mode and not, whole and in three slices (the same report), an empty slice (a no-op),
# an environment it cannot observe (a row that says why, then the host fails) and one whose task fails before it
# observes (a row that says so); then a leak check of every file.
source ../setup_jama/files/lib.sh

WORK="$OUTPUT_DIR/report"
rm -rf "$WORK" && mkdir -p "$WORK/vault"
echo "report-integration-pass" > "$WORK/pass"
VAULT=(--vault-id "report@$WORK/pass")
INVENTORY_PATH="$PWD/fleet.yml"
export ANSIBLE_FORKS=10

# Setting up nine environments at once is not what this target tests: Jama's limit (10 calls a second, retried
# after its Retry-After) is off meanwhile, and back on for the report.
"$PYTHON" "$SETUP_FILES/admin.py" --config "$CONFIG" PUT /ratelimit '{"perSecond": 0}'
run_playbook jama.connect.configure "${VAULT[@]}" -e "work=$WORK"
"$PYTHON" "$SETUP_FILES/admin.py" --config "$CONFIG" PUT /ratelimit '{"perSecond": 10}'
"$PYTHON" "$SETUP_FILES/admin.py" --config "$CONFIG" DELETE /requests
run_playbook jama.connect.report --check "${VAULT[@]}" -e "work=$WORK" -e "jama_connect_report_dir=$WORK/whole"
"$PYTHON" compare.py gets "$CONFIG"
grep -q "open file://$WORK/whole/report.html in a browser" "$LAST_LOG" || { echo "no path to the page"; exit 1; }
"$PYTHON" "$SETUP_FILES/admin.py" --config "$CONFIG" DELETE /requests
for slice in "r1,r4,r7" "r2,r5,r8" "r3,r6,r9"; do
    run_playbook jama.connect.report --limit "$slice" "${VAULT[@]}" -e "work=$WORK" -e "jama_connect_report_dir=$WORK/sliced"
done
"$PYTHON" compare.py gets "$CONFIG"
"$PYTHON" compare.py same "$WORK/whole" "$WORK/sliced"

INVENTORY_PATH="$PWD/empty.yml"
run_playbook jama.connect.report "${VAULT[@]}" -e "work=$WORK" -e "jama_connect_report_dir=$WORK/empty"
[[ ! -e "$WORK/empty" ]] || { echo "an empty slice wrote $WORK/empty"; exit 1; }
echo "ok: an empty slice writes nothing"

INVENTORY_PATH="$PWD/broken.yml"
# Expected to fail: run directly (run_playbook reports a failure as one).
BROKEN_LOG="$LOG_DIR/fleet_report-broken.log"
if ansible-playbook -i "$INVENTORY_PATH" -e "@$CONFIG" -vvvv "${VAULT[@]}" -e "work=$WORK" \
        -e "jama_connect_report_dir=$WORK/broken" jama.connect.report > "$BROKEN_LOG" 2>&1; then
    echo "the report passed for an environment it could not observe"; exit 1
fi
grep -q "not observed (.*, a person must act)" "$BROKEN_LOG" || { echo "the failed host does not say why"; exit 1; }
"$PYTHON" compare.py broken "$WORK/broken"
leak_check "$WORK"
# Nine environments' credentials of the one service user: the emulator, shared with the targets after this one, goes
# back to its seed so they do not start near Jama's limit of 20.
"$PYTHON" "$SETUP_FILES/admin.py" --config "$CONFIG" POST /reset
