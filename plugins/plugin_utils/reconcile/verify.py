# -*- coding: utf-8 -*-
# Copyright: jama.connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Verification: does a credential work against Jama directly (module_utils/probe.py), and does JCI's own test of
the connector pass. Both are POSTs that move what Jama records (a credential's last use), so in a dry run (check
mode) nothing is asked: the credential is taken as working and JCI's last recorded test is read instead, and the
evidence says so. With apply.py, the only room that knows check mode."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.jama.connect.plugins.module_utils import errors
from ansible_collections.jama.connect.plugins.module_utils.connectors import failure_hint
from ansible_collections.jama.connect.plugins.plugin_utils.reconcile import plan
from ansible_collections.jama.connect.plugins.plugin_utils.reconcile.model import ReconcileError
from ansible_collections.jama.connect.plugins.plugin_utils.reconcile.policy import parse_time


class Verifier:
    """``probe``: a callable(client_id, client_secret) that gets a token and ``users/current`` from Jama, returning
    {'user', 'license_type', 'expires_in'} or raising. ``evidence``: the result's dict, which gets ``jama_check`` and
    ``jci_test``."""

    def __init__(self, settings, jci, journal, evidence, probe):
        self.s = settings
        self.jci = jci
        self.journal = journal
        self.dry_run = journal.dry_run
        self.evidence = evidence
        self.probe = probe
        # The Date of Jama's last answer to a credential check: Jama's clock when no administrator was called.
        self.jama_date = None

    def verify(self, cred):
        """None when ``cred`` works against Jama, else the error. Records the successful check."""
        if self.dry_run:
            self.evidence['jama_check'] = {'client_id': cred.client_id, 'checked': False,
                                           'note': 'not checked against Jama in check mode (no token is requested)'}
            return None
        try:
            checked = self.probe(cred.client_id, cred.client_secret)
        except errors.JamaConnectError as error:
            return error
        self.jama_date = checked.get('jama_date') or self.jama_date
        user = (checked.get('user') or {}).get('username')
        if user != self.s.service_user:
            return ReconcileError('the API credential %s belongs to %s, not to the JCI service account %s'
                                  % (cred.client_id, user, self.s.service_user),
                                  hint='create the credential while logged in as %s, or set '
                                       'oauth_connector_service_user' % self.s.service_user,
                                  reason='credential_wrong_user')
        self.evidence['jama_check'] = {'client_id': cred.client_id, 'user': user,
                                       'license_type': checked.get('license_type'),
                                       'expires_in': checked.get('expires_in')}
        return None

    def test(self, conn):
        """JCI's own test; returns (passed, outcome). Authentication errors in its log lines fail it too."""
        if self.dry_run:
            return self._recorded(conn)
        outcome = self.jci.test_connector(conn['id'])
        passed, auth_errors = plan.test_verdict(outcome)
        self.evidence['jci_test'] = {'success': passed, 'user': (outcome.get('user') or {}).get('username'),
                                     'latency_ms': outcome.get('latencyMs'), 'message': outcome.get('message'),
                                     'category': outcome.get('category'), 'authentication_errors': auth_errors}
        if not passed:
            self.evidence['jci_test']['hint'] = failure_hint(outcome)
        return passed, outcome

    def _recorded(self, conn):
        """JCI's last recorded test of the connector, read from the connector: (passed, None)."""
        last = _last_test(conn)
        self.evidence['jci_test'] = {'run': False, 'success': None if not last else last.get('status') == 'passed',
                                     'recorded_at': last.get('time'), 'user': last.get('user'),
                                     'latency_ms': last.get('latencyMs'), 'message': last.get('message'),
                                     'authentication_errors': [],
                                     'note': "not run %s; JCI's last recorded test" % self._why_not if last else
                                             'not run %s; JCI has no recorded test of this connector' % self._why_not}
        return plan.recorded_verdict(last), None

    def logged_auth_errors(self, conn):
        """The report: the authentication errors JCI logged for the connector since its last recorded test (its
        own lines included; all of them when none is recorded), into the recorded test's evidence. One GET."""
        try:
            since = parse_time(_last_test(conn).get('time'))
        except ValueError:
            since = None
        entries = self.jci.connector_logs(conn['id'], category='authentication')
        found = [entry for entry in entries
                 if plan.is_auth_error(entry) and (since is None or not _before(entry.get('timestamp'), since))]
        self.evidence['jci_test']['authentication_errors'] = [
            '%s %s' % (entry.get('timestamp'), entry.get('message')) for entry in found]

    @property
    def _why_not(self):
        return 'by the report' if self.s.flow == 'report' else 'in check mode'

    def failure(self, conn):
        test = self.evidence['jci_test']
        detail = test.get('message') or '; '.join(test['authentication_errors'])
        return 'JCI\'s test of the connector "%s" failed: %s' % (conn.get('name'), detail)

    def through_jci(self, conn):
        """None when JCI's test passed, else (failure, hint, heals). An error answer to the test counts as a failure:
        the connector was not shown to work. A test that ran and failed needs a person (its hint says what); one
        that could not run heals as its error does."""
        try:
            passed, _outcome = self.test(conn)
        except errors.JamaConnectError as error:
            return ('JCI\'s test of the connector "%s" could not run: %s' % (conn.get('name'), error.message),
                    error.hint, error.heals_on_next_run)
        if passed:
            return None
        return self.failure(conn), self.evidence['jci_test']['hint'], False

    def pointed(self, conn, unchanged):
        """After the connector was pointed at its target: JCI's test, as through_jci. A dry run reads the last
        recorded test when nothing would change, and plans the test otherwise; it never fails."""
        if not self.dry_run:
            return self.through_jci(conn)
        if unchanged:
            self._recorded(conn)
        else:
            self.journal.planned('test the connector through JCI')
        return None

    def retest(self, conn):
        """Another OAuth connector on the target credential (migrate): tested, or None in a dry run."""
        if self.dry_run:
            return None
        passed, _outcome = self.test(conn)
        return passed


def _last_test(conn):
    """The connector's last recorded test, or {} (none, or not in the modelled shape)."""
    last = conn.get('lastTest')
    return last if isinstance(last, dict) else {}


def _before(stamp, since):
    """Whether a log entry's time is before ``since`` (whole seconds: the test's own lines share its second). An
    entry without a readable time counts."""
    try:
        moment = parse_time(stamp)
    except ValueError:
        return False
    return moment is not None and moment.replace(microsecond=0) < since.replace(microsecond=0)
