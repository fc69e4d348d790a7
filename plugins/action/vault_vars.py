# -*- coding: utf-8 -*-
# Copyright: jama.connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Merge variables into an Ansible-Vault-encrypted vars file on the controller."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.plugins.action import ActionBase

from ansible_collections.jama.connect.plugins.plugin_utils.stores.vault_file import (
    VaultFileError, check_writable, native, read_vars, vault_secrets, write_vars)


class ActionModule(ActionBase):

    TRANSFERS_FILES = False
    _requires_connection = False
    _VALID_ARGS = frozenset(('path', 'vars', 'vault_id', 'vault_password_file'))

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        args = self._task.args
        path = args.get('path')
        updates = args.get('vars')
        if not path or not isinstance(updates, dict) or not updates:
            result.update(failed=True, msg='path and vars (a non-empty dict) are required', reason='configuration',
                          heals_on_next_run=False, outcome='operator_must_act')
            return result
        try:
            check_writable(path)
            _chosen, secrets = vault_secrets(self._loader, args.get('vault_id'), args.get('vault_password_file'))
            current = read_vars(path, secrets)
            changed_vars = sorted(str(key) for key, value in updates.items() if key not in current or current.get(key) != native(value))
            if changed_vars and not self._task.check_mode:
                write_vars(path, updates, self._loader, args.get('vault_id'), args.get('vault_password_file'))
        except VaultFileError as error:
            result.update(failed=True, msg='Cannot write %s: %s' % (path, error), reason=error.reason,
                          heals_on_next_run=error.heals_on_next_run, outcome=error.outcome)
            return result
        result.update(changed=bool(changed_vars), changed_vars=changed_vars, path=path,
                      outcome='changed' if changed_vars else 'converged')
        if self._task.diff:
            result['diff'] = {'before': '\n'.join('%s: (unchanged or unset)' % name for name in changed_vars) + '\n',
                              'after': '\n'.join('%s: (new value)' % name for name in changed_vars) + '\n',
                              'before_header': path, 'after_header': path}
        return result
