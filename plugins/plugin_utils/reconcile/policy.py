# -*- coding: utf-8 -*-
# Copyright: jama.connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The age policy of the credential lifecycle (lifecycle.py), validated from the role's options, and the one format
of its durations and times. No I/O."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import re

from ansible_collections.jama.connect.plugins.module_utils import errors
from ansible_collections.jama.connect.plugins.module_utils.limits import MAX_FAILED_ROTATIONS

# One format for every duration option: a whole number and a unit, d (days), h (hours) or m (minutes).
DURATION = re.compile(r'^([0-9]+)([dhm])$')
UNIT_SECONDS = {'d': 86400, 'h': 3600, 'm': 60}


def parse_duration(value, option):
    """Seconds in ``value`` (for example ``90d``), or None when it is not given. Raises ConfigurationError naming
    ``option`` for anything else."""
    if value is None or value == '':
        return None
    match = DURATION.match(str(value).strip())
    if not match or int(match.group(1)) == 0:
        raise errors.ConfigurationError('%s must be a duration such as 90d, 36h or 30m (a whole number above 0 and d, '
                                        'h or m), got %r' % (option, value))
    return int(match.group(1)) * UNIT_SECONDS[match.group(2)]


def duration_text(seconds):
    """``seconds`` in the options' format: the largest of d, h and m that divides it."""
    for unit in ('d', 'h'):
        if seconds % UNIT_SECONDS[unit] == 0:
            return '%d%s' % (seconds // UNIT_SECONDS[unit], unit)
    return '%dm' % (seconds // 60)


def parse_time(text):
    """Jama's timestamp (``2015-10-28T22:33:16.524+0000``) or ISO 8601 UTC (``...Z``) as an aware datetime; None
    for None."""
    if not text:
        return None
    for layout in ('%Y-%m-%dT%H:%M:%S.%f%z', '%Y-%m-%dT%H:%M:%S%z'):
        try:
            return datetime.datetime.strptime(str(text).replace('Z', '+0000'), layout)
        except ValueError:
            continue
    raise ValueError('not a timestamp: %r' % (text,))


def iso(moment):
    return moment.astimezone(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ') if moment else None


class Policy:
    """The age policy, validated. Durations in seconds; None where not set (no age limit, no unused limit)."""

    def __init__(self, max_age=None, rotate_before=None, warn_before=None, max_unused=None,
                 max_failed_rotations=MAX_FAILED_ROTATIONS, rotate_when_due=False, creates=True):
        self.max_age = max_age
        # cert-manager's default: renew at two thirds of the lifetime.
        self.rotate_before = rotate_before if rotate_before is not None or max_age is None else max_age // 3
        self.warn_before = warn_before
        self.max_unused = max_unused
        self.max_failed_rotations = max_failed_rotations
        self.rotate_when_due = rotate_when_due
        # Whether configure may create credentials (oauth_connector_create_credential): without, a due credential is
        # replaced by hand (Jama's UI, then jama.connect.adopt).
        self.creates = creates

    def view(self):
        """The policy as the options give it (durations as text, None where not set), for the fleet report."""
        def text(seconds):
            return duration_text(seconds) if seconds is not None else None
        return {'max_age': text(self.max_age), 'rotate_before': text(self.rotate_before),
                'warn_before': text(self.warn_before), 'max_unused': text(self.max_unused),
                'rotate_when_due': self.rotate_when_due, 'max_failed_rotations': self.max_failed_rotations,
                'create_credential': self.creates}

    @classmethod
    def from_options(cls, options, label=None):
        """From the role's options (``max_age`` ... as given, durations as text). Raises ConfigurationError naming
        the option (``label(option)``, by default the role variable) and the fix."""
        label = label or (lambda option: 'oauth_connector_' + option)
        values = dict((name, parse_duration(options.get(name), label(name)))
                      for name in ('max_age', 'rotate_before', 'warn_before', 'max_unused'))
        limit = options.get('max_failed_rotations')
        limit = MAX_FAILED_ROTATIONS if limit is None else limit
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            raise errors.ConfigurationError('%s must be a whole number of at least 1, got %r'
                                            % (label('max_failed_rotations'), limit))
        creates = options.get('create_credential', True) is not False
        _check_together(values, options, creates, label)
        return cls(max_failed_rotations=limit, rotate_when_due=bool(options.get('rotate_when_due')), creates=creates,
                   **values)


def _check_together(values, options, creates, label):
    """The options that only make sense with another."""
    for name in ('rotate_before', 'warn_before'):
        if values[name] is not None and values['max_age'] is None:
            raise errors.ConfigurationError('%s needs %s: it counts back from the end of the lifetime'
                                            % (label(name), label('max_age')))
        if values[name] is not None and values[name] >= values['max_age']:
            raise errors.ConfigurationError('%s must be shorter than %s (%s and %s given)' % (
                label(name), label('max_age'), options.get(name), options.get('max_age')))
    if options.get('rotate_when_due') and values['max_age'] is None:
        raise errors.ConfigurationError('%s needs %s: without a lifetime no rotation is ever due'
                                        % (label('rotate_when_due'), label('max_age')))
    if options.get('rotate_when_due') and not creates:
        raise errors.ConfigurationError(
            '%s needs %s: a due rotation creates a credential. Set both, or leave %s off: a due credential is then '
            'reported (RotationDue) for a person to replace (a credential made in Jama\'s UI, then jama.connect.adopt)'
            % (label('rotate_when_due'), label('create_credential'), label('rotate_when_due')))
