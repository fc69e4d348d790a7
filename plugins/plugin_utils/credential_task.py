# -*- coding: utf-8 -*-
# Copyright: jama.connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The jama_api_credential action's checks of its arguments and the shapes of its results, apart from its flow
(plugins/action/jama_api_credential.py)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.utils.display import Display

from ansible_collections.jama.connect.plugins.module_utils import errors
from ansible_collections.jama.connect.plugins.module_utils.connection import (
    check_hashi_vault, controller_argument_spec, hashi_vault_argument_spec, jama_argument_spec, jama_session,
    resolve_hashi_vault, resolve_jama)
from ansible_collections.jama.connect.plugins.module_utils.limits import VAR_NAME
from ansible_collections.jama.connect.plugins.module_utils.probe import check_credential
from ansible_collections.jama.connect.plugins.plugin_utils.reconcile.model import Settings
from ansible_collections.jama.connect.plugins.plugin_utils.stores.vault_file import (
    VaultFileError, check_writable, read_vars, vault_secrets, write_vars)


def typed(reason, heals):
    """What a failed result says a workflow can do about it (module_utils/errors.py)."""
    return {'reason': reason, 'heals_on_next_run': bool(heals),
            'outcome': 'heals_next_run' if heals else 'operator_must_act'}


def with_controller_diff(result, sink):
    """What the controller credential holds before, and will hold after (never its secret)."""
    if sink is None or not isinstance(result.get('diff'), dict) or result.get('failed'):
        return
    held = ((sink.current or {}).get('inputs') or {}).get('client_id')
    after_id = (result.get('credential') or {}).get('client_id') or held
    where = {'name': sink.options['name'], 'organization': sink.options['organization']}
    result['diff']['before'] = dict(result['diff'].get('before') or {},
                                    controller_credential=dict(where, client_id=held) if sink.current else {})
    result['diff']['after'] = dict(result['diff'].get('after') or {},
                                   controller_credential=dict(where, client_id=after_id))


def planned_deletion(result, args, lost, store):
    """Check mode with credentials an interrupted run lost: a real run deletes them and then creates a new one, so
    the module's view of the family (which still lists them) is not what a real run acts on."""
    names = [cred['name'] for cred in lost]
    result.pop('client_id', None)
    result.update(changed=True, would_delete=names, credential={'name': args['name'], 'client_id': '(new)'})
    # Shown, not put into the result's warnings: on ansible-core 2.19+ those hold the module's own warning objects.
    Display().warning('%s records an interrupted create: a real run deletes %s, whose secret was never stored, and '
                      'creates a new credential' % (store, ', '.join(names)))
    return result


def handoff_settings(args, where):
    """The store's variables, as the engine's record names them (plugin_utils/reconcile/record.py): the vault file's or
    the Vault secret's, or, for a controller credential alone, the role's defaults (only the record uses them there).
    ``where``: how messages name the store."""
    return Settings(jama_url='', vault_file=args.get('vault_file'), store=where,
                    client_id_var=args.get('client_id_var') or 'jama_client_id',
                    client_secret_var=args.get('client_secret_var') or 'jama_client_secret',
                    state_var=args.get('state_var') or 'jama_credential_state')


def checked_connections(args):
    """The jama, controller and hashi_vault options as the module's argument spec makes them (types converted, paths
    expanded, unknown keys refused), for the calls this action makes itself; the Vault connection with its environment
    fallbacks and checked (connection.check_hashi_vault). Returns (connections, refusal)."""
    given = dict((key, args[key]) for key in ('jama', 'controller', 'hashi_vault') if args.get(key) is not None)
    spec = jama_argument_spec()
    spec.update(controller_argument_spec())
    spec.update(hashi_vault_argument_spec())
    validated = ArgumentSpecValidator(spec).validate(given)
    if validated.error_messages:
        return None, '; '.join(validated.error_messages)
    connections = validated.validated_parameters
    try:
        connections['hashi_vault'] = resolve_hashi_vault(connections, require_auth=False)
        if connections['hashi_vault'] is not None:
            check_hashi_vault(connections['hashi_vault'], 'hashi_vault')
    except errors.ConfigurationError as error:
        return None, error.message
    return connections, None


def check_args(args):
    """Input the module would silently turn into something else, refused before any call."""
    for option in ('name', 'description', 'user'):
        if option in args and args[option] is not None and not isinstance(args[option], str):
            return '%s must be a string, got a %s' % (option, type(args[option]).__name__)
    if 'user' in args and args['user'] is not None and not args['user'].strip():
        return ('user must be a Jama username (for example jci_service); leave it out to manage the authenticated '
                "user's own credential")
    names = {}
    for option in ('client_id_var', 'client_secret_var', 'state_var'):
        if option in args and args[option] is not None:
            value = args[option]
            if not isinstance(value, str) or not VAR_NAME.match(value):
                return ('%s must be a variable name (letters, digits and _, not starting with a digit), got %r'
                        % (option, value))
            names[option] = value
    return check_store_names(names) or check_stores(args)


def check_stores(args):
    """One store for a task with hashi_vault (a vault file and a controller credential together are a store and its
    copy; Vault is read by jobs directly, so it needs no copy)."""
    if args.get('hashi_vault') is not None and (args.get('vault_file') or args.get('controller_credential') is not None):
        return ('set hashi_vault, or vault_file and/or controller_credential, not both: a task with hashi_vault keeps '
                'the secret in the Vault secret alone (jobs read it there with a Vault lookup)')
    return None


def check_store_names(names):
    """The variables (or keys) the store holds the client ID, secret and record under: three, never one twice."""
    chosen = [names.get('client_id_var', 'jama_client_id'), names.get('client_secret_var', 'jama_client_secret'),
              names.get('state_var', 'jama_credential_state')]
    if len(set(chosen)) != 3:
        return 'client_id_var, client_secret_var and state_var must be three different variable names'
    return None


def undecided(result, where, error, recorded):
    """A store write whose outcome cannot be read back: keep everything, say what the next run does. ``recorded``: the
    store records the create, so the next run also heals a write that did not happen."""
    otherwise = ('deletes it (the record written ahead names it) and creates a new one' if recorded
                 else 'asks for rotate: true')
    return dict(typed('answer_lost', True), failed=True, changed=True, retries=result.get('retries', []),
                client_id=result.get('client_id'),
                msg=('Handing the new credential %s (client ID %s) to the %s: %s. It is kept in Jama%s. Run the '
                     'task again: it reads the store and finishes if it holds the new client ID, or %s if not' % (
                         (result.get('credential') or {}).get('name'), result.get('client_id'), where,
                         error.message, ', and so is the credential it was to replace'
                         if (result.get('credential') or {}).get('replaced') else '', otherwise)))


def not_kept(name, client_id, where, why):
    """An existing credential whose secret is not in the task's store: Jama shows a secret once, so only a new one
    (rotate) or a delete fixes it. ``why``: what the store shows, and why that can happen."""
    return ('The API credential %r (client ID %s) exists in Jama, but %s %s. Fix: run the task once with rotate: true '
            'to replace it with a new credential whose secret goes there, or delete it with state: absent and run '
            'again' % (name, client_id, where, why))


def verify_new_credential(connections, client_id, secret):
    """A token for the new credential and the user it belongs to, straight from Jama."""
    jama = dict(resolve_jama(connections, require_auth=False))
    for name in ('username', 'password', 'token'):
        jama.pop(name, None)
    jama.update(client_id=client_id, client_secret=secret)
    session = jama_session({'jama': jama})
    try:
        check_credential(session)
    finally:
        session.close()


# --- the vault file as the task's store ------------------------------------------------------------------------
def restore_vault_file(args, previous, loader):
    """Put the vault file's client ID and secret back as they were before this run wrote the new ones."""
    settings = handoff_settings(args, '')
    id_var, secret_var = settings.client_id_var, settings.client_secret_var
    kept = dict((key, previous[key]) for key in (id_var, secret_var) if key in (previous or {}))
    try:
        write_vars(args['vault_file'], kept, loader, args.get('vault_id'), args.get('vault_password_file'),
                   remove=[key for key in (id_var, secret_var) if key not in kept])
    except VaultFileError:
        # The revoke message that follows names the new credential; the file then names a deleted one, which
        # the next run reports (its secret is not in the file) and rotate replaces.
        pass


def secret_not_in_vault_file(args, client_id, loader):
    """A credential that exists while vault_file does not hold its client ID: its secret was shown once and is
    not where this task keeps it (a lost answer, or a vault file replaced since). Say so instead of succeeding."""
    try:
        secrets = vault_secrets(loader, args.get('vault_id'), args.get('vault_password_file'))[1]
        current = read_vars(args['vault_file'], secrets)
    except VaultFileError as error:
        return 'Cannot read vault_file %s: %s' % (args['vault_file'], error)
    settings = handoff_settings(args, '')
    id_var, secret_var = settings.client_id_var, settings.client_secret_var
    if current.get(id_var) == client_id and current.get(secret_var):
        return None
    return not_kept(args.get('name'), client_id, args['vault_file'], 'does not hold its secret under %s (Jama shows a '
                    'secret once: an earlier run may have lost the answer, or the file was replaced)' % secret_var)


def precheck_vault_file(args, loader):
    """Everything that can be checked before a credential is created, so bad input changes nothing. Returns
    (failure, the file's current content)."""
    try:
        check_writable(args['vault_file'])
        secrets = vault_secrets(loader, args.get('vault_id'), args.get('vault_password_file'))[1]
        # The existing file must open with this run's vault secret and hold a mapping, or the write after the
        # create would fail and the new credential would have to be deleted again.
        return None, read_vars(args['vault_file'], secrets)
    except VaultFileError as error:  # check_writable, vault_secrets and read_vars raise only this
        return 'Cannot hand the secret off to vault_file %s: %s' % (args['vault_file'], error), None
