"""Every entry point of the role, on one environment and then on three, each environment with its own emulator
and 400 ms of latency on every call. Passes when, for each entry point, the three environments' request logs
overlap in time (they really ran at the same time) and the three took at most 1.5 times as long as one.

Also checks the playbooks' --list-tasks shows the tasks that really run (no include scaffolding)."""
import argparse
import json
import os
import subprocess
import sys
import time

import requests

ENTRY_POINTS = (  # (label, playbook, extra arguments)
    ('configure, first run', 'jama.connect.configure', []),
    ('configure, converged', 'jama.connect.configure', []),
    ('check', 'jama.connect.check', []),
    ('migrate', 'jama.connect.migrate', []),
    ('rotate', 'jama.connect.rotate', []),
)
# Long enough that environments run one after another would not overlap in the request logs and would take well
# over 1.5 times one for the entry points with more than a few calls; any longer only waits (it was 1 s).
LATENCY_MS = int(os.environ.get('PARALLEL_LATENCY_MS', '400'))
MAX_RATIO = 1.5


def start_emulators(harness, work, names):
    infos = {}
    for name in names:
        infos[name] = harness.start(os.path.join(work, 'emulators', name), ['--parent-pid', str(os.getpid())])
    return infos


def inventory(work, infos, config):
    hosts = {}
    for name, info in infos.items():
        hosts[name] = {
            'oauth_connector_environment': name,
            'oauth_connector_jama_url': info['jama_url'],
            'oauth_connector_jama_ca_path': info['ca_file'],
            'oauth_connector_vault_file': os.path.join(work, 'vault', name + '.vault.yml'),
            'oauth_connector_vault_id': 'parallel',
            'oauth_connector_create_credential': True,
            'oauth_connector_basic_password': config['jama_service_password'],
            'oauth_connector_jama_admin': dict(config['jama_admin_connection'], url=info['jama_url'],
                                               ca_path=info['ca_file']),
            'oauth_connector_jci': dict(config['jci_connection'], url=info['jci_url'], ca_path=info['ca_file']),
        }
    host_vars = {'ansible_connection': 'local', 'ansible_python_interpreter': sys.executable}
    data = {'jama_api': {'hosts': hosts, 'vars': host_vars}}
    # The inventory holds the seeded admin passwords: it is the test's input, kept out of the leak-checked tree.
    path = os.path.join(os.path.dirname(work), 'inputs', 'inventory.json')
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w', encoding='utf-8') as handle:
        json.dump(data, handle)
    os.chmod(path, 0o600)
    return path


def admin(info, method, path, body=None):
    response = requests.request(method, info['admin_url'] + path, json=body, timeout=10)
    response.raise_for_status()
    return response.json()['data'] if response.content else None


def add_basic_connector(info, config):
    """A connector still on Basic, so migrate has work to do."""
    response = requests.post(info['jci_url'] + '/api/v1/connectors', verify=info['ca_file'], timeout=10,
                             auth=(config['jci_connection']['username'], config['jci_connection']['password']),
                             json={'name': 'Legacy', 'application': 'jama_connect', 'url': info['jama_url'],
                                   'verifySsl': True, 'authenticationType': 'basic', 'username': 'jci_service',
                                   'password': config['jama_service_password']})
    response.raise_for_status()


def run_playbook(work, inventory_path, playbook, limit, log_name, extra):
    env = dict(os.environ, ANSIBLE_FORKS='10')
    command = ['ansible-playbook', '-i', inventory_path, playbook, '--limit', limit,
               '--vault-id', 'parallel@' + os.path.join(work, 'vault-pass')] + extra
    started = time.monotonic()
    with open(os.path.join(work, log_name), 'w', encoding='utf-8') as log:
        status = subprocess.call(command, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=work)
    elapsed = time.monotonic() - started
    if status != 0:
        with open(os.path.join(work, log_name), encoding='utf-8') as log:
            print(log.read()[-4000:])
        raise SystemExit('%s failed for %s (exit %d)' % (playbook, limit, status))
    return elapsed


# The verdict each entry point's headline starts with (shown at default verbosity, one line per environment).
VERDICTS = {
    'configure, first run': 'changed (', 'configure, converged': 'converged, no change', 'check': 'healthy, ',
    'migrate': 'moved to OAuth: Legacy', 'rotate': 'rotated (',
}


def check_headlines(work, log_name, names, label):
    """At default verbosity each environment gets exactly one line: its name, the verdict, what it rests on."""
    with open(os.path.join(work, log_name), encoding='utf-8') as log:
        lines = log.read().splitlines()
    for name in names:
        mine = [line for line in lines if line.startswith(name + ': ')]
        if len(mine) != 1 or not mine[0].startswith('%s: %s' % (name, VERDICTS[label])) or 'JCI test passed' not in mine[0]:
            raise SystemExit('%s: expected one headline for %s starting %r, got %r' % (label, name, VERDICTS[label], mine))


def window(info):
    times = [entry['time'] for entry in admin(info, 'GET', '/requests')]
    if not times:
        raise SystemExit('no requests logged by %s' % info['admin_url'])
    return min(times), max(times)


def check_list_tasks(work, inventory_path):
    """--list-tasks names the tasks that run: the role's one reconcile task, nothing else (the playbooks skip the
    argument-spec task, which the action's own checks make a duplicate)."""
    for playbook in ('jama.connect.configure', 'jama.connect.check', 'jama.connect.migrate', 'jama.connect.rotate'):
        listed = subprocess.run(['ansible-playbook', '-i', inventory_path, playbook, '--list-tasks'], cwd=work,
                                check=True, capture_output=True, text=True).stdout
        tasks = [line.strip() for line in listed.splitlines() if 'TAGS:' in line and 'play #' not in line]
        names = [task.split('\t')[0].split(' : ', 1)[-1] for task in tasks]
        if len(names) != 1 or not names[0].startswith('Reconcile and verify the OAuth connector'):
            raise SystemExit('%s --list-tasks shows %r' % (playbook, names))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--config', required=True)
    parser.add_argument('--work', required=True)
    parser.add_argument('--leak-check', required=True)
    args = parser.parse_args()
    with open(args.config, encoding='utf-8') as handle:
        config = json.load(handle)
    sys.path.insert(0, config['emulator_pythonpath'])
    from jamaemu import harness  # pylint: disable=import-outside-toplevel,import-error

    work = args.work
    os.makedirs(os.path.join(work, 'vault'), exist_ok=True)
    with open(os.path.join(work, 'vault-pass'), 'w', encoding='utf-8') as handle:
        handle.write('parallel-entry-points\n')
    solo, trio = ['solo'], ['env1', 'env2', 'env3']
    infos = start_emulators(harness, work, solo + trio)
    try:
        inventory_path = inventory(work, infos, config)
        check_list_tasks(work, inventory_path)
        figures = []
        for number, (label, playbook, extra) in enumerate(ENTRY_POINTS, start=1):
            timings = {}
            for group in (solo, trio):
                for name in group:
                    info = infos[name]
                    if playbook == 'jama.connect.migrate':
                        add_basic_connector(info, config)
                    admin(info, 'DELETE', '/requests')
                    admin(info, 'DELETE', '/faults')
                    admin(info, 'POST', '/faults', {'kind': 'latency', 'ms': LATENCY_MS})
                limit = ','.join(group)
                log_name = '%02d-%s-%s.log' % (number, playbook.split('.')[-1], len(group))
                timings[limit] = run_playbook(work, inventory_path, playbook, limit, log_name, extra)
                check_headlines(work, log_name, group, label)
                for name in group:
                    admin(infos[name], 'DELETE', '/faults')
            windows = [window(infos[name]) for name in trio]
            overlap = min(end for _start, end in windows) - max(start for start, _end in windows)
            ratio = timings[','.join(trio)] / timings['solo']
            figures.append('%-22s one %.1f s, three %.1f s (%.2fx), overlap of the three request logs %.1f s'
                           % (label, timings['solo'], timings[','.join(trio)], ratio, overlap))
            print(figures[-1])
            if overlap <= 0:
                raise SystemExit('%s: the three environments did not run at the same time: %r' % (label, windows))
            if ratio > MAX_RATIO:
                raise SystemExit('%s: three environments took %.2fx one (at most %.1fx allowed)'
                                 % (label, ratio, MAX_RATIO))
        leak = subprocess.call([sys.executable, args.leak_check] + [
            option for info in infos.values() for option in ('--admin-url', info['admin_url'])] + [work])
        if leak:
            raise SystemExit('leak check failed')
    finally:
        for name in infos:
            harness.stop(os.path.join(work, 'emulators', name))


if __name__ == '__main__':
    main()
