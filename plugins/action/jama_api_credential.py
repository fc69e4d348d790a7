# -*- coding: utf-8 -*-
# Copyright: jama.connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Runs jama_api_credential and hands a new client secret to an Ansible-Vault vars file, an automation controller
credential, or both, or to a HashiCorp Vault KV v2 secret, before returning.

The writes happen on the controller, where the vault secrets and the inventory's vars files are, and from where the
automation controller is reached. If a hand-off fails, the credential just created is deleted again (and a vault file
already written is put back), so a secret is never created and then lost.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action import ActionBase

from ansible_collections.jama.connect.plugins.module_utils import errors
from ansible_collections.jama.connect.plugins.module_utils.connection import jama_session, resolve_jama
from ansible_collections.jama.connect.plugins.module_utils.jama_client import JamaClient
from ansible_collections.jama.connect.plugins.plugin_utils.credential_task import (
    check_args, checked_connections, handoff_settings, not_kept, planned_deletion, precheck_vault_file,
    restore_vault_file, secret_not_in_vault_file, typed, undecided, verify_new_credential, with_controller_diff)
from ansible_collections.jama.connect.plugins.plugin_utils.reconcile.handoff import FamilyHandoff
from ansible_collections.jama.connect.plugins.plugin_utils.stores.controller_handoff import HandoffStore
from ansible_collections.jama.connect.plugins.plugin_utils.stores.controller_sink import ControllerSink, sink_options
from ansible_collections.jama.connect.plugins.plugin_utils.stores.hashi_vault import HashiVaultStore
from ansible_collections.jama.connect.plugins.plugin_utils.stores.vault_file import VaultStore

MODULE = 'jama.connect.jama_api_credential'


class ActionModule(ActionBase):

    TRANSFERS_FILES = False
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        self._sessions = []
        self._secret = None  # the Vault secret, when hashi_vault is the store
        args = dict(self._task.args)
        vault_file = args.get('vault_file')
        refused = check_args(args)
        if refused:
            result.update(failed=True, changed=False, msg=refused, **typed('configuration', False))
            return result
        previous = None
        if vault_file:
            failure, previous = precheck_vault_file(args, self._loader)
            if failure:
                result.update(failed=True, changed=False, msg=failure, **typed('vault_file', False))
                return result
        sink = None
        connections, refused = checked_connections(args)
        if refused:
            result.update(failed=True, changed=False, msg=refused, **typed('configuration', False))
            return result
        try:
            if connections.get('hashi_vault') is not None:
                self._secret = HashiVaultStore(connections['hashi_vault'], self._names(args))
                self._sessions.append(self._secret)  # closed at the end: an AppRole login's token is revoked
            if args.get('controller_credential') is not None:
                try:
                    sink = ControllerSink(connections.get('controller'), sink_options(args['controller_credential']))
                    sink.prepare()
                except errors.JamaConnectError as error:
                    result.update(failed=True, changed=False, retries=sink.retries if sink else [],
                                  msg='Cannot hand the secret off to the controller: %s' % error.message,
                                  **typed(error.reason, error.heals_on_next_run))
                    return result
            handoff, failed = self._settle(result, args, task_vars, connections, sink)
            ended = failed if failed is not None else \
                self._run(result, args, task_vars, previous, sink, connections, handoff)
            if self._secret is not None:  # the Vault server's retried calls, beside Jama's and the controller's
                ended['retries'] = ended.get('retries', []) + self._secret.retries
            return ended
        finally:
            if sink is not None:
                sink.close()
            for session in self._sessions:
                session.close()

    def _settle(self, result, args, task_vars, connections, sink):
        """With a store for the record (the vault file, else a controller credential whose type has the input for
        it): the credentials an interrupted earlier run created and never handed off are deleted, then the family is
        recorded ahead of a create (plugin_utils/reconcile/handoff.py). Returns (handoff or None, the failed result
        or None)."""
        if args.get('state') == 'absent' or not args.get('name') or not self._keeps(args, sink):
            return None, None
        client = self._client(connections)
        if args.get('vault_file'):
            settings = handoff_settings(args, args['vault_file'])
            store = VaultStore(args['vault_file'], self._loader, args.get('vault_id'), args.get('vault_password_file'))
        elif self._secret is not None:  # read first: the server, the login, the mount and the secret, before a create
            settings, store = handoff_settings(args, self._secret.describe()), self._secret
        elif HandoffStore.usable(sink) and client is not None:
            settings = handoff_settings(args, sink.describe())
            store = HandoffStore(sink, resolve_jama(connections, require_auth=False).get('url'), self._names(args))
        else:
            return None, None
        handoff = FamilyHandoff(settings, store, args['name'], client, args.get('user'))
        try:
            handoff.read()
            orphans = handoff.orphans()
            if self._task.check_mode:
                return handoff, None  # _run reports what a real run would delete
            if orphans:
                # The record may be a running job's, not a killed one's: written back first (record.confirm), so that
                # job's hand-off is refused (it deletes its own new credential) or this run stops, never both go on.
                handoff.record.confirm()
                failed = self._delete_lost(result, args, task_vars, orphans)
                if failed is not None:
                    return None, failed
            handoff.settled()
            handoff.write_ahead(boolean(args.get('rotate') or False, strict=False))
        except errors.JamaConnectError as error:
            # With the fix (a store that refused the login names what to change).
            return None, dict(error.to_fail_json(), failed=True, changed=bool(result.get('cleaned_up')))
        return handoff, None

    def _client(self, connections):
        """A JamaClient for the task's connection from here, or None when it cannot be made here (the module, which
        may run elsewhere, reports an incomplete connection in its own words)."""
        try:
            return JamaClient(self._session(connections))
        except errors.ConfigurationError:
            return None

    def _delete_lost(self, result, args, task_vars, orphans):
        """Delete, through the module, credentials whose secret an interrupted run never stored."""
        names = [cred['name'] for cred in orphans]
        deleted = self._execute_module(module_name=MODULE, task_vars=task_vars, module_args=dict(
            self._module_args(args), state='absent', rotate=False, credential_ids=[cred['id'] for cred in orphans]))
        if deleted.get('failed'):
            return dict(typed('retire_failed', deleted.get('heals_on_next_run', False)), failed=True, changed=False,
                        msg='Deleting %s, created by an interrupted run whose secret was never stored, failed: %s'
                        % (', '.join(names), deleted.get('msg')))
        result['cleaned_up'] = names
        return None

    def _session(self, connections):
        session = jama_session(connections)
        self._sessions.append(session)
        return session

    def _keeps(self, args, sink):
        """Whether this task hands a new secret to a store (else the result is the only place it exists)."""
        return bool(args.get('vault_file') or sink or self._secret)

    @staticmethod
    def _names(args):
        settings = handoff_settings(args, '')
        return settings.client_id_var, settings.client_secret_var, settings.state_var

    def _module_args(self, args):
        # The controller and Vault connections stay here: the module is told only where the Vault secret is.
        module_args = dict((key, value) for key, value in args.items() if key not in ('controller', 'hashi_vault'))
        if self._secret is not None:
            module_args['hashi_vault'] = dict((key, self._secret.options.get(key)) for key in ('url', 'mount', 'path'))
        return module_args

    def _run(self, result, args, task_vars, previous, sink, connections, handoff):
        module_args = self._module_args(args)
        cleaned_up = result.pop('cleaned_up', None)
        result.update(self._execute_module(module_name=MODULE, module_args=module_args, task_vars=task_vars))
        if cleaned_up:
            result.update(cleaned_up=cleaned_up, changed=True)
        with_controller_diff(result, sink)
        ended = self._record_outcome(result, args, sink, handoff)
        if ended is not None:
            return ended
        if self._keeps(args, sink) and result.get('client_secret'):
            failed = self._hand_off(result, args, task_vars, previous, sink, connections, handoff)
            if failed is not None:
                return failed
            self._retire(result, args, task_vars, module_args, sink, 'replaced')
        elif result.get('client_id') and not result.get('failed'):
            lost = self._secret_lost(result, args, sink)
            if lost:
                result.update(failed=True, msg=lost, **typed('secret_not_in_store', False))
                return result
            if self._keeps(args, sink):
                # A rotation whose hand-off finished but whose old credential(s) were not deleted (a killed run):
                # the newest one is safe where this task keeps it, so the older ones go now.
                self._retire(result, args, task_vars, module_args, sink, 'older')
        return self._finish(result, args, sink)

    def _record_outcome(self, result, args, sink, handoff):
        """What the module's answer means for the vault file's record: in check mode with lost credentials, the
        plan of a real run; without a new secret, the record goes. Returns the final result, or None to go on."""
        if handoff is None:
            return None
        if self._task.check_mode and handoff.found:
            return self._finish(planned_deletion(result, args, handoff.found, handoff.s.store), args, sink)
        if not result.get('client_secret') and not result.get('failed'):
            try:
                handoff.nothing_created()
            except errors.JamaConnectError as error:
                result.update(failed=True, msg=error.message, **typed(error.reason, error.heals_on_next_run))
                return result
        return None

    def _hand_off(self, result, args, task_vars, previous, sink, connections, handoff):
        """The new secret into the vault file (removing the write-ahead record in the same write), then (verified
        against Jama first) the controller credential. Returns the failed result when a hand-off failed, else None."""
        vault_file = args.get('vault_file')
        secret = result['client_secret']
        if self._secret is not None:
            return self._hand_off_to_secret(result, args, task_vars, handoff)
        if vault_file:
            try:
                handoff.hand_off(result['client_id'], secret)
            except errors.JamaConnectError as error:  # the store's write, typed by the record; its cause says why
                return self._revoke(result, args, task_vars, vault_file, error.__cause__ or error)
            result['vault_file'] = vault_file
        if not sink:
            return None
        try:
            # A controller credential is what jobs use: it gets a secret that Jama has just accepted.
            verify_new_credential(connections, result['client_id'], secret)
            if vault_file or handoff is None:
                credential_id = sink.write(resolve_jama(connections, require_auth=False).get('url'),
                                           result['client_id'], secret)
            else:  # the controller credential holds the record: the same write removes it
                handoff.hand_off(result['client_id'], secret)
                credential_id = sink.current['id']
        except errors.JamaConnectError as error:  # the check against Jama and the controller's calls
            result['retries'] = result.get('retries', []) + sink.retries
            cause = error.__cause__ or error  # the record's save wraps the store's error
            if cause.details.get('outcome_unknown'):
                # The controller may hold the new secret: deleting the credential could break every job.
                return undecided(result, sink.describe(), cause, recorded=handoff is not None and not vault_file)
            if vault_file:
                restore_vault_file(args, previous, self._loader)
            return self._revoke(result, args, task_vars, sink.describe(), cause, handoff)
        result['controller_credential'] = {'id': credential_id, 'name': sink.options['name'],
                                           'organization': sink.options['organization']}
        result['retries'] = result.get('retries', []) + sink.retries
        return None

    def _hand_off_to_secret(self, result, args, task_vars, handoff):
        """The new client ID and secret into the Vault secret, the record written ahead removed in the same
        check-and-set write. A refused write (another job's) deletes the new credential again; a write whose answer
        was lost keeps it: the secret may hold it, and the record names it for the next run either way."""
        try:
            handoff.hand_off(result['client_id'], result['client_secret'])
        except errors.JamaConnectError as error:
            cause = error.__cause__ or error  # the record's save wraps the store's error
            if self._secret.unsure:
                return undecided(result, self._secret.describe(), cause, recorded=handoff.written_ahead)
            return self._revoke(result, args, task_vars, self._secret.describe(), cause, handoff)
        result['hashi_vault'] = self._secret.where()
        return None

    def _retire(self, result, args, task_vars, module_args, sink, which):
        """Delete the credentials the new one replaced (``which``: 'replaced', after a hand-off) or a finished
        rotation left behind ('older'): only once the newest one is safe where this task keeps it."""
        gone = (result.get('credential') or {}).get(which) or []
        if not gone:
            return
        names = [cred['name'] for cred in gone]
        if which == 'older' and self._task.check_mode:
            result.update(changed=True, retired=names)  # what a real run deletes
            return
        if not self._confirmed(result, gone):
            return
        retired = self._execute_module(module_name=MODULE, task_vars=task_vars, module_args=dict(
            module_args, state='absent', rotate=False, credential_ids=[cred['id'] for cred in gone]))
        if not retired.get('failed'):
            if which == 'older':
                result.update(changed=True, retired=names)  # only once they are gone
            return
        typed_failure = typed('retire_failed', retired.get('heals_on_next_run', False))
        if which == 'older':
            result.update(failed=True, msg='Deleting the replaced credential(s) %s failed: %s' % (
                ', '.join(names), retired.get('msg')), **typed_failure)
            return
        where = ' and '.join(filter(None, (args.get('vault_file'), sink and sink.describe(),
                                           self._secret and self._secret.describe())))
        result.update(failed=True, msg='The new credential %s is in %s, but deleting the one(s) it replaces (%s) '
                                       'failed: %s. Delete them with state: absent and credential_ids, or in Jama'
                      % (result.get('client_id'), where, ', '.join(cred['name'] for cred in gone), retired.get('msg')),
                      **typed_failure)

    def _confirmed(self, result, gone):
        """Before credentials are deleted: no other job wrote the Vault secret since this run (what it may use stays)."""
        try:
            if self._secret is not None:
                self._secret.confirm()
            return True
        except errors.JamaConnectError as error:
            refused = error.to_fail_json()  # with its fix
            names = ', '.join(cred['name'] for cred in gone)
            result.update(refused, failed=True, msg='Not deleting %s: %s' % (names, refused['msg']))
            return False

    def _secret_lost(self, result, args, sink):
        """An existing credential whose secret is not where this task keeps it. Read-only checks, so check mode
        reports what a real run would."""
        if args.get('vault_file') and not self._task.check_mode:
            lost = secret_not_in_vault_file(args, result['client_id'], self._loader)
            if lost:
                return lost
        if self._secret is not None:
            held = self._secret.read()
            names = self._names(args)
            if held.get(names[0]) == result['client_id'] and held.get(names[1]):
                return None
            return not_kept(args.get('name'), result['client_id'], self._secret.describe(),
                            'does not hold its secret under %s (Jama shows a secret once: an earlier run may have lost '
                            'the answer, or the secret was written by hand since)' % names[1])
        if sink and not sink.holds(result['client_id']):
            return not_kept(args.get('name'), result['client_id'], 'the %s' % sink.describe(),
                            'does not hold it (Jama shows a secret once, and the controller never shows one back)')
        return None

    def _finish(self, result, args, sink):
        return_secret = args.get('return_secret')
        if return_secret is None:
            return_secret = not self._keeps(args, sink)
        if 'client_secret' in result and not return_secret:
            del result['client_secret']
        if 'client_secret' in result:
            # Censor the output at every verbosity; the registered variable keeps the value.
            result['_ansible_no_log'] = True
        if not result.get('failed'):
            result['outcome'] = errors.success_outcome(result.get('changed'))
        return result

    def _revoke(self, result, args, task_vars, vault_file, error, handoff=None):
        """``vault_file``: where the hand-off failed (the vault file, or the controller credential); ``handoff``:
        the record written ahead, removed once the new credential is deleted (if the store takes the write)."""
        reason = error.message  # a JamaConnectError (VaultFileError is one)
        # Only the credential just created: with rotate, the one it was to replace stays and keeps working.
        revoke_args = dict(self._module_args(args), state='absent', rotate=False,
                           credential_ids=[(result.get('credential') or {}).get('id')])
        revoked = self._execute_module(module_name=MODULE, module_args=revoke_args, task_vars=task_vars)
        if handoff is not None and not revoked.get('failed'):
            try:
                handoff.nothing_created()
            except errors.JamaConnectError:
                pass  # the next run finds the record, nothing of it left in Jama, and removes it
        failed = dict(typed('handoff_failed', error.heals_on_next_run and not revoked.get('failed')), failed=True,
                      changed=bool(not revoked.get('failed')), retries=result.get('retries', []),
                      client_id=result.get('client_id'))
        if revoked.get('failed'):
            failed['msg'] = ('Handing the new secret to %s failed (%s), and deleting the new credential %s failed '
                             'too (%s). Delete it in Jama (My Profile > Set API Credentials) and run again.'
                             % (vault_file, reason, result.get('client_id'), revoked.get('msg')))
        else:
            # Refused for another job's write: what the store holds now is that job's, not the one this run replaced.
            kept = ('; the store keeps what the other job wrote' if isinstance(error, errors.ConflictError) else
                    ', and the credential it was to replace is untouched and still works'
                    if (result.get('credential') or {}).get('replaced') else '')
            failed['msg'] = ('Handing the new secret to %s failed (%s). The new credential %s was deleted again%s; '
                             'fix the cause and run again.' % (vault_file, reason, result.get('client_id'), kept))
        return failed
