"""The fault suite: for every step of configure, rotate, migrate and a rotation when due (configure with
rotate_when_due, the credential aged by Jama's clock), break the run there, then run the same flow again without
the fault, and check that Jama, the vault file and JCI agree, the connector works, nothing the
engine made is orphaned, and a further run changes nothing. Every test runs with both stores, the vault file and
the automation controller credential (whose values each run gets injected, as a job does), and with the vault file
plus a controller credential that gets a copy of its current credential (the mirror), and with a HashiCorp Vault
KV v2 secret in a real OpenBao (openbao.py; its writes also lose their answer after the server acted); the rotation
when due with the vault file (its path is rotate's).

Faults: the emulator answers 500 before the call runs, runs it and then drops the connection (a lost answer),
or runs it and answers 500; the run is killed before or after any call, or after any vault write; any vault
write fails. Each test walks every step of one flow (a bounded loop over the call or write index).
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.jama.connect.plugins.module_utils import errors
from ansible_collections.jama.connect.plugins.plugin_utils.reconcile.policy import Policy

from ansible_collections.jama.connect.tests.unit.plugins.plugin_utils.reconcile_env import SERVICE, Environment, Killed

MAX_STEPS = 60
STORES = ['vault', 'controller', 'mirror', 'openbao']


def setup_configure(env):
    return None


def setup_rotate(env):
    env.run('configure')
    return env.vault_data()['jama_client_id']


def setup_migrate(env):
    env.create_connector(authenticationType='basic', username=SERVICE[0], password=SERVICE[1])
    return None


def setup_due(env):
    """A credential two thirds through its 90 days by Jama's clock: configure with rotate_when_due rotates it."""
    env.run('configure')
    env.emulator.advance_clock(61 * 86400)
    return env.vault_data()['jama_client_id']


def setup_adopt(env):
    """The role's credential in use, and one a person made in Jama's UI as the service user, to adopt."""
    env.run('configure')
    made = env.create_credential('made-by-hand')
    env.settings['adopt'] = (made['clientId'], made['clientSecret'])
    return env.vault_data()['jama_client_id']


# name: (setup, options, the flow it runs)
SCENARIOS = {
    'configure': (setup_configure, {}, 'configure'),
    'rotate': (setup_rotate, {}, 'rotate'),
    'migrate': (setup_migrate, {'basic_password': SERVICE[1]}, 'migrate'),
    'due': (setup_due, {'policy': Policy.from_options({'max_age': '90d', 'rotate_when_due': True})}, 'configure'),
    'adopt': (setup_adopt, {}, 'adopt'),
}
ROTATING = ('rotate', 'due', 'adopt')
# The rotation when due and adopt take rotate's path (converge), whose every store the 'rotate' cases break; they
# run with the vault file.
CASES = [(flow, store) for flow in sorted(SCENARIOS) for store in STORES
         if flow not in ('due', 'adopt') or store == 'vault']
# The Vault store's own calls are not the emulator's: the server-side faults of Jama and JCI are the vault file's
# cases, and the store's writes are broken from the client side (failed, killed, their answer lost).
SERVER_CASES = [(flow, store) for flow, store in CASES if store != 'openbao']
CLIENT_HOOKS = ('kill_before_call', 'kill_after_call', 'fail_write', 'kill_after_write')
# A store write whose answer is lost after the server acted: the Vault store's own case (the vault file is a local
# file, and the controller's calls are the emulator's, whose server faults cover that).
CLIENT_CASES = [(flow, store, hook) for flow, store in CASES
                for hook in CLIENT_HOOKS + (('drop_after_write',) if store == 'openbao' else ())]


def fresh(emulator, tmp_path, index, store, request=None):
    emulator.reset()
    directory = tmp_path / ('case%02d' % index)
    directory.mkdir()
    openbao = request.getfixturevalue('openbao') if store == 'openbao' else None
    return Environment(emulator, directory, store=store, openbao=openbao)


def attempt(env, flow, options):
    """Run the scenario's flow once with whatever fault is armed; a failure or a kill is expected, not required. A
    failure's message, hint and details never hold a secret the emulators issued."""
    try:
        env.run(SCENARIOS[flow][2], **options)
    except errors.JamaConnectError as error:
        text = json.dumps(error.to_fail_json(), default=str) + str(error)
        secrets = env.emulator.admin('GET', '/secrets')
        leaked = [secret for secret in secrets['issued'] + secrets['seeded'] if secret in text]
        assert not leaked, 'a secret in the failure of %s' % flow
    except Killed:
        pass


def heal_and_check(env, flow, options, original):
    env.hooks.__init__()
    env.emulator.admin('DELETE', '/faults')
    result = env.run(SCENARIOS[flow][2], **options)
    assert result['verified'], result
    client_id = env.assert_agree()
    if flow in ROTATING:
        assert client_id != original, 'the rotation did not happen'
        assert original not in [cred['clientId'] for cred in env.credentials()], 'the old credential is still there'
    again = env.run('configure')
    assert not again['changed'], again['actions']


def trial(emulator, tmp_path, flow, store, request=None):
    """The clean run's call and write counts, and its request log (system, operation) in order."""
    setup, options, run_flow = SCENARIOS[flow]
    env = fresh(emulator, tmp_path, 0, store, request)
    setup(env)
    emulator.admin('DELETE', '/requests')
    env.hooks.__init__()
    env.run(run_flow, **options)
    log = [(entry['system'], entry['operation']) for entry in emulator.request_log()]
    return env.hooks.calls, env.hooks.writes, log


@pytest.mark.parametrize('flow, store, hook', CLIENT_CASES)
def test_a_run_broken_by_the_client_side_at_any_step_is_healed_by_the_next(emulator, tmp_path, flow, hook, store,
                                                                           request):
    calls, writes, _log = trial(emulator, tmp_path, flow, store, request)
    steps = writes if 'write' in hook else calls
    assert 0 < steps < MAX_STEPS
    setup, options, _run_flow = SCENARIOS[flow]
    for step in range(1, steps + 1):
        env = fresh(emulator, tmp_path, step, store, request)
        original = setup(env)
        env.hooks.__init__()
        setattr(env.hooks, hook, step)
        attempt(env, flow, options)
        heal_and_check(env, flow, options, original)


@pytest.mark.parametrize('flow, store', SERVER_CASES)
@pytest.mark.parametrize('fault', [
    {'kind': 'status', 'status': 500, 'when': 'before'},
    {'kind': 'drop', 'when': 'after'},
    {'kind': 'status', 'status': 500, 'when': 'after'},
])
def test_a_run_broken_by_the_server_at_any_step_is_healed_by_the_next(emulator, tmp_path, flow, fault, store):
    _calls, _writes, log = trial(emulator, tmp_path, flow, store)
    assert 0 < len(log) < MAX_STEPS
    assert store == 'vault' or ('controller', 'listCredentials') in log
    setup, options, _run_flow = SCENARIOS[flow]
    for index, (system, operation) in enumerate(log):
        if store == 'mirror' and system != 'controller':
            # The same Jama and JCI calls as with the vault file alone, whose faults the 'vault' case injects; the
            # kills before and after every call (the test above) still cover them with the mirror.
            continue
        env = fresh(emulator, tmp_path, index + 1, store)
        original = setup(env)
        skip = log[:index].count((system, operation))
        emulator.fault(system=system, operation=operation, skip=skip, count=1, **fault)
        attempt(env, flow, options)
        heal_and_check(env, flow, options, original)
