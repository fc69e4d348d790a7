# -*- coding: utf-8 -*-
# Copyright: jama.connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: vault_encrypted_file
short_description: Is a file on the controller encrypted with Ansible Vault as a whole?
version_added: 0.1.0
author:
  - jama.connect maintainers (@jama-connect)
description:
  - True when the file exists on the controller and starts with an Ansible Vault header, as files written by
    C(ansible-vault encrypt) and by M(jama.connect.jama_api_credential)'s vault hand-off do.
  - The C(ansible.builtin.vault_encrypted) test checks an inline C(!vault) value instead.
options:
  _input:
    description: Path of the file on the controller.
    type: path
    required: true
'''

EXAMPLES = r'''
- name: Warn when the credential file is not vault-encrypted
  ansible.builtin.debug:
    msg: "WARNING: {{ creds_file }} is not encrypted with Ansible Vault"
  when: creds_file is file and creds_file is not jama.connect.vault_encrypted_file
'''

RETURN = r'''
_value:
  description: Whether the file is vault-encrypted.
  type: bool
'''

import os

from ansible.module_utils.common.text.converters import to_bytes

HEADER = b'$ANSIBLE_VAULT;'


def vault_encrypted_file(path):
    try:
        with open(os.path.expanduser(to_bytes(path)), 'rb') as handle:
            return handle.read(len(HEADER)) == HEADER
    except (IOError, OSError, TypeError):
        return False


class TestModule(object):
    def tests(self):
        return {'vault_encrypted_file': vault_encrypted_file}
