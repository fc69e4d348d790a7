#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: jama.connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: fleet_report
short_description: Write the fleet report of Jama Connect OAuth connectors (JSON, CSV, HTML, JUnit)
version_added: 0.4.0
description:
  - The files of the fleet report that the C(jama.connect.report) playbook writes, on the controller.
  - Given O(result), the registered result of M(jama.connect.oauth_connector_reconcile) with C(flow=report), it writes
    that environment's entry as its own fragment, C(environments/<environment>.json) under O(dest).
  - Without O(result), it builds the four views from every fragment present under O(dest) (so the slices of one
    fleet, each its own job, make one report), namely C(report.json) (schema-versioned), C(report.csv) (one row per
    environment), C(report.html) (one self-contained page) and C(report.xml) (JUnit, one failing test case per
    environment that needs action). Run it once, after every environment's fragment is written (C(run_once)).
  - Files are written atomically and hold no secret. The README describes the page and the CSV's columns;
    C(docs/fleet-report.md) the JSON schema.
  - This is an action plugin; it runs on the controller whatever the task's host is.
author:
  - jama.connect maintainers (@jama-connect)
options:
  dest:
    description:
      - The directory of the report. Created if missing.
    type: path
    required: true
  result:
    description:
      - The registered result of M(jama.connect.oauth_connector_reconcile) with C(flow=report), failed or not (a
        failed one makes a row that says why the environment was not observed).
      - Omit it to build the views from the fragments present.
    type: dict
  owner:
    description:
      - Who owns the environment (a team or a contact), shown in its row.
    type: str
attributes:
  check_mode:
    description: Can run in check mode and return changed status prediction without modifying target.
    support: full
    details: The report's files are its output, not a change to any system; they are written in check mode too.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check mode), when in diff mode.
    support: none
  action:
    description: Indicates this has a corresponding action plugin so some parts of the options can be executed on the controller.
    support: full
seealso:
  - module: jama.connect.oauth_connector_reconcile
'''

EXAMPLES = r'''
- name: Observe the environment, read only
  jama.connect.oauth_connector_reconcile:
    flow: report
    jama_url: https://jama.example.com
    vault_file: "{{ inventory_dir }}/group_vars/prod/jama_credential.vault.yml"
  register: observed
  failed_when: false

- name: Write its fragment
  jama.connect.fleet_report:
    dest: /var/reports/jama
    result: "{{ observed }}"

- name: Build the views from every fragment
  jama.connect.fleet_report:
    dest: /var/reports/jama
  run_once: true
'''

RETURN = r'''
dest:
  description: The report's directory.
  returned: always
  type: str
fragment:
  description: The fragment written for this environment.
  returned: with O(result)
  type: str
environment:
  description: This environment's entry, as the report holds it.
  returned: with O(result)
  type: dict
files:
  description: The four views written, by file name.
  returned: without O(result)
  type: dict
  sample: {report.json: /var/reports/jama/report.json, report.html: /var/reports/jama/report.html}
summary:
  description: How many environments the report holds, are healthy and need action.
  returned: without O(result)
  type: dict
  sample: {environments: 3, healthy: 2, needs_action: 1}
needs_action:
  description: The environments that need action, each with the conditions that do.
  returned: without O(result)
  type: dict
  sample: {prod: [Expired, Orphans]}
'''
