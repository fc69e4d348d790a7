# -*- coding: utf-8 -*-
# Copyright: jama.connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Write variables into an Ansible-Vault-encrypted YAML vars file on the controller, atomically.

The whole file is encrypted (as ``ansible-vault encrypt`` does), so it loads as group_vars or vars_files with
``--vault-id``. Whole-file encryption also avoids the ``!vault`` + ``to_nice_yaml`` problem of ansible-core
2.19+ (ansible/ansible#87389). Plaintext never touches the disk: the temporary file holds ciphertext only.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import tempfile

import yaml

from ansible.errors import AnsibleError
from ansible.module_utils.common.text.converters import to_bytes, to_text
from ansible.parsing.vault import VaultLib, get_file_vault_secret, is_encrypted, match_encrypt_secret


class VaultFileError(Exception):
    pass


def vault_secrets(loader, vault_id=None, password_file=None):
    """The (vault_id, secret) to encrypt with, and every secret that may decrypt the existing file."""
    secrets = list(loader._vault.secrets or [])  # pylint: disable=protected-access
    if password_file:
        secret = get_file_vault_secret(filename=password_file, vault_id=vault_id, loader=loader)
        secret.load()
        secrets.insert(0, (vault_id or 'default', secret))
    if not secrets:
        raise VaultFileError('no vault secret is available: run the playbook with --vault-id or '
                             '--vault-password-file (in AWX, attach a Vault credential), or set vault_password_file')
    try:
        chosen = match_encrypt_secret(secrets, encrypt_vault_id=vault_id)
    except AnsibleError:
        chosen = None
    if not chosen:
        raise VaultFileError('no vault secret with vault id %r: pass --vault-id %s@... to the playbook, or set '
                             'vault_password_file' % (vault_id, vault_id))
    return chosen, secrets


def check_writable(path):
    """Fail before anything is created when the file could not be written."""
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise VaultFileError('the directory %s does not exist: create it first' % directory)
    if not os.access(directory, os.W_OK):
        raise VaultFileError('the directory %s is not writable' % directory)
    if os.path.isdir(path):
        raise VaultFileError('%s is a directory, not a file' % path)


def read_vars(path, secrets):
    if not os.path.exists(path):
        return {}
    with open(path, 'rb') as handle:
        raw = handle.read()
    if is_encrypted(raw):
        try:
            raw = VaultLib(secrets).decrypt(raw)
        except AnsibleError:
            raise VaultFileError('%s is encrypted with a vault secret this run does not have' % path)
    data = yaml.safe_load(to_text(raw)) if raw.strip() else {}
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise VaultFileError('%s does not hold a YAML mapping of variables' % path)
    return data


def _plain(value):
    """A plain str: values from tasks are str subclasses (unsafe text before ansible-core 2.19, tagged
    values since) that yaml.safe_dump refuses, and whose str() may return themselves."""
    # str.__str__ on a str subclass returns an exact str copy, bypassing any override in the subclass.
    return str.__str__(value) if isinstance(value, str) else str(value)


def write_vars(path, updates, loader, vault_id=None, password_file=None):
    """Merge ``updates`` into the vars file at ``path`` and encrypt it; other keys are kept."""
    check_writable(path)
    (chosen_id, secret), secrets = vault_secrets(loader, vault_id, password_file)
    data = read_vars(path, secrets)
    data.update((_plain(key), _plain(value)) for key, value in updates.items())
    plaintext = yaml.safe_dump(data, default_flow_style=False, allow_unicode=True, sort_keys=True)
    ciphertext = VaultLib(secrets).encrypt(plaintext, secret, vault_id=chosen_id if vault_id else None)
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix='.%s.' % os.path.basename(path), dir=directory)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, 'wb') as handle:
            handle.write(to_bytes(ciphertext))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
