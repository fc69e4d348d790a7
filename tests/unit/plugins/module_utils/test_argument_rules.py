"""Every argument rule of the connection options, each with a test that fails if the rule is misspelled."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible.module_utils import basic
from ansible.module_utils.common.text.converters import to_bytes

from ansible_collections.jama.connect.plugins.module_utils.connection import (
    JAMA_OPTIONS, jama_argument_spec, jci_argument_spec)

URL = 'https://jama.example.com'


def build(spec, args, monkeypatch):
    """Instantiate AnsibleModule with ``args``; returns (params, None) or (None, failure message)."""
    try:
        from ansible.module_utils.testing import patch_module_args  # ansible-core 2.19+
    except ImportError:
        patch_module_args = None
    failure = {}

    def fail_json(self, **kwargs):
        failure.update(kwargs)
        raise SystemExit(1)

    monkeypatch.setattr(basic.AnsibleModule, 'fail_json', fail_json)
    try:
        if patch_module_args is not None:
            with patch_module_args(args):
                module = basic.AnsibleModule(argument_spec=spec)
        else:
            monkeypatch.setattr(basic, '_ANSIBLE_ARGS', to_bytes(json.dumps({'ANSIBLE_MODULE_ARGS': args})))
            module = basic.AnsibleModule(argument_spec=spec)
    except SystemExit:
        return None, failure['msg']
    return module.params, None


@pytest.fixture(autouse=True)
def no_connection_environment(monkeypatch):
    for _kind, _no_log, env, _default in JAMA_OPTIONS.values():
        monkeypatch.delenv(env, raising=False)


def test_username_and_password_are_required_together(monkeypatch):
    _params, error = build(jama_argument_spec(), {'jama': {'url': URL, 'username': 'u'}}, monkeypatch)
    assert 'parameters are required together: username, password' in error


def test_client_id_and_secret_are_required_together(monkeypatch):
    _params, error = build(jama_argument_spec(), {'jama': {'url': URL, 'client_secret': 's'}}, monkeypatch)
    assert 'client_id, client_secret' in error


@pytest.mark.parametrize('auth', [
    {'username': 'u', 'password': 'p', 'client_id': 'c', 'client_secret': 's'},
    {'username': 'u', 'password': 'p', 'token': 't'},
    {'client_id': 'c', 'client_secret': 's', 'token': 't'},
])
def test_only_one_way_to_authenticate(monkeypatch, auth):
    _params, error = build(jama_argument_spec(), {'jama': dict(auth, url=URL)}, monkeypatch)
    assert 'mutually exclusive' in error


def test_some_way_to_authenticate_is_required(monkeypatch):
    _params, error = build(jama_argument_spec(), {'jama': {'url': URL}}, monkeypatch)
    assert 'one of the following is required: username, client_id, token' in error


def test_environment_fallbacks_fill_the_whole_option(monkeypatch):
    monkeypatch.setenv('JAMA_URL', URL)
    monkeypatch.setenv('JAMA_CLIENT_ID', 'cid')
    monkeypatch.setenv('JAMA_CLIENT_SECRET', 'csecret')
    monkeypatch.setenv('JAMA_TIMEOUT', '7')
    params, error = build(jama_argument_spec(), {}, monkeypatch)
    assert error is None
    assert params['jama']['url'] == URL
    assert params['jama']['client_id'] == 'cid'
    assert params['jama']['timeout'] == 7
    assert params['jama']['validate_certs'] is True


def test_jci_username_and_password_are_required_together(monkeypatch):
    monkeypatch.delenv('JCI_PASSWORD', raising=False)
    _params, error = build(jci_argument_spec(), {'jci': {'url': URL, 'username': 'admin'}}, monkeypatch)
    assert 'username, password' in error


def test_secrets_are_no_log():
    options = jama_argument_spec()['jama']['options']
    secret_options = {name for name, option in options.items() if option.get('no_log')}
    assert secret_options == {'password', 'client_secret', 'token'}
    assert jci_argument_spec()['jci']['options']['password']['no_log'] is True


@pytest.mark.parametrize('url, fragment', [
    ('', 'jama.url is required: set it, or the environment variable JAMA_URL'),
    ('jama.example.com', 'absolute http(s) URL'),
    ('ftp://jama.example.com', 'absolute http(s) URL'),
    ('https://', 'absolute http(s) URL'),
    ('https:///rest', 'absolute http(s) URL'),
    ('https://admin:hunter2@jama.example.com', 'must not hold a user name or password'),
])
def test_one_url_rule_for_every_url_and_userinfo_is_never_echoed(url, fragment):
    from ansible_collections.jama.connect.plugins.module_utils.connection import check_url
    from ansible_collections.jama.connect.plugins.module_utils import errors
    with pytest.raises(errors.ConfigurationError) as raised:
        check_url(url, 'jama.url', 'JAMA_URL')
    assert fragment in raised.value.message
    assert 'hunter2' not in raised.value.message
