"""The reconciler's one option table (module_utils/reconcile_options.py) against every other place that names its
options: the module's DOCUMENTATION, the role's meta/argument_specs.yml, defaults/main.yml and tasks/reconcile.yml."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

import pytest
import yaml

from ansible_collections.jama.connect.plugins.module_utils.reconcile_options import (
    DEFAULTS, OPTIONS, ROLE_VARIABLES, argument_spec)
from ansible_collections.jama.connect.plugins.modules.oauth_connector_reconcile import DOCUMENTATION

ROLE = os.path.join(os.path.dirname(__file__), '..', '..', '..', '..', 'roles', 'oauth_connector')
# Documented through the collection's doc fragments (jama.connect.connection.JAMA, JCI, CONTROLLER), not inline.
FROM_FRAGMENTS = {'jama', 'jci', 'controller', 'hashi_vault'}


def load(*parts):
    with open(os.path.join(ROLE, *parts), encoding='utf-8') as handle:
        return yaml.safe_load(handle)


DOCUMENTED = yaml.safe_load(DOCUMENTATION)['options']


@pytest.mark.parametrize('option', sorted(argument_spec()))
def test_every_option_is_documented_as_the_table_defines_it(option):
    spec = argument_spec()[option]
    if option in FROM_FRAGMENTS:
        assert option not in DOCUMENTED
        return
    doc = DOCUMENTED.get(option)
    assert doc is not None, '%s is not in the module DOCUMENTATION' % option
    assert doc.get('type', 'str') == spec.get('type', 'str'), option
    assert doc.get('default') == spec.get('default'), option
    assert doc.get('choices') == spec.get('choices'), option
    assert bool(doc.get('required')) == bool(spec.get('required')), option
    assert bool(doc.get('no_log')) == bool(spec.get('no_log')) or 'no_log' not in doc, option


def test_the_documentation_has_no_option_the_table_lacks():
    assert set(DOCUMENTED) - set(argument_spec()) == set()


def test_role_defaults_are_the_tables():
    defaults = load('defaults', 'main.yml')
    for option, variable in ROLE_VARIABLES.items():
        if variable in defaults:
            assert defaults[variable] == DEFAULTS[option], variable
    # Every table default of a role variable is in the role's defaults, or the role's task gives a fixed value.
    missing = [variable for option, variable in ROLE_VARIABLES.items()
               if option in DEFAULTS and variable not in defaults]
    assert missing == ['oauth_connector_client_secret_from_credential'], missing


# The report entry point's own variables: options of jama.connect.fleet_report, not of the reconciler.
FLEET_REPORT_VARIABLES = {'oauth_connector_report_dir': 'dest', 'oauth_connector_owner': 'owner'}


def test_role_argument_specs_agree_with_the_table():
    specs = load('meta', 'argument_specs.yml')['argument_specs']
    by_variable = dict((variable, option) for option, variable in ROLE_VARIABLES.items())
    from ansible_collections.jama.connect.plugins.modules import fleet_report
    documented = yaml.safe_load(fleet_report.DOCUMENTATION)['options']
    report_task = str(load('tasks', 'report.yml'))
    for entry, spec in specs.items():
        for variable, definition in spec['options'].items():
            if variable in FLEET_REPORT_VARIABLES:
                assert entry == 'report' and FLEET_REPORT_VARIABLES[variable] in documented, variable
                assert variable in report_task, variable
                continue
            option = by_variable.get(variable)
            assert option is not None, '%s (%s) is not in the option table' % (variable, entry)
            if 'default' in definition:
                assert definition['default'] == DEFAULTS.get(option), (entry, variable)


def test_the_roles_task_passes_every_option_of_the_table():
    task = load('tasks', 'reconcile.yml')[0]
    given = task['jama.connect.oauth_connector_reconcile']
    internal = {'jama_timeout', 'client_secret_plaintext'}  # the timeout's default; computed by the task below
    assert set(option for option, _spec, _variable in OPTIONS) - set(given) - internal == set()
    for option, variable in ROLE_VARIABLES.items():
        if '.' not in option and option in given:
            assert variable in str(given[option]), '%s is not set from %s' % (option, variable)
