# -*- coding: utf-8 -*-
# Copyright: jama.connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every limit the collection checks or relies on, each once, marked by where it comes from:
[DOC] Jama documents it (../shared facts, README "Which parts ... are documented"); [MODEL] the project's contract
for the undocumented APIs (docs/api-contract.yaml) models it; [OURS] the collection's own bound on an option."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

# [MODEL] An API credential's name (docs/api-contract.yaml, ApiCredential.name: maxLength 100).
CREDENTIAL_NAME_MAX = 100
# [MODEL] A JCI connector's name (docs/api-contract.yaml, Connector.name: maxLength 100).
CONNECTOR_NAME_MAX = 100
# [DOC] At most 20 API credentials per Jama user.
CREDENTIALS_PER_USER = 20
# [OURS] How many failed rotations in a row are retried before an environment is RotationStalled (the default of
# oauth_connector_max_failed_rotations).
MAX_FAILED_ROTATIONS = 3
# [OURS] A connection's timeout option, in seconds.
TIMEOUT_MAX = 600
# [OURS] The longest Retry-After the retry_after_max option may accept, in seconds.
RETRY_AFTER_MAX_LIMIT = 3600
# [OURS] A variable name the collection writes into a vars file or reads back (what Ansible accepts).
VAR_NAME = re.compile(r'^[A-Za-z_][A-Za-z0-9_]*$')
