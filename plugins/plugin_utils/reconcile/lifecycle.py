# -*- coding: utf-8 -*-
# Copyright: jama.connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The credential lifecycle as pure decisions, under the age policy (policy.py): the store's record of the
credential's life, the service user's credentials sorted into an inventory, and the conditions of one environment,
each computed from the current time on every run (never from the last transition: cert-manager's users see Ready=True
on expired certificates because of that). No I/O; "now" is given. Tested as tables
(tests/unit/plugins/plugin_utils/test_reconcile_lifecycle.py)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime

from ansible_collections.jama.connect.plugins.module_utils.limits import CREDENTIALS_PER_USER
from ansible_collections.jama.connect.plugins.plugin_utils.reconcile.policy import iso, parse_time

# [OURS] SlotsLow: this many of Jama's CREDENTIALS_PER_USER used.
SLOTS_LOW = CREDENTIALS_PER_USER - 2


# --- the store's record of the credential's life ------------------------------------------------
def record_for(record, client_id):
    """The store's lifecycle record when it describes ``client_id`` (a record of another credential, say after the
    store was edited by hand, describes nothing here), else {}."""
    record = record or {}
    return dict(record) if client_id and record.get('client_id') == client_id else {}


def began(record, client_id, now, replaced):
    """The record once ``client_id`` becomes the current credential (created or adopted at ``now``): rotations so far
    count up when it replaced one, and the failed rotations in a row start again."""
    record = record or {}
    if record.get('client_id') == client_id:
        return dict(record)
    rotations = _count(record.get('revision'))
    revision = rotations + 1 if record or replaced else 0
    return {'client_id': client_id, 'created': iso(now), 'revision': revision, 'failed_rotations': 0}


def failed(record, client_id, now, reason, message):
    """The record after a rotation of ``client_id`` failed: one more failure in a row, and the last one's words."""
    mine = record_for(record, client_id) or {'client_id': client_id, 'revision': _count((record or {}).get('revision'))}
    mine['failed_rotations'] = _count(mine.get('failed_rotations')) + 1
    mine['last_failure'] = {'at': iso(now), 'reason': reason, 'message': message}
    return mine


def last_failure(record):
    """The record's last failed rotation ({at, reason, message}), or {} (none, or not one the engine wrote)."""
    last = (record or {}).get('last_failure')
    return last if isinstance(last, dict) else {}


def failed_rotations(record, client_id):
    return _count(record_for(record, client_id).get('failed_rotations'))


def is_stalled(record, client_id, policy):
    """Whether automation stopped rotating ``client_id``: max_failed_rotations failures in a row."""
    return failed_rotations(record, client_id) >= policy.max_failed_rotations


def _count(value):
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0


# --- the inventory ------------------------------------------------------------------------------
IN_USE, PENDING, RETIRING, ORPHAN, FOREIGN = 'in_use', 'pending', 'retiring', 'orphan', 'foreign'


def inventory(listed, in_use, current_id, pending_id, retire, marker_text):
    """The service user's credentials sorted: in use (by a connector, or the store's current one), the store's
    pending and retiring ones, the role's orphans (its marker, in no store, used by no connector) and foreign ones
    (not made by the role, never touched). Returns {kind: [credential as listed]}."""
    sorted_out = dict((kind, []) for kind in (IN_USE, PENDING, RETIRING, ORPHAN, FOREIGN))
    for cred in listed:
        client_id = cred.get('clientId')
        if client_id in in_use or (client_id and client_id == current_id):
            kind = IN_USE
        elif client_id and client_id == pending_id:
            kind = PENDING
        elif client_id in retire:
            kind = RETIRING
        else:
            kind = ORPHAN if cred.get('description') == marker_text else FOREIGN
        sorted_out[kind].append(cred)
    return sorted_out


# --- the conditions -----------------------------------------------------------------------------
def condition(kind, status, reason, message, now, remediation=None):
    entry = {'type': kind, 'status': bool(status), 'reason': reason, 'message': message, 'computed_at': iso(now)}
    if remediation:
        entry['remediation'] = remediation
    return entry


def age_conditions(now, created, last_used, policy, used_known=True):
    """RotationDue, Expired and Unused, and the times they rest on. ``used_known``: whether Jama's last use was read
    (the credentials were listed); without it Unused is not observed, never guessed from the creation time."""
    times = {'not_before': iso(created), 'not_after': None, 'renewal_time': None, 'last_used': iso(last_used),
             # Jama's Date has whole seconds: a credential created this second may look a moment younger than 0.
             'age_days': max(0, int((now - created).total_seconds() // 86400)) if created else None}
    found = []
    if created is None:
        unknown = 'Jama did not say when the credential was created (its credentials were not listed)'
        kinds = (['RotationDue', 'Expired'] if policy.max_age is not None else []) + \
            (['Unused'] if policy.max_unused is not None else [])
        return times, [condition(kind, False, 'NotObserved', unknown, now) for kind in kinds]
    if policy.max_age is not None:
        not_after = created + datetime.timedelta(seconds=policy.max_age)
        renewal = not_after - datetime.timedelta(seconds=policy.rotate_before)
        times.update(not_after=iso(not_after), renewal_time=iso(renewal))
        found.extend(lifetime_conditions(now, created, renewal, not_after, policy))
    if policy.max_unused is not None and used_known:
        found.append(unused_condition(now, created, last_used, policy))
    elif policy.max_unused is not None:
        found.append(condition('Unused', False, 'NotObserved', 'Jama\'s last use of the credential was not read (the '
                               'service user\'s credentials were not listed)', now))
    return times, found


def rotation_remedy(policy):
    """What replaces a due credential: configure itself, rotate, or (no credential is created) a person and adopt."""
    if not policy.creates:
        return ("create a credential in Jama's UI (My Profile > Set API Credentials, as the service user) and run "
                "jama.connect.adopt with it; where Jama has the credential API, jama.connect.rotate does both")
    if policy.rotate_when_due:
        return 'the next configure run rotates it'
    return 'run jama.connect.rotate, or configure with oauth_connector_rotate_when_due: true'


def lifetime_conditions(now, created, renewal, not_after, policy):
    fix = rotation_remedy(policy)
    due, expired = is_due(now, created, policy), is_expired(now, created, policy)
    return [
        condition('RotationDue', due, 'RenewalTimeReached' if due else 'NotDue',
                  ('rotation is due since %s' if due else 'rotation falls due at %s') % iso(renewal), now,
                  fix if due else None),
        condition('Expired', expired, 'PastMaxAge' if expired else 'WithinMaxAge',
                  ('older than oauth_connector_max_age since %s' if expired else 'within its lifetime until %s')
                  % iso(not_after), now, fix if expired else None),
    ]


def unused_condition(now, created, last_used, policy):
    since = last_used or created
    idle = since is not None and (now - since).total_seconds() >= policy.max_unused
    if idle:
        message = 'no token was issued with it since %s' % iso(since)
    else:
        message = 'last used %s' % (iso(last_used) or 'never, created %s' % iso(created))
    return condition('Unused', idle, 'NotUsedRecently' if idle else 'UsedRecently', message, now,
                     'check the connector: a connector that works requests tokens' if idle else None)


def _names(creds):
    return ', '.join('%s (%s)' % (cred.get('name'), cred.get('clientId')) for cred in creds)


def inventory_conditions(now, sorted_out, slots_used):
    orphans = sorted_out[ORPHAN]
    foreign = sorted_out[FOREIGN]
    return [
        condition('Orphans', bool(orphans), 'OrphansFound' if orphans else 'NoOrphans',
                  'credentials of the role that no store holds and no connector uses: %s' % _names(orphans)
                  if orphans else 'no orphaned credential of the role', now,
                  'run jama.connect.configure, which deletes them' if orphans else None),
        condition('ForeignCredentials', bool(foreign), 'ForeignFound' if foreign else 'NoForeign',
                  'credentials of the service user the role did not make (never touched): %s' % _names(foreign)
                  if foreign else 'no credential the role did not make', now,
                  'review them in Jama (My Profile > Set API Credentials, as the service user)' if foreign else None),
        condition('SlotsLow', slots_used >= SLOTS_LOW, 'SlotsLow' if slots_used >= SLOTS_LOW else 'SlotsFree',
                  '%d of Jama\'s %d API credentials of the service user are used' % (slots_used, CREDENTIALS_PER_USER),
                  now, 'delete unused credentials of the service user so rotations keep working'
                  if slots_used >= SLOTS_LOW else None),
    ]


def stalled_condition(now, failures, policy, record=None):
    """RotationStalled: ``failures`` rotations in a row failed, reaching oauth_connector_max_failed_rotations."""
    stalled = failures >= policy.max_failed_rotations
    last = last_failure(record)
    words = ' (the last, at %s: %s)' % (last.get('at'), last.get('message')) if last.get('message') else ''
    return condition('RotationStalled', stalled, 'TooManyFailures' if stalled else 'NotStalled',
                     '%d rotation(s) in a row failed%s; oauth_connector_max_failed_rotations is %d, so automation '
                     'stopped rotating' % (failures, words, policy.max_failed_rotations) if stalled
                     else '%d failed rotation(s) in a row%s' % (failures, words), now,
                     STALLED_REMEDY if stalled else None)


STALLED_REMEDY = 'a person must act: read the last failure, fix its cause, then run jama.connect.rotate'


def recorded_time(record):
    """When the store's record says the credential was created or adopted, or None (none recorded, or unreadable:
    then Jama's list decides)."""
    try:
        return parse_time(record.get('created'))
    except ValueError:
        return None


READY = "the connector uses the store's credential and both were verified"
# The report verifies nothing itself: it reads JCI's last recorded test (flows.report).
READY_RECORDED = "the connector uses the store's credential and JCI's last recorded test passed"


def ready_condition(now, problems, verified, unverified='not verified in this run (check mode reads only)',
                    ready_text=READY):
    """Ready: the connector uses the store's credential, both verified in this run, and nothing else is wrong.
    ``unverified``: why it was not verified, when nothing else is wrong."""
    ready = verified and not problems
    return condition('Ready', ready, 'Ready' if ready else ('NotVerified' if not problems else 'Problems'),
                     ready_text if ready else '; '.join(problems) or unverified, now,
                     None if ready else 'run jama.connect.configure')


def test_conditions(now, test):
    """TestFailed and AuthErrorsInLog from JCI's test as the run saw it (run now, or in check mode as recorded)."""
    test = test or {}
    failed = test.get('success') is False
    auth_errors = [str(text) for text in test.get('authentication_errors') or [] if text]
    return [
        condition('TestFailed', failed, 'TestFailed' if failed else ('TestPassed' if test.get('success') else 'NotTested'),
                  test.get('message') or ('JCI\'s test of the connector failed' if failed else
                                          'JCI\'s test passed' if test.get('success') else 'no test result'), now,
                  test.get('hint') or 'run jama.connect.check and read the connector\'s log in JCI' if failed else None),
        condition('AuthErrorsInLog', bool(auth_errors), 'AuthErrors' if auth_errors else 'NoAuthErrors',
                  '%d authentication error(s) in the connector\'s log: %s' % (len(auth_errors), '; '.join(auth_errors))
                  if auth_errors else 'no authentication error in the connector\'s log', now,
                  'read the connector\'s log in JCI; jama.connect.configure replaces a credential Jama refuses'
                  if auth_errors else None),
    ]


def connector_conditions(now, facts):
    """The report's (flows.report): ConnectorMissing, BasicAuth and StoreStale (the store records unfinished work,
    lacks a credential, or disagrees with the connector). ``facts``: {'exists', 'name', 'authentication_type',
    'stale': [what is stale, in words]}."""
    missing = not facts.get('exists')
    basic = not missing and facts.get('authentication_type') != 'oauth'
    stale = list(facts.get('stale') or [])
    return [credential_missing(now, facts)] + [
        condition('ConnectorMissing', missing, 'NoConnector' if missing else 'ConnectorFound',
                  'no connector named "%s" in JCI' % facts.get('name') if missing else
                  'JCI has the connector "%s"' % facts.get('name'), now,
                  'run jama.connect.configure, which creates it' if missing else None),
        condition('BasicAuth', basic, 'BasicAuthentication' if basic else ('OAuth' if not missing else 'NoConnector'),
                  'the connector still uses Basic authentication: a password change breaks it and failed retries lock '
                  'the service account' if basic else 'the connector uses OAuth' if not missing else 'no connector',
                  now, 'run jama.connect.migrate' if basic else None),
        condition('StoreStale', bool(stale), 'StoreDisagrees' if stale else 'StoreAgrees',
                  '; '.join(stale) if stale else 'the store holds the credential the connector uses, nothing unfinished',
                  now, 'run jama.connect.configure, which finishes or repairs it' if stale else None),
    ]


def credential_missing(now, facts):
    """CredentialMissing (the report): the store's or the connector's credential is not in Jama's list of the service
    user's credentials. NotObserved without the list (no administrator)."""
    if not facts.get('listed'):
        return condition('CredentialMissing', False, 'NotObserved', "the service user's credentials were not listed",
                         now)
    gone = list(facts.get('missing') or [])
    return condition('CredentialMissing', bool(gone), 'NotInJama' if gone else 'InJama',
                     'not among the service user\'s credentials in Jama: %s' % ', '.join(gone) if gone else
                     'Jama lists the credential in use', now,
                     'run jama.connect.configure, which replaces a credential Jama no longer has' if gone else None)


def past(now, since, seconds):
    return since is not None and now >= since + datetime.timedelta(seconds=seconds)


def is_expired(now, created, policy):
    """Whether a credential created at ``created`` is past oauth_connector_max_age (the Expired condition)."""
    return policy.max_age is not None and past(now, created, policy.max_age)


def is_due(now, created, policy):
    """Whether a credential created at ``created`` is at or past its renewal time (False without a lifetime, or
    when Jama does not say when it was created)."""
    if policy.max_age is None or created is None:
        return False
    return past(now, created, policy.max_age - policy.rotate_before)


# --- one environment's status -------------------------------------------------------------------
def credential_times(listed, client_id):
    """The creation and last-use times Jama's list shows for ``client_id`` (modelled fields), or (None, None)."""
    for cred in listed or []:
        if client_id and cred.get('clientId') == client_id:
            try:
                return parse_time(cred.get('createdDate')), parse_time(cred.get('lastUsedDate'))
            except ValueError:
                return None, None  # a Jama whose dates differ from the modelled format: no age, never a crash
    return None, None


def unobserved(now, reason_text):
    """The inventory's conditions when the service user's credentials were not listed (no administrator)."""
    return [condition(kind, False, 'NotObserved', reason_text, now)
            for kind in ('Orphans', 'ForeignCredentials', 'SlotsLow')]


def status_of(now, policy, observed, ready_problems, verified, test, unverified=None):
    """The ``status`` of one result: conditions, the current credential's times and the inventory.

    ``observed``: {'listed': the service user's credentials or None (not listed), 'current_id', 'in_use' (client
    IDs connectors use), 'pending_id', 'retire', 'marker'}; ``ready_problems``: what keeps the environment from Ready;
    ``verified``: whether this run (or, in check mode, JCI's last recorded test) showed it working; ``unverified``:
    why not, when nothing else is wrong."""
    listed = observed.get('listed')
    record = record_for(observed.get('record'), observed.get('current_id'))
    created, last_used = credential_times(listed, observed.get('current_id'))
    created = recorded_time(record) or created
    times, found = age_conditions(now, created, last_used, policy, used_known=listed is not None)
    found.append(stalled_condition(now, failed_rotations(record, observed.get('current_id')), policy, record))
    if listed is None:
        found.extend(unobserved(now, observed.get('why_not') or "the service user's credentials were not listed"))
        sorted_out = None
    else:
        sorted_out = inventory(listed, set(observed.get('in_use') or ()), observed.get('current_id'),
                               observed.get('pending_id'), set(observed.get('retire') or ()), observed.get('marker'))
        found.extend(inventory_conditions(now, sorted_out, len(listed)))
    found.extend(test_conditions(now, test))
    if observed.get('connector') is not None:
        found.extend(connector_conditions(now, observed['connector']))
    problems = list(ready_problems) + [entry['message'] for entry in found
                                       if entry['type'] in ('Expired', 'RotationStalled') and entry['status']]
    ready_text = READY_RECORDED if observed.get('connector') is not None else READY
    found.insert(0, ready_condition(now, problems, verified, *([unverified] if unverified else []),
                                    ready_text=ready_text))
    status = dict(times, conditions=found, revision=record.get('revision'),
                  failed_rotations=failed_rotations(record, observed.get('current_id')),
                  slots_used=len(listed) if listed is not None else None,
                  inventory=inventory_view(sorted_out), warnings=expiry_warnings(now, times, policy))
    return status


def inventory_view(sorted_out):
    if sorted_out is None:
        return None
    return dict((kind, [{'name': cred.get('name'), 'client_id': cred.get('clientId'), 'created': cred.get('createdDate'),
                         'last_used': cred.get('lastUsedDate')} for cred in creds]) for kind, creds in sorted_out.items())


def expiry_warnings(now, times, policy):
    """warn_before: a warning from that long before the end of the lifetime."""
    if policy.warn_before is None or not times.get('not_after'):
        return []
    not_after = parse_time(times['not_after'])
    if now < not_after - datetime.timedelta(seconds=policy.warn_before):
        return []
    return ['the API credential %s at %s (oauth_connector_max_age)'
            % ('expired' if now >= not_after else 'expires', times['not_after'])]


def needs_action(status):
    """The conditions that are bad: Ready false, any other true."""
    return [entry for entry in status.get('conditions') or []
            if (entry['type'] == 'Ready') != bool(entry['status'])]
