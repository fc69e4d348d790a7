# -*- coding: utf-8 -*-
# Copyright: jama.connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""How the credential modules present and check API credentials. Never includes a secret."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.jama.connect.plugins.module_utils import errors
from ansible_collections.jama.connect.plugins.module_utils.limits import CREDENTIAL_NAME_MAX

import datetime
import re

# [MODEL] Jama documents that a name is required, not its length; the modelled contract allows 100.
NAME_MAX = CREDENTIAL_NAME_MAX
# A rotation creates the replacement before deleting the old credential, and names are unique per user, so the
# replacement is named NAME@<UTC time>. A credential's family is NAME and every NAME@<time>; the newest is current.
ROTATED = re.compile(r'^(?P<base>.+)@(?P<stamp>\d{8}T\d{6}Z)$')
ROTATED_SUFFIX_LENGTH = len('@20261129T101010Z')


def rotated_name(name, now=None):
    now = now or datetime.datetime.now(datetime.timezone.utc)
    return '%s@%s' % (name, now.strftime('%Y%m%dT%H%M%SZ'))


def family(credentials, name):
    """The credentials named ``name`` or ``name@<time>``, oldest first (by id, which Jama hands out in order)."""
    members = [cred for cred in credentials if cred.get('name') == name
               or (ROTATED.match(cred.get('name') or '') and ROTATED.match(cred['name']).group('base') == name)]
    return sorted(members, key=lambda cred: cred.get('id') or 0)


def check_name(name):
    if name is None or not name.strip():
        raise errors.ConfigurationError('name must not be empty: give the API credential a name, for example '
                                        'jci-oauth')
    if len(name) > NAME_MAX:
        raise errors.ConfigurationError('name is %d characters long; Jama allows at most %d: choose a shorter name'
                                        % (len(name), NAME_MAX))
    if len(name) > NAME_MAX - ROTATED_SUFFIX_LENGTH:
        raise errors.ConfigurationError('name may be at most %d characters, so that a rotation can add @<time> within '
                                        'Jama\'s limit of %d' % (NAME_MAX - ROTATED_SUFFIX_LENGTH, NAME_MAX))


def credential_view(cred):
    return {'id': cred.get('id'), 'name': cred.get('name'), 'description': cred.get('description', ''),
            'client_id': cred.get('clientId'), 'created': cred.get('createdDate'),
            'last_used': cred.get('lastUsedDate')}
