#!/usr/bin/env bash
# Jobs as the automation controller runs them: ansible_runner.run() in a fresh private data directory per job, the
# credential types' injectors rendered as AWX renders them, the vault password answered at the prompt as AWX
# answers it. Then a leak check of every job's events and artifacts.
source ../setup_jama/files/lib.sh

JOBS="$OUTPUT_DIR/jobs"
"$PYTHON" run_jobs.py --config "$CONFIG" --jobs "$JOBS"
leak_check "$JOBS"
