# -*- coding: utf-8 -*-
# Copyright: jama.connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The oauth_connector role's engine: read the whole state, decide, then act in an order that never breaks what
works. Every run ends with the environment verified, or fails naming the cause and the fix; the next run, once
the cause is gone, converges from whatever state the last one left.

State lives in three places:
- Jama: the JCI service user's API credentials. The ones this engine creates carry ``marker()`` as their
  description, scoped to one JCI and connector, so a later run can recognise and delete its own orphans and
  never touches anybody else's.
- The environment's store, a vault file (plugin_utils/vault_file.py) or an automation controller credential
  (plugin_utils/controller_sink.py): the current credential (``client_id_var``/``client_secret_var``) and, under
  ``state_var``, a write-ahead record of unfinished work: ``pending`` (a credential being created or not yet
  in use: its name before the create call, its client ID and secret right after) and ``retire`` (client IDs
  replaced and still to be deleted). A converged environment has no ``state_var`` key. A store has ``read()``
  (a dict) and ``write(updates, remove)`` (one write of all of it; after a failed write the store may hold either
  version, and the next run copes with both). "The vault file" below means either store.
- JCI: the connector.

The invariants, each tested by the fault suite (tests/unit/plugins/plugin_utils/test_reconcile_faults.py):
- a credential is verified directly against Jama before any connector is pointed at it;
- the vault file always holds the credential the connector uses (as current or as pending);
- a credential is deleted only when neither the vault file nor the connector uses it;
- the secret of a credential that exists in Jama is in the vault file, or the vault file records that the
  credential must be deleted (pending without a secret), so a lost answer never orphans a credential.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import binascii
import datetime
import os

from ansible_collections.jama.connect.plugins.module_utils import errors
from ansible_collections.jama.connect.plugins.module_utils.connectors import (
    connector_view, diff_view, failure_hint, planned_changes)

MARKER_PREFIX = 'Managed by jama.connect'
# A created credential's name is the prefix plus this suffix, within limits.CREDENTIAL_NAME_MAX.
NAME_SUFFIX_LENGTH = len('-20261129T101010Z-abcd')


# Answers that prove Jama created nothing: it refused the request itself.
REFUSED = (errors.ValidationError, errors.ConflictError, errors.CredentialLimitError, errors.PermissionDeniedError,
           errors.AuthenticationError, errors.RateLimitedError, errors.NotFoundError)


class ReconcileError(errors.JamaConnectError):
    """A flow stopped; the message says what state it left and what the next run will do. Every raise names its
    ``reason`` (README, "Failure reasons") and whether the next run heals it."""

    reason = 'reconcile_failed'


def marker(jci_url, connector_name):
    """The description of every credential the engine creates for one connector of one JCI."""
    return '%s for JCI %s, connector "%s"' % (MARKER_PREFIX, jci_url.rstrip('/'), connector_name)


def new_credential_name(prefix, now=None):
    now = now or datetime.datetime.now(datetime.timezone.utc)
    # The random part keeps two runs in the same second (or two environments sharing a Jama) apart.
    return '%s-%s-%s' % (prefix, now.strftime('%Y%m%dT%H%M%SZ'), binascii.hexlify(os.urandom(2)).decode('ascii'))


def normalized_url(url):
    return (url or '').rstrip('/').lower()


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


def is_dead(error):
    """A credential Jama no longer accepts (deleted, or the secret does not match): replacing it helps.

    Locked, unlicensed or REST-less service accounts are not dead credentials: a new credential of the same
    user would fail the same way, so those stop the run with their own hint."""
    return type(error) in (errors.TokenError, errors.AuthenticationError)


class Credential:
    """A client ID and secret, with the name and id Jama gave it when known. Never rendered with the secret."""

    def __init__(self, client_id, client_secret, name=None, replaces=None, planned=False):
        self.client_id = client_id
        self.client_secret = client_secret
        self.name = name
        self.replaces = replaces
        self.planned = planned

    @property
    def complete(self):
        return bool(self.client_id) and bool(self.client_secret)

    def label(self):
        if self.planned:
            return 'a new credential'
        return '%s (%s)' % (self.name, self.client_id) if self.name else str(self.client_id)


class Settings:
    """What one environment wants. Built by the action plugin from validated options."""

    def __init__(self, **values):
        self.flow = values.get('flow', 'configure')
        self.environment = values.get('environment')
        self.jama_url = values['jama_url'].rstrip('/')
        self.jci_url = values.get('jci_url') or ''
        self.connector_name = values.get('connector_name', 'Jama Connect')
        self.verify_ssl = values.get('verify_ssl', True)
        self.service_user = values.get('service_user', 'jci_service')
        self.credential_name = values.get('credential_name', 'jci-oauth')
        self.create_credential = values.get('create_credential', False)
        self.vault_file = values.get('vault_file')
        # Where the credential and the record of unfinished work live, as messages name it: the vault file's path or
        # the automation controller credential (plugin_utils/controller_sink.py).
        self.store = values.get('store') or self.vault_file
        self.client_id_var = values.get('client_id_var', 'jama_client_id')
        self.client_secret_var = values.get('client_secret_var', 'jama_client_secret')
        self.state_var = values.get('state_var', 'jama_credential_state')
        self.client_id = values.get('client_id')
        self.client_secret = values.get('client_secret')
        self.basic_password = values.get('basic_password')

    @property
    def marker(self):
        return marker(self.jci_url, self.connector_name)


class VaultView:
    """What the vault file says: the current credential and the unfinished work recorded under state_var."""

    def __init__(self, data, settings):
        self.data = data
        state = data.get(settings.state_var) or {}
        if not isinstance(state, dict) or not isinstance(state.get('pending') or {}, dict) \
                or not isinstance(state.get('retire') or [], list):
            fix = ('remove that key with ansible-vault edit' if settings.vault_file else
                   'clear the credential\'s "Unfinished change" input in the controller')
            raise ReconcileError('%s holds an unexpected value under %s (the record of unfinished work); %s and run '
                                 'again' % (settings.store, settings.state_var, fix), reason='store_record_malformed')
        self.pending = dict(state.get('pending') or {})
        self.retire = [str(item) for item in state.get('retire') or []]
        self.partial = False
        self.partial_id = None
        if settings.client_id:
            self.current = Credential(settings.client_id, settings.client_secret)
        else:
            client_id = data.get(settings.client_id_var)
            secret = data.get(settings.client_secret_var)
            self.current = Credential(str(client_id), str(secret)) if client_id and secret else None
            self.partial = bool(client_id) and not secret
            self.partial_id = str(client_id) if self.partial else None

    @property
    def clean(self):
        return not self.pending and not self.retire


class Engine:
    """Runs one flow for one environment.

    ``jci``: a JciClient. ``admin``: a callable returning a JamaClient logged in as a Jama administrator, or
    raising ConfigurationError when none is configured. ``probe``: a callable(client_id, client_secret) that
    gets a token and ``users/current`` from Jama, returning {'user', 'license_type', 'expires_in'} or raising.
    ``basic_probe``: a callable(url, username, password) doing one Basic ``users/current`` (migrate's rollback
    check). ``vault``: a store (VaultStore or ControllerStore), or None when the credential comes from the options.
    ``mirror``: a ControllerSink that gets a copy of the vault file's current credential, or None.
    """

    def __init__(self, settings, jci, admin, probe, vault, check_mode=False, basic_probe=None, admin_configured=True,
                 mirror=None):
        self.s = settings
        # A controller credential that gets a copy of the vault file's current credential, for jobs that only use
        # it (plugin_utils/controller_sink.py ControllerSink): written before a replaced credential is deleted.
        self.mirror = mirror
        # What the connector used when the flow started, and every client ID the store knew of then (_read_vault):
        # only those may be deleted as the credential the connector was moved off (_retire_and_clean).
        self._started_on = None
        self._held = set()
        self.jci = jci
        self._admin_factory = admin
        self._admin = None
        self._user_id = None
        self.admin_configured = admin_configured
        self.probe_credential = probe
        self.basic_probe = basic_probe
        self.vault = vault
        self.check_mode = check_mode
        self.actions = []
        self.cleaned_up = []
        self.changed = False
        self.result = {'jama_check': None, 'jci_test': None, 'connector': {}, 'credential': {}}
        self.diff = {'before': {}, 'after': {}}
        self._state = None

    # --- helpers ------------------------------------------------------------------------------
    def _did(self, text, change=True):
        self.actions.append(('would ' if self.check_mode and change else '') + text)
        if change:
            self.changed = True

    def admin(self):
        if self._admin is None:
            admin = self._admin_factory()
            # Assigned only once the service user is known: without its id, calls would address the
            # administrator's own credentials.
            self._user_id = admin.find_user(self.s.service_user)['id']
            self._admin = admin
        return self._admin

    def _read_vault(self):
        data = self.vault.read() if self.vault is not None else {}
        view = VaultView(data, self.s)
        self._state = {'pending': dict(view.pending), 'retire': list(view.retire)}
        self._current_id = data.get(self.s.client_id_var)
        self._held = set(str(client_id) for client_id in [
            view.current.client_id if view.current else None, view.partial_id, view.pending.get('client_id')]
            + view.retire if client_id)
        if not view.clean and not self.admin_configured and self.s.flow != 'check':
            raise errors.ConfigurationError(
                '%s records unfinished work (%s) that only a Jama administrator can finish: set '
                'oauth_connector_jama_admin (or module_defaults for group/jama.connect.jama, or JAMA_URL, '
                'JAMA_USERNAME and JAMA_PASSWORD) and run again' % (
                    self.s.store, 'credential %s' % view.pending.get('name') if view.pending
                    else '%d replaced credential(s) to delete' % len(view.retire)))
        return view

    def _write_state(self, updates=None, remove=()):
        """One atomic write of the vault file: ``updates`` plus the current unfinished-work record."""
        state = dict((key, value) for key, value in self._state.items() if value)
        updates = dict(updates or {})
        drop = list(remove)
        if state:
            updates[self.s.state_var] = state
        else:
            drop.append(self.s.state_var)
        try:
            self.vault.write(updates, remove=drop)
        except errors.JamaConnectError as error:
            # A store raises only these (a vault file's VaultFileError, the controller's API errors); after one the
            # store holds either version, and the next run copes with both.
            raise ReconcileError('writing %s failed (%s)' % (self.s.store, _reason(error)),
                                 hint=error.hint if isinstance(error, errors.ConflictError) else self.vault.write_hint,
                                 reason='store_conflict' if isinstance(error, errors.ConflictError)
                                 else 'store_write_failed', heals=error.heals_on_next_run)

    def _store_unchanged(self):
        """Before deleting a credential: the store still holds what this run read or wrote, or the run stops (another
        job wrote it, and may use what this run would delete)."""
        if self.vault is not None:
            self.vault.confirm()

    def _find_connector(self):
        return self.jci.find_connector(self.s.connector_name)

    def _probe(self, cred):
        """None when ``cred`` works against Jama, else the error. Records the successful check.

        In check mode nothing is asked of Jama: a token request is a POST, and it moves the credential's last use,
        which a check must not change. The credential is taken as working and the result says it was not checked."""
        if self.check_mode:
            self.result['jama_check'] = {'client_id': cred.client_id, 'checked': False,
                                         'note': 'not checked against Jama in check mode (no token is requested)'}
            return None
        try:
            checked = self.probe_credential(cred.client_id, cred.client_secret)
        except errors.JamaConnectError as error:
            return error
        user = (checked.get('user') or {}).get('username')
        if user != self.s.service_user:
            return ReconcileError('the API credential %s belongs to %s, not to the JCI service account %s'
                                  % (cred.client_id, user, self.s.service_user),
                                  hint='create the credential while logged in as %s, or set '
                                       'oauth_connector_service_user' % self.s.service_user,
                                  reason='credential_wrong_user')
        self.result['jama_check'] = {'client_id': cred.client_id, 'user': user,
                                     'license_type': checked.get('license_type'),
                                     'expires_in': checked.get('expires_in')}
        return None

    def _points_at(self, conn, cred):
        return conn is not None and not connector_drift(conn, cred.client_id, self.s)

    def _recorded_test(self, conn):
        """Check mode: JCI's last recorded test of the connector, read from the connector (running the test is a
        POST, and JCI's own calls to Jama move the credential's last use). (passed, None); never tested counts as
        passed, so check mode plans no change for it, and the result says so."""
        last = conn.get('lastTest') or {}
        passed = last.get('status') in (None, 'passed')
        self.result['jci_test'] = {'run': False, 'success': None if not last else last.get('status') == 'passed',
                                   'recorded_at': last.get('time'), 'user': last.get('user'),
                                   'latency_ms': last.get('latencyMs'), 'message': last.get('message'),
                                   'authentication_errors': [],
                                   'note': "not run in check mode; JCI's last recorded test" if last else
                                           'not run in check mode; JCI has no recorded test of this connector'}
        return passed, None

    def _run_test(self, conn):
        """JCI's own test; returns (passed, outcome). Authentication errors in its log lines fail it too."""
        if self.check_mode:
            return self._recorded_test(conn)
        outcome = self.jci.test_connector(conn['id'])
        auth_errors = [entry.get('message') for entry in outcome.get('logEntries') or []
                       if entry.get('category') == 'authentication' and entry.get('level') in ('ERROR', 'error')]
        passed = bool(outcome.get('success')) and not auth_errors
        self.result['jci_test'] = {'success': passed, 'user': (outcome.get('user') or {}).get('username'),
                                   'latency_ms': outcome.get('latencyMs'), 'message': outcome.get('message'),
                                   'category': outcome.get('category'), 'authentication_errors': auth_errors}
        if not passed:
            self.result['jci_test']['hint'] = failure_hint(outcome)
        return passed, outcome

    def _test_failure(self, conn):
        test = self.result['jci_test']
        detail = test.get('message') or '; '.join(test['authentication_errors'])
        return 'JCI\'s test of the connector "%s" failed: %s' % (conn.get('name'), detail)

    # --- flows --------------------------------------------------------------------------------
    def run(self):
        flow = getattr(self, 'flow_' + self.s.flow)
        flow()
        return self.report()

    def flow_configure(self):
        view = self._read_vault()
        conn = self._find_connector()
        self.diff['before'] = {'connector': diff_view(connector_view(conn))}
        cur = view.current
        if view.clean and cur is not None and self._points_at(conn, cur):
            passed, _outcome = self._run_test(conn)
            # Check mode reads JCI's last recorded test: a failed one is reported, not acted on (configure would
            # test again and replace the credential only if Jama no longer accepts it).
            if passed or self.check_mode:
                self._hand_to_mirror(cur)
                self._converged(conn, cur)
                return
            error = self._probe(cur)
            if error is None:
                raise ReconcileError(self._test_failure(conn) + '; the credential %s itself works against Jama, so '
                                     'the cause is between JCI and Jama' % cur.client_id,
                                     hint=self.result['jci_test']['hint'], reason='jci_test_failed')
            if not is_dead(error):
                raise error
            self._did('found that the credential %s no longer works against Jama (%s)' % (cur.client_id, error.message),
                      change=False)
            self._converge(view, conn, dead=cur)
            return
        self._converge(view, conn)

    def flow_rotate(self):
        if self.vault is None:
            raise errors.ConfigurationError('rotation needs oauth_connector_vault_file or '
                                            'oauth_connector_controller_credential: the new secret must be handed off '
                                            'into one of them')
        view = self._read_vault()
        conn = self._find_connector()
        self.diff['before'] = {'connector': diff_view(connector_view(conn))}
        if view.current is None and not view.pending and not view.partial:
            where = (' under %s/%s' % (self.s.client_id_var, self.s.client_secret_var)) if self.s.vault_file else ''
            raise ReconcileError('nothing to rotate: %s holds no credential%s' % (self.s.store, where),
                                 hint='run jama.connect.configure first', reason='nothing_to_rotate')
        if conn is None:
            raise ReconcileError('nothing to rotate: JCI has no connector named "%s"' % self.s.connector_name,
                                 hint='run jama.connect.configure first', reason='nothing_to_rotate')
        dead = None
        if view.pending:
            # A verified credential left by an interrupted rotation finishes that rotation; anything else is
            # cleaned up and a new rotation starts.
            self._did('found an unfinished change recorded in %s; resolving it first' % self.s.store, change=False)
        elif view.retire:
            # The rotation itself finished (the vault file holds the new credential); only deleting the old one
            # did not. Finish that rather than rotate a second time.
            self._did('found a finished rotation whose old credential is still to delete; deleting it',
                      change=False)
            self._converge(view, conn)
            return
        elif view.current is not None:
            error = self._probe(view.current)
            if error is not None and not is_dead(error):
                raise error
            dead = view.current if error is not None else None
        self._converge(view, conn, rotate=True, dead=dead)

    def flow_check(self):
        problems = []
        view = self._read_vault()
        conn = self._find_connector()
        cur = view.current
        source = self.s.store or 'the role options'
        if cur is None:
            problems.append('no API credential in %s' % source)
        else:
            error = self._probe(cur)
            if error is not None:
                problems.append('the API credential %s fails against Jama: %s' % (cur.client_id, error.message))
        if self.mirror is not None and cur is not None and not self.mirror.holds(cur.client_id):
            problems.append('%s does not hold the current credential %s; jama.connect.configure hands it over'
                            % (self.mirror.describe(), cur.client_id))
        if view.pending:
            problems.append('%s records an unfinished change (credential %s); jama.connect.configure finishes it'
                            % (source, view.pending.get('name')))
        if view.retire:
            problems.append('%s records %d replaced credential(s) still to delete; jama.connect.configure deletes '
                            'them' % (source, len(view.retire)))
        if conn is None:
            problems.append('no connector named "%s" in JCI' % self.s.connector_name)
        elif conn.get('authenticationType') != 'oauth':
            problems.append('the connector still uses Basic authentication (not tested, to avoid lockouts); migrate '
                            'it with jama.connect.migrate')
        else:
            problems.extend(self._drift_problems(conn, cur, source))
            passed, _outcome = self._run_test(conn)
            if not passed:
                test = self.result['jci_test']
                problems.append('%s (%s)' % (self._test_failure(conn), test.get('hint')) if test.get('run', True) else
                                "JCI's last recorded test of the connector failed at %s: %s (check mode runs no test)"
                                % (test.get('recorded_at'), test.get('message')))
        self.result['connector'] = connector_view(conn)
        self.result['problems'] = problems
        self.result['verified'] = not problems and not self.check_mode
        if cur is not None:
            self.result['credential'] = {'client_id': cur.client_id}
        if problems:
            raise ReconcileError('unhealthy: ' + '; '.join(problems), details={'problems': problems}, reason='unhealthy')

    def _drift_problems(self, conn, cur, source):
        """What check reports of a connector on OAuth that is not converged (connector_drift)."""
        texts = {
            'clientId': lambda have, want: 'the connector uses client ID %s but %s holds %s' % (have, source, want),
            'clientSecretSet': lambda have, want: 'the connector has no client secret set',
            'url': lambda have, want: 'the connector points at %s, not %s' % (conn.get('url'), self.s.jama_url),
            'verifySsl': lambda have, want: ('the connector\'s certificate verification (verifySsl) is %s, but '
                                             'oauth_connector_verify_ssl is %s; jama.connect.configure sets it'
                                             % (have, want)),
        }
        drift = connector_drift(conn, cur.client_id if cur is not None else None, self.s)
        return [texts[field](have, want) for field, have, want in drift if field in texts]

    def flow_migrate(self):
        view = self._read_vault()
        mine = [conn for conn in self.jci.list_connectors()
                if conn.get('application') in (None, 'jama_connect')
                and normalized_url(conn.get('url')) == normalized_url(self.s.jama_url)]
        basic = [conn for conn in mine if conn.get('authenticationType') == 'basic']
        if not mine:
            raise ReconcileError('nothing to migrate: JCI has no connector for %s' % self.s.jama_url,
                                 hint='create one with jama.connect.configure', reason='nothing_to_migrate')
        if view.pending.get('replaces'):
            # An interrupted rotation: finishing it moves the configured connector off a working credential,
            # which is rotate's (or configure's) job, not migrate's.
            raise ReconcileError('%s records an unfinished rotation (credential %s)'
                                 % (self.s.store, view.pending.get('name')),
                                 hint='run jama.connect.configure or jama.connect.rotate to finish it, then migrate',
                                 reason='unfinished_rotation')
        target = self._settle_and_choose(view)
        if not target.planned and target is not view.current:
            self._promote(target)
        migrated = []
        for conn in basic:
            self._migrate_one(conn, target)
            migrated.append(conn['name'])
        tested = len(migrated)
        for conn in mine:
            if conn.get('authenticationType') == 'oauth' and conn['name'] not in migrated:
                if conn.get('clientId') == target.client_id and not self.check_mode:
                    passed, _outcome = self._run_test(conn)
                    if not passed:
                        raise ReconcileError(self._test_failure(conn), hint=self.result['jci_test']['hint'],
                                             reason='jci_test_failed')
                    tested += 1
                    self._did('tested the OAuth connector "%s": passed' % conn['name'], change=False)
                elif conn.get('clientId') != target.client_id:
                    self._did('left the OAuth connector "%s" alone: it uses another credential (%s)'
                              % (conn['name'], conn.get('clientId')), change=False)
        self.result['migrated'] = migrated
        self._hand_to_mirror(target)
        self._retire_and_clean(target, [conn.get('clientId') for conn in mine], needed=target is not view.current)
        self.result['credential'] = {'client_id': target.client_id, 'name': target.name}
        # Verified means a connector on this credential passed JCI's test in this run.
        self.result['verified'] = not self.check_mode and tested > 0

    # --- the shared path ----------------------------------------------------------------------
    def _converge(self, view, conn, rotate=False, dead=None):
        cur = view.current
        target = self._settle_and_choose(view, force_new=rotate, dead=dead)
        previous = cur if (cur is not None and dead is None and self._points_at(conn, cur)) else None
        unchanged = conn is not None and not target.planned and self._points_at(conn, target)
        # A connector moved off a credential may leave orphans of ours behind (a pending one from an earlier run,
        # say); a connector that had none, or keeps its credential, cannot. The credential it started on goes only
        # if this store held it (_retire_and_clean).
        moved_off = conn is not None and conn.get('clientId') and conn.get('clientId') != target.client_id
        self._started_on = conn.get('clientId') if conn is not None else None
        conn = self._point_connector(conn, target)
        if not self.check_mode:
            failure = self._verify_through_jci(conn)
            if failure is not None:
                self._undo(conn, target, previous, *failure)
        elif unchanged:
            self._run_test(conn)  # check mode: JCI's last recorded test
        else:
            self.actions.append('would test the connector through JCI')
        if target is not cur:
            self._promote(target)
        self._hand_to_mirror(target)
        credential_changed = target is not cur or bool(self.cleaned_up)
        self._retire_and_clean(target, [conn.get('clientId') if conn else None],
                               needed=credential_changed or moved_off)
        self.result['connector'] = connector_view(conn)
        self.result['credential'] = {'client_id': target.client_id, 'name': target.name}
        self.result['verified'] = not self.check_mode
        self.diff['after'] = {'connector': diff_view(connector_view(conn), secret_sent=target is not cur)}

    def _settle_and_choose(self, view, force_new=False, dead=None):
        """The credential the connector should use: a verified current one, a verified pending one left by an
        earlier run, or a new one (created, handed off to the vault file as pending, and verified)."""
        candidate = self._settle_pending(view) if view.pending else None
        if candidate is not None:
            return candidate
        cur = view.current
        if cur is not None and not force_new and dead is None:
            error = self._probe(cur)
            if error is None:
                return cur
            if not is_dead(error):
                raise error
            dead = cur
            self._did('found that the credential %s no longer works against Jama (%s)' % (cur.client_id, error.message),
                      change=False)
        if not (self.s.create_credential or force_new):
            raise self._no_credential(view, dead)
        # Only a rotation queues the credential it replaces for deletion: configure never deletes a credential it
        # did not make (a dead one it made is found by its marker once nothing uses it).
        replaces = None
        if force_new:
            replaces = cur.client_id if cur is not None else view.partial_id
        return self._create(replaces=replaces)

    def _no_credential(self, view, dead):
        source = self.s.store or 'the role options'
        if dead is not None:
            what = 'the API credential %s in %s no longer works against Jama' % (dead.client_id, source)
        elif self.vault is not None and getattr(view, 'partial', False):
            what = ('%s holds the client ID but not the secret (%s) of the API credential'
                    % (source, self.s.client_secret_var))
        else:
            what = ('no API credential for %s in %s (%s/%s)'
                    % (self.s.service_user, source, self.s.client_id_var, self.s.client_secret_var))
        if self.vault is None:
            return ReconcileError(what, hint='give oauth_connector_client_id and oauth_connector_client_secret of a '
                                             'working credential of %s, or keep the credential in '
                                             'oauth_connector_vault_file instead' % self.s.service_user,
                                  reason='no_credential')
        rotate = ', or run jama.connect.rotate, which replaces it' if (dead is not None or view.partial) else ''
        return ReconcileError(
            what, hint='set oauth_connector_create_credential=true (with a Jama administrator in '
                       'oauth_connector_jama_admin, or the JAMA_* variables a "Jama Connect administrator" credential '
                       'injects) and run again%s; or create one by hand (My Profile > Set API '
                       'Credentials, logged in as %s) and put its client ID and secret into %s'
                       % (rotate, self.s.service_user, source), reason='no_credential')

    def _settle_pending(self, view):
        """Finish or undo what an earlier run recorded as pending. Returns a verified credential, or None."""
        pending = view.pending
        name = pending.get('name')
        admin = self.admin()
        listed = admin.list_credentials(self._user_id)
        found = [cred for cred in listed if cred.get('name') == name]
        if pending.get('client_id') and pending.get('client_secret'):
            cred = Credential(str(pending['client_id']), str(pending['client_secret']), name=name,
                              replaces=pending.get('replaces'))
            if found:
                error = self._probe(cred)
                if error is None:
                    self._did('resumed the unfinished change to credential %s recorded in %s'
                              % (cred.label(), self.s.store), change=False)
                    return cred
                if not is_dead(error):
                    raise error
        if found:
            if self.check_mode:
                self._did('delete credential %s, left by an interrupted run (its secret was never stored)' % name)
            else:
                self._store_unchanged()
                admin.delete_credential(found[0]['id'], self._user_id)
                self._did('deleted credential %s, left by an interrupted run' % name)
                self.cleaned_up.append(name)
        if not self.check_mode:
            self._state['pending'] = {}
            self._write_state()
        return None

    def _create(self, replaces=None):
        if self.vault is None:
            raise errors.ConfigurationError('creating a credential needs oauth_connector_vault_file or '
                                            'oauth_connector_controller_credential: Jama shows the secret once, and it '
                                            'must be handed off into one of them')
        name = new_credential_name(self.s.credential_name)
        admin = self.admin()
        if self.check_mode:
            self._did('create credential %s for %s and hand its secret off to %s'
                      % (self.s.credential_name + '-<time>', self.s.service_user, self.s.store))
            return Credential(None, None, name=name, replaces=replaces, planned=True)
        # Write-ahead: the vault file names the credential before Jama is asked to create it, so a lost answer
        # or a killed run leaves a record the next run resolves (it deletes the credential if Jama made it).
        self._state['pending'] = {'name': name, 'replaces': replaces}
        self._write_state()
        unknown = ('creating API credential %s: %%s; Jama may have created it. %s records the attempt; the next run '
                   'deletes that credential if it exists and creates a new one' % (name, self.s.store))
        try:
            created = admin.create_credential(name, self.s.marker, self._user_id)
        except REFUSED as error:
            # Jama refused before creating anything: the record can go.
            self._state['pending'] = {}
            self._write_state()
            raise
        except errors.JamaConnectError as error:
            # A lost answer, or one that cannot be trusted (5xx, not JSON): Jama may have acted. Keep the record.
            raise ReconcileError(unknown % error.message, hint=error.hint, reason='answer_lost', heals=True)
        if not isinstance(created, dict) or not created.get('clientId') or not created.get('clientSecret') \
                or not created.get('id'):
            raise ReconcileError(unknown % 'the answer holds no client ID and secret', reason='answer_lost', heals=True)
        cred = Credential(created.get('clientId'), created.get('clientSecret'), name=name, replaces=replaces)
        self._state['pending'] = {'name': name, 'client_id': cred.client_id, 'client_secret': cred.client_secret,
                                  'replaces': replaces}
        try:
            self._write_state()
        except errors.JamaConnectError as error:
            self._revoke(created, cred, 'writing its secret to %s failed (%s)' % (self.s.store, _reason(error)),
                         cause=error)
        self._did('created credential %s for %s; its secret is in %s'
                  % (cred.label(), self.s.service_user, self.s.store))
        error = self._probe(cred)
        if error is not None:
            self._revoke(created, cred, 'it does not work against Jama (%s)' % error.message, hint=error.hint,
                         cause=error)
        return cred

    def _revoke(self, created, cred, why, hint=None, cause=None):
        """Delete a credential this run just created, then fail saying exactly what is left. ``cause``: the error
        behind ``why``, which decides whether the next run is expected to succeed."""
        heals = bool(cause is not None and cause.heals_on_next_run)
        try:
            self.admin().delete_credential(created['id'], self._user_id)
        except errors.JamaConnectError as error:
            raise ReconcileError('the new credential %s was created but %s, and deleting it failed too (%s). %s still '
                                 'names it, so the next run deletes it' % (cred.label(), why, error.message,
                                                                           self.s.store), hint=hint,
                                 reason='new_credential_failed', heals=heals)
        cleared = True
        try:
            self._state['pending'] = {}
            self._write_state()
        except errors.JamaConnectError:
            cleared = False
        raise ReconcileError('the new credential %s was created but %s; it was deleted again%s'
                             % (cred.label(), why, '' if cleared else ' (%s still names it; the next run clears '
                                                                      'that)' % self.s.store), hint=hint,
                             reason='new_credential_failed', heals=heals)

    def _point_connector(self, conn, target):
        params = {'url': self.s.jama_url, 'verify_ssl': self.s.verify_ssl, 'authentication_type': 'oauth',
                  'client_id': target.client_id or '(new)', 'client_secret': target.client_secret,
                  'secret_update': 'on_identity_change'}
        if conn is None:
            if self.check_mode:
                self._did('create the connector "%s" with OAuth and %s' % (self.s.connector_name, target.label()))
                return None
            fields = {'name': self.s.connector_name, 'url': self.s.jama_url, 'verifySsl': self.s.verify_ssl,
                      'authenticationType': 'oauth', 'clientId': target.client_id,
                      'clientSecret': target.client_secret}
            conn = self.jci.create_connector(fields)
            self._did('created the connector "%s" with OAuth and credential %s'
                      % (self.s.connector_name, target.client_id))
            return conn
        changes, _send = planned_changes(params, conn)
        if not changes:
            return conn
        if self.check_mode:
            self._did('point the connector "%s" at %s (%s)' % (conn['name'], target.label(),
                                                               ', '.join(sorted(key for key in changes
                                                                                if key != 'clientSecret'))))
            return dict(conn, **dict((key, value) for key, value in changes.items() if key != 'clientSecret'))
        updated = self.jci.update_connector(conn['id'], changes)
        self._did('pointed the connector "%s" at credential %s' % (conn['name'], target.client_id))
        return updated

    def _verify_through_jci(self, conn):
        """None when JCI's test passed, else (failure, hint, heals). An error answer to the test counts as a failure:
        the connector was not shown to work. A test that ran and failed needs a person (its hint says what); one
        that could not run heals as its error does."""
        try:
            passed, _outcome = self._run_test(conn)
        except errors.JamaConnectError as error:
            return ('JCI\'s test of the connector "%s" could not run: %s' % (conn.get('name'), error.message),
                    error.hint, error.heals_on_next_run)
        if passed:
            return None
        return self._test_failure(conn), self.result['jci_test']['hint'], False

    def _undo(self, conn, target, previous, failure, hint, heals):
        """The connector was pointed at ``target`` and not verified through JCI: go back where it is safe."""
        typed = {'hint': hint, 'reason': 'jci_test_failed', 'heals': heals}
        if self.check_mode:
            raise ReconcileError(failure, **typed)
        pending = self._state.get('pending', {}).get('client_id') == target.client_id
        if previous is not None and previous.client_id != target.client_id:
            try:
                self.jci.update_connector(conn['id'], {'clientId': previous.client_id,
                                                       'clientSecret': previous.client_secret})
                self._did('pointed the connector back at the previous credential %s' % previous.client_id)
            except errors.JamaConnectError as error:
                where = ('it may be on either credential (the answer was lost)' if error.details.get('answer_lost')
                         else 'it stays on %s' % target.client_id)
                raise ReconcileError('%s; putting the connector back on %s failed too (%s), so %s. %s holds both '
                                     'credentials, so the next run resumes %s and tests it again'
                                     % (failure, previous.client_id, error.message, where,
                                        self.s.store, target.client_id), **typed)
            left = []
            if pending:
                deleted = False
                try:
                    self.admin().delete_credential(self._credential_id(target), self._user_id)
                    deleted = True
                    self._did('deleted the new credential %s again' % target.client_id)
                except errors.JamaConnectError as error:
                    left.append('deleting the new credential %s failed (%s); %s still names it, so the next run '
                                'deletes it' % (target.client_id, error.message, self.s.store))
                if deleted:
                    self._state['pending'] = {}
                    try:
                        self._write_state()
                    except ReconcileError as error:
                        left.append('%s still names the deleted credential (%s); the next run clears that'
                                    % (self.s.store, error.message))
            raise ReconcileError('%s. The connector is back on the previous credential %s%s'
                                 % (failure, previous.client_id, ('; ' + '; '.join(left)) if left else ''), **typed)
        if pending:
            # Nothing known to work to go back to: the connector keeps the new credential, and so does the vault.
            self._promote(target)
        raise ReconcileError('%s. The connector uses credential %s, which works against Jama directly and is in %s'
                             % (failure, target.client_id, self.s.store or 'the role options'), **typed)

    def _hand_to_mirror(self, target):
        """Copy the current credential to the mirror controller credential, unless it holds it. Runs before any
        replaced credential is deleted, so jobs that use the mirror never hold a deleted credential for long; a
        failure keeps the replaced one (still queued in the vault file's record) for the next run."""
        if self.mirror is None:
            return
        if self.check_mode:
            if target.planned or not self.mirror.holds(target.client_id):
                self._did('hand %s to %s' % (target.label(), self.mirror.describe()))
            return
        if self.mirror.holds(target.client_id):
            return
        try:
            self.mirror.write(self.s.jama_url, target.client_id, target.client_secret)
        except errors.JamaConnectError as error:
            raise ReconcileError('the connector uses credential %s, verified, and %s holds it, but handing it to %s '
                                 'failed (%s); a credential it replaces is kept until a run hands it over'
                                 % (target.client_id, self.s.store, self.mirror.describe(), error.message),
                                 hint='fix the cause (the controller connection, its permissions) and run '
                                      'jama.connect.configure again', reason='copy_failed',
                                 heals=error.heals_on_next_run)
        self._did('handed credential %s to %s' % (target.client_id, self.mirror.describe()))

    def _credential_id(self, cred):
        for listed in self.admin().list_credentials(self._user_id):
            if listed.get('clientId') == cred.client_id:
                return listed['id']
        raise errors.NotFoundError('Jama has no credential with client ID %s' % cred.client_id, status=404)

    def _promote(self, target):
        """The vault file's current credential becomes ``target``; what it replaces is queued for deletion."""
        if self.check_mode or target.planned:
            self._did('write the new credential into %s' % self.s.store)
            return
        if self.vault is None:
            return
        replaced = target.replaces
        self._state['pending'] = {}
        if replaced and replaced != target.client_id and replaced not in self._state['retire']:
            self._state['retire'].append(replaced)
        self._write_state({self.s.client_id_var: target.client_id, self.s.client_secret_var: target.client_secret})
        self._current_id = target.client_id
        self._did('made %s the current credential in %s' % (target.client_id, self.s.store))

    def _retire_and_clean(self, target, in_use, needed=True):
        """Delete what was replaced and this connector's own orphans, once nothing uses them. Orphans are looked
        for only when this run changed which credential is in use, or was told to retire one: otherwise there can
        be none, and the listing would cost two calls."""
        if not self._state.get('retire') and not (needed and self.changed):
            return
        if not self.admin_configured and not self._state.get('retire'):
            self.result['orphans_checked'] = False
            return
        admin = self.admin()
        listed = admin.list_credentials(self._user_id)
        keep = set([target.client_id] + [client_id for client_id in in_use if client_id])
        keep.update(client_id for client_id in (self._vault_current_id(), self._state.get('pending', {}).get('client_id'))
                    if client_id)
        foreign = self._started_on if self._started_on not in self._held else None
        doomed, kept = doomed_credentials(listed, keep, self._state['retire'], self.s.marker, foreign)
        for cred in kept:
            self._did('kept credential %s (%s): the connector used it when this run started, but %s never held '
                      'it, so another store may (a mistyped oauth_connector_controller_credential name or vault '
                      'file path?); delete it in Jama once nothing uses it'
                      % (cred.get('name'), foreign, self.s.store), change=False)
        if doomed and not self.check_mode:
            used = dict((conn.get('clientId'), conn.get('name')) for conn in self.jci.list_connectors()
                        if conn.get('clientId'))
            doomed, in_use_elsewhere = split_in_use(doomed, used)
            for cred in in_use_elsewhere:
                self._did('kept credential %s (%s): the connector "%s" still uses it; point that connector at %s, '
                          'then delete it' % (cred.get('name'), cred.get('clientId'), used[cred.get('clientId')],
                                              target.client_id), change=False)
        if doomed and not self.check_mode:
            self._store_unchanged()
        for cred in doomed:
            if self.check_mode:
                self._did('delete credential %s (%s), which neither %s nor the connector uses'
                          % (cred.get('name'), cred.get('clientId'), self.s.store))
                continue
            admin.delete_credential(cred['id'], self._user_id)
            self.cleaned_up.append(cred.get('name'))
            self._did('deleted credential %s (%s), which neither %s nor any connector uses any more'
                      % (cred.get('name'), cred.get('clientId'), self.s.store))
        self.result['orphans_checked'] = True
        if self._state.get('retire') and not self.check_mode:
            # Deleted, already gone, or kept because a connector uses it (said above): nothing left to retire.
            self._state['retire'] = []
            self._write_state()

    def _vault_current_id(self):
        if self.vault is None or self.s.client_id:
            return None
        return getattr(self, '_current_id', None)

    def _converged(self, conn, cur):
        self.result['connector'] = connector_view(conn)
        self.result['credential'] = {'client_id': cur.client_id}
        # Check mode runs no test and requests no token: nothing was verified, whatever JCI recorded before.
        self.result['verified'] = not self.check_mode
        self.diff['after'] = dict(self.diff['before'])

    def _migrate_one(self, conn, target):
        name = conn['name']
        if self.check_mode:
            self._did('switch the connector "%s" from Basic to OAuth with %s and test it' % (name, target.label()))
            return
        self.jci.update_connector(conn['id'], {'authenticationType': 'oauth', 'clientId': target.client_id,
                                               'clientSecret': target.client_secret})
        self._did('switched the connector "%s" from Basic to OAuth with credential %s' % (name, target.client_id))
        failure = self._verify_through_jci(conn)
        if failure is None:
            return
        failure, hint, _heals = failure
        if not self.s.basic_password:
            raise ReconcileError('%s. It stays on OAuth: set oauth_connector_basic_password (from vault) to have a '
                                 'failed switch put back on Basic' % failure, hint=hint, reason='jci_test_failed')
        try:
            self.basic_probe(conn.get('url'), conn.get('username'), self.s.basic_password)
        except errors.JamaConnectError as error:
            raise ReconcileError('%s. It was NOT put back on Basic: Jama refused the password in '
                                 'oauth_connector_basic_password for %s (%s), and a wrong Basic password would count '
                                 'towards the lockout; it stays on OAuth' % (failure, conn.get('username'),
                                                                             error.message), hint=hint,
                                 reason='jci_test_failed')
        try:
            self.jci.update_connector(conn['id'], {'authenticationType': 'basic', 'username': conn.get('username'),
                                                   'password': self.s.basic_password})
        except errors.JamaConnectError as error:
            raise ReconcileError('%s. Putting it back on Basic failed too (%s); it stays on OAuth'
                                 % (failure, error.message), hint=hint, reason='jci_test_failed')
        self._did('put the connector "%s" back on Basic as %s (the password was verified against Jama first)'
                  % (name, conn.get('username')))
        raise ReconcileError('%s. The connector is back on Basic authentication as %s' % (failure, conn.get('username')),
                             hint=hint, reason='jci_test_failed')

    # --- the answer ---------------------------------------------------------------------------
    def report(self):
        self.result.setdefault('verified', False)
        self.result.update(changed=self.changed, actions=list(self.actions), cleaned_up=list(self.cleaned_up),
                           summary=self.summary(), headline=self.headline())
        return self.result

    def _verdict(self):
        if self.check_mode:
            planned = len([action for action in self.actions if action.startswith('would ')])
            return 'check mode, %d change(s) planned' % planned if self.changed else 'check mode, no change needed'
        if self.s.flow == 'check':
            return 'healthy'
        if self.s.flow == 'migrate':
            migrated = self.result.get('migrated') or []
            return 'moved to OAuth: %s' % ', '.join(migrated) if migrated else 'no connector left on Basic'
        if self.changed:
            return '%s (%d action(s))' % ('rotated' if self.s.flow == 'rotate' else 'changed', len(self.actions))
        return 'converged, no change'

    def headline(self):
        """The one line shown at default verbosity: the environment, the verdict and what it rests on (the
        summary's other lines, shown with -v, say what was done)."""
        parts = [self._verdict()]
        credential = self.result.get('credential') or {}
        if credential.get('client_id'):
            checked = (self.result.get('jama_check') or {}).get('user')
            parts.append('credential %s%s' % (credential.get('name') or credential['client_id'],
                                              ' verified against Jama' if checked else ''))
        test = self.result.get('jci_test')
        if test and test.get('run', True):
            parts.append('JCI test %s' % ('passed' if test['success'] else 'failed'))
        elif test:
            parts.append('JCI test not run (check mode; last recorded: %s)'
                         % {True: 'passed', False: 'failed', None: 'none'}[test['success']])
        if self.actions:
            parts.append('-v lists each step')
        return '%s: %s' % (self.s.environment, ', '.join(parts))

    def summary(self):
        env = self.s.environment
        lines = []
        credential = self.result.get('credential') or {}
        connector = self.result.get('connector') or {}
        if self.s.flow == 'check' and self.result.get('verified'):
            lines.append('%s: healthy; connector "%s" uses OAuth with client ID %s' % (
                env, self.s.connector_name, credential.get('client_id')))
        elif self.check_mode:
            lines.append('%s: check mode: %s' % (env, 'no change needed' if not self.changed else
                                                 '%d change(s) planned' % len([a for a in self.actions
                                                                               if a.startswith('would')])))
        elif self.s.flow == 'migrate':
            lines.append('%s: %s' % (env, ('moved to OAuth: ' + ', '.join(self.result.get('migrated') or []))
                                     if self.result.get('migrated') else 'no connector left on Basic'))
        else:
            lines.append('%s: connector "%s" uses OAuth with client ID %s%s' % (
                env, connector.get('name') or self.s.connector_name, credential.get('client_id'),
                '' if self.changed else ' (no change)'))
        lines.extend(self.actions)
        return lines + self._evidence_lines()

    def _evidence_lines(self):
        """What the verdict rests on: the direct check against Jama and JCI's test (or, in check mode, why not)."""
        lines = []
        check = self.result.get('jama_check')
        if check and check.get('user'):
            lines.append('Jama check: token for %s (%s license), valid %s s' % (
                check['user'], check.get('license_type'), check.get('expires_in')))
        elif check:
            lines.append('Jama check: %s' % check['note'])
        test = self.result.get('jci_test')
        if test and not test.get('run', True):
            lines.append('JCI test: %s%s' % (test['note'], ': %s at %s, %s' % (
                'passed' if test['success'] else 'failed', test.get('recorded_at'), test.get('message'))
                if test['success'] is not None else ''))
        elif test:
            lines.append('JCI test: %s as %s in %s ms; %s' % (
                'passed' if test['success'] else 'failed', test.get('user'), test.get('latency_ms'),
                'no authentication errors in the connector log' if not test['authentication_errors']
                else '%d authentication error(s) in the log' % len(test['authentication_errors'])))
        return lines


def _reason(error):
    return getattr(error, 'message', None) or str(error) or type(error).__name__
