"""What the default-verbosity line costs a converged run: jama.connect.configure on one environment with the line
and without it (a copy of the collection whose action does not display it), and the uri baseline, interleaved.

    .venv/newest/bin/python benchmarks/headline_cost.py [--reps 12]

Writes benchmarks/results/headline-cost-<ansible-core X.Y>.json. A benchmark, not a test: nothing asserts on the
numbers. One emulator on 127.0.0.1; every loop is bounded.
"""
import argparse
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import role_vs_uri as bench  # noqa: E402  pylint: disable=wrong-import-position,import-error

DISPLAY = "            display.display(report['headline'])\n"


def copies(work):
    """Two synced copies of the collection: as it is, and with the line not displayed."""
    found = {}
    for label in ('with', 'without'):
        synced = subprocess.run([sys.executable, os.path.join(bench.ROOT, 'scripts', 'sync_collection.py')],
                                env=dict(os.environ, JAMA_CONNECT_WORK=os.path.join(work, label)),
                                capture_output=True, text=True, check=True).stdout.strip()
        if label == 'without':
            path = os.path.join(synced, 'plugins', 'action', 'oauth_connector_reconcile.py')
            with open(path, encoding='utf-8') as handle:
                source = handle.read()
            if DISPLAY not in source:
                raise SystemExit('the action no longer displays the headline as this benchmark expects')
            with open(path, 'w', encoding='utf-8') as handle:
                handle.write(source.replace(DISPLAY, ''))
        found[label] = os.path.dirname(os.path.dirname(os.path.dirname(synced)))
    return found


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--reps', type=int, default=12)
    args = parser.parse_args()
    work = bench.workdir('headline-')
    collections = copies(work)
    walls = {'with': [], 'without': [], 'uri': []}
    try:
        inventory = bench.one_converged(work, collections['with'])
        for _rep in range(args.reps):
            for label in ('with', 'without'):
                os.environ['BENCH_COLLECTIONS'] = collections[label]
                walls[label].append(bench.run(work, inventory, 'jama.connect.configure', 1)['wall'])
            walls['uri'].append(bench.run(work, inventory, bench.URI_PLAYBOOK, 1)['wall'])
    finally:
        bench.stop(work, ['env00'])
    report = bench.interleaved_report(walls, args.reps)
    report['converged_ratio_with_line'] = round(report['median_wall_s']['with'] / report['median_wall_s']['uri'], 3)
    report['converged_ratio_without_line'] = round(report['median_wall_s']['without'] / report['median_wall_s']['uri'], 3)
    bench.save_report('headline-cost', report)


if __name__ == '__main__':
    main()
