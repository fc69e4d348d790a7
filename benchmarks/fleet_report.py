"""jama.connect.report against a hand-written ansible.builtin.uri playbook that gathers the same facts, measured.

    .venv/newest/bin/python benchmarks/fleet_report.py [--reps 5] [--sizes 1,10,50]

For 1, 10 and 50 converged environments (one emulator each, forks = environments, Jama's 10 calls/s limit off:
each environment is its own Jama) it runs, interleaved and repeated, the collection's report playbook and
benchmarks/uri_baseline/report.yml, and reports wall and CPU time (min, median, max), calls per environment by
kind and how many were writes, and the goals' ratios (report/uri over 1 and over 50 environments; report over 50
environments / over 1) into benchmarks/results/fleet-report-<ansible-core X.Y>.json and .md. A benchmark, not a
test: nothing here asserts on the numbers. Traffic goes to 127.0.0.1 only; every loop is bounded.
"""
import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from role_vs_uri import (  # noqa: E402  pylint: disable=wrong-import-position,import-error
    JAMA_ADMIN, RESULTS, ROOT, Environment, calls, inventory, run, spread, start, stop, workdir)

URI_PLAYBOOK = os.path.join(ROOT, 'benchmarks', 'uri_baseline', 'report.yml')


class Reported(Environment):
    def host_vars(self):
        found = super(Reported, self).host_vars()
        found.update(jama_admin_username=JAMA_ADMIN[0], jama_admin_password=JAMA_ADMIN[1])
        return found


def measure(work, size, reps):
    names = ['rep%02d' % index for index in range(size)]
    infos = start(work, names, ['--rate-limit', '0'])
    try:
        environments = [Reported(name, info, work) for name, info in zip(names, infos)]
        for env in environments:
            env.provision()
        path = inventory(work, environments, 'inventory-%d' % size)
        setup = run(work, path, 'jama.connect.configure', size)  # converged from here on
        playbook = os.path.join(os.environ['BENCH_COLLECTIONS'], 'ansible_collections', 'jama', 'connect', 'playbooks',
                                'report.yml')
        figures = dict((tool, {'wall': [], 'cpu': [], 'failures': 0}) for tool in ('report', 'uri'))
        counted = {}
        for _rep in range(reps):
            for tool, book, extra in (('report', playbook, 'jama_connect_report_dir'), ('uri', URI_PLAYBOOK, 'report_dir')):
                dest = os.path.join(work, 'out-%s-%d' % (tool, size))
                shutil.rmtree(dest, ignore_errors=True)
                os.makedirs(dest)
                for env in environments:
                    env.admin('DELETE', '/requests')
                outcome = run(work, path, book, size, extra_vars={extra: dest})
                figures[tool]['wall'].append(outcome['wall'])
                figures[tool]['cpu'].append(outcome['cpu'])
                figures[tool]['failures'] += not outcome['ok']
                counted[tool] = calls(environments)
        summary = {'environments': size, 'repetitions': reps, 'setup_ok': setup['ok'], 'calls': counted}
        for tool, entry in figures.items():
            summary[tool] = {'wall_s': spread(entry['wall']), 'cpu_s': spread(entry['cpu']),
                             'failures': entry['failures']}
        pairs = [ours / theirs for ours, theirs in zip(figures['report']['wall'], figures['uri']['wall'])]
        summary['ratio_report_to_uri'] = spread(pairs)
        return summary
    finally:
        stop(work, names)


def markdown(report):
    lines = ['# jama.connect.report against a hand-written uri playbook', '',
             'Machine: %s, %d cores; ansible-core %s; measured %s; %d repetitions, interleaved.'
             % (report['machine'], report['cores'], report['ansible_core'], report['date'], report['repetitions']), '',
             '| environments | report wall s (median) | uri wall s (median) | ratio (median, min-max) | report calls/env '
             '| writes/env |', '| --- | --- | --- | --- | --- | --- |']
    for entry in report['sizes']:
        ratio = entry['ratio_report_to_uri']
        lines.append('| %d | %.2f | %.2f | %.2f (%.2f-%.2f) | %s | %s |' % (
            entry['environments'], entry['report']['wall_s']['median'], entry['uri']['wall_s']['median'],
            ratio['median'], ratio['min'], ratio['max'],
            sum(entry['calls']['report']['per_environment'].values()), entry['calls']['report']['writes_per_environment']))
    lines += ['', 'Goals: %s' % json.dumps(report['goals'])]
    return '\n'.join(lines) + '\n'


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--reps', type=int, default=5)
    parser.add_argument('--sizes', default='1,10,50')
    args = parser.parse_args()
    import ansible  # pylint: disable=import-outside-toplevel
    collection = subprocess.run([sys.executable, os.path.join(ROOT, 'scripts', 'sync_collection.py')], check=True,
                                capture_output=True, text=True).stdout.strip()
    os.environ['BENCH_COLLECTIONS'] = os.path.dirname(os.path.dirname(os.path.dirname(collection)))
    work = workdir('fleet-report-bench-')
    try:
        sizes = [measure(work, int(size), args.reps) for size in args.sizes.split(',')]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    by_size = dict((entry['environments'], entry) for entry in sizes)
    goals = {}
    if 1 in by_size:
        goals['report_to_uri_1_env (at most 0.3)'] = by_size[1]['ratio_report_to_uri']['median']
    if 50 in by_size:
        goals['report_to_uri_50_env (at most 0.1)'] = by_size[50]['ratio_report_to_uri']['median']
    if 1 in by_size and 50 in by_size:
        goals['report_50_to_1 (at most 10)'] = round(by_size[50]['report']['wall_s']['median']
                                                     / by_size[1]['report']['wall_s']['median'], 2)
    report = {'ansible_core': ansible.__version__, 'python': platform.python_version(), 'machine': platform.machine(),
              'cores': os.cpu_count(), 'date': time.strftime('%Y-%m-%d'), 'repetitions': args.reps, 'sizes': sizes,
              'goals': goals, 'median_of': statistics.median.__name__}
    name = os.path.join(RESULTS, 'fleet-report-%s' % '.'.join(ansible.__version__.split('.')[:2]))
    with open(name + '.json', 'w', encoding='utf-8') as handle:
        json.dump(report, handle, indent=1)
    with open(name + '.md', 'w', encoding='utf-8') as handle:
        handle.write(markdown(report))
    print(markdown(report))


if __name__ == '__main__':
    main()
