"""Judge two overlapping rotations of one environment: exactly one job succeeded, the other stopped with the
check-and-set conflict (reason store_conflict, heals on the next run) naming the other job, and no fault is left armed.
The conflict itself shows that the jobs overlapped: a job that ran after the other had finished would have rotated
again and succeeded.

    race.py --config CONFIG --outcomes ok|failed ok|failed --logs LOG LOG
"""
import argparse
import json
import sys
import urllib.request


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--config', required=True)
    parser.add_argument('--outcomes', nargs=2, required=True)
    parser.add_argument('--logs', nargs=2, required=True)
    args = parser.parse_args()
    problems = []
    if sorted(args.outcomes) != ['failed', 'ok']:
        problems.append('expected one job to succeed and one to stop, got %s' % ' and '.join(args.outcomes))
    for outcome, path in zip(args.outcomes, args.logs):
        with open(path, encoding='utf-8', errors='replace') as handle:
            text = handle.read()
        if outcome == 'failed':
            for needed in ('"reason": "store_conflict"', '"heals_on_next_run": true', 'another job wrote the secret',
                           'nothing was overwritten'):
                if needed not in text:
                    problems.append('the job that stopped (%s) does not say %s' % (path, needed))
            if 'Traceback' in text:
                problems.append('the job that stopped (%s) printed a traceback' % path)
    with open(args.config, encoding='utf-8') as handle:
        admin_url = json.load(handle)['emulator_admin_url']
    with urllib.request.urlopen(admin_url + '/faults', timeout=10) as answer:
        left = json.load(answer)['data']
    if left:
        problems.append('faults left armed after both jobs ended: %s' % left)
    if problems:
        print('TWO OVERLAPPING ROTATIONS FAILED:\n  ' + '\n  '.join(problems))
        return 1
    print('ok: two rotations started together: one won, the other stopped on the check-and-set conflict')
    return 0


if __name__ == '__main__':
    sys.exit(main())
