#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: jama.connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: oauth_connector_reconcile
short_description: Bring one environment's JCI OAuth connector, API credential and vault file into agreement, and verify
version_added: 0.2.0
description:
  - The engine of the C(jama.connect.oauth_connector) role. It reads the whole state first (the environment's vault
    file, the JCI connector, and, when something needs changing, the JCI service user's API credentials in Jama),
    decides, then acts in an order that never breaks what works, and ends with the environment verified or fails
    naming the cause and the fix.
  - "Order: a credential is verified against Jama (token and C(users/current)) before any connector is pointed at it;
    the vault file always holds the credential the connector uses; an old credential is deleted only after its
    replacement is verified directly and through JCI's connector test."
  - "Healing: before Jama is asked to create a credential, the vault file records its name under O(state_var); right
    after, its client ID and secret. A lost answer, a killed run or a failed vault write therefore leaves a record,
    and the next run finishes or undoes that work: it deletes a credential whose secret is in no vault file, resumes
    a verified one, and deletes a replaced one once nothing uses it. A converged environment has no O(state_var)."
  - "Credentials it creates are named O(credential_name) plus a time stamp, with the description
    C(Managed by jama.connect for JCI <jci url>, connector \"<name>\"). Only credentials with that description are
    ever deleted as orphans, so credentials made by hand or for other connectors are never touched."
  - "A converged environment costs two calls: reading the connector and JCI's connector test (with O(jama), two
    reads more that list the service user's credentials for the result's C(status) and the role's orphans; with
    O(controller_credential), three reads of the controller more). The direct check
    against Jama runs when it adds information: after a change, in O(flow=check), and to diagnose a failed JCI test."
  - "Connections: O(jama) is Jama as an administrator, to list, create and delete the service user's credentials
    (needed with O(create_credential), for O(flow=rotate), and to finish unfinished work); O(jci) is JCI as a JCI
    Admin. Each falls back to C(module_defaults) for C(group/jama.connect.jama) or C(group/jama.connect.jci), then
    to the C(JAMA_*) or C(JCI_*) environment variables."
  - This is an action plugin; it runs on the controller, where the vault file and the vault secrets are, and makes
    its HTTP calls from there. The secret is never in the result, the diff or a message.
  - Jama publishes no API for managing API credentials and JCI none at all; those calls follow the collection's
    modelled contract (C(docs/api-contract.yaml)), kept in C(plugins/module_utils/jama_client.py) and
    C(plugins/module_utils/jci_client.py).
author:
  - jama.connect maintainers (@jama-connect)
extends_documentation_fragment:
  - jama.connect.connection.JAMA
  - jama.connect.connection.JCI
  - jama.connect.connection.CONTROLLER
  - jama.connect.connection.HASHI_VAULT
options:
  flow:
    description:
      - V(configure) makes the connector use OAuth with the vault file's credential (creating one with
        O(create_credential)), heals what an interrupted run left, and verifies.
      - V(check) only reads and tests, and fails when the environment is unhealthy. It never tests a Basic
        connector, whose failed test would count towards the service account's lockout.
      - V(migrate) moves every connector of this JCI that still uses Basic authentication against O(jama_url) to
        OAuth, testing each. A connector whose test fails goes back to Basic only with O(basic_password), and only
        after that password was verified against Jama.
      - V(rotate) creates a new credential, points the connector at it, verifies it directly and through JCI, and
        only then deletes the old one; if a check fails, the connector goes back to the old credential and the new
        one is deleted. An unfinished earlier change is finished instead of starting another rotation.
      - V(adopt) takes over the credential a person created in Jama's UI (O(adopt_client_id), O(adopt_client_secret)),
        which is verified against Jama as O(service_user), recorded in the store before anything else, and the connector
        pointed at it the way V(rotate) does; the credential it replaces is deleted with the Jama administrator, else
        returned in RV(to_delete_by_hand).
      - V(report) observes the environment for the fleet report (M(jama.connect.fleet_report)) and changes nothing,
        in check mode or not. It requests no token with the credential it reports on (that would move the
        credential's last use in Jama), runs no JCI test (it reads the connector's last recorded test and the
        authentication errors logged since), and reports the store's unfinished work instead of refusing it. Its
        result adds RV(report_facts) and, to the conditions, C(ConnectorMissing), C(BasicAuth) and C(StoreStale).
    type: str
    choices: [configure, check, migrate, rotate, adopt, report]
    default: configure
  environment_name:
    description: Name of the environment in the summary. Default is the inventory host name.
    type: str
  jama_url:
    description: Base URL of Jama Connect. The connector points at it and the direct check uses it.
    type: str
    required: true
  jama_ca_path:
    description: CA bundle (PEM) for Jama's certificate, for the direct check from the controller.
    type: path
  jama_validate_certs:
    description: Verify Jama's certificate in the direct check.
    type: bool
    default: true
  jama_timeout:
    description: Seconds to wait for Jama in the direct check (1 to 600).
    type: int
    default: 30
  vault_file:
    description:
      - The environment's vault-encrypted vars file on the controller. It holds the current credential and receives
        new ones. Read before any call; a wrong vault password or a broken file fails the task naming the file and
        the vault ID it needs.
    type: path
  vault_id:
    description: Vault ID to encrypt O(vault_file) with, one of those given to the playbook with C(--vault-id).
    type: str
  client_id_var:
    description: Variable name of the client ID in O(vault_file).
    type: str
    default: jama_client_id
  client_secret_var:
    description: Variable name of the client secret in O(vault_file).
    type: str
    default: jama_client_secret
  state_var:
    description: Variable name in O(vault_file) of the record of unfinished work (absent when converged).
    type: str
    default: jama_credential_state
  client_id:
    description:
      - Client ID to use instead of one from O(vault_file). Cannot be combined with creating or rotating, unless
        O(controller_credential) is set.
      - With O(controller_credential), the client ID the controller injected into the job from that credential.
    type: str
  client_secret:
    description: Client secret, with O(client_id).
    type: str
  controller_credential:
    description:
      - "The environment's store on an automation controller (AWX, Red Hat Ansible Automation Platform), instead of
        O(vault_file), so a new secret outlives the job: a credential of the collection's C(Jama Connect OAuth
        client) type. Its C(client_id) and C(client_secret) inputs are the current credential, its secret C(state)
        input the record of unfinished work (the same record O(state_var) names in a vault file)."
      - The controller never shows a secret, so the job template attaches this credential and the controller injects
        its values (O(client_id), O(client_secret), O(credential_state)). Before any call to Jama or JCI the task
        checks that the controller holds what the job was given (a job given another credential, or a credential
        that changed after the job started, stops here).
      - Each write sends every input in one create or update. The record is written before Jama is asked to create
        a credential and right after, as with a vault file, so a cancelled job is finished or undone by the next.
      - With O(vault_file) as well, the vault file stays the store and this controller credential gets a copy of
        its current credential (C(url), C(client_id), C(client_secret)) after each change and before a replaced
        credential is deleted, for jobs that only use it; a copy that missed a write is written by the next
        O(flow=configure), and O(flow=check) reports it. No injection is needed then.
      - Reached with O(controller).
    type: dict
    suboptions:
      name:
        description: Name of the controller credential (required).
        type: str
      organization:
        description: Name of the organization that owns it (required).
        type: str
      credential_type:
        description: Name of its credential type; it needs the inputs C(client_id), C(client_secret) and C(state).
        type: str
        default: Jama Connect OAuth client
      description:
        description: Description given when the credential is created.
        type: str
        default: Jama Connect API credential (managed by jama.connect)
  credential_state:
    description:
      - With O(controller_credential), the record of unfinished work the controller injected from that credential's
        C(state) input (JSON text, or a mapping). Empty when nothing is unfinished.
    type: raw
  credential_revision:
    description:
      - With O(controller_credential), the C(revision) input the controller injected from that credential. It must
        equal the credential's current revision; each write changes it, and a write finds it changed only when
        another job wrote the credential, which stops this run rather than overwrite that job's record.
    type: str
  client_from_credential:
    description:
      - Set by the role when a C(Jama Connect OAuth client) credential is attached to the job (its injectors set
        C(oauth_connector_client_secret_from_credential)). With O(vault_file) the task then fails before any call,
        because that credential's injected URL and client would override the host's own.
    type: bool
    default: false
  max_age:
    description:
      - The credential's lifetime, a duration such as C(90d), C(36h) or C(30m). Its age counts from when the role
        created or adopted it (the store's record) or else Jama's C(createdDate) (modelled), against Jama's clock (the
        C(Date) of its answers). Unset, nothing expires.
    type: str
  rotate_before:
    description: How long before the end of O(max_age) a rotation is due. Default one third of O(max_age).
    type: str
  warn_before:
    description: From how long before the end of O(max_age) each run warns. Shorter than O(max_age).
    type: str
  max_unused:
    description: A credential unused for this long (Jama's C(lastUsedDate), modelled) is reported as C(Unused).
    type: str
  rotate_when_due:
    description: With O(flow=configure), rotate the credential once it is due (needs O(max_age) and O(create_credential)).
    type: bool
    default: false
  adopt_client_id:
    description: With O(flow=adopt), the client ID Jama's UI showed when a person created the credential.
    type: str
  adopt_client_secret:
    description: With O(flow=adopt), its client secret.
    type: str
  max_failed_rotations:
    description:
      - How many rotations of one credential may fail in a row (counted in the store's record) before the environment
        is C(RotationStalled) and configure stops rotating it when due (reason C(rotation_stalled), a person must act).
    type: int
    default: 3
  client_secret_plaintext:
    description: Set when O(client_secret) came from a plaintext variable; the result then carries a warning.
    type: bool
    default: false
  create_credential:
    description:
      - When the vault file holds no working credential, create one for O(service_user) and hand its secret off into
        O(vault_file). Needs a Jama administrator in O(jama). Without it such a run fails and says how to provide one.
    type: bool
    default: false
  service_user:
    description: Jama username of the JCI service account that owns the credential.
    type: str
    default: jci_service
  credential_name:
    description: Prefix of the names of credentials this creates (a UTC time stamp and 4 random hex digits follow).
    type: str
    default: jci-oauth
  connector_name:
    description: Name of the connector in JCI.
    type: str
    default: Jama Connect
  verify_ssl:
    description: The connector's "Verify SSL" (whether JCI verifies Jama's certificate).
    type: bool
    default: true
  basic_password:
    description: For O(flow=migrate), the service account's current Jama password, to put a connector back on Basic.
    type: str
attributes:
  check_mode:
    description: Can run in check mode and return changed status prediction without modifying target.
    support: full
    details: Reads and tests only; RV(actions) lists what a real run would do.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check mode), when in diff mode.
    support: full
    details: The connector before and after, secrets masked.
  action:
    description: Indicates this has a corresponding action plugin so some parts of the options can be executed on the controller.
    support: full
  action_group:
    description: Use C(group/jama.connect.jama), C(group/jama.connect.jci) and C(group/jama.connect.controller) in C(module_defaults) to set its connections.
    support: full
    membership:
      - jama.connect.jama
      - jama.connect.jci
      - jama.connect.controller
notes:
  - Never retries a 401 or 403 (failed logins lock Jama service accounts), and makes one Basic login at most, in
    O(flow=migrate)'s rollback check.
seealso:
  - module: jama.connect.jama_api_credential
  - module: jama.connect.controller_credential_type
  - module: jama.connect.jci_connector
  - module: jama.connect.jci_connector_check
  - module: jama.connect.jama_oauth_check
'''

EXAMPLES = r'''
- name: Configure prod's connector, creating the credential if the vault file has none
  jama.connect.oauth_connector_reconcile:
    flow: configure
    jama_url: https://jama.example.com
    vault_file: "{{ inventory_dir }}/group_vars/prod/jama_credential.vault.yml"
    vault_id: prod
    create_credential: true
    jama: {url: https://jama.example.com, username: jama_admin, password: "{{ vault_jama_admin_password }}"}
    jci: {url: https://jci.example.com, username: jci_admin, password: "{{ vault_jci_admin_password }}"}
  register: prod

- name: Rotate the credential
  jama.connect.oauth_connector_reconcile:
    flow: rotate
    jama_url: https://jama.example.com
    vault_file: "{{ inventory_dir }}/group_vars/prod/jama_credential.vault.yml"
    vault_id: prod
'''

RETURN = r'''
verified:
  description:
    - Whether this run verified the environment (the JCI test passed, and the credential was checked against Jama
      where the flow checks it).
    - Always false in check mode, which runs no test and requests no token.
  returned: always
  type: bool
outcome:
  description:
    - How the run ended, for workflows to branch on. V(converged) or V(changed) when it succeeded (in check mode,
      what it planned); V(heals_next_run) or V(operator_must_act) when it failed (see RV(reason)).
  returned: always
  type: str
  choices: [converged, changed, heals_next_run, operator_must_act]
reason:
  description: Why the run failed, as a stable code (the collection README's "Failure reasons" table).
  returned: failure
  type: str
  sample: answer_lost
heals_on_next_run:
  description: Whether running again later, with nothing changed by a person, is expected to succeed.
  returned: failure
  type: bool
http_status:
  description: The HTTP status of the answer that made the run fail (Jama, JCI, the controller or Vault), if one did.
  returned: failure, when an answer failed it
  type: int
  sample: 403
headline:
  description:
    - "The one line shown at default verbosity, for example
      C(prod: converged, no change, credential 4f1c..., JCI test passed)."
  returned: success
  type: str
actions:
  description: What the run did, in order (in check mode, what it would do). Never holds a secret.
  returned: always
  type: list
  elements: str
  sample: ["created credential jci-oauth-20261129T101010Z-1a2b (4f1c...) for jci_service; its secret is in ...",
           "created the connector \"Jama Connect\" with OAuth and credential 4f1c..."]
summary:
  description: Lines for people, the first naming the environment and its state.
  returned: always
  type: list
  elements: str
credential:
  description: The credential the connector uses.
  returned: always
  type: dict
  contains:
    client_id: {description: Its client ID., type: str, returned: when known}
    name: {description: "Its name in Jama, when this run looked it up or made it.", type: str, returned: when known}
connector:
  description: The connector as JCI reports it, secrets only as set or not.
  returned: always
  type: dict
  contains:
    id: {description: "JCI's id of the connector.", type: int, returned: success}
    name: {description: "Its name.", type: str, returned: success}
    application: {description: "Always C(jama_connect).", type: str, returned: success}
    url: {description: "The Jama Connect URL it points at.", type: str, returned: success}
    verify_ssl: {description: "Whether JCI verifies Jama's certificate.", type: bool, returned: success}
    authentication_type: {description: "C(oauth) or C(basic).", type: str, returned: success}
    client_id: {description: "The OAuth client ID, or null.", type: str, returned: success}
    client_secret_set: {description: "Whether a client secret is stored (never the secret).", type: bool, returned: success}
    username: {description: "The Basic username, or null.", type: str, returned: success}
    password_set: {description: "Whether a password is stored (never the password).", type: bool, returned: success}
    integrations: {description: "Names of the integrations that use it.", type: list, elements: str, returned: success}
    last_test:
      description: The last test, or null.
      type: dict
      returned: success
      contains:
        status: {description: C(passed) or C(failed)., type: str, returned: success}
        time: {description: When it ran., type: str, returned: success}
        user: {description: The Jama user it authenticated as., type: str, returned: success}
        latency_ms: {description: "How long JCI's call to Jama took.", type: int, returned: success}
        message: {description: "JCI's message.", type: str, returned: success}
jama_check:
  description: The direct check against Jama, when one ran (in check mode, that none did).
  returned: always
  type: dict
  contains:
    client_id: {description: The credential checked., type: str, returned: success}
    checked: {description: "False in check mode: no token was requested.", type: bool, returned: in check mode}
    note: {description: "Why it was not checked.", type: str, returned: in check mode}
    user: {description: The user the token belongs to., type: str, returned: success}
    license_type: {description: Its licence type., type: str, returned: success}
    expires_in: {description: Token lifetime in seconds., type: int, returned: success}
jci_test:
  description:
    - JCI's connector test, when one ran.
    - In check mode no test runs; JCI's last recorded test of the connector is reported instead, with RV(jci_test.run=false).
  returned: always
  type: dict
  contains:
    run: {description: "False when the test was not run (check mode) and this is JCI's last recorded one.", type: bool, returned: in check mode}
    recorded_at: {description: "When JCI recorded that test.", type: str, returned: in check mode}
    note: {description: "What was reported instead of a test.", type: str, returned: in check mode}
    success: {description: "Passed, with no authentication errors in its log lines.", type: bool, returned: success}
    user: {description: The Jama user JCI authenticated as., type: str, returned: success}
    latency_ms: {description: How long JCI's call to Jama took., type: int, returned: success}
    message: {description: JCI's message., type: str, returned: success}
    category: {description: JCI's failure category., type: str, returned: success}
    authentication_errors: {description: Authentication errors in the test's log lines., type: list, elements: str, returned: success}
    hint: {description: "The fix, when it failed.", type: str, returned: when the test failed}
cleaned_up:
  description: Names of credentials deleted because nothing used them any more (replaced, or left by an interrupted run).
  returned: always
  type: list
  elements: str
problems:
  description: What is unhealthy, for O(flow=check).
  returned: with O(flow=check)
  type: list
  elements: str
migrated:
  description: Connectors moved from Basic to OAuth, for O(flow=migrate).
  returned: with O(flow=migrate)
  type: list
  elements: str
rotated:
  description: Whether this run replaced the credential by a rotation (O(flow=rotate), or configure's rotation when
    due with O(rotate_when_due)); in check mode, whether it would.
  returned: when the run rotated, or started to
  type: bool
to_delete_by_hand:
  description: The client IDs of credentials a person must delete in Jama's UI once nothing uses them (the one an adopted
    credential replaced, where the service user's credentials cannot be listed).
  returned: when there are any
  type: list
  elements: str
observed:
  description: With O(flow=report), whether the environment was observed. A run that could not observe it does not
    fail; it returns this false with the failure's C(msg), RV(reason) and RV(heals_on_next_run), so the fleet report
    has a row that says why.
  returned: with O(flow=report)
  type: bool
report_facts:
  description: What the fleet report says of the environment beside its conditions (M(jama.connect.fleet_report)).
  returned: with O(flow=report), failed or not
  type: dict
  contains:
    environment: {description: The environment's name., type: str, returned: always}
    jama_url: {description: Jama's URL., type: str, returned: always}
    jci_url: {description: JCI's URL., type: str, returned: always}
    connector_name: {description: The connector's name., type: str, returned: always}
    service_user: {description: The JCI service user., type: str, returned: always}
    store: {description: "Where the credential is kept (the vault file, or the controller credential), or null.",
            type: str, returned: always}
    policy:
      description: "The age policy (durations as the options give them), or null when the options were invalid."
      type: dict
      returned: always
      contains:
        max_age: {description: O(max_age) or null., type: str, returned: always}
        rotate_before: {description: "O(rotate_before) (its default: a third of O(max_age)) or null.", type: str, returned: always}
        warn_before: {description: O(warn_before) or null., type: str, returned: always}
        max_unused: {description: O(max_unused) or null., type: str, returned: always}
        rotate_when_due: {description: O(rotate_when_due)., type: bool, returned: always}
        max_failed_rotations: {description: O(max_failed_rotations)., type: int, returned: always}
        create_credential: {description: O(create_credential)., type: bool, returned: always}
  sample: {environment: prod, jama_url: https://jama.example.com, jci_url: https://jci.example.com,
           connector_name: Jama Connect, service_user: jci_service, store: group_vars/prod/jama_credential.vault.yml,
           policy: {max_age: 90d, rotate_before: 30d, warn_before: 14d, max_unused: 30d, rotate_when_due: true,
                    max_failed_rotations: 3, create_credential: true}}
orphans_checked:
  description: Whether the service user's credentials were listed to find orphans (needs the Jama administrator).
  returned: when the run changed something
  type: bool
status:
  description:
    - The environment's lifecycle, computed against Jama's current time on every run (never carried over from an
      earlier run). A failed run reports what it saw before it stopped.
  returned: always
  type: dict
  contains:
    conditions:
      description:
        - C(Ready) (the connector uses the store's credential, both verified, nothing wrong), C(RotationDue),
          C(Expired) (with O(max_age)), C(Unused) (with O(max_unused)), C(Orphans), C(ForeignCredentials),
          C(SlotsLow) (18 or more of Jama's 20 credentials used; these three need the Jama administrator, else
          their reason is C(NotObserved)), C(RotationStalled) (O(max_failed_rotations) failed rotations in a row),
          C(TestFailed) and C(AuthErrorsInLog); with O(flow=report) also C(ConnectorMissing), C(BasicAuth) (the
          connector still uses Basic) and C(StoreStale) (the store records unfinished work, holds no credential, or
          disagrees with the connector).
        - A condition needs action when C(Ready) is false or any other is true; such a condition has a
          C(remediation).
      type: list
      elements: dict
      returned: always
      contains:
        type: {description: The condition., type: str, returned: always}
        status: {description: Whether it holds., type: bool, returned: always}
        reason: {description: A stable CamelCase code., type: str, returned: always}
        message: {description: What was found., type: str, returned: always}
        computed_at: {description: "When (ISO 8601 UTC, Jama's clock).", type: str, returned: always}
        remediation: {description: "The playbook or variable that fixes it.", type: str, returned: when it needs action}
    not_before: {description: "The credential's creation time (the store's record, else Jama's createdDate), or null.",
                 type: str, returned: always}
    revision:
      description: "How many times the store's credential was replaced (rotations and adoptions), as the store's record
        counts them; null before the role created or adopted a credential."
      type: int
      returned: always
    failed_rotations: {description: "Rotations of the current credential that failed in a row (the store's record).",
                       type: int, returned: always}
    not_after: {description: "The end of its lifetime (with O(max_age)), or null.", type: str, returned: always}
    renewal_time: {description: "When a rotation falls due (with O(max_age)), or null.", type: str, returned: always}
    age_days: {description: "Whole days since its creation, or null.", type: int, returned: always}
    last_used: {description: "When a token was last issued with it (Jama's lastUsedDate), or null.", type: str,
                returned: always}
    slots_used: {description: "How many of Jama's 20 API credentials the service user holds, or null.", type: int,
                 returned: always}
    inventory:
      description: "The service user's credentials sorted (each: name, client_id, created, last_used), or null when
        they were not listed (no Jama administrator)."
      type: dict
      returned: always
      contains:
        in_use:
          description: "The store's current credential, and any a connector uses."
          type: list
          elements: dict
          returned: always
          contains: &credential
            name: {description: The credential's name in Jama., type: str, returned: always}
            client_id: {description: Its client ID (not a secret)., type: str, returned: always}
            created: {description: "Jama's createdDate (modelled).", type: str, returned: always}
            last_used: {description: "Jama's lastUsedDate (modelled), or null.", type: str, returned: always}
        pending: {description: "A credential an unfinished change recorded.", type: list, elements: dict,
                  returned: always, contains: *credential}
        retiring: {description: "Replaced credentials still to delete.", type: list, elements: dict, returned: always,
                   contains: *credential}
        orphan: {description: "The role's own credentials that no store holds and no connector uses.", type: list,
                 elements: dict, returned: always, contains: *credential}
        foreign: {description: "Credentials the role did not make (never touched).", type: list, elements: dict,
                  returned: always, contains: *credential}
    warnings: {description: "From O(warn_before) before the end of the lifetime: when it expires.", type: list,
               elements: str, returned: always}
retries:
  description: Calls that were repeated after 429, 502, 503, 504 or a connection failure.
  returned: always
  type: list
  elements: dict
  contains:
    method: {description: The HTTP method., type: str, returned: always}
    path: {description: "The path called, without the query.", type: str, returned: always}
    status: {description: "The status that was retried, or null for a connection failure.", type: int, returned: always}
    error: {description: "The connection error's type, or null.", type: str, returned: always}
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.jama.connect.plugins.module_utils.reconcile_options import argument_spec


def main():
    # The work happens in the action plugin of the same name, on the controller.
    module = AnsibleModule(argument_spec=argument_spec(), supports_check_mode=True)
    module.fail_json(msg='jama.connect.oauth_connector_reconcile runs as an action plugin on the controller; it '
                         'cannot run as a module on its own')


if __name__ == '__main__':
    main()
