from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import stat

import pytest
import yaml

from ansible.parsing.dataloader import DataLoader
from ansible.parsing.vault import VaultLib, VaultSecret

from ansible_collections.jama.connect.plugins.plugin_utils.stores.vault_file import VaultFileError, VaultStore, write_vars

SECRET = 'the-one-time-secret'


def loader_with(password, vault_id='dev'):
    loader = DataLoader()
    loader.set_vault_secrets([(vault_id, VaultSecret(password.encode()))])
    return loader


def decrypt(path, password):
    with open(path, 'rb') as handle:
        return yaml.safe_load(VaultLib([('x', VaultSecret(password.encode()))]).decrypt(handle.read()))


def test_writes_an_encrypted_private_file(tmp_path):
    path = str(tmp_path / 'creds.yml')
    write_vars(path, {'jama_client_secret': SECRET}, loader_with('pw'), vault_id='dev')
    with open(path, 'rb') as handle:
        raw = handle.read()
    assert raw.startswith(b'$ANSIBLE_VAULT;1.2;AES256;dev')
    assert SECRET.encode() not in raw
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert decrypt(path, 'pw') == {'jama_client_secret': SECRET}


def test_keeps_other_keys_and_leaves_no_temporary_file(tmp_path):
    path = str(tmp_path / 'creds.yml')
    write_vars(path, {'other': 'keep'}, loader_with('pw'))
    write_vars(path, {'jama_client_id': 'cid'}, loader_with('pw'))
    assert decrypt(path, 'pw') == {'other': 'keep', 'jama_client_id': 'cid'}
    assert os.listdir(str(tmp_path)) == ['creds.yml']


def test_missing_directory_is_refused(tmp_path):
    with pytest.raises(VaultFileError, match='does not exist'):
        write_vars(str(tmp_path / 'no' / 'creds.yml'), {'a': 'b'}, loader_with('pw'))


def test_no_vault_secret_is_refused_with_the_fix(tmp_path):
    with pytest.raises(VaultFileError, match='--vault-id'):
        write_vars(str(tmp_path / 'creds.yml'), {'a': 'b'}, DataLoader())


def test_unknown_vault_id_is_refused(tmp_path):
    with pytest.raises(VaultFileError, match='no vault secret with vault id'):
        write_vars(str(tmp_path / 'creds.yml'), {'a': 'b'}, loader_with('pw', 'dev'), vault_id='prod')


def test_file_encrypted_with_another_secret_is_not_overwritten(tmp_path):
    path = str(tmp_path / 'creds.yml')
    write_vars(path, {'a': 'b'}, loader_with('first'))
    with open(path, 'rb') as handle:
        before = handle.read()
    with pytest.raises(VaultFileError, match='cannot be decrypted with the vault secrets of this run'):
        write_vars(path, {'c': 'd'}, loader_with('second'))
    with open(path, 'rb') as handle:
        assert handle.read() == before


def test_password_file_overrides_the_run_secret(tmp_path):
    password_file = tmp_path / 'pass'
    password_file.write_text('from-file\n')
    path = str(tmp_path / 'creds.yml')
    write_vars(path, {'a': 'b'}, DataLoader(), vault_id='prod', password_file=str(password_file))
    assert decrypt(path, 'from-file') == {'a': 'b'}


@pytest.mark.parametrize('value', [8080, True, False, 1.5, None, ['a', 1], {'nested': {'port': 8080}}, 'text'])
def test_values_keep_their_yaml_type_and_a_second_write_is_identical(tmp_path, value):
    path = str(tmp_path / 'creds.yml')
    write_vars(path, {'value': value}, loader_with('pw'))
    assert decrypt(path, 'pw') == {'value': value}
    assert VaultStore(path, loader_with('pw')).read() == {'value': value}


def test_keys_can_be_removed_and_others_are_kept(tmp_path):
    path = str(tmp_path / 'creds.yml')
    write_vars(path, {'a': 1, 'b': 2}, loader_with('pw'))
    write_vars(path, {'c': 3}, loader_with('pw'), remove=['a'])
    assert decrypt(path, 'pw') == {'b': 2, 'c': 3}


@pytest.mark.parametrize('content, fragment', [
    (b'a: [zzqhidden\n', 'is not valid YAML'),
    (b'- zzqhidden\n- not a mapping\n', 'does not hold a YAML mapping'),
])
def test_an_unreadable_file_is_named_without_its_content(tmp_path, content, fragment):
    path = str(tmp_path / 'creds.yml')
    with open(path, 'wb') as handle:
        handle.write(VaultLib([('dev', VaultSecret(b'pw'))]).encrypt(content, VaultSecret(b'pw'), vault_id='dev'))
    with pytest.raises(VaultFileError) as raised:
        VaultStore(path, loader_with('pw')).read()
    assert fragment in str(raised.value) and path in str(raised.value)
    assert 'zzqhidden' not in str(raised.value)


def test_a_directory_as_the_vault_file_is_named_with_the_fix_not_a_raw_os_error(tmp_path):
    """Regression: a directory crashed the role with [Errno 21] (2.21) or a traceback (2.18)."""
    store = VaultStore(str(tmp_path), None)
    assert store.encrypted()  # nothing to warn about: there is no plaintext file
    with pytest.raises(VaultFileError) as raised:
        store.read()
    assert str(raised.value) == ('%s is a directory, not a vars file: give the path of the environment\'s vault file, '
                                 'for example %s/jama_credential.vault.yml' % (tmp_path, tmp_path))
