"""A converged jama.connect.configure from this checkout against the same from another commit, interleaved, on one
emulated environment: does a change to the engine cost anything?

    .venv/newest/bin/python benchmarks/engine_ab.py COMMIT [--reps 16]

Writes benchmarks/results/engine-ab-<ansible-core X.Y>.json. A benchmark, not a test: nothing asserts on the
numbers. The other commit is checked out in a temporary git worktree, removed at the end; every loop is bounded.
"""
import argparse
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import role_vs_uri as bench  # noqa: E402  pylint: disable=wrong-import-position,import-error


def synced(work, label, root):
    out = subprocess.run([sys.executable, os.path.join(root, 'scripts', 'sync_collection.py')],
                         env=dict(os.environ, JAMA_CONNECT_WORK=os.path.join(work, label)),
                         capture_output=True, text=True, check=True).stdout.strip()
    return os.path.dirname(os.path.dirname(os.path.dirname(out)))


def measure(work, collections, reps):
    walls = dict((label, []) for label in collections)
    try:
        inventory = bench.one_converged(work, collections['this'])
        for rep in range(reps):
            # Alternate which goes first, so neither always follows the other.
            for label in (('this', 'other') if rep % 2 else ('other', 'this')):
                os.environ['BENCH_COLLECTIONS'] = collections[label]
                walls[label].append(bench.run(work, inventory, 'jama.connect.configure', 1)['wall'])
    finally:
        bench.stop(work, ['env00'])
    return walls


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('commit')
    parser.add_argument('--reps', type=int, default=16)
    args = parser.parse_args()
    work = bench.workdir('engine-ab-')
    tree = os.path.join(work, 'other-tree')
    subprocess.run(['git', 'worktree', 'add', '--detach', '-q', tree, args.commit], cwd=bench.ROOT, check=True)
    try:
        collections = {'this': synced(work, 'this', bench.ROOT), 'other': synced(work, 'other', tree)}
        walls = measure(work, collections, args.reps)
    finally:
        subprocess.run(['git', 'worktree', 'remove', '--force', tree], cwd=bench.ROOT, check=False)
        shutil.rmtree(work, ignore_errors=True)
    head = subprocess.run(['git', 'rev-parse', '--short', 'HEAD'], cwd=bench.ROOT, capture_output=True, text=True,
                          check=True).stdout.strip()
    bench.save_report('engine-ab', bench.interleaved_report(walls, args.reps, this=head, other=args.commit))


if __name__ == '__main__':
    main()
