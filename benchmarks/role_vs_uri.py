"""jama.connect.configure against a hand-written ansible.builtin.uri playbook doing the same job, measured.

    .venv/newest/bin/python benchmarks/role_vs_uri.py [--reps 5] [--sizes 1,10,50] [--quick]
    .venv/oldest/bin/python benchmarks/role_vs_uri.py ...      # the same on ansible-core 2.18

For 1, 10 and 50 environments (one emulator each, forks = environments) it runs, interleaved and repeated, the
collection's configure playbook and benchmarks/uri_baseline/configure.yml in three states: first (the connector
is missing; the credential is already in the vault file), converged, and check mode. Then with 300 ms of latency
on every call, a first run over 50 environments under Jama's 10 calls/s limit with injected 429s, and 20
environments whose connectors share one Jama (one 10 calls/s budget). It reports wall and CPU time (min, median,
max), calls per environment by kind, 429s and retries, and the ratios the performance issue sets as goals, into
benchmarks/results/role-vs-uri-<ansible-core X.Y>.json and .md. A benchmark, not a test: nothing here asserts on the numbers.
Traffic goes to 127.0.0.1 only; every loop is bounded.
"""
import argparse
import concurrent.futures
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import requests
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, 'tests', 'emulator'))
from jamaemu import harness  # noqa: E402  pylint: disable=wrong-import-position,import-error
from jamaemu.accounts import JAMA_ADMIN, JCI_ADMIN, SERVICE  # noqa: E402  pylint: disable=wrong-import-position,import-error

RESULTS = os.path.join(ROOT, 'benchmarks', 'results')
URI_PLAYBOOK = os.path.join(ROOT, 'benchmarks', 'uri_baseline', 'configure.yml')
PROBE_AGENT = 'JamaConnectInterchange-emulator'
PASSWORD = 'benchmark-vault-password'


def vault_write(path, data):
    from ansible.parsing.vault import VaultLib, VaultSecret  # pylint: disable=import-outside-toplevel
    secret = VaultSecret(PASSWORD.encode())
    with open(path, 'wb') as handle:
        handle.write(VaultLib([('bench', secret)]).encrypt(yaml.safe_dump(data), secret, vault_id='bench'))
    os.chmod(path, 0o600)


class Environment:
    def __init__(self, name, info, work, connector=None):
        self.name = name
        self.info = info
        self.connector = connector or 'Jama Connect (%s)' % name
        self.vault_file = os.path.join(work, 'vault', name + '.vault.yml')

    def admin(self, method, path, body=None):
        response = requests.request(method, self.info['admin_url'] + path, json=body, timeout=30)
        response.raise_for_status()
        return response.json()['data'] if response.content else None

    def jama(self, method, path, **kwargs):
        return requests.request(method, self.info['jama_url'] + path, verify=self.info['ca_file'], timeout=30,
                                **kwargs)

    def jci(self, method, path, **kwargs):
        return requests.request(method, self.info['jci_url'] + path, auth=JCI_ADMIN, verify=self.info['ca_file'],
                                timeout=30, **kwargs)

    def provision(self):
        """The JCI service user's credential, in the vault file as the article's step 1 leaves it."""
        response = self.jama('POST', '/rest/v1/users/current/apicredentials', auth=SERVICE,
                             json={'name': 'bench-%s' % self.name})
        response.raise_for_status()
        cred = response.json()['data']
        vault_write(self.vault_file, {'jama_client_id': cred['clientId'], 'jama_client_secret': cred['clientSecret']})

    def remove_connector(self):
        for conn in self.jci('GET', '/api/v1/connectors', params={'name': self.connector}).json()['data']:
            self.jci('DELETE', '/api/v1/connectors/%d' % conn['id'], params={'force': 'true'}).raise_for_status()

    def host_vars(self):
        return {
            # the collection's role
            'oauth_connector_environment': self.name, 'oauth_connector_name': self.connector,
            'oauth_connector_jama_url': self.info['jama_url'], 'oauth_connector_jama_ca_path': self.info['ca_file'],
            'oauth_connector_vault_file': self.vault_file, 'oauth_connector_vault_id': 'bench',
            'oauth_connector_jci': {'url': self.info['jci_url'], 'username': JCI_ADMIN[0], 'password': JCI_ADMIN[1],
                                    'ca_path': self.info['ca_file']},
            'oauth_connector_jama_admin': {'url': self.info['jama_url'], 'username': JAMA_ADMIN[0],
                                           'password': JAMA_ADMIN[1], 'ca_path': self.info['ca_file']},
            # the uri baseline
            'jama_url': self.info['jama_url'], 'jci_url': self.info['jci_url'], 'ca_file': self.info['ca_file'],
            'jci_username': JCI_ADMIN[0], 'jci_password': JCI_ADMIN[1], 'vault_file': self.vault_file,
            'connector_name': self.connector,
        }


def inventory(work, environments, name):
    path = os.path.join(work, name + '.json')
    hosts = dict((env.name, env.host_vars()) for env in environments)
    with open(path, 'w', encoding='utf-8') as handle:
        json.dump({'jama_api': {'hosts': hosts, 'vars': {'ansible_connection': 'local',
                                                         'ansible_python_interpreter': sys.executable}}}, handle)
    return path


def run(work, inventory_path, playbook, forks, check=False, extra_vars=None):
    env = dict(os.environ, ANSIBLE_FORKS=str(forks), ANSIBLE_NOCOLOR='1', ANSIBLE_HOST_KEY_CHECKING='0',
               ANSIBLE_COLLECTIONS_PATH=os.environ['BENCH_COLLECTIONS'], ANSIBLE_LOCAL_TEMP=os.path.join(work, 'tmp'))
    command = [os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), '-i', inventory_path, playbook,
               '--vault-id', 'bench@' + os.path.join(work, 'pass')]
    if check:
        command.append('--check')
    for key, value in (extra_vars or {}).items():
        command += ['-e', '%s=%s' % (key, value)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    completed = subprocess.run(command, cwd=work, env=env, capture_output=True, text=True, check=False)
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    failed = completed.returncode != 0
    if failed:
        # What failed, for the report: the error lines, never a whole result.
        errors_seen = [line.strip()[:300] for line in completed.stdout.splitlines()
                       if line.startswith(('fatal:', '[ERROR]')) or '"msg":' in line]
        sys.stderr.write('\n'.join(errors_seen[:20]) + '\n')
    return {'wall': wall, 'cpu': cpu, 'ok': not failed}


def calls(environments):
    """The client's calls per environment by kind (JCI's own calls to Jama during its test left out)."""
    kinds = {}
    throttled = 0
    for env in environments:
        for entry in env.admin('GET', '/requests'):
            if entry['agent'].startswith(PROBE_AGENT):
                continue
            key = '%s %s' % (entry['system'], entry['operation'])
            kinds[key] = kinds.get(key, 0) + 1
            throttled += entry['status'] == 429
    count = max(len(environments), 1)
    per_env = dict((key, round(value / float(count), 2)) for key, value in sorted(kinds.items()))
    writes = sum(value for key, value in per_env.items() if key.split()[1].startswith(('create', 'update', 'delete'))
                 and 'OAuthToken' not in key)
    return {'per_environment': per_env, 'writes_per_environment': writes, 'throttled_429': throttled}


def spread(values):
    return {'min': round(min(values), 2), 'median': round(statistics.median(values), 2), 'max': round(max(values), 2)}


def compare(work, environments, reps, label, latency_ms=0):
    """Interleaved pairs: for each repetition, the collection then the uri playbook, each first/converged/check."""
    inventory_path = inventory(work, environments, 'inventory-%s' % label)
    playbook = os.path.join(os.environ['BENCH_COLLECTIONS'], 'ansible_collections', 'jama', 'connect', 'playbooks',
                            'configure.yml')
    tools = (('collection', playbook), ('uri', URI_PLAYBOOK))
    figures = dict((tool, dict((state, {'wall': [], 'cpu': [], 'failures': 0}) for state in
                               ('first', 'converged', 'check'))) for tool, _path in tools)
    counted = {}
    for _rep in range(reps):
        for tool, path in tools:
            with concurrent.futures.ThreadPoolExecutor(8) as pool:
                list(pool.map(lambda env: env.remove_connector(), environments))
            for state in ('first', 'converged', 'check'):
                for env in environments:
                    env.admin('DELETE', '/requests')
                    env.admin('DELETE', '/faults')
                    if latency_ms:
                        env.admin('POST', '/faults', {'kind': 'latency', 'ms': latency_ms})
                outcome = run(work, inventory_path, path, len(environments), check=(state == 'check'))
                figures[tool][state]['wall'].append(outcome['wall'])
                figures[tool][state]['cpu'].append(outcome['cpu'])
                figures[tool][state]['failures'] += not outcome['ok']
                counted['%s %s' % (tool, state)] = calls(environments)
    for env in environments:
        env.admin('DELETE', '/faults')
    summary = {'environments': len(environments), 'repetitions': reps, 'latency_ms': latency_ms, 'calls': counted}
    for tool in figures:
        for state in figures[tool]:
            entry = figures[tool][state]
            summary['%s %s' % (tool, state)] = {
                'wall_s': spread(entry['wall']), 'cpu_s': spread(entry['cpu']), 'failures': entry['failures']}
    pairs = [c / u for c, u in zip(figures['collection']['converged']['wall'], figures['uri']['converged']['wall'])]
    summary['converged_ratio_collection_to_uri'] = spread(pairs)
    return summary


def start(work, names, options=()):
    def one(name):
        return harness.start(os.path.join(work, 'emulators', name), list(options) + ['--parent-pid', str(os.getpid())])

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        return list(pool.map(one, names))


def one_converged(work, collection):
    """The A/B benchmarks' setup: one emulated environment (env00), provisioned and configured once with the
    collection copy ``collection``, so every later configure is converged. Returns its inventory path; the caller
    stops it with stop(work, ['env00'])."""
    infos = start(work, ['env00'], ['--rate-limit', '0'])
    env = Environment('env00', infos[0], work)
    env.provision()
    path = inventory(work, [env], 'inventory')
    os.environ['BENCH_COLLECTIONS'] = collection
    run(work, path, 'jama.connect.configure', 1)  # the first run; the rest are converged
    return path


def stop(work, names):
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda name: harness.stop(os.path.join(work, 'emulators', name)), names))


def scale_runs(work, size, throttled):
    """First run over ``size`` environments with Jama's rate limit on (and 429s injected if ``throttled``)."""
    names = ['scale%02d' % index for index in range(size)]
    infos = start(work, names, ['--rate-limit', '0'])
    try:
        environments = [Environment(name, info, work) for name, info in zip(names, infos)]
        for env in environments:
            env.provision()  # step 1 of the article, before the measured run and its rate limit
            env.admin('PUT', '/ratelimit', {'perSecond': 10})
            env.admin('DELETE', '/requests')
            if throttled:
                env.admin('POST', '/faults', {'kind': 'status', 'system': 'jama', 'operation': 'getCurrentUser',
                                              'status': 429, 'count': 1})
        inventory_path = inventory(work, environments, 'scale')
        playbook = os.path.join(os.environ['BENCH_COLLECTIONS'], 'ansible_collections', 'jama', 'connect',
                                'playbooks', 'configure.yml')
        outcome = run(work, inventory_path, playbook, size)
        counted = calls(environments)
        return {'environments': size, 'wall_s': round(outcome['wall'], 2), 'cpu_s': round(outcome['cpu'], 2),
                'failed': not outcome['ok'], 'calls': counted}
    finally:
        stop(work, names)


def shared_jama(work, size):
    """``size`` environments whose connectors share one Jama (and one JCI): one 10 calls/s budget."""
    infos = start(work, ['shared'], ['--rate-limit', '0'])
    try:
        environments = [Environment('shared%02d' % index, infos[0], work, connector='Jama Connect (shared %02d)' % index)
                        for index in range(size)]
        for env in environments:
            env.provision()  # step 1 of the article, before the measured run and its rate limit
        environments[0].admin('PUT', '/ratelimit', {'perSecond': 10})
        environments[0].admin('DELETE', '/requests')
        inventory_path = inventory(work, environments, 'shared')
        playbook = os.path.join(os.environ['BENCH_COLLECTIONS'], 'ansible_collections', 'jama', 'connect',
                                'playbooks', 'configure.yml')
        outcome = run(work, inventory_path, playbook, size)
        counted = calls(environments[:1])
        return {'environments': size, 'wall_s': round(outcome['wall'], 2), 'failed': not outcome['ok'],
                'throttled_429': counted['throttled_429']}
    finally:
        stop(work, ['shared'])


def workdir(prefix):
    """A fresh working directory with the vault and temp directories and the vault password file a run needs."""
    work = tempfile.mkdtemp(prefix=prefix)
    os.makedirs(os.path.join(work, 'vault'))
    os.makedirs(os.path.join(work, 'tmp'))
    with open(os.path.join(work, 'pass'), 'w', encoding='utf-8') as handle:
        handle.write(PASSWORD + '\n')
    return work


def interleaved_report(walls, reps, **extra):
    """The figures of an interleaved comparison (headline_cost.py, engine_ab.py): medians and minimums per label."""
    import ansible  # pylint: disable=import-outside-toplevel
    report = {'ansible_core': ansible.__version__, 'date': time.strftime('%Y-%m-%d'), 'repetitions': reps}
    report.update(extra)
    report['median_wall_s'] = dict((key, round(statistics.median(values), 3)) for key, values in walls.items())
    report['min_wall_s'] = dict((key, round(min(values), 3)) for key, values in walls.items())
    return report


def save_report(name, report):
    """benchmarks/results/<name>-<ansible-core X.Y>.json, and the same on standard output."""
    path = os.path.join(RESULTS, '%s-%s.json' % (name, '.'.join(report['ansible_core'].split('.')[:2])))
    with open(path, 'w', encoding='utf-8') as handle:
        json.dump(report, handle, indent=1)
    print(json.dumps(report))


def markdown(report):
    lines = ['# jama.connect.configure against a hand-written uri playbook', '',
             'Machine: %s, %d cores; ansible-core %s; measured %s.'
             % (report['machine'], report['cores'], report['ansible_core'], report['date']), '',
             '| environments | latency | state | collection wall s (median) | uri wall s (median) | collection CPU s | '
             'uri CPU s | collection calls/env | uri calls/env |', '| --- | --- | --- | --- | --- | --- | --- | --- | --- |']
    for run_ in report['comparisons']:
        for state in ('first', 'converged', 'check'):
            coll, uri = run_['collection %s' % state], run_['uri %s' % state]
            lines.append('| %d | %d ms | %s | %.2f | %.2f | %.2f | %.2f | %s | %s |' % (
                run_['environments'], run_['latency_ms'], state, coll['wall_s']['median'], uri['wall_s']['median'],
                coll['cpu_s']['median'], uri['cpu_s']['median'],
                sum(run_['calls']['collection %s' % state]['per_environment'].values()),
                sum(run_['calls']['uri %s' % state]['per_environment'].values())))
    lines += ['', '| goal | measured |', '| --- | --- |']
    for key, value in report['goals'].items():
        lines.append('| %s | %s |' % (key, value))
    return '\n'.join(lines) + '\n'


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--reps', type=int, default=5, help='interleaved pairs for one environment')
    parser.add_argument('--sizes', default='1,10,50')
    parser.add_argument('--quick', action='store_true', help='one repetition, sizes 1 and 10, no scale runs')
    args = parser.parse_args()
    sizes = [int(size) for size in ('1,10' if args.quick else args.sizes).split(',')]
    work = tempfile.mkdtemp(prefix='bench-')
    os.makedirs(os.path.join(work, 'vault'))
    os.makedirs(os.path.join(work, 'tmp'))
    with open(os.path.join(work, 'pass'), 'w', encoding='utf-8') as handle:
        handle.write(PASSWORD + '\n')
    synced = subprocess.run([sys.executable, os.path.join(ROOT, 'scripts', 'sync_collection.py')],
                            env=dict(os.environ, JAMA_CONNECT_WORK=os.path.join(work, 'collection')),
                            capture_output=True, text=True, check=True).stdout.strip()
    os.environ['BENCH_COLLECTIONS'] = os.path.dirname(os.path.dirname(os.path.dirname(synced)))
    import ansible  # pylint: disable=import-outside-toplevel
    report = {'machine': platform.machine(), 'cores': os.cpu_count(), 'ansible_core': ansible.__version__,
              'python': platform.python_version(), 'date': time.strftime('%Y-%m-%d'), 'comparisons': []}
    names = ['env%02d' % index for index in range(max(sizes))]
    infos = start(work, names, ['--rate-limit', '0'])
    try:
        everyone = [Environment(name, info, work) for name, info in zip(names, infos)]
        for env in everyone:
            env.provision()
        for size in sizes:
            reps = 1 if args.quick else (args.reps if size == 1 else 2)
            report['comparisons'].append(compare(work, everyone[:size], reps, 'n%d' % size))
            print(json.dumps(report['comparisons'][-1]['converged_ratio_collection_to_uri']), size, flush=True)
        for size in [size for size in sizes if size <= 10]:
            report['comparisons'].append(compare(work, everyone[:size], 1 if args.quick else 2, 'lat%d' % size,
                                                 latency_ms=300))
    finally:
        stop(work, names)
    if not args.quick:
        report['scale_first_run_50_throttled'] = scale_runs(work, 50, throttled=True)
        report['shared_jama_20'] = shared_jama(work, 20)
    by_size = dict((run_['environments'], run_) for run_ in report['comparisons'] if not run_['latency_ms'])
    one = by_size.get(1)
    goals = {}
    if one:
        goals['1. converged, collection / uri (median of %d pairs; goal <= 0.5)' % one['repetitions']] = \
            one['converged_ratio_collection_to_uri']['median']
        goals['2. converged calls per environment (goal: at most 4: the connector, the test, and with a Jama '
              'administrator the user and its credentials)'] = \
            one['calls']['collection converged']['per_environment']
        goals['2. converged writes per environment (goal 0)'] = one['calls']['collection converged']['writes_per_environment']
    if one and 50 in by_size:
        goals['3. converged 50 environments / 1 (goal <= 10)'] = round(
            by_size[50]['collection converged']['wall_s']['median'] / one['collection converged']['wall_s']['median'], 2)
    if 'scale_first_run_50_throttled' in report:
        goals['3. first run, 50 environments, rate limit and injected 429s: failed'] = \
            report['scale_first_run_50_throttled']['failed']
        goals['3. 20 environments sharing one Jama: failed'] = report['shared_jama_20']['failed']
    report['goals'] = goals
    os.makedirs(RESULTS, exist_ok=True)
    suffix = '-%s%s' % ('.'.join(ansible.__version__.split('.')[:2]), '-quick' if args.quick else '')
    with open(os.path.join(RESULTS, 'role-vs-uri%s.json' % suffix), 'w', encoding='utf-8') as handle:
        json.dump(report, handle, indent=1)
    with open(os.path.join(RESULTS, 'role-vs-uri%s.md' % suffix), 'w', encoding='utf-8') as handle:
        handle.write(markdown(report))
    print(markdown(report))
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
