# -*- coding: utf-8 -*-
# Copyright: jama.connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""How the credential modules present and check API credentials. Never includes a secret."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.jama.connect.plugins.module_utils import errors

# [MODEL] Jama documents that a name is required, not its length; the modelled contract allows 100.
NAME_MAX = 100


def check_name(name):
    if name is None or not name.strip():
        raise errors.ConfigurationError('name must not be empty: give the API credential a name, for example '
                                        'jci-oauth')
    if len(name) > NAME_MAX:
        raise errors.ConfigurationError('name is %d characters long; Jama allows at most %d: choose a shorter name'
                                        % (len(name), NAME_MAX))


def credential_view(cred):
    return {'id': cred.get('id'), 'name': cred.get('name'), 'description': cred.get('description', ''),
            'client_id': cred.get('clientId'), 'created': cred.get('createdDate'),
            'last_used': cred.get('lastUsedDate')}
