# -*- coding: utf-8 -*-
# Copyright: jama.connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every decision of the engine, as pure functions: no I/O, no check mode. Each is tested as a table
(tests/unit/plugins/plugin_utils/test_reconcile_plan.py)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.jama.connect.plugins.module_utils import errors
from ansible_collections.jama.connect.plugins.module_utils.connectors import normalized_url
from ansible_collections.jama.connect.plugins.module_utils.credentials import family


def connector_drift(conn, client_id, settings):
    """The one definition of "converged": how the connector differs from what the environment wants, as (field,
    what it has, what is wanted) for each difference; empty when it is converged. Configure acts on it, check
    reports it. ``client_id`` None leaves the client out (no credential to compare with)."""
    if conn is None:
        return [('connector', None, settings.connector_name)]
    wanted = [('authenticationType', conn.get('authenticationType'), 'oauth'),
              ('clientSecretSet', bool(conn.get('clientSecretSet')), True),
              ('url', normalized_url(conn.get('url')), normalized_url(settings.jama_url)),
              ('verifySsl', conn.get('verifySsl'), settings.verify_ssl)]
    if client_id is not None:
        wanted.insert(1, ('clientId', conn.get('clientId'), client_id))
    return [(field, have, want) for field, have, want in wanted if have != want]


def converged(conn, cred, settings):
    """The connector uses ``cred`` exactly as the environment wants (connector_drift is empty)."""
    return conn is not None and cred is not None and not connector_drift(conn, cred.client_id, settings)


def drift_problems(conn, cur, settings):
    """What check reports of a connector on OAuth that is not converged (connector_drift), in words."""
    source = settings.source
    texts = {
        'clientId': lambda have, want: 'the connector uses client ID %s but %s holds %s' % (have, source, want),
        'clientSecretSet': lambda have, want: 'the connector has no client secret set',
        'url': lambda have, want: 'the connector points at %s, not %s' % (conn.get('url'), settings.jama_url),
        'verifySsl': lambda have, want: ('the connector\'s certificate verification (verifySsl) is %s, but '
                                         'oauth_connector_verify_ssl is %s; jama.connect.configure sets it'
                                         % (have, want)),
    }
    drift = connector_drift(conn, cur.client_id if cur is not None else None, settings)
    return [texts[field](have, want) for field, have, want in drift if field in texts]


def is_dead(error):
    """A credential Jama no longer accepts (deleted, or the secret does not match): replacing it helps.

    Locked, unlicensed or REST-less service accounts are not dead credentials: a new credential of the same
    user would fail the same way, so those stop the run with their own hint."""
    return type(error) in (errors.TokenError, errors.AuthenticationError)


def doomed_credentials(listed, keep, retire, marker_text, foreign=None):
    """Which of the service user's credentials may go, before the connectors are read: those the store queued for
    deletion (``retire``) and this connector's own (``marker_text`` as description), except any in ``keep`` (in use
    by the target, the connector, the store's current or pending credential) and ``foreign``, the credential the
    connector used when the run started if the store never held it (another store may: decision 41).
    Returns (doomed, kept_foreign)."""
    doomed = [cred for cred in listed if cred.get('clientId') not in keep
              and (cred.get('clientId') in retire or cred.get('description') == marker_text)]
    kept = [cred for cred in doomed if foreign and cred.get('clientId') == foreign]
    return [cred for cred in doomed if cred not in kept], kept


def split_in_use(doomed, used):
    """``doomed`` split by whether a connector of this JCI uses it (``used``: client ID -> connector name; migrate
    puts several connectors on one credential): (still doomed, kept as in use)."""
    return ([cred for cred in doomed if cred.get('clientId') not in used],
            [cred for cred in doomed if cred.get('clientId') in used])


def foreign_credential(started_on, held):
    """The client ID the connector used when the run started, if the store never held it (another store may)."""
    return started_on if started_on not in held else None


def keep_set(target_id, in_use, current_id, pending_id):
    """Client IDs no cleanup may delete: the target, what connectors use, the store's current and pending ones."""
    return set(client_id for client_id in [target_id, current_id, pending_id] + list(in_use) if client_id)


def cleanup_scope(retire, needed, changed, admin_configured):
    """Whether to look for credentials to delete: 'skip' (there can be none: the run changed nothing about which
    credential is in use, and nothing is queued), 'unchecked' (there may be orphans, but no administrator to list
    them), or 'search'."""
    if not retire and not (needed and changed):
        return 'skip'
    if not admin_configured and not retire:
        return 'unchecked'
    return 'search'


def rotation_start(view):
    """Where a rotation begins: 'nothing' (no credential in the store), 'resume' (an unfinished change is
    recorded), 'retire' (the rotation finished; only deleting the old credential did not), 'probe' (check the
    current credential, then rotate)."""
    if view.current is None and not view.pending and not view.partial:
        return 'nothing'
    if view.pending:
        return 'resume'
    if view.retire:
        return 'retire'
    return 'probe' if view.current is not None else 'rotate'


def replaced_by_new(force_new, view):
    """The client ID a new credential replaces, queued for deletion once the new one is verified. Only a rotation
    queues one: configure never deletes a credential it did not make (a dead one it made is found by its marker
    once nothing uses it)."""
    if not force_new:
        return None
    return view.current.client_id if view.current is not None else view.partial_id


def migration_scope(connectors, jama_url):
    """The connectors migrate looks at: every Jama Connect connector of this Jama (mine), and those on Basic."""
    mine = [conn for conn in connectors if conn.get('application') in (None, 'jama_connect')
            and normalized_url(conn.get('url')) == normalized_url(jama_url)]
    return mine, [conn for conn in mine if conn.get('authenticationType') == 'basic']


def resumable(pending, found):
    """Whether a pending credential can be resumed: its secret was stored and Jama still lists it."""
    return bool(found) and bool(pending.get('client_id')) and bool(pending.get('client_secret'))


def is_auth_error(entry):
    """A JCI log entry that is an authentication error (the test's lines, and the report's reading of the log)."""
    return isinstance(entry, dict) and entry.get('category') == 'authentication' and \
        entry.get('level') in ('ERROR', 'error')


def test_verdict(outcome):
    """JCI's test answer as (passed, authentication errors): errors in its log lines fail it too."""
    auth_errors = [entry.get('message') for entry in outcome.get('logEntries') or [] if is_auth_error(entry)]
    return bool(outcome.get('success')) and not auth_errors, auth_errors


def recorded_verdict(last):
    """Check mode's reading of JCI's last recorded test: never tested counts as passed, so check mode plans no
    change for it (the result says so)."""
    return not isinstance(last, dict) or last.get('status') in (None, 'passed')


def unfinished_family(listed, pending, current_id):
    """jama_api_credential's write-ahead record (handoff.py): the members of the recorded family that the record did
    not know and the store does not hold, created by a run killed before its hand-off, their secret lost."""
    known = set(pending.get('known') or [])
    return [cred for cred in family(listed, pending.get('name'))
            if cred.get('clientId') not in known and cred.get('clientId') != current_id]
