"""Run jama.connect's playbooks the way AWX / Automation Platform runs a job template, three environments at once.

Per job: a fresh private data directory (project/, inventory/, env/), credentials rendered from the collection's
credential types (extensions/automation_platform/credential_types.yml) with the controller's injector logic, the
vault password given by a Vault credential (``--vault-id jama@prompt``, answered from env/passwords), and
``ansible_runner.run()``. After the job, AWX deletes the directory's env/ (it held the injected secrets); the
events and artifacts stay, and are what the leak check reads.

The credential types are installed first, by their playbook (twice: the second changes nothing).

The vault file sink: the role creates the credential and hands it to a vault file on a persistent path (a job's own
files are gone when it ends), and a copy to a controller credential per environment. Job 1 configures (changed), job
2 in a fresh directory changes nothing, job 3 checks, job 4 rotates, job 5 changes nothing.

The controller credential sink: jama.connect.create_credential hands a
new credential to a controller credential (the emulated controller's API), and the configure jobs get it the way
AWX gives it: the "Jama Connect OAuth client" type's injectors rendered from the stored inputs. A job-wide credential
serves one environment, so these jobs run one environment each, as one job template per environment does. Then
the role with the controller credential as its store: it rotates that credential (and configure changes nothing
after), and a new environment's first job, broken after Jama created the credential, is healed by the next job from
the record the controller injects.
"""
import argparse
import datetime
import json
import os
import shutil
import sys
import tempfile
import urllib.request

import ansible_runner
import requests
import yaml
from urllib3.util.retry import Retry

# The test's own calls to Jama share its documented limit (10 calls/s) with the jobs that just ran: a 429 is waited
# out with urllib3's bounded backoff, as the collection's own calls do. A POST too: Jama answers 429 before it runs
# the call (the credential made by hand for the adopt job once failed on one).
JAMA = requests.Session()
JAMA.mount('https://', requests.adapters.HTTPAdapter(max_retries=Retry(total=6, status_forcelist=[429],
                                                                       backoff_factor=0.5,
                                                                       allowed_methods=['GET', 'POST'])))

RENDER = None  # the controller's injector logic, imported from the collection under test in main()
VAULT_ID = 'jama'
VAULT_PASSWORD = 'runner-vault-password-7f3a'
ENVIRONMENTS = ('dev', 'test', 'prod')


def load_types(collection):
    with open(os.path.join(collection, 'extensions', 'automation_platform', 'credential_types.yml'), encoding='utf-8') as handle:
        return dict((item['name'], item) for item in yaml.safe_load(handle)['credential_types'])


class Job:
    """One job's private data directory, filled as the controller fills it. ``credentials``: (type name, inputs)
    pairs beyond the Jama and JCI administrators every job gets."""

    def __init__(self, root, name, collection, config, types, credentials=()):
        self.dir = tempfile.mkdtemp(prefix='%s-' % name, dir=root)
        self.name = name
        for sub in ('project', 'inventory', 'env'):
            os.makedirs(os.path.join(self.dir, sub))
        with open(config['emulator_ca_file'], encoding='utf-8') as handle:
            ca_cert = handle.read()
        jama, jci = config['jama_admin_connection'], config['jci_connection']
        credentials = [
            (types['Jama Connect administrator'], {
                'url': jama['url'], 'username': jama['username'], 'password': jama['password'], 'ca_cert': ca_cert}),
            (types['Jama Connect Interchange administrator'], {'url': jci['url'], 'username': jci['username'],
                                                               'password': jci['password'], 'ca_cert': ca_cert}),
        ] + [(types[type_name], inputs) for type_name, inputs in credentials]
        self.envvars, self.extravars = {}, {}
        # The controller writes file injectors into the job's private data directory.
        for credential_type, inputs in credentials:
            env, extra = RENDER(credential_type, inputs, os.path.join(self.dir, 'env'))
            self.envvars.update(env)
            self.extravars.update(extra)

    def run(self, playbook, inventory, extravars=None, check=False, envvars=None):
        with open(os.path.join(self.dir, 'project', 'job.yml'), 'w', encoding='utf-8') as handle:
            handle.write('---\n- name: The job template\'s playbook\n  ansible.builtin.import_playbook: %s\n' % playbook)
        with open(os.path.join(self.dir, 'inventory', 'hosts.json'), 'w', encoding='utf-8') as handle:
            json.dump(inventory, handle)
        # [DOC] A Vault credential: the job runs with --vault-id ID@prompt and runner answers the prompt.
        passwords = {r'^Vault password \(%s\):\s*?$' % VAULT_ID: VAULT_PASSWORD}
        cmdline = '--vault-id %s@prompt%s' % (VAULT_ID, ' --check' if check else '')
        runner = ansible_runner.run(
            private_data_dir=self.dir, playbook='job.yml', envvars=dict(self.envvars, **(envvars or {})), passwords=passwords,
            extravars=dict(self.extravars, **(extravars or {})), cmdline=cmdline, quiet=True,
            forks=len(ENVIRONMENTS), timeout=600)
        events = list(runner.events)
        # What the controller keeps of a job is its events and stdout. It deletes the private data directory, and
        # of the environment it stores only a copy with every *PASSWORD*/*SECRET*/*TOKEN* value redacted. So env/
        # (the injected secrets) and runner's artifacts/*/command (the full environment) go, and the rest is what
        # the leak check reads.
        shutil.rmtree(os.path.join(self.dir, 'env'), ignore_errors=True)
        for ident in os.listdir(os.path.join(self.dir, 'artifacts')):
            command = os.path.join(self.dir, 'artifacts', ident, 'command')
            if os.path.exists(command):
                os.unlink(command)
        return runner, events


def inventory(config, vault_dir):
    hosts = {}
    for name in ENVIRONMENTS:
        hosts[name] = {
            'oauth_connector_environment': name,
            'oauth_connector_name': 'Jama Connect (%s)' % name,
            'oauth_connector_credential_name': 'jci-oauth-%s' % name,
            'oauth_connector_jama_url': config['emulator_jama_url'],
            # The direct OAuth check's CA: in an execution environment, a CA bundle baked into the image.
            'oauth_connector_jama_ca_path': config['emulator_ca_file'],
            'oauth_connector_vault_file': os.path.join(vault_dir, '%s.vault.yml' % name),
            'oauth_connector_vault_id': VAULT_ID,
            # Both: the vault file is the store, and this controller credential gets a copy for jobs that only use it.
            'oauth_connector_controller_credential': {'name': 'Jama Connect OAuth copy (%s)' % name,
                                                      'organization': 'Default'},
        }
    return {'jama_api': {'hosts': hosts,
                         'vars': {'ansible_connection': 'local', 'ansible_python_interpreter': sys.executable}}}


def expect(condition, message):
    if not condition:
        raise SystemExit('FAILED: ' + message)


def jci_connectors(config):
    jci = config['jci_connection']
    return requests.get(jci['url'] + '/api/v1/connectors', auth=(jci['username'], jci['password']),
                        verify=config['emulator_ca_file'], timeout=30).json()['data']


def vault_client_id(directory, name):
    from ansible.parsing.vault import VaultLib, VaultSecret  # pylint: disable=import-outside-toplevel
    vault = VaultLib([(VAULT_ID, VaultSecret(VAULT_PASSWORD.encode()))])
    with open(os.path.join(directory, '%s.vault.yml' % name), 'rb') as handle:
        return yaml.safe_load(vault.decrypt(handle.read()))['jama_client_id']


def summary(runner, events):
    failures = [event['event_data'].get('res', {}).get('msg') for event in events
                if event.get('event') == 'runner_on_failed']
    return 'status %s rc %s stats %s failures %s' % (runner.status, runner.rc, json.dumps(runner.stats), failures)


def task_overlap(events):
    """Seconds during which every environment's reconcile task was running at once (from the job's own events: each
    host's runner_on_start to its runner_on_ok or runner_on_failed), so a job really served them side by side."""
    starts, ends = {}, {}
    for event in events:
        data = event.get('event_data') or {}
        if not str(data.get('task_action', '')).endswith('oauth_connector_reconcile'):
            continue
        moment = datetime.datetime.fromisoformat(event['created'].replace('Z', '+00:00')).timestamp()
        if event.get('event') == 'runner_on_start':
            starts[data['host']] = moment
        elif event.get('event') in ('runner_on_ok', 'runner_on_failed'):
            ends[data['host']] = moment
    expect(sorted(starts) == sorted(ends) == sorted(ENVIRONMENTS), 'a reconcile task per environment in the events')
    return min(ends.values()) - max(starts.values())


def admin_get(config, path):
    with urllib.request.urlopen(config['emulator_admin_url'] + path, timeout=10) as response:
        return json.load(response)['data']


def platform_env(config):
    """What the controller's own "Red Hat Ansible Automation Platform" credential type injects (and the CA of a
    private controller, which an execution environment would carry in its image)."""
    controller = config['controller_connection']
    return {'CONTROLLER_HOST': controller['url'], 'CONTROLLER_USERNAME': controller['username'],
            'CONTROLLER_PASSWORD': controller['password'], 'CONTROLLER_VERIFY_SSL': 'true',
            'CONTROLLER_CA_PATH': controller['ca_path']}


def install_types(args, config, types, hosts):
    for number in (1, 2):
        runner, events = Job(args.jobs, 'install-types-%d' % number, args.collection, config, types).run(
            'jama.connect.controller_credential_types', hosts, envvars=platform_env(config))
        expect(runner.status == 'successful' and bool(runner.stats.get('changed')) == (number == 1),
               'install the credential types, run %d: %s' % (number, summary(runner, events)))
    print('credential types installed by their playbook; again: changed=0')


def controller_copies(config, names):
    """The client ID each environment's controller copy holds (the emulator's admin view of the inputs)."""
    listed = admin_get(config, '/controller/credentials')
    return dict((name, [cred['inputs'].get('client_id') for cred in listed
                        if cred['name'] == 'Jama Connect OAuth copy (%s)' % name]) for name in names)


def controller_sink_jobs(args, config, types):
    controller_env = platform_env(config)
    stage = {'jama_api': {'hosts': {'stage': {
        'oauth_connector_environment': 'stage', 'oauth_connector_name': 'Jama Connect (stage)',
        'oauth_connector_jama_ca_path': config['emulator_ca_file']}},
        'vars': {'ansible_connection': 'local', 'ansible_python_interpreter': sys.executable}}}

    def job(name, playbook, credentials=(), envvars=None, check=False):
        return Job(args.jobs, name, args.collection, config, types, credentials).run(
            playbook, stage, envvars=envvars, check=check)

    for number in (1, 2):
        runner, events = job('create-credential-%d' % number, 'jama.connect.create_credential', envvars=controller_env)
        expect(runner.status == 'successful' and bool(runner.stats.get('changed')) == (number == 1),
               'create the credential and hand it to the controller, run %d: %s' % (number, summary(runner, events)))
        if number == 1:
            handed = [event['event_data']['res'] for event in events if event.get('event') == 'runner_on_ok'
                      and 'controller_credential' in event['event_data'].get('res', {})]
            expect(len(handed) == 1 and 'client_secret' not in handed[0], 'the hand-off result, without the secret')
            credential_id = handed[0]['controller_credential']['id']
    print('controller sink: credential created and handed off; again: changed=0')
    # At launch the controller decrypts the attached credential's inputs and renders its injectors.
    inputs = admin_get(config, '/controller/credentials/%d/inputs' % credential_id)
    oauth_client = [('Jama Connect OAuth client', inputs)]
    for number in (1, 2):
        runner, events = job('configure-controller-%d' % number, 'jama.connect.configure', oauth_client)
        expect(runner.status == 'successful' and bool(runner.stats.get('changed')) == (number == 1),
               'configure with the controller credential, run %d: %s' % (number, summary(runner, events)))
        # The secret came from the controller's encrypted store: no warning about a plaintext secret.
        expect(not [event for event in events if 'not encrypted with Ansible Vault' in (event.get('stdout') or '')],
               'configure with the controller credential warned about a plaintext secret')
    runner, events = job('check-controller', 'jama.connect.check', oauth_client)
    expect(runner.status == 'successful' and not runner.stats.get('changed'), 'check with the controller credential: '
           + summary(runner, events))
    connector = [item for item in jci_connectors(config) if item['name'] == 'Jama Connect (stage)']
    expect(len(connector) == 1 and connector[0]['clientId'] == inputs['client_id'],
           'the connector uses the client ID the controller credential holds')
    print('controller sink: configure changed, configure again in a fresh directory changed=0, check healthy; the '
          'connector uses the controller credential\'s client ID')
    role_store_jobs(args, config, types, controller_env, credential_id)


def jama_client_ids(config):
    return set(cred['clientId'] for cred in jama_credentials(config))


def jama_credentials(config):
    """The JCI service user's API credentials in Jama."""
    jama = config['jama_admin_connection']
    auth, verify = (jama['username'], jama['password']), config['emulator_ca_file']
    service = JAMA.get(jama['url'] + '/rest/v1/users', auth=auth, params={'username': 'jci_service'}, verify=verify,
                       timeout=30)
    service_id = [user['id'] for user in service.json()['data'] if user['username'] == 'jci_service'][0]
    return JAMA.get('%s/rest/v1/users/%d/apicredentials' % (jama['url'], service_id), auth=auth,
                    params={'maxResults': 50}, verify=verify, timeout=30).json()['data']


def role_store_jobs(args, config, types, controller_env, stage_credential_id):
    """The role with the controller credential as its store: it rotates the credential made above, and creates one
    for a new environment whose first job is broken half-way (Jama creates the credential and the answer is lost);
    the next job, in a fresh directory, gets the record of that from the controller and finishes the work."""
    def host(name, credential):
        return {'jama_api': {'hosts': {name: {
            'oauth_connector_environment': name, 'oauth_connector_name': 'Jama Connect (%s)' % name,
            'oauth_connector_credential_name': 'jci-oauth-%s' % name,
            'oauth_connector_jama_url': config['emulator_jama_url'],
            'oauth_connector_jama_ca_path': config['emulator_ca_file'],
            'oauth_connector_controller_credential': {'name': credential, 'organization': 'Default'}}},
            'vars': {'ansible_connection': 'local', 'ansible_python_interpreter': sys.executable}}}

    def job(name, playbook, hosts, credential_id, extravars=None):
        # At launch the controller decrypts the attached credential's inputs (as they are now) and renders them.
        inputs = admin_get(config, '/controller/credentials/%d/inputs' % credential_id)
        return Job(args.jobs, name, args.collection, config, types, [('Jama Connect OAuth client', inputs)]).run(
            playbook, hosts, extravars=extravars, envvars=controller_env)

    stage = host('stage', 'Jama Connect OAuth (stage)')
    before = admin_get(config, '/controller/credentials/%d/inputs' % stage_credential_id)['client_id']
    runner, events = job('rotate-controller', 'jama.connect.rotate', stage, stage_credential_id)
    expect(runner.status == 'successful' and runner.stats.get('changed'), 'rotate with the controller credential as '
           'the store: ' + summary(runner, events))
    runner, events = job('configure-controller-3', 'jama.connect.configure', stage, stage_credential_id)
    expect(runner.status == 'successful' and not runner.stats.get('changed'), 'configure after the rotation, fresh '
           'directory, changed nothing: ' + summary(runner, events))
    inputs = admin_get(config, '/controller/credentials/%d/inputs' % stage_credential_id)
    connector = [item for item in jci_connectors(config) if item['name'] == 'Jama Connect (stage)']
    in_jama = jama_client_ids(config)
    expect(inputs['client_id'] != before and not unfinished(inputs) and connector[0]['clientId'] == inputs['client_id']
           and inputs['client_id'] in in_jama and before not in in_jama,
           'after the rotation the controller credential holds the new client ID (and no record), the connector uses '
           'it, Jama has it and the old one is gone')
    print('role, controller store: rotate changed (controller credential updated, old Jama credential deleted), '
          'configure in a fresh directory changed=0')

    # [DOC] The administrator creates the environment's credential in the controller with just the Jama URL and
    # attaches it to the job templates; the first configure job (create_credential) fills it.
    controller = config['controller_connection']

    def first(resource, name):
        return requests.get('%s/api/v2/%s/' % (controller['url'], resource), params={'name': name},
                            auth=(controller['username'], controller['password']), verify=controller['ca_path'],
                            timeout=30).json()['results'][0]['id']
    created = requests.post(controller['url'] + '/api/v2/credentials/', json={
        'name': 'Jama Connect OAuth (qa)', 'organization': first('organizations', 'Default'),
        'credential_type': first('credential_types', 'Jama Connect OAuth client'),
        'inputs': {'url': config['emulator_jama_url']}}, auth=(controller['username'], controller['password']),
        verify=controller['ca_path'], timeout=30)
    expect(created.status_code == 201, 'create the empty controller credential: %s' % created.text)
    qa_credential = created.json()['id']
    qa = host('qa', 'Jama Connect OAuth (qa)')
    create = {'oauth_connector_create_credential': True}
    # Jama creates the credential, and its answer never arrives: the job fails with a record in the controller.
    requests.post(config['emulator_admin_url'] + '/faults', json={
        'system': 'jama', 'operation': 'createUserApiCredential', 'kind': 'drop', 'when': 'after', 'count': 1},
        timeout=10).raise_for_status()
    runner, events = job('configure-qa-broken', 'jama.connect.configure', qa, qa_credential, create)
    expect(runner.status == 'failed', 'the first qa job fails when Jama\'s answer is lost: ' + summary(runner, events))
    expect(unfinished(admin_get(config, '/controller/credentials/%d/inputs' % qa_credential)),
           'the broken job left its record in the controller credential')
    for number, changed in ((1, True), (2, False)):
        runner, events = job('configure-qa-%d' % number, 'jama.connect.configure', qa, qa_credential, create)
        expect(runner.status == 'successful' and bool(runner.stats.get('changed')) == changed,
               'qa configure %d after the broken job: %s' % (number, summary(runner, events)))
    inputs = admin_get(config, '/controller/credentials/%d/inputs' % qa_credential)
    connector = [item for item in jci_connectors(config) if item['name'] == 'Jama Connect (qa)']
    made = [cred['clientId'] for cred in jama_credentials(config) if cred['name'].startswith('jci-oauth-qa-')]
    expect(not unfinished(inputs) and connector[0]['clientId'] == inputs.get('client_id') and made == [inputs['client_id']],
           'qa: the controller credential, the connector and Jama agree (the broken job\'s credential was deleted), '
           'and no record is left')
    print('role, controller store: a job broken after Jama created the credential left a record; the next job (fresh '
          'directory) healed it, the one after changed=0')


def lifecycle_jobs(args, config, types, hosts, persistent, platform):
    """The daily schedule's job (docs/automation-platform.md): configure with rotate_when_due rotates the credentials
    that are due, in a fresh directory, three environments at once. Then adopt, as a job that gets the credential
    a person made in Jama's UI from the environment (a custom credential type injects it): refused for more than one
    host, and done for one."""
    before = dict((name, vault_client_id(persistent, name)) for name in ENVIRONMENTS)
    requests.post(config['emulator_admin_url'] + '/clock', json={'seconds': 61 * 86400}, timeout=10).raise_for_status()
    policy = {'oauth_connector_max_age': '90d', 'oauth_connector_rotate_when_due': True,
              'oauth_connector_create_credential': True}
    job, events = Job(args.jobs, 'scheduled-due', args.collection, config, types).run('jama.connect.configure', hosts,
                                                                                      policy, envvars=platform)
    expect(job.status == 'successful' and sorted(job.stats['changed']) == sorted(ENVIRONMENTS),
           'the scheduled configure job rotated every due credential: ' + summary(job, events))
    in_jama = jama_client_ids(config)
    expect(all(vault_client_id(persistent, name) not in (before[name], None) and before[name] not in in_jama
               for name in ENVIRONMENTS), 'the due rotation replaced every credential and deleted the old ones')
    expect(task_overlap(events) > 0, 'the three due rotations ran one after the other')
    print('job 6 (configure with rotate_when_due, 61 days later by Jama\'s clock): rotated in %d environments'
          % len(ENVIRONMENTS))

    service = config['jama_service_connection']
    made = JAMA.post(service['url'] + '/rest/v1/users/current/apicredentials', json={'name': 'made-by-hand'},
                     auth=(service['username'], service['password']), verify=service['ca_path'], timeout=30)
    expect(made.status_code == 201, 'create a credential as the service user: %s' % made.status_code)
    made = made.json()['data']
    given = {'JAMA_ADOPT_CLIENT_ID': made['clientId'], 'JAMA_ADOPT_CLIENT_SECRET': made['clientSecret']}
    job, events = Job(args.jobs, 'adopt-all', args.collection, config, types).run(
        'jama.connect.adopt', hosts, envvars=dict(platform, **given))
    expect(job.status == 'failed' and not job.stats.get('changed') and 'limit it to one host' in json.dumps(events),
           'adopt for three hosts is refused before any change: ' + summary(job, events))
    dev = {'jama_api': dict(hosts['jama_api'], hosts={'dev': hosts['jama_api']['hosts']['dev']})}
    replaced = vault_client_id(persistent, 'dev')
    job, events = Job(args.jobs, 'adopt-dev', args.collection, config, types).run(
        'jama.connect.adopt', dev, envvars=dict(platform, **given))
    connector = [item for item in jci_connectors(config) if item['name'] == 'Jama Connect (dev)']
    expect(job.status == 'successful' and job.stats.get('changed') and vault_client_id(persistent, 'dev') ==
           made['clientId'] and connector[0]['clientId'] == made['clientId'] and replaced not in jama_client_ids(config),
           'adopt for dev: the vault file and the connector hold the credential made by hand, the replaced one is '
           'deleted: ' + summary(job, events))
    print('jobs 7-8 (adopt from the environment): refused for three hosts; for dev, the credential made in Jama\'s UI '
          'is in the vault file and the connector, and the one it replaced is deleted')
    workflow_jobs(args, config, types, hosts, platform)


def workflow_jobs(args, config, types, hosts, platform):
    """The workflow of docs/automation-platform.md: Configure fails for one environment (a bad option, which no run
    heals), its typed outcomes reach the next node as the controller hands artifacts on (set_stats), and the
    triage node fails naming it; given only failures that heal, triage succeeds."""
    broken = json.loads(json.dumps(hosts))
    broken['jama_api']['hosts']['prod']['oauth_connector_max_age'] = 'ninety days'
    job, events = Job(args.jobs, 'workflow-configure', args.collection, config, types).run(
        'jama.connect.configure', broken, envvars=platform)
    artifacts = [event['event_data'].get('artifact_data') for event in events
                 if event.get('event') == 'playbook_on_stats'][0] or {}
    outcomes = artifacts.get('jama_connect_outcomes') or {}
    expect(job.status == 'failed' and sorted(outcomes) == ['prod'] and outcomes['prod']['outcome'] ==
           'operator_must_act' and outcomes['prod']['reason'] == 'configuration',
           'the failed Configure job hands on prod\'s typed outcome: %s; %s' % (outcomes, summary(job, events)))
    job, events = Job(args.jobs, 'workflow-triage', args.collection, config, types).run(
        'jama.connect.triage', {}, extravars=artifacts)
    expect(job.status == 'failed' and 'a person must act on prod' in json.dumps(events),
           'triage fails naming the environment a person must act on: ' + summary(job, events))
    heals = {'jama_connect_outcomes': {'dev': {'outcome': 'heals_next_run', 'reason': 'server_error',
                                               'heals_on_next_run': True}}}
    job, events = Job(args.jobs, 'workflow-triage-heals', args.collection, config, types).run(
        'jama.connect.triage', {}, extravars=heals)
    expect(job.status == 'successful', 'triage passes failures that heal on the next run: ' + summary(job, events))
    job, events = Job(args.jobs, 'workflow-triage-empty', args.collection, config, types).run('jama.connect.triage', {})
    expect(job.status == 'failed' and 'handed on no outcome' in json.dumps(events),
           'triage given no outcome (Configure stopped before any environment ran) fails: ' + summary(job, events))
    print('workflow: Configure failed for prod (operator_must_act, configuration), handed on by set_stats; triage '
          'failed naming prod; given only failures that heal, triage succeeded; given none, it failed')


def unfinished(inputs):
    """The unfinished work a controller credential's record holds (its ``state`` input also keeps the credential's
    lifecycle, which is not unfinished work)."""
    record = json.loads(inputs.get('state') or '{}')
    return dict((key, value) for key, value in record.items() if key in ('pending', 'retire') and value)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--config', required=True)
    parser.add_argument('--jobs', required=True)
    args = parser.parse_args()
    with open(args.config, encoding='utf-8') as handle:
        config = json.load(handle)
    args.collection = config['collection_root']
    os.makedirs(args.jobs, exist_ok=True)
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(args.collection))))
    global RENDER  # pylint: disable=global-statement
    from ansible_collections.jama.connect.tests.unit.plugins.awx_render import render  # pylint: disable=import-error,import-outside-toplevel
    RENDER = render
    persistent = tempfile.mkdtemp(prefix='persistent-', dir=args.jobs)
    types = load_types(args.collection)
    hosts = inventory(config, persistent)
    first_run = {'oauth_connector_create_credential': True}
    install_types(args, config, types, hosts)
    platform = platform_env(config)

    job, events = Job(args.jobs, 'configure-1', args.collection, config, types).run('jama.connect.configure', hosts,
                                                                                    first_run, envvars=platform)
    expect(job.status == 'successful', 'first configure job: ' + summary(job, events))
    expect(sorted(job.stats['changed']) == sorted(ENVIRONMENTS), 'first job changed every environment: '
           + summary(job, events))
    for name in ENVIRONMENTS:
        expect(os.path.exists(os.path.join(persistent, '%s.vault.yml' % name)), 'vault file of %s on the persistent path' % name)
    overlap = task_overlap(events)
    expect(overlap > 0, 'the three environments of job 1 ran one after the other (overlap %.2f s)' % overlap)
    print('job 1 (configure, fresh directory): changed %s; the three environments ran at the same time for %.2f s'
          % (sorted(job.stats['changed']), overlap))

    job, events = Job(args.jobs, 'configure-2', args.collection, config, types).run('jama.connect.configure', hosts,
                                                                                    first_run, envvars=platform)
    expect(job.status == 'successful' and not job.stats.get('changed'), 'second configure job, fresh directory, '
           'changed nothing: ' + summary(job, events))
    print('job 2 (configure, another fresh directory): changed=0')

    job, events = Job(args.jobs, 'check-1', args.collection, config, types).run('jama.connect.check', hosts,
                                                                                envvars=platform)
    expect(job.status == 'successful' and not job.stats.get('changed') and not job.stats.get('failures'),
           'check job healthy: ' + summary(job, events))
    verified = [event['event_data']['res'] for event in events if event.get('event') == 'runner_on_ok'
                and 'verified' in event['event_data'].get('res', {})]
    expect(len(verified) == len(ENVIRONMENTS) and all(res['verified'] for res in verified),
           'the check job verified every environment')
    print('job 3 (check): healthy in %d environments' % len(verified))

    before = dict((name, vault_client_id(persistent, name)) for name in ENVIRONMENTS)
    job, events = Job(args.jobs, 'rotate-1', args.collection, config, types).run('jama.connect.rotate', hosts,
                                                                                 envvars=platform)
    expect(job.status == 'successful' and sorted(job.stats['changed']) == sorted(ENVIRONMENTS),
           'rotate job changed every environment: ' + summary(job, events))
    rotate_overlap = task_overlap(events)
    expect(rotate_overlap > 0, 'the three rotations ran one after the other (overlap %.2f s)' % rotate_overlap)
    expect(all(vault_client_id(persistent, name) != before[name] for name in ENVIRONMENTS),
           'the rotation put a new credential into every vault file on the persistent path')
    job, events = Job(args.jobs, 'configure-3', args.collection, config, types).run('jama.connect.configure', hosts,
                                                                                    envvars=platform)
    expect(job.status == 'successful' and not job.stats.get('changed'), 'configure after the rotation, fresh '
           'directory, changed nothing: ' + summary(job, events))
    print('job 4 (rotate): new credential in every vault file (and its controller copy), the three at the same time '
          'for %.2f s; job 5 (configure): changed=0' % rotate_overlap)

    # Jama, the vault files and JCI agree: each connector uses the client ID its vault file holds, and Jama holds
    # exactly that credential for it (the rotation deleted the old one).
    connectors = jci_connectors(config)
    in_jama = jama_client_ids(config)
    for name in ENVIRONMENTS:
        held = vault_client_id(persistent, name)
        connector = [item for item in connectors if item['name'] == 'Jama Connect (%s)' % name]
        expect(len(connector) == 1 and connector[0]['clientId'] == held and held in in_jama and
               before[name] not in in_jama, '%s: the connector uses the vault file\'s client ID, which Jama holds; '
               'the rotated-out one is gone' % name)
        expect(controller_copies(config, [name])[name] == [held], '%s: the controller copy holds the vault file\'s '
               'client ID' % name)
    lifecycle_jobs(args, config, types, hosts, persistent, platform)
    controller_sink_jobs(args, config, types)

    # The vault password never reaches an event or an artifact (the leak check covers the emulator's secrets).
    for root, _dirs, names in os.walk(args.jobs):
        for file_name in names:
            with open(os.path.join(root, file_name), 'rb') as handle:
                expect(VAULT_PASSWORD.encode() not in handle.read(), 'vault password in %s' % os.path.join(root, file_name))
    print('Jama, the vault files and JCI agree in %d environments; no vault password in any job file' % len(ENVIRONMENTS))
    return 0


if __name__ == '__main__':
    sys.exit(main())
