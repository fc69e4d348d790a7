# -*- coding: utf-8 -*-
# Copyright: jama.connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read and write Ansible-Vault-encrypted YAML vars files on the controller, atomically.

The whole file is encrypted (as ``ansible-vault encrypt`` does), so it loads as group_vars or vars_files with
``--vault-id``. Whole-file encryption also avoids the ``!vault`` + ``to_nice_yaml`` problem of ansible-core
2.19+ (ansible/ansible#87389). Plaintext never touches the disk: the temporary file holds ciphertext only.
Error messages name the file and the fix, never the content.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import tempfile

import yaml

from ansible.errors import AnsibleError
from ansible.module_utils.common.text.converters import to_bytes, to_text
from ansible.parsing.vault import VaultLib, get_file_vault_secret, is_encrypted, match_encrypt_secret

from ansible_collections.jama.connect.plugins.module_utils import errors
from ansible_collections.jama.connect.plugins.plugin_utils.stores.base import Store
from ansible_collections.jama.connect.plugins.plugin_utils.stores.base import native as _native


class VaultFileError(errors.JamaConnectError):
    """Whatever goes wrong with a vault file, its vault secret or the disk under it: the one error this module
    raises (an OSError or an AnsibleError from below becomes one), so callers catch exactly this."""

    reason = 'vault_file'


def _cause(error):
    """An OSError's or AnsibleError's own words, never a file's content."""
    if isinstance(error, OSError):
        return '%s%s' % (error.strerror or type(error).__name__, ' (errno %d)' % error.errno if error.errno else '')
    return to_text(getattr(error, 'message', None) or error).splitlines()[0][:300] or type(error).__name__


def vault_secrets(loader, vault_id=None, password_file=None):
    """The (vault_id, secret) to encrypt with, and every secret that may decrypt the existing file."""
    secrets = list(loader._vault.secrets or [])  # pylint: disable=protected-access
    if password_file:
        try:
            secret = get_file_vault_secret(filename=password_file, vault_id=vault_id, loader=loader)
            secret.load()
        except (OSError, AnsibleError) as error:
            raise VaultFileError('the vault password file %s cannot be used: %s' % (password_file, _cause(error)))
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
    refuse_directory(path)


def refuse_directory(path):
    if os.path.isdir(path):
        raise VaultFileError('%s is a directory, not a vars file: give the path of the environment\'s vault file, '
                             'for example %s' % (path, os.path.join(path, 'jama_credential.vault.yml')))


def header_vault_id(raw):
    """The vault ID label in an encrypted file's header (``$ANSIBLE_VAULT;1.2;AES256;prod``), if any."""
    first = to_text(raw.split(b'\n', 1)[0]).strip().split(';')
    return first[3] if len(first) > 3 and first[3] else None


def read_vars(path, secrets):
    """The mapping in the vars file at ``path`` ({} when it does not exist), decrypted with ``secrets``."""
    if not os.path.exists(path):
        return {}
    refuse_directory(path)
    try:
        with open(path, 'rb') as handle:
            raw = handle.read()
    except OSError as error:
        raise VaultFileError('%s cannot be read: %s' % (path, _cause(error)))
    if is_encrypted(raw):
        try:
            raw = VaultLib(secrets).decrypt(raw)
        except AnsibleError:
            label = header_vault_id(raw)
            needs = ('--vault-id %s@<password source>' % label) if label else 'the --vault-id (or vault password) it was encrypted with'
            given = ', '.join(sorted(set(str(vault_id) for vault_id, _secret in secrets))) or 'none'
            raise VaultFileError('%s cannot be decrypted with the vault secrets of this run (vault IDs given: %s): '
                                 'the password is wrong or belongs to another vault ID. Run with %s'
                                 % (path, given, needs))
    try:
        data = yaml.safe_load(to_text(raw, errors='surrogate_or_strict')) if raw.strip() else {}
    except (yaml.YAMLError, UnicodeError):
        raise VaultFileError('%s is not valid YAML after decryption; view it with ansible-vault view and fix it'
                             % path)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise VaultFileError('%s does not hold a YAML mapping of variables (it holds a %s); it must be key: value '
                             'pairs' % (path, type(data).__name__))
    return data


def is_vault_encrypted(path):
    try:
        with open(path, 'rb') as handle:
            return is_encrypted(handle.read())
    except OSError as error:
        raise VaultFileError('%s cannot be read: %s' % (path, _cause(error)))


def native(value):
    """A task's value as a vars file stores it (stores/base.py); what cannot be stored is a VaultFileError."""
    return _native(value, VaultFileError, ' in a vars file')


def write_vars(path, updates, loader, vault_id=None, password_file=None, remove=()):
    """Merge ``updates`` into the vars file at ``path``, drop the keys in ``remove``, and encrypt it.

    Other keys are kept. Returns the new content. On any failure the file keeps its previous content and a
    VaultFileError says why."""
    try:
        return _write_vars(path, updates, loader, vault_id, password_file, remove)
    except (OSError, AnsibleError) as error:
        raise VaultFileError('%s could not be written: %s' % (path, _cause(error)))


def _write_vars(path, updates, loader, vault_id, password_file, remove):
    check_writable(path)
    (chosen_id, secret), secrets = vault_secrets(loader, vault_id, password_file)
    data = read_vars(path, secrets)
    data.update((native(key), native(value)) for key, value in updates.items())
    for key in remove:
        data.pop(key, None)
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
    return data


class VaultStore(Store):
    """One environment's vault file, as the reconciler sees it: read, merge-write, and whether it is encrypted."""

    write_hint = ('fix the cause (disk space, permissions, the vault secret) and run again; the file still holds what '
                  'the last successful write put there')

    def __init__(self, path, loader, vault_id=None, password_file=None):
        self.path = path
        self.loader = loader
        self.vault_id = vault_id
        self.password_file = password_file
        # What the file held when this store last read or wrote it (a run is the file's only writer), so one run
        # decrypts it once instead of once per check.
        self._data = None
        self._encrypted = None

    def describe(self):
        return self.path

    def read(self):
        if self._data is None:
            if not os.path.exists(self.path):
                return {}
            refuse_directory(self.path)  # before the header is read: reading a directory fails with a bare OSError
            self._encrypted = is_vault_encrypted(self.path)
            secrets = vault_secrets(self.loader, self.vault_id, self.password_file)[1] if self._encrypted else []
            self._data = read_vars(self.path, secrets)
        return dict(self._data)

    def precheck_write(self):
        """Everything a later write needs, checked before any change: directory, vault secret, readable file."""
        check_writable(self.path)
        vault_secrets(self.loader, self.vault_id, self.password_file)
        self.read()

    def write(self, updates, remove=()):
        self._data = None
        self._data = write_vars(self.path, updates, self.loader, self.vault_id, self.password_file, remove)
        self._encrypted = True
        return dict(self._data)

    def confirm(self):
        """The store still holds this run's last write. A vault file has one writer, the run whose inventory names it
        (jobs that share one are run one at a time, docs/automation-platform.md); nothing to read back."""

    def encrypted(self):
        if self._encrypted is None:
            self._encrypted = not os.path.isfile(self.path) or is_vault_encrypted(self.path)
        return self._encrypted
