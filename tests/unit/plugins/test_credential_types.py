"""The Automation Platform credential types render, as the controller renders them, into exactly what the
collection reads: their environment resolves into working connections and their extra vars are role options."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

import pytest
import yaml

from ansible_collections.jama.connect.plugins.module_utils.connection import (
    HASHI_VAULT_OPTIONS, JAMA_OPTIONS, JCI_OPTIONS, resolve_hashi_vault, resolve_jama, resolve_jci)
from ansible_collections.jama.connect.tests.unit.plugins.awx_render import render

HERE = os.path.dirname(os.path.abspath(__file__))
TYPES = os.path.join(HERE, '..', '..', '..', 'extensions', 'automation_platform', 'credential_types.yml')
ROLE_SPECS = os.path.join(HERE, '..', '..', '..', 'roles', 'oauth_connector', 'meta', 'argument_specs.yml')
SECRET_IDS = ('password', 'client_secret', 'state', 'token', 'secret_id')


def load():
    with open(TYPES, encoding='utf-8') as handle:
        return dict((item['name'], item) for item in yaml.safe_load(handle)['credential_types'])


def test_every_secret_input_is_marked_secret_and_every_type_is_a_custom_kind():
    for name, credential_type in load().items():
        assert credential_type['kind'] in ('cloud', 'net'), name
        for field in credential_type['inputs']['fields']:
            assert field['type'] in ('string', 'boolean'), (name, field['id'])
            assert field.get('secret', False) is (field['id'] in SECRET_IDS), (name, field['id'])
        assert set(credential_type['inputs']['required']) <= set(f['id'] for f in credential_type['inputs']['fields'])


@pytest.mark.parametrize('ca_cert', ['', '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'])
def test_the_administrator_types_resolve_into_connections(tmp_path, ca_cert):
    types = load()
    jama_env, _jama_extra = render(types['Jama Connect administrator'], {'url': 'https://jama.example.com', 'username': 'admin',
                                                                         'password': 'pw', 'ca_cert': ca_cert}, tmp_path)
    jci_env, _jci_extra = render(types['Jama Connect Interchange administrator'], {
        'url': 'https://jci.example.com', 'username': 'jci_admin', 'password': 'pw', 'ca_cert': ca_cert}, tmp_path)
    assert set(jama_env) <= set(env for _kind, _no_log, env, _default in JAMA_OPTIONS.values())
    assert set(jci_env) <= set(env for _kind, _no_log, env, _default in JCI_OPTIONS.values())
    jama = resolve_jama({'jama': None}, environ=jama_env)
    jci = resolve_jci({'jci': None}, environ=jci_env)
    assert (jama['url'], jama['username'], jci['username']) == ('https://jama.example.com', 'admin', 'jci_admin')
    if ca_cert:
        with open(jama['ca_path'], encoding='utf-8') as handle:
            assert handle.read() == ca_cert
    else:
        assert jama['ca_path'] is None and jci['ca_path'] is None


def test_the_oauth_client_type_sets_role_options_that_beat_an_injected_admin(tmp_path):
    types = load()
    inputs = {'url': 'https://jama.example.com', 'client_id': 'cid', 'client_secret': 'cs'}
    _injected_env, extra = render(types['Jama Connect OAuth client'], inputs, tmp_path)
    with open(ROLE_SPECS, encoding='utf-8') as handle:
        options = yaml.safe_load(handle)['argument_specs']['main']['options']
    assert set(extra) <= set(options)
    # The administrator's JAMA_USERNAME in the same job must not collide with an explicit client credential.
    connection = resolve_jama({'jama': {'url': extra['oauth_connector_jama_url'], 'client_id': extra['oauth_connector_client_id'],
                                        'client_secret': extra['oauth_connector_client_secret']}},
                              environ={'JAMA_USERNAME': 'admin', 'JAMA_PASSWORD': 'pw'})
    assert connection['client_id'] == 'cid' and connection['username'] is None


@pytest.mark.parametrize('inputs, login', [
    ({'url': 'https://vault.example.com:8200', 'token': 'hvs.x', 'namespace': 'ops'}, {'token': 'hvs.x'}),
    ({'url': 'https://vault.example.com:8200', 'role_id': 'r', 'secret_id': 's'}, {'role_id': 'r', 'secret_id': 's'}),
])
def test_the_vault_type_resolves_into_the_stores_connection_with_the_path_from_the_inventory(tmp_path, inputs, login):
    env, extra = render(load()['Jama Connect HashiCorp Vault'], dict({'ca_cert': ''}, **inputs), tmp_path)
    assert extra == {} and set(env) <= set(table_env for _k, _n, table_env, _d in HASHI_VAULT_OPTIONS.values())
    # The controller renders an input left empty as ''; the environment fallback skips empty values.
    resolved = resolve_hashi_vault({'hashi_vault': {'path': 'jama/prod'}}, environ=env)
    assert resolved['url'] == inputs['url'] and resolved['path'] == 'jama/prod' and resolved['mount'] == 'secret'
    assert dict((key, resolved[key]) for key in login) == login
