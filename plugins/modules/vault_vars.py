#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: jama.connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: vault_vars
short_description: Set variables in an Ansible-Vault-encrypted vars file on the controller
version_added: 0.1.0
description:
  - Merges variables into a vars file encrypted as a whole with Ansible Vault, as
    M(jama.connect.jama_api_credential)'s hand-off does. Other variables in the file are kept.
  - The file is encrypted with the running playbook's vault secret (or O(vault_password_file)), written
    atomically with mode 0600, and stays loadable as group_vars or vars_files with C(--vault-id).
  - The rotate playbook uses it to put a previous credential back when a rotation fails its checks.
  - This is an action plugin; it runs on the controller whatever the task's host is.
  - The values are never shown; the diff names only the variables that change.
author:
  - jama.connect maintainers (@jama-connect)
options:
  path:
    description:
      - The vars file on the controller. Its directory must exist.
    type: path
    required: true
  vars:
    description:
      - The variables to set.
    type: dict
    required: true
  vault_id:
    description:
      - Vault ID to encrypt with, one of those given to the playbook with C(--vault-id).
    type: str
  vault_password_file:
    description:
      - Encrypt with the password in this file instead of the run's vault secret.
    type: path
attributes:
  check_mode:
    description: Can run in check mode and return changed status prediction without modifying target.
    support: full
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check mode), when in diff mode.
    support: full
    details: The diff lists the names of the variables that change, never their values.
  action:
    description: Indicates this has a corresponding action plugin so some parts of the options can be executed on the controller.
    support: full
seealso:
  - module: jama.connect.jama_api_credential
'''

EXAMPLES = r'''
- name: Put the previous credential back into the environment's vault file
  jama.connect.vault_vars:
    path: "{{ inventory_dir }}/group_vars/prod/jama_credential.vault.yml"
    vault_id: prod
    vars:
      jama_client_id: "{{ old.client_id }}"
      jama_client_secret: "{{ old.client_secret }}"
  no_log: true
'''

RETURN = r'''
changed_vars:
  description: Names of the variables whose values changed (or would change in check mode).
  returned: always
  type: list
  elements: str
  sample: [jama_client_id, jama_client_secret]
path:
  description: The vars file.
  returned: always
  type: str
'''

from ansible.module_utils.basic import AnsibleModule


def main():
    # The work happens in the action plugin of the same name, on the controller.
    module = AnsibleModule(argument_spec={'path': {'type': 'path', 'required': True},
                                          'vars': {'type': 'dict', 'required': True, 'no_log': True},
                                          'vault_id': {'type': 'str'},
                                          'vault_password_file': {'type': 'path', 'no_log': False}},
                           supports_check_mode=True)
    module.fail_json(msg='jama.connect.vault_vars runs as an action plugin on the controller; it cannot run as '
                         'a module on its own')


if __name__ == '__main__':
    main()
