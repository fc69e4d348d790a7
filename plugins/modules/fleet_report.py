#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: jama.connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: fleet_report
short_description: Write the fleet report of Jama Connect OAuth connectors (JSON, CSV, HTML, JUnit)
version_added: 0.3.0
description:
  - The files of the fleet report that the C(jama.connect.report) playbook writes, on the controller.
  - Given O(result), the registered result of M(jama.connect.oauth_connector_reconcile) with C(flow=report), it writes
    that environment's entry as its own fragment, C(environments/<environment>.json) under O(dest).
  - Without O(result), it builds the four views from every fragment present under O(dest) (so the slices of one
    fleet, each its own job, make one report), namely C(report.json) (schema-versioned), C(report.csv) (one row per
    environment), C(report.html) (one self-contained page) and C(report.xml) (JUnit, one failing test case per
    environment that needs action). Run it once, after every environment's fragment is written (C(run_once)).
  - Files are written atomically and hold no secret. The README describes the page and the CSV's columns;
    C(docs/fleet-report.schema.json) is the JSON schema.
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
  not_run:
    description:
      - Without O(result), the play's hosts whose report task failed before it wrote their fragment (the role passes
        C(ansible_play_hosts_all) minus C(ansible_play_hosts)); each gets a row that says so, named by its
        C(oauth_connector_environment) or, without one, the host's name.
    type: list
    elements: str
  play_hosts:
    description:
      - Without O(result), the hosts of this run (the role passes C(ansible_play_hosts_all)), so the line it prints
        says which rows come from earlier runs or other slices (fragments already in O(dest)).
    type: list
    elements: str
attributes:
  check_mode:
    description: Can run in check mode and return changed status prediction without modifying target.
    support: full
    details: In check mode nothing is written; the result says what would be. The role's report tasks run with
      C(check_mode=false), so C(jama.connect.report --check) still writes the report (it changes no system).
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
  description: This environment's entry, as the report holds it (its full schema is C(docs/fleet-report.schema.json)).
  returned: with O(result)
  type: dict
  contains:
    environment: {description: The environment's name., type: str, returned: always}
    healthy: {description: Whether no condition needs action., type: bool, returned: always}
    needs_action: {description: The types of the conditions that need action., type: list, elements: str, returned: always}
    outcome:
      description: Whether it was observed and, if not, why.
      type: dict
      returned: always
      contains:
        observed: {description: Whether the report observed it., type: bool, returned: always}
        reason: {description: "The failure's reason, or null.", type: str, returned: always}
        message: {description: "The failure's message, or null.", type: str, returned: always}
        heals_on_next_run: {description: "Whether the next run heals the failure, or null.", type: bool, returned: always}
    conditions:
      description: Each condition of the environment.
      type: list
      elements: dict
      returned: always
      contains:
        type: {description: The condition., type: str, returned: always}
        status: {description: "Whether it holds (for Ready, good; for the others, bad).", type: bool, returned: always}
        reason: {description: A stable CamelCase code., type: str, returned: always}
        message: {description: What was found., type: str, returned: always}
        owner: {description: Who acts on it., type: str, returned: when it needs action}
        remediation: {description: The fix., type: str, returned: when it needs action}
files:
  description: The paths of the four views written (in check mode, where they would be).
  returned: without O(result)
  type: dict
  contains:
    json: {description: "report.json, the dataset (schema-versioned).", type: str, returned: always}
    csv: {description: "report.csv, one row per environment.", type: str, returned: always}
    html: {description: "report.html, the self-contained page.", type: str, returned: always}
    xml: {description: "report.xml, JUnit: one test case per environment.", type: str, returned: always}
  sample: {json: /var/reports/jama/report.json, csv: /var/reports/jama/report.csv, html: /var/reports/jama/report.html,
           xml: /var/reports/jama/report.xml}
summary:
  description: How many environments the report holds, are healthy and need action.
  returned: without O(result)
  type: dict
  contains:
    environments: {description: Environments in the report., type: int, returned: always}
    healthy: {description: Environments with no condition that needs action., type: int, returned: always}
    needs_action: {description: The others., type: int, returned: always}
  sample: {environments: 3, healthy: 2, needs_action: 1}
needs_action:
  description: The environments that need action.
  returned: without O(result)
  type: list
  elements: dict
  contains:
    environment: {description: The environment., type: str, returned: always}
    conditions: {description: The types of the conditions that need action., type: list, elements: str, returned: always}
  sample: [{environment: prod, conditions: [Expired, Orphans]}]
'''
