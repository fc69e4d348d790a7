"""The bad-input matrix: one row per case (target, arguments, expected message fragment), written out as one
playbook that runs every row as is and, for everything that can change something, in check mode too.

Arguments are Jinja over the integration config (the emulator's URLs and connections), so the generated
playbook holds no password. A row whose fragment is None is good input that must succeed (read-only rows only).
"""
import json
import sys

import yaml

ADMIN = 'jama_admin_connection'
JCI = 'jci_connection'
CONTROLLER = 'controller_connection'
CLIENT = "{'url': emulator_jama_url, 'ca_path': emulator_ca_file, 'client_id': 'nope', 'client_secret': 'nope'}"
ROWS = []


# Modules that only read: check mode runs them the same, so their rows run once.
READERS = ('jama.connect.jama_api_credential_info', 'jama.connect.jama_oauth_check', 'jama.connect.jci_connector_info',
           'jama.connect.jci_connector_check')


def row(target, args, fragment, label, check=True, check_only=False):
    """``check_only``: good input that would change something, so it runs in check mode only."""
    ROWS.append({'id': len(ROWS) + 1, 'target': target, 'args': args, 'fragment': fragment, 'label': label,
                 'check': check and target not in READERS, 'check_only': check_only})


def conn(base, **changes):
    """A connection option: the base connection with some sub-options changed (None removes one)."""
    removed = [key for key, value in changes.items() if value is None]
    kept = dict((key, value) for key, value in changes.items() if value is not None)
    expression = '%s | combine(%s)' % (base, json.dumps(kept)) if kept else base
    if removed:
        expression = '%s | dict2items | rejectattr("key", "in", %s) | items2dict' % (expression, json.dumps(removed))
    return '{{ %s }}' % expression


# --- connection rows, for every module that calls an API -----------------------------------------------------------
JAMA_MODULES = {
    'jama.connect.jama_api_credential': ({'name': 'matrix-cred'}, ADMIN),
    'jama.connect.jama_api_credential_info': ({}, ADMIN),
    'jama.connect.jama_oauth_check': ({}, CLIENT),
}
JCI_MODULES = {
    'jama.connect.jci_connector': ({'name': 'matrix', 'url': '{{ emulator_jama_url }}', 'client_id': 'matrix-client-id',
                                    'client_secret': 'matrix-client-secret'}, JCI),
    'jama.connect.jci_connector_info': ({}, JCI),
    'jama.connect.jci_connector_check': ({'name': 'matrix'}, JCI),
}
CONTROLLER_MODULES = {
    'jama.connect.controller_credential_type': ({'name': 'Matrix type'}, CONTROLLER),
}
READ_ONLY = ('jama.connect.jama_api_credential_info', 'jama.connect.jci_connector_info')
for modules, option in ((JAMA_MODULES, 'jama'), (JCI_MODULES, 'jci'), (CONTROLLER_MODULES, 'controller')):
    for module, (args, base) in sorted(modules.items()):
        def add(fragment, label, check=True, **changes):
            row(module, dict(args, **{option: conn(base, **changes)}), fragment, '%s %s' % (option, label), check)
        add('%s.url is required' % option, 'url empty', url='')
        add('absolute http(s) URL', 'url without scheme', url='jama.example.com')
        add('absolute http(s) URL', 'url with ftp', url='ftp://jama.example.com')
        add('absolute http(s) URL', 'url with no host', url='https://')
        add('absolute http(s) URL', 'url of spaces', url='   ')
        add('must not hold a user name or password', 'url with userinfo', url='https://admin:hunter2@127.0.0.1:9')
        add('no such file', 'ca_path missing', ca_path='/nonexistent/ca.pem')
        add('TLS', 'ca_path not a CA', ca_path='/etc/hostname')
        add('ca_path', 'no ca_path for a private CA', ca_path=None)
        add('between 1 and 600', 'timeout 0', timeout=0)
        add('between 1 and 600', 'timeout huge', timeout=10 ** 12)
        add('timeout', 'timeout not a number', timeout='soon')
        add('between 0 and 3600', 'retry_after_max negative', retry_after_max=-1)
        add('validate_certs', 'validate_certs not a bool', validate_certs='perhaps')
        if module in READ_ONLY:
            add(None, 'validate_certs false (good input)', ca_path=None, validate_certs=False)
        if option == 'jama' and base == ADMIN:
            add('check the username and password', 'unknown user', username='nobody', password='wrong')
            add('invalid or has expired', 'expired token', username=None, password=None, token='expired-token')
            add('more than one way to authenticate', 'username and client_id', client_id='matrix-client-id',
                client_secret='matrix-client-secret')
            add('needs jama.password as well', 'username without password', password=None)
        elif option == 'jama':
            add('Bad client credentials', 'wrong client secret')
        else:
            add('check the username and password' if option == 'jci' else
                'check controller.username and controller.password', 'wrong password', password='wrong')
            add('needs %s.password as well' % option, 'username without password', password=None)
    first = sorted(modules)[0]
    args, base = modules[first]
    row(first, dict(args, **{option: conn(base, url='https://127.0.0.1:9')}), 'Cannot connect', option +
        ' unreachable', check=False)

# --- module rows ----------------------------------------------------------------------------------------------------
CRED = 'jama.connect.jama_api_credential'
ADMIN_ARG = '{{ %s }}' % ADMIN
CONTROLLER_ARG = '{{ %s }}' % CONTROLLER
SINK = {'name': 'Matrix sink', 'organization': 'Default'}
for sink, fragment, label in (
        ('Matrix sink', 'controller_credential', 'controller_credential a string'),
        ({'organization': 'Default'}, 'name', 'controller_credential without name'),
        ({'name': 'Matrix sink'}, 'organization', 'controller_credential without organization'),
        (dict(SINK, organization='Nowhere'), "no organization named 'Nowhere'", 'controller_credential unknown organization'),
        (dict(SINK, credential_type='No such type'), "no credential type 'No such type'", 'controller_credential unknown type'),
        (dict(SINK, colour='blue'), 'colour', 'controller_credential unknown key')):
    row(CRED, {'name': 'matrix-sink', 'jama': ADMIN_ARG, 'user': 'jci_service', 'controller': CONTROLLER_ARG,
               'controller_credential': sink}, fragment, label)
row(CRED, {'name': 'matrix-sink', 'jama': ADMIN_ARG, 'user': 'jci_service', 'controller_credential': SINK},
    'CONTROLLER_USERNAME', 'controller_credential without a controller connection')
for changes, fragment, label in (
        ({'host': 'https://elsewhere.example.com'}, 'controller.host', 'controller with an unknown key'),
        ({'timeout': 'soon'}, 'timeout', 'controller timeout not a number'),
        ({'validate_certs': 'perhaps'}, 'validate_certs', 'controller validate_certs not a bool')):
    row(CRED, {'name': 'matrix-sink', 'jama': ADMIN_ARG, 'user': 'jci_service', 'controller_credential': SINK,
               'controller': conn(CONTROLLER, **changes)}, fragment, label)
TYPE = 'jama.connect.controller_credential_type'
for args, fragment, label in (
        ({'name': ''}, 'name must not be empty', 'type name empty'),
        ({'name': 'x', 'kind': 'ssh'}, 'kind', 'type kind not custom'),
        ({'name': 'x', 'inputs': 'fields'}, 'inputs', 'type inputs a string'),
        ({'name': 'x', 'injectors': {'env': {'1BAD': 'x'}}}, 'not a valid environment variable name', 'type env name bad'),
        ({'name': 'x', 'state': 'gone'}, 'state', 'type state not a choice')):
    row(TYPE, dict(args, controller=CONTROLLER_ARG), fragment, label)
for value, fragment, label in (
        ('', 'name must not be empty', 'name empty'),
        ('   ', 'name must not be empty', 'name of spaces'),
        ('x' * 101, 'at most 100', 'name too long'),
        ('x' * 90, 'may be at most 83', 'name too long to rotate'),
        (['a', 'b'], 'name must be a string', 'name a list'),
        ({'a': 1}, 'name must be a string', 'name a dict')):
    row(CRED, {'name': value, 'jama': ADMIN_ARG}, fragment, label)
for args, fragment, label in (
        ({'description': ['x']}, 'description must be a string', 'description a list'),
        ({'user': ''}, 'user must be a Jama username', 'user empty'),
        ({'user': '  '}, 'user must be a Jama username', 'user of spaces'),
        ({'user': ['jci_service']}, 'user must be a string', 'user a list'),
        ({'user': 'ghost'}, "No Jama user named 'ghost'", 'user unknown'),
        ({'client_id_var': 'same', 'client_secret_var': 'same'}, 'must be three different variable names', 'same var names'),
        ({'client_secret_var': ''}, 'client_secret_var must be a variable name', 'secret var empty'),
        ({'client_secret_var': 'not a var-name!'}, 'client_secret_var must be a variable name', 'secret var invalid'),
        ({'client_id_var': '1abc'}, 'client_id_var must be a variable name', 'id var starts with a digit'),
        ({'state': 'gone'}, 'state', 'state not a choice'),
        ({'rotate': 'maybe'}, 'rotate', 'rotate not a bool'),
        ({'return_secret': 'perhaps'}, 'return_secret', 'return_secret not a bool'),
        ({'bogus': 1}, 'bogus', 'unknown option'),
        ({'vault_file': '/nonexistent/dir/creds.yml'}, 'does not exist', 'vault_file in a missing directory'),
        ({'vault_file': '{{ matrix_dir }}'}, 'is a directory', 'vault_file a directory'),
        ({'vault_file': '{{ matrix_dir }}/other-pass.vault.yml'}, 'cannot be decrypted', 'vault_file other password'),
        ({'vault_file': '{{ matrix_dir }}/other-id.vault.yml'}, 'cannot be decrypted', 'vault_file other vault id'),
        ({'vault_file': '{{ matrix_dir }}/corrupt.vault.yml'}, 'cannot be decrypted', 'vault_file corrupt'),
        ({'vault_file': '{{ matrix_dir }}/list.vault.yml'}, 'does not hold a YAML mapping', 'vault_file a list'),
        ({'vault_file': '{{ matrix_dir }}/new.vault.yml', 'vault_id': 'unknown'}, "no vault secret with vault id",
         'vault_id not given to the run')):
    row(CRED, dict({'name': 'matrix-cred', 'jama': ADMIN_ARG}, **args), fragment, label)
row('jama.connect.jama_api_credential', {'jama': ADMIN_ARG}, 'name', 'name missing')
row('jama.connect.jama_api_credential_info', {'user': 'ghost', 'jama': ADMIN_ARG}, "No Jama user named 'ghost'",
    'user unknown')
row('jama.connect.jama_oauth_check', {'jama': ADMIN_ARG}, 'verifies an API credential', 'no client id')
row('jama.connect.jama_oauth_check', {'jama': '{{ %s }}' % CLIENT, 'return_token': True}, 'needs no_log',
    'return_token without no_log')

CONN = 'jama.connect.jci_connector'
JCI_ARG = '{{ %s }}' % JCI
BASE = {'name': 'matrix', 'url': '{{ emulator_jama_url }}', 'client_id': 'matrix-client-id',
        'client_secret': 'matrix-client-secret', 'jci': JCI_ARG}
for changes, fragment, label in (
        ({'name': ''}, 'name must be a non-empty name', 'name empty'),
        ({'name': ' padded '}, 'name must be a non-empty name', 'name with surrounding spaces'),
        ({'name': 'x' * 101}, 'at most 100', 'name too long'),
        ({'url': None}, 'url is required', 'url missing'),
        ({'url': 'jama.example.com'}, 'absolute http(s) URL', 'url without scheme'),
        ({'url': 'ftp://jama.example.com'}, 'absolute http(s) URL', 'url with ftp'),
        ({'url': 'https://u:p@jama.example.com'}, 'must not hold a user name or password', 'url with userinfo'),
        ({'authentication_type': 'saml'}, 'authentication_type', 'authentication_type not a choice'),
        ({'client_secret': None}, 'needs client_id and client_secret', 'oauth without secret'),
        ({'client_id': None}, 'needs client_id and client_secret', 'oauth without client id'),
        ({'username': 'svc', 'password': 'matrix-password'}, 'belong to authentication_type=basic',
         'oauth with a password'),
        ({'authentication_type': 'basic', 'client_id': None, 'client_secret': None, 'username': 'svc'},
         'needs username and password', 'basic without password'),
        ({'authentication_type': 'basic', 'username': 'svc', 'password': 'matrix-password'},
         'belong to authentication_type=oauth', 'basic with a client id'),
        ({'secret_update': 'sometimes'}, 'secret_update', 'secret_update not a choice'),
        ({'verify_ssl': 'maybe'}, 'verify_ssl', 'verify_ssl not a bool'),
        ({'force': 'maybe'}, 'force', 'force not a bool'),
        ({'state': 'gone'}, 'state', 'state not a choice')):
    args = dict(BASE, **dict((key, value) for key, value in changes.items() if value is not None))
    for key in [key for key, value in changes.items() if value is None]:
        args.pop(key, None)
    row(CONN, args, fragment, label)
row('jama.connect.jci_connector_info', {'logs': -1, 'jci': JCI_ARG}, 'logs must be 0 or more', 'logs negative')
row('jama.connect.jci_connector_info', {'logs': 'many', 'jci': JCI_ARG}, 'logs', 'logs not a number')
row('jama.connect.jci_connector_info', {'log_category': 'everything', 'jci': JCI_ARG}, 'log_category',
    'log_category not a choice')
row('jama.connect.jci_connector_info', {'logs_since_id': 'yesterday', 'jci': JCI_ARG}, 'logs_since_id',
    'logs_since_id not a number')
row('jama.connect.jci_connector_info', {'name': 'Jama Connect ✓ Ünïcode', 'jci': JCI_ARG}, None,
    'unicode name (good input)')
row(CONN, dict(BASE, name='Jama Connect ✓ Ünïcode'), None, 'unicode name (good input)', check_only=True)
row(CONN, dict(BASE, url='{{ emulator_jama_url }}/jama/context'), None, 'url with a path (good input)',
    check_only=True)
row(CRED, {'name': 'Schnittstelle – Ü ✓', 'jama': ADMIN_ARG}, None, 'unicode name (good input)', check_only=True)
row(CRED, {'name': 'matrix-cred', 'vault_file': '{{ matrix_dir }}/new.vault.yml',
           'vault_password_file': '/nonexistent/pass', 'jama': ADMIN_ARG}, 'Cannot hand the secret off',
    'vault_password_file missing')
row('jama.connect.jci_connector_check', {'jci': JCI_ARG}, 'name', 'name missing')
row('jama.connect.jci_connector_check', {'name': 'no such connector', 'jci': JCI_ARG}, 'No JCI connector named',
    'connector unknown')
row('jama.connect.jci_connector_check', {'name': 'matrix', 'fail_on_failure': 'maybe', 'jci': JCI_ARG},
    'fail_on_failure', 'fail_on_failure not a bool')

VAULT = 'jama.connect.vault_vars'
for args, fragment, label in (
        ({'vars': {'a': 1}}, 'path and vars', 'path missing'),
        ({'path': '{{ matrix_dir }}/v.yml'}, 'path and vars', 'vars missing'),
        ({'path': '{{ matrix_dir }}/v.yml', 'vars': {}}, 'path and vars', 'vars empty'),
        ({'path': '{{ matrix_dir }}/v.yml', 'vars': 'a=1'}, 'path and vars', 'vars a string'),
        ({'path': '/nonexistent/dir/v.yml', 'vars': {'a': 1}}, 'does not exist', 'path in a missing directory'),
        ({'path': '{{ matrix_dir }}/other-pass.vault.yml', 'vars': {'a': 1}}, 'cannot be decrypted',
         'path with another password'),
        ({'path': '{{ matrix_dir }}/list.vault.yml', 'vars': {'a': 1}}, 'does not hold a YAML mapping',
         'path holding a list')):
    row(VAULT, args, fragment, label)

RECONCILE = 'jama.connect.oauth_connector_reconcile'
GOOD = {'jama_url': '{{ emulator_jama_url }}', 'jama_ca_path': '{{ emulator_ca_file }}',
        'vault_file': '{{ matrix_dir }}/nokeys.vault.yml', 'vault_id': 'matrix', 'jci': JCI_ARG, 'jama': ADMIN_ARG}
for changes, fragment, label in (
        ({'flow': 'bogus'}, 'flow', 'flow not a choice'),
        ({'jama_url': 'ftp://x'}, 'absolute http(s) URL', 'jama_url with ftp'),
        ({'connector_name': ''}, 'connector_name (role: oauth_connector_name) must be a non-empty name', 'name empty'),
        ({'connector_name': 'x' * 101}, 'JCI allows at most 100', 'name too long'),
        ({'credential_name': 'x' * 90}, 'may be at most 78', 'credential name too long'),
        ({'client_secret_var': 'jama_client_id'}, 'three different variable names', 'same var names'),
        ({'state_var': 'not valid!'}, 'state_var (role: oauth_connector_state_var) must be a variable name',
         'state_var invalid'),
        ({'jama_ca_path': '/nonexistent/ca.pem'}, 'no such file', 'jama_ca_path missing'),
        ({'jama_timeout': 10 ** 12}, 'between 1 and 600', 'jama_timeout huge'),
        ({'vault_file': '{{ matrix_dir }}/other-pass.vault.yml'}, 'cannot be decrypted with the vault secrets of this '
         'run (vault IDs given: matrix)', 'vault file with another password'),
        ({'vault_file': '{{ matrix_dir }}/other-id.vault.yml'}, '--vault-id elsewhere@', 'vault file of another id'),
        ({'vault_file': '{{ matrix_dir }}/corrupt.vault.yml'}, 'cannot be decrypted', 'vault file corrupt'),
        ({'vault_file': '{{ matrix_dir }}/list.vault.yml'}, 'does not hold a YAML mapping', 'vault file a list'),
        ({'vault_file': '{{ matrix_dir }}'}, 'is a directory, not a vars file: give the path of the environment',
         'vault file a directory'),
        ({}, 'no API credential for jci_service', 'vault file without the keys'),
        ({'create_credential': True, 'jama': {}}, 'needs a Jama administrator', 'create without an administrator'),
        ({'jci': {}}, 'the JCI connection is incomplete', 'no JCI connection'),
        ({'jci': conn(JCI, password='wrong')}, 'check the username and password', 'wrong JCI password'),
        ({'client_id': 'matrix-client-id'}, 'set both client_id', 'client id without secret'),
        ({'flow': 'rotate', 'vault_file': None, 'client_id': 'matrix-client-id', 'client_secret': 'matrix-client-secret'},
         'rotation needs vault_file',
         'rotate without a vault file')):
    args = dict(GOOD, **dict((key, value) for key, value in changes.items() if value is not None))
    for key in [key for key, value in changes.items() if value is None]:
        args.pop(key, None)
    row(RECONCILE, args, fragment, label)

ROLE_VARS = {'oauth_connector_jama_url': '{{ emulator_jama_url }}',
             'oauth_connector_jama_ca_path': '{{ emulator_ca_file }}',
             'oauth_connector_vault_file': '{{ matrix_dir }}/nokeys.vault.yml', 'oauth_connector_vault_id': 'matrix',
             'oauth_connector_jci': JCI_ARG, 'oauth_connector_jama_admin': ADMIN_ARG}
for entry in ('main', 'check', 'migrate', 'rotate'):
    for changes, fragment, label in (
            ({'oauth_connector_jama_url': None}, ('missing required arguments: jama_url (role: oauth_connector_jama_url)',
                                                  'missing required arguments: oauth_connector_jama_url'),
             'jama_url missing'),
            # As examples/inventory sets it up: the administrator's URL is the Jama URL. Regression: on 2.21 the
            # undefined URL inside the connection failed the task's templating instead of naming the variable.
            ({'oauth_connector_jama_url': None,
              'oauth_connector_jama_admin': '{{ %s | combine({"url": oauth_connector_jama_url}) }}' % ADMIN},
             ('missing required arguments: jama_url (role: oauth_connector_jama_url)',
              "'oauth_connector_jama_url' is undefined"),
             'jama_url missing, the admin connection built from it'),
            ({'oauth_connector_name': ''}, 'oauth_connector_name', 'connector name empty'),
            ({'oauth_connector_vault_file': '{{ matrix_dir }}/other-pass.vault.yml'}, 'cannot be decrypted',
             'vault file with another password'),
            ({'oauth_connector_vault_file': '{{ matrix_dir }}/list.vault.yml'}, 'does not hold a YAML mapping',
             'vault file a list'),
            ({'oauth_connector_vault_file': '{{ matrix_dir }}'}, 'is a directory, not a vars file',
             'vault file a directory'),
            ({'oauth_connector_jci': {'url': '{{ emulator_jci_url }}'}}, 'the JCI connection is incomplete',
             'JCI connection incomplete'),
            ({'oauth_connector_create_credential': 'perhaps'}, 'oauth_connector_create_credential',
             'create_credential not a bool'),
            ({'oauth_connector_jama_ca_path': '/nonexistent/ca.pem'}, 'no such file', 'CA file missing'),
            ({'oauth_connector_service_user': ''}, 'service_user (role: oauth_connector_service_user)',
             'service user empty'),
            ({'oauth_connector_credential_name': 'x' * 90}, 'may be at most 78', 'credential name too long'),
            ({'oauth_connector_verify_ssl': 'maybe'}, 'oauth_connector_verify_ssl', 'verify_ssl not a bool'),
            ({'oauth_connector_jama_validate_certs': 'maybe'}, 'oauth_connector_jama_validate_certs',
             'validate_certs not a bool'),
            ({'oauth_connector_client_id_var': 'no good'}, 'client_id_var (role: oauth_connector_client_id_var)',
             'client_id_var invalid'),
            ({'oauth_connector_client_secret_var': 'jama_client_id'}, 'three different variable names',
             'same var names'),
            ({'oauth_connector_state_var': '1st'}, 'state_var (role: oauth_connector_state_var)', 'state_var invalid'),
            ({'oauth_connector_vault_id': 'unknown', 'oauth_connector_create_credential': True},
             "no vault secret with vault id 'unknown'", 'vault_id not given to the run'),
            ({'oauth_connector_client_id': 'matrix-client-id'}, 'oauth_connector_client_secret',
             'client id without secret'),
            ({'oauth_connector_jama_admin': {'url': 'ftp://x', 'username': 'a', 'password': 'matrix-password'}},
             'absolute http(s) URL', 'admin URL with ftp')):
        role_vars = dict(ROLE_VARS, **dict((key, value) for key, value in changes.items() if value is not None))
        for key in [key for key, value in changes.items() if value is None]:
            role_vars.pop(key, None)
        # role: as the collection's playbooks run it (the action's own checks only); role+spec: as include_role runs
        # it by default, the role's argument spec first. Both must name the role variable.
        # A pair: the action's own message, and what Ansible's argument-spec pass (which runs first) says.
        fragment, spec_fragment = fragment if isinstance(fragment, tuple) else (fragment, fragment)
        row('role:' + entry, role_vars, fragment, label)
        if entry == 'main':
            row('role+spec:' + entry, role_vars, spec_fragment, label)
row('role:main', ROLE_VARS, 'no API credential for jci_service', 'vault file without the keys, creation off')
# The controller credential as the role's store (refused before any write; the organisation is a controller read).
ROLE_SINK = {'name': 'Matrix role store', 'organization': 'Default'}
for changes, fragment, label in (
        ({'oauth_connector_controller_credential': dict(ROLE_SINK, credential_type='No such type'),
          'oauth_connector_controller': CONTROLLER_ARG}, "no credential type 'No such type'",
         'role mirror: an unknown credential type'),
        ({'oauth_connector_client_secret_from_credential': True}, 'this job was given a "Jama Connect OAuth client"',
         'role: an OAuth client credential attached to a vault-file host'),
        ({'oauth_connector_vault_file': None, 'oauth_connector_controller_credential': {'name': 'Matrix role store'},
          'oauth_connector_controller': CONTROLLER_ARG}, 'controller_credential.organization is required',
         'role store: controller credential without organization'),
        ({'oauth_connector_vault_file': None, 'oauth_connector_controller_credential': dict(ROLE_SINK, organization='Nowhere'),
          'oauth_connector_controller': CONTROLLER_ARG}, "no organization named 'Nowhere'",
         'role store: unknown organization'),
        ({'oauth_connector_vault_file': None, 'oauth_connector_controller_credential': ROLE_SINK},
         'needs the automation controller connection', 'role store: no controller connection'),
        ({'oauth_connector_credential_state': 'matrix-not-a-record'}, 'is not a record jama.connect wrote',
         'role store: injected record not a record')):
    role_vars = dict(ROLE_VARS, **dict((key, value) for key, value in changes.items() if value is not None))
    for key in [key for key, value in changes.items() if value is None]:
        role_vars.pop(key, None)
    row('role:main', role_vars, fragment, label)
    row('role+spec:main', role_vars, fragment, label)
row('role:rotate', ROLE_VARS, 'nothing to rotate', 'vault file without the keys')
row('role:adopt', ROLE_VARS, 'adopt needs adopt_client_id (role: oauth_connector_adopt_client_id) and',
    'adopt without the credential made by hand')
row('role:main', dict(ROLE_VARS, oauth_connector_adopt_client_id='cid'), 'is only for jama.connect.adopt',
    'adopt_client_id given to configure')
# The age policy: the action's own checks, the same for every entry point (the role's argument spec types these
# options as plain strings and a bool, so a spec pass first says nothing else); refused before any call.
for changes, fragment, label in (
        ({'oauth_connector_max_age': 'ninety days'}, 'max_age (role: oauth_connector_max_age) must be a duration',
         'policy: max_age malformed'),
        ({'oauth_connector_max_age': '-5d'}, 'must be a duration such as 90d', 'policy: max_age negative'),
        ({'oauth_connector_max_age': '90d', 'oauth_connector_rotate_before': '90d'},
         'rotate_before (role: oauth_connector_rotate_before) must be shorter than', 'policy: rotate_before >= max_age'),
        ({'oauth_connector_warn_before': '7d'}, 'needs max_age (role: oauth_connector_max_age)',
         'policy: warn_before without max_age'),
        ({'oauth_connector_rotate_when_due': True}, 'rotate_when_due (role: oauth_connector_rotate_when_due) needs',
         'policy: rotate_when_due without max_age'),
        ({'oauth_connector_max_age': '90d', 'oauth_connector_rotate_when_due': True,
          'oauth_connector_create_credential': False},
         'rotate_when_due (role: oauth_connector_rotate_when_due) needs create_credential',
         'policy: rotate_when_due without create_credential'),
        ({'oauth_connector_max_failed_rotations': 0},
         'max_failed_rotations (role: oauth_connector_max_failed_rotations) must be a whole number of at least 1',
         'policy: max_failed_rotations zero')):
    row('role:main', dict(ROLE_VARS, **changes), fragment, label)


# --- the Vault secret as the store: a real OpenBao that runme.sh starts (bao.py matrix): VAULT_TOKEN may use
# secret/matrix/ok and read the mounts of secret/* and kv1/* (a KV version 1 mount); MATRIX_NOMETA_TOKEN may use
# secret/matrix/nometa but not read its metadata. Each row is refused before any write, to Vault or Jama.
def bao(changes=''):
    """The Vault connection (url and path; the token from VAULT_TOKEN) with ``changes``, a Jinja dict's items."""
    return "{{ {'url': bao_url, 'path': 'matrix/ok'} | combine({%s}) }}" % changes


VAULT_ROWS = (
    ("'url': 'https://127.0.0.1:9'", 'Connection refused', 'unreachable server'),
    ("'token': 'matrix-not-a-token'", 'the token is wrong or expired', 'wrong token'),
    ("'path': 'matrix/other'", 'permission denied', 'a policy without the path'),
    ("'mount': 'nomount'", 'does not exist (in the namespace root', 'a mount that does not exist'),
    ("'mount': 'kv1'", 'is not a KV version 2 secrets engine', 'a KV version 1 mount'),
    ("'path': 'matrix/nometa', 'token': lookup('env', 'MATRIX_NOMETA_TOKEN')", 'reading the metadata of',
     'a policy without the metadata'),
    ("'path': 'secret/data/matrix/ok'", "path must be the secret's path in the mount", 'path with the mount and data/'),
    ("'path': ''", "path must be the secret's path in the mount", 'path empty'),
    ("'url': 'vault.example.com'", 'absolute http(s) URL', 'url without scheme'),
    ("'timeout': 0", 'between 1 and 600', 'timeout 0'),
    ("'ca_path': '/nonexistent/ca.pem'", 'no such file', 'ca_path missing'),
    ("'validate_certs': 'perhaps'", 'validate_certs', 'validate_certs not a bool'),
    ("'colour': 'blue'", 'colour', 'an unknown key'),
)
VAULT_ROLE = dict((key, value) for key, value in ROLE_VARS.items() if key != 'oauth_connector_vault_file')
for changes, fragment, label in VAULT_ROWS:
    row(CRED, {'name': 'matrix-cred', 'jama': ADMIN_ARG, 'user': 'jci_service', 'hashi_vault': bao(changes)}, fragment,
        'hashi_vault: ' + label)
    row('role:main', dict(VAULT_ROLE, oauth_connector_create_credential=True, oauth_connector_hashi_vault=bao(changes)),
        fragment, 'hashi_vault: ' + label)
row(CRED, {'name': 'matrix-cred', 'jama': ADMIN_ARG, 'user': 'jci_service', 'hashi_vault': bao(),
           'vault_file': '{{ matrix_dir }}/new.vault.yml'}, 'set hashi_vault, or vault_file', 'hashi_vault and vault_file')
row('role:main', dict(ROLE_VARS, oauth_connector_hashi_vault=bao()), 'the environment\'s credential has one store',
    'hashi_vault and vault_file')
row(CRED, {'name': 'matrix-cred', 'jama': ADMIN_ARG, 'user': 'jci_service', 'hashi_vault': bao()}, None,
    'hashi_vault (good input)', check_only=True)


def task(case, check):
    name = 'case %03d%s %s: %s' % (case['id'], 'c' if check else '', case['target'], case['label'])
    register = 'case_%03d%s' % (case['id'], 'c' if check else '')
    if case['target'].startswith(('role:', 'role+spec:')):
        role = {'name': 'jama.connect.oauth_connector', 'tasks_from': case['target'].split(':')[1],
                'rolespec_validate': case['target'].startswith('role+spec:')}
        include = {'name': name, 'ansible.builtin.include_role': role, 'vars': case['args']}
        if check:
            include['ansible.builtin.include_role']['apply'] = {'check_mode': True}
        return {'name': name + ' (block)', 'block': [
            include, {'name': 'Not failed ' + register, 'ansible.builtin.set_fact': {register: {'failed': False}}}],
            'rescue': [{'name': 'Failed ' + register, 'ansible.builtin.set_fact': {
                register: "{{ ansible_failed_result | combine({'failed': true}) }}"}}]}
    return {'name': name, case['target']: case['args'], 'register': register, 'ignore_errors': True,
            'check_mode': check}


# The matrix is CPU-bound (about 0.13 s of CPU a task): runme.sh runs it as this many playbooks at once, each
# with every PARTS-th row, so the core whose matrix is slower gets its share of the machine.
PARTS = 2


def main(output_dir, expected_path, share='0/1'):
    """``share`` INDEX/COUNT: this core's share of the check-mode runs (every row runs as is on every core; each row's
    check-mode run on one of the cores, as scripts/test.sh shares the fault suite; 0/1 runs them all)."""
    index, count = (int(number) for number in share.split('/'))
    parts = [([], {}) for _part in range(PARTS)]
    expected = {}
    for case in ROWS:
        tasks, keys = parts[case['id'] % PARTS]
        checked = case['check'] and (case['id'] // PARTS) % count == index  # each part gets its share
        runs = (True,) if case['check_only'] else ((False, True) if checked else (False,))
        for check in runs:
            tasks.append(task(case, check))
            key = 'case_%03d%s' % (case['id'], 'c' if check else '')
            keys[key] = expected[key] = {'fragment': case['fragment'], 'target': case['target'],
                                         'label': case['label']}
    for number, (tasks, keys) in enumerate(parts):
        collect = {'name': 'Keep every result', 'ansible.builtin.copy': {
            'dest': '{{ matrix_dir }}/results-%d.json' % number, 'mode': '0600',
            'content': '{{ %s | to_json }}' % ('{' + ', '.join("'%s': %s" % (key, key) for key in keys) + '}')}}
        play = [{'name': 'The bad-input matrix, part %d of %d' % (number + 1, PARTS), 'hosts': 'testhost',
                 'gather_facts': False, 'tasks': tasks + [collect]}]
        with open('%s/matrix-%d.yml' % (output_dir, number), 'w', encoding='utf-8') as handle:
            yaml.safe_dump(play, handle, sort_keys=False, width=200)
    with open(expected_path, 'w', encoding='utf-8') as handle:
        json.dump(expected, handle, indent=1)
    print('matrix: %d rows, %d tasks in %d playbooks run at once (check-mode share %s)' % (
        len(ROWS), sum(len(tasks) for tasks, _keys in parts), PARTS, share))


if __name__ == '__main__':
    main(*sys.argv[1:4])
