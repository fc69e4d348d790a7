"""The doc fragments describe exactly the options of the tables in connection.py: no drift."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
import yaml

from ansible_collections.jama.connect.plugins.doc_fragments.connection import ModuleDocFragment
from ansible_collections.jama.connect.plugins.module_utils.connection import (
    CONTROLLER_OPTIONS, HASHI_VAULT_OPTIONS, JAMA_OPTIONS, JCI_OPTIONS)


@pytest.mark.parametrize('fragment, key, table', [
    (ModuleDocFragment.JAMA, 'jama', JAMA_OPTIONS),
    (ModuleDocFragment.JCI, 'jci', JCI_OPTIONS),
    (ModuleDocFragment.CONTROLLER, 'controller', CONTROLLER_OPTIONS),
    (ModuleDocFragment.HASHI_VAULT, 'hashi_vault', HASHI_VAULT_OPTIONS),
])
def test_fragment_matches_the_option_table(fragment, key, table):
    documented = yaml.safe_load(fragment)['options'][key]['suboptions']
    assert set(documented) == set(table)
    for name, (kind, _no_log, env, default) in table.items():
        assert documented[name]['type'] == kind, name
        text = ' '.join(documented[name]['description'])
        # Defaults are applied after the environment (resolve()), so they are stated, not declared.
        assert 'default' not in documented[name], name
        assert default is None or ('Default C(%s)' % str(default).lower()) in text, name
        assert env is None or env in text, name
