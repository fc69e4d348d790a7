"""A seeded fleet for the fleet report's tests: one environment per condition the report shows, each made for real
against the emulator (reset between them) and observed by the engine's report flow, as the report playbook does.
Used by test_fleet_report.py and by the browser test (tests/browser/)."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.jama.connect.plugins.action.oauth_connector_reconcile import report_facts
from ansible_collections.jama.connect.plugins.module_utils import errors
from ansible_collections.jama.connect.plugins.plugin_utils.reconcile.model import marker
from ansible_collections.jama.connect.plugins.plugin_utils.reconcile.policy import Policy
from ansible_collections.jama.connect.tests.unit.plugins.plugin_utils.reconcile_env import CONNECTOR, Environment

from jamaemu.accounts import SERVICE  # pylint: disable=import-error

DAY = 86400
# Aged: inside warn_before, not yet due (renewed 7 days before the end): a warning on a healthy row.
AGED = {'max_age': '90d', 'rotate_before': '7d', 'warn_before': '14d'}


def _orphan(env):
    env.create_credential('jci-oauth-restored', marker(env.emulator.jci_url, CONNECTOR))


def _foreign(env):
    env.create_credential('made-by-hand')


def _clock(days):
    return lambda env: env.emulator.advance_clock(days * DAY + 5)


def _slots(env):
    for number in range(17):
        env.create_credential('spare-%02d' % number)


def _basic(env):
    env.emulator.jci('DELETE', '/api/v1/connectors/%d' % env.connector()['id'])
    env.create_connector(authenticationType='basic', username=SERVICE[0], password=SERVICE[1])


def _missing(env):
    env.emulator.jci('DELETE', '/api/v1/connectors/%d' % env.connector()['id'])


def _failed_test(env):
    """The credential deleted in Jama behind JCI's back, then JCI's test run (as an operator would): it fails and
    JCI logs authentication errors."""
    env.delete_credential(env.connector()['clientId'])
    env.emulator.jci('POST', '/api/v1/connectors/%d/test' % env.connector()['id'])


def _deleted(env):
    """The credential deleted in Jama behind JCI's back, and no test run since: JCI's last recorded test still passed,
    and the report (which requests no token) sees it only in Jama's list."""
    env.delete_credential(env.connector()['clientId'])


def _jci_down(env):
    """JCI answers the report's first call with a 500: the environment is not observed (the next run heals it)."""
    env.emulator.fault(kind='status', system='jci', operation='listConnectors', status=500, count=1)


def _stale(env):
    """Another credential written into the store by hand: the connector uses one the store no longer holds."""
    made = env.create_credential('copied-by-hand')
    data = env.vault_data()
    data.update(jama_client_id=made['clientId'], jama_client_secret=made['clientSecret'])
    env.write_vault(data)


# (environment, policy options, what is done after configure), one per condition; 'healthy' needs nothing.
SCENARIOS = (
    ('healthy', {}, None),
    ('orphan', {}, _orphan),
    ('foreign', {}, _foreign),
    ('aged', AGED, _clock(80)),
    ('due', {'max_age': '90d'}, _clock(61)),
    ('expired', {'max_age': '90d'}, _clock(91)),
    ('unused', {'max_unused': '30d'}, _clock(31)),
    ('slots-low', {}, _slots),
    ('basic', {}, _basic),
    ('missing-connector', {}, _missing),
    ('failed-test', {}, _failed_test),
    ('stale-store', {}, _stale),
    ('credential-deleted', {}, _deleted),
    ('jci-down', {}, _jci_down),
)


def observe(env, name, policy):
    """The report flow's result as the action returns it (with report_facts), failed or not."""
    params = {'jama_url': env.emulator.jama_url, 'jci': {'url': env.emulator.jci_url}, 'connector_name': CONNECTOR,
              'service_user': SERVICE[0], 'vault_file': env.vault_path}
    engine = env.engine('report', environment=name, policy=policy)
    try:
        result = engine.run()
        result.update(outcome=errors.success_outcome(result['changed']), observed=True)  # as the action does
    except errors.JamaConnectError as error:
        result = dict(observed=False, **error.to_fail_json())
    result['report_facts'] = report_facts(params, engine, None)
    return result


def seed_fleet(emulator, tmp_path, scenarios=SCENARIOS):
    """Each scenario made and observed in turn. Returns ({environment: result}, every secret, token and password the
    emulator issued or seeded meanwhile, for the leak checks)."""
    results, secrets = {}, set()
    for name, options, act in scenarios:
        emulator.reset()
        place = tmp_path / name
        place.mkdir(parents=True)
        env = Environment(emulator, place)
        env.run()
        if act is not None:
            act(env)
        results[name] = observe(env, name, Policy.from_options(options))
        issued = emulator.admin('GET', '/secrets')
        secrets.update(value for value in issued['issued'] + issued['seeded'] if value)
    return results, secrets
