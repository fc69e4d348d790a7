#!/usr/bin/env bash
# Environments run at the same time: every entry point on one environment and on three, each environment its own
# emulator with 400 ms latency per call; the three environments' request logs must overlap and take at most 1.5x
# the time of one. Then a leak check.
source ../setup_jama/files/lib.sh
"$PYTHON" parallel_entry_points.py --config "$CONFIG" --work "$OUTPUT_DIR/parallel" --leak-check "$SETUP_FILES/leak_check.py"
