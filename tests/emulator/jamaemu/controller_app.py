"""[DOC] The automation controller (AWX / Automation Platform): the small part of its REST API v2 the collection
uses, as AWX publishes it. Its own client, awxkit, is the judge (tests/emulator/test_controller_awxkit.py).

- ``/api/`` and ``/api/v2/`` (no login needed), ``ping/``, ``me/``, ``organizations/``, ``tokens/``.
- ``credential_types/`` and ``credentials/``: list (paged as count/next/previous/results, ``page`` and
  ``page_size``, exact filters on a few fields), create, read, update (PATCH), delete.
- Secret inputs are write-only: they read back as ``$encrypted$``, and ``$encrypted$`` sent back keeps the stored
  value. A PATCH of ``inputs`` replaces the whole inputs mapping, as AWX does.
- HTTP Basic for local users, or ``Authorization: Bearer`` with a personal access token from ``tokens/``.
- Errors are AWX's: ``{"detail": ...}``, or a field -> messages mapping for a 400.
"""
import datetime
import re
import secrets
from urllib.parse import urlencode

from .envelope import ApiError, Reply
from .jama_app import basic_credentials, bearer_token
from .routing import App
from .state import hash_secret, secret_matches

ENCRYPTED = '$encrypted$'
PAGE_SIZE = 25
PAGE_SIZE_MAX = 200
VERSION = '24.6.1'
CUSTOM_KINDS = ('cloud', 'net')
FIELD_TYPES = ('string', 'boolean')
INJECTOR_KINDS = ('env', 'extra_vars', 'file')
FILTERS = {'credential_types': ('id', 'name', 'kind', 'managed', 'namespace'),
           'credentials': ('id', 'name', 'credential_type', 'organization', 'kind'),
           'organizations': ('id', 'name')}
ENV_NAME = re.compile(r'^[A-Za-z_][A-Za-z0-9_]*$')
NOT_PROVIDED = 'Authentication credentials were not provided. To establish a login session, visit /api/login/.'


class ControllerError(ApiError):
    """An error in AWX's shape: ``detail`` for most, a mapping of field errors for a 400."""

    def __init__(self, status, detail=None, fields=None, headers=None):
        super().__init__(status, detail or str(fields), headers=headers)
        self.detail = detail
        self.fields = fields

    def body(self):
        return self.fields if self.fields is not None else {'detail': self.detail}


def now():
    return datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%S.%fZ')


def reply(body, status=200):
    return Reply(status, body)


class ControllerApp(App):
    system = 'controller'

    def __init__(self, context):
        super().__init__(context)
        self.store = context.store
        self.route('GET', '/api/', 'apiRoot', self.api_root)
        self.route('GET', '/api/v2/', 'apiV2', self.api_v2)
        self.route('GET', '/api/v2/ping/', 'ping', self.ping)
        self.route('GET', '/api/v2/me/', 'me', self.me)
        self.route('GET', '/api/v2/tokens/', 'listTokens', self.list_tokens)
        self.route('POST', '/api/v2/tokens/', 'createToken', self.create_token)
        self.route('GET', '/api/v2/organizations/', 'listOrganizations', self.lister('organizations'))
        self.route('GET', '/api/v2/organizations/{id}/', 'getOrganization', self.getter('organizations'))
        for kind, one in (('credential_types', 'CredentialType'), ('credentials', 'Credential')):
            self.route('GET', '/api/v2/%s/' % kind, 'list%ss' % one, self.lister(kind))
            self.route('POST', '/api/v2/%s/' % kind, 'create%s' % one, self.creator(kind))
            self.route('GET', '/api/v2/%s/{id}/' % kind, 'get%s' % one, self.getter(kind))
            self.route('PATCH', '/api/v2/%s/{id}/' % kind, 'update%s' % one, self.updater(kind))
            self.route('DELETE', '/api/v2/%s/{id}/' % kind, 'delete%s' % one, self.deleter(kind))
        self.route('GET', '/api/v2/credential_types/{id}/credentials/', 'listCredentialsOfType',
                   self.credentials_of_type)

    @property
    def data(self):
        return self.store.data['controller']

    def match(self, method, path):
        try:
            return super().match(method, path)
        except ApiError as error:  # the router's 404/405, in AWX's shape
            raise ControllerError(error.status, 'Not found.' if error.status == 404 else
                                  'Method "%s" not allowed.' % method, headers=error.headers) from None

    # --- authentication ------------------------------------------------------------------------
    def authenticate(self, request):
        token = bearer_token(request)
        with self.store.lock:
            if token is not None:
                request.auth = 'bearer'
                record = self.data['tokens'].get(hash_secret(token))
                if record is None:
                    raise ControllerError(401, 'Authentication credentials were not provided.')
                user = self._user(record['user'])
            else:
                pair = basic_credentials(request)
                if pair is None:
                    raise ControllerError(401, NOT_PROVIDED, headers={'WWW-Authenticate': 'Basic realm="api"'})
                request.auth = 'basic'
                user = next((item for item in self.data['users'] if item['username'] == pair[0]), None)
                if user is None or not secret_matches(pair[1], user['passwordHash']):
                    raise ControllerError(401, 'Invalid username/password.',
                                          headers={'WWW-Authenticate': 'Basic realm="api"'})
            request.user = user['username']
            return user

    def _user(self, user_id):
        return next(item for item in self.data['users'] if item['id'] == user_id)

    def write_access(self, request):
        user = self.authenticate(request)
        if not user['is_superuser']:
            raise ControllerError(403, 'You do not have permission to perform this action.')
        return user

    # --- discovery -----------------------------------------------------------------------------
    def api_root(self, request):
        return reply({'description': 'AWX REST API', 'current_version': '/api/v2/',
                      'available_versions': {'v2': '/api/v2/'}, 'oauth2': '/api/o/', 'custom_logo': '',
                      'custom_login_info': '', 'login_redirect_override': ''})

    def api_v2(self, request):
        names = ('ping', 'me', 'tokens', 'organizations', 'credential_types', 'credentials')
        return reply(dict((name, '/api/v2/%s/' % name) for name in names))

    def ping(self, request):
        return reply({'ha': False, 'version': VERSION, 'active_node': 'awx-emulator', 'install_uuid': 'emulator',
                      'instances': [], 'instance_groups': []})

    def me(self, request):
        user = self.authenticate(request)
        return self.page(request, 'users', [self.user_view(user)])

    def user_view(self, user):
        return {'id': user['id'], 'type': 'user', 'url': '/api/v2/users/%d/' % user['id'], 'related': {},
                'summary_fields': {}, 'username': user['username'], 'is_superuser': user['is_superuser']}

    # --- tokens --------------------------------------------------------------------------------
    def create_token(self, request):
        """A personal access token; its value is shown once, in this answer."""
        user = self.authenticate(request)
        if request.auth != 'basic':
            raise ControllerError(403, 'You do not have permission to perform this action.')
        body = self.body(request)
        scope = body.get('scope', 'write')
        if scope not in ('read', 'write'):
            raise ControllerError(400, fields={'scope': ['Must be a simple space-separated string with allowed '
                                                         'scopes [\'read\', \'write\'].']})
        token = secrets.token_urlsafe(24)
        with self.store.lock:
            record = {'id': self.next_id(), 'user': user['id'], 'scope': scope, 'created': now(),
                      'description': str(body.get('description') or '')}
            self.data['tokens'][hash_secret(token)] = record
            self.store.issued.append(token)
            self.store.save()
        view = self.token_view(record)
        view['token'] = token
        return reply(view, 201)

    def list_tokens(self, request):
        user = self.authenticate(request)
        with self.store.lock:
            mine = [self.token_view(record) for record in self.data['tokens'].values() if record['user'] == user['id']]
        return self.page(request, 'tokens', mine)

    @staticmethod
    def token_view(record):
        return {'id': record['id'], 'type': 'o_auth2_access_token', 'url': '/api/v2/tokens/%d/' % record['id'],
                'related': {'user': '/api/v2/users/%d/' % record['user']}, 'summary_fields': {},
                'created': record['created'], 'modified': record['created'], 'description': record['description'],
                'user': record['user'], 'token': '************', 'refresh_token': None, 'application': None,
                'scope': record['scope']}

    # --- generic list / read / write ---------------------------------------------------------------
    def next_id(self):
        self.data['nextId'] += 1
        return self.data['nextId']

    @staticmethod
    def body(request):
        try:
            return request.json()
        except ApiError as error:  # the shared parser answers in Jama's envelope; AWX says it its way
            raise ControllerError(400, 'JSON parse error - %s' % error.message) from None

    def find(self, kind, item_id):
        try:
            wanted = int(item_id)
        except ValueError:
            raise ControllerError(404, 'Not found.') from None
        for item in self.data[kind]:
            if item['id'] == wanted:
                return item
        raise ControllerError(404, 'Not found.')

    def view(self, kind, item):
        return getattr(self, '%s_view' % kind.rstrip('s'))(item)

    def lister(self, kind):
        def handler(request):
            self.authenticate(request)
            with self.store.lock:
                items = self.filtered(kind, list(self.data[kind]), request.query)
                return self.page(request, kind, [self.view(kind, item) for item in items])
        return handler

    def getter(self, kind):
        def handler(request):
            self.authenticate(request)
            with self.store.lock:
                return reply(self.view(kind, self.find(kind, request.params['id'])))
        return handler

    def creator(self, kind):
        def handler(request):
            self.write_access(request)
            body = self.body(request)
            with self.store.lock:
                item = getattr(self, 'new_%s' % kind.rstrip('s'))(body)
                item.update(id=self.next_id(), created=now(), modified=now())
                self.data[kind].append(item)
                self.store.save()
                return reply(self.view(kind, item), 201)
        return handler

    def updater(self, kind):
        def handler(request):
            self.write_access(request)
            body = self.body(request)
            with self.store.lock:
                item = self.find(kind, request.params['id'])
                if item.get('managed'):
                    raise ControllerError(403, 'Modifications not allowed for managed credential types')
                if kind == 'credential_types' and 'inputs' in body and body['inputs'] != item['inputs'] and any(
                        cred['credential_type'] == item['id'] for cred in self.data['credentials']):
                    raise ControllerError(403, 'Modifications to inputs are not allowed for credential types that are '
                                               'in use')
                changed = getattr(self, 'changed_%s' % kind.rstrip('s'))(item, body)
                changed['modified'] = now()
                item.update(changed)
                self.store.save()
                return reply(self.view(kind, item))
        return handler

    def deleter(self, kind):
        def handler(request):
            self.write_access(request)
            with self.store.lock:
                item = self.find(kind, request.params['id'])
                if kind == 'credential_types':
                    if item.get('managed'):
                        raise ControllerError(403, 'Deletion not allowed for managed credential types')
                    if any(cred['credential_type'] == item['id'] for cred in self.data['credentials']):
                        raise ControllerError(403, 'Credential types that are in use cannot be deleted')
                self.data[kind].remove(item)
                self.store.save()
            return Reply(204)
        return handler

    def credentials_of_type(self, request):
        self.authenticate(request)
        with self.store.lock:
            ctype = self.find('credential_types', request.params['id'])
            items = [cred for cred in self.data['credentials'] if cred['credential_type'] == ctype['id']]
            items = self.filtered('credentials', items, request.query)
            return self.page(request, 'credentials', [self.credential_view(item) for item in items])

    def filtered(self, kind, items, query):
        for key, value in query.items():
            if key in ('page', 'page_size', 'order_by'):
                continue
            if key not in FILTERS.get(kind, ()):
                raise ControllerError(400, 'Filtering on %s is not allowed.' % key)
            items = [item for item in items if self._compare(item.get(key), value)]
        return sorted(items, key=lambda item: item['id'])

    @staticmethod
    def _compare(actual, wanted):
        if isinstance(actual, bool):
            return str(actual).lower() == wanted.lower()
        return str(actual) == wanted

    def page(self, request, kind, views):
        """[DOC] ``?page=N&page_size=M`` (default 25, at most 200), answered as count/next/previous/results."""
        try:
            number = int(request.query.get('page', 1))
            size = min(int(request.query.get('page_size', PAGE_SIZE)), PAGE_SIZE_MAX)
        except ValueError:
            raise ControllerError(404, 'Invalid page.') from None
        if number < 1 or size < 1 or (number - 1) * size >= max(len(views), 1):
            raise ControllerError(404, 'Invalid page.')

        def link(page_number):
            query = dict(request.query, page=page_number)
            return '%s?%s' % (request.path, urlencode(query))
        start = (number - 1) * size
        return reply({'count': len(views), 'next': link(number + 1) if start + size < len(views) else None,
                      'previous': link(number - 1) if number > 1 else None, 'results': views[start:start + size]})

    # --- organisations ---------------------------------------------------------------------------
    @staticmethod
    def organization_view(org):
        return {'id': org['id'], 'type': 'organization', 'url': '/api/v2/organizations/%d/' % org['id'],
                'related': {}, 'summary_fields': {}, 'name': org['name'], 'description': org['description']}

    # --- credential types --------------------------------------------------------------------------
    def credential_type_view(self, ctype):
        base = '/api/v2/credential_types/%d/' % ctype['id']
        return {'id': ctype['id'], 'type': 'credential_type', 'url': base,
                'related': {'credentials': base + 'credentials/', 'activity_stream': base + 'activity_stream/'},
                'summary_fields': {'user_capabilities': {'edit': not ctype['managed'],
                                                         'delete': not ctype['managed']}},
                'created': ctype.get('created'), 'modified': ctype.get('modified'), 'name': ctype['name'],
                'description': ctype['description'], 'kind': ctype['kind'], 'namespace': ctype['namespace'],
                'managed': ctype['managed'], 'inputs': ctype['inputs'], 'injectors': ctype['injectors']}

    def new_credential_type(self, body):
        ctype = {'name': None, 'description': '', 'kind': None, 'namespace': None, 'managed': False,
                 'inputs': {}, 'injectors': {}}
        ctype.update(self.changed_credential_type(ctype, body, creating=True))
        return ctype

    def changed_credential_type(self, current, body, creating=False):
        errors = {}
        changed = {}
        for key in ('name', 'description', 'kind', 'inputs', 'injectors'):
            if key in body:
                changed[key] = body[key]
        merged = dict(current, **changed)
        if not isinstance(merged.get('name'), str) or not merged['name'].strip():
            errors['name'] = ['This field is required.' if creating and 'name' not in body else
                              'This field may not be blank.']
        if merged.get('kind') not in CUSTOM_KINDS:
            errors['kind'] = ["Must be 'cloud' or 'net', not %s" % merged.get('kind')]
        if not isinstance(merged.get('description'), str):
            errors['description'] = ['Not a valid string.']
        field_ids = self._check_inputs(merged.get('inputs'), errors)
        self._check_injectors(merged.get('injectors'), field_ids, errors)
        if not errors and any(other is not current and other['name'] == merged['name'] and
                              other['kind'] == merged['kind'] for other in self.data['credential_types']):
            errors['__all__'] = ['Credential type with this Name and Kind already exists.']
        if errors:
            raise ControllerError(400, fields=errors)
        return changed

    @staticmethod
    def _check_inputs(inputs, errors):
        if not isinstance(inputs, dict):
            errors['inputs'] = ['Must be a valid JSON or YAML dictionary.']
            return set()
        fields = inputs.get('fields', [])
        problems = []
        ids = set()
        if not isinstance(fields, list):
            problems.append("'fields' must be a list")
            fields = []
        for field in fields:
            if not isinstance(field, dict) or not isinstance(field.get('id'), str) or not field.get('label'):
                problems.append('every field needs an id and a label: %r' % (field,))
                continue
            if field.get('type', 'string') not in FIELD_TYPES:
                problems.append("%s: type must be one of %s" % (field['id'], ', '.join(FIELD_TYPES)))
            if field['id'] in ids:
                problems.append('field IDs must be unique (%s)' % field['id'])
            ids.add(field['id'])
        for required in inputs.get('required', []) or []:
            if required not in ids:
                problems.append('required field %s is not defined' % required)
        if problems:
            errors['inputs'] = problems
        return ids

    @staticmethod
    def _check_injectors(injectors, field_ids, errors):
        if not isinstance(injectors, dict):
            errors['injectors'] = ['Must be a valid JSON or YAML dictionary.']
            return
        problems = []
        for kind, entries in injectors.items():
            if kind not in INJECTOR_KINDS:
                problems.append("Additional properties are not allowed ('%s' was unexpected)" % kind)
                continue
            if not isinstance(entries, dict):
                problems.append('%s must be a mapping' % kind)
                continue
            for key, template in entries.items():
                if kind == 'env' and not ENV_NAME.match(key):
                    problems.append('%s is not a valid environment variable name' % key)
                if kind == 'file' and not re.match(r'^template(\.[A-Za-z_][A-Za-z0-9_]*)?$', key):
                    problems.append('%s: file injectors are named template or template.<name>' % key)
                if not isinstance(template, str):
                    problems.append('%s.%s must be a string' % (kind, key))
                    continue
                for name in re.findall(r'{{\s*([A-Za-z_][A-Za-z0-9_]*)', template):
                    if name not in field_ids and name != 'tower':
                        problems.append("%s.%s: '%s' is undefined" % (kind, key, name))
        if problems:
            errors['injectors'] = problems

    # --- credentials -------------------------------------------------------------------------------
    def credential_view(self, cred):
        ctype = self.find('credential_types', cred['credential_type'])
        secret = set(field['id'] for field in ctype['inputs'].get('fields', []) if field.get('secret'))
        inputs = dict((key, ENCRYPTED if key in secret and value not in ('', None) else value)
                      for key, value in cred['inputs'].items())
        base = '/api/v2/credentials/%d/' % cred['id']
        related = {'credential_type': '/api/v2/credential_types/%d/' % ctype['id'],
                   'activity_stream': base + 'activity_stream/'}
        summary = {'credential_type': {'id': ctype['id'], 'name': ctype['name'], 'description': ctype['description']},
                   'user_capabilities': {'edit': True, 'delete': True, 'copy': True, 'use': True}}
        if cred['organization'] is not None:
            org = self.find('organizations', cred['organization'])
            related['organization'] = '/api/v2/organizations/%d/' % org['id']
            summary['organization'] = {'id': org['id'], 'name': org['name'], 'description': org['description']}
        return {'id': cred['id'], 'type': 'credential', 'url': base, 'related': related, 'summary_fields': summary,
                'created': cred.get('created'), 'modified': cred.get('modified'), 'name': cred['name'],
                'description': cred['description'], 'organization': cred['organization'],
                'credential_type': ctype['id'], 'managed': False, 'inputs': inputs, 'kind': ctype['kind'],
                'cloud': ctype['kind'] == 'cloud', 'kubernetes': False}

    def new_credential(self, body):
        if not any(body.get(key) is not None for key in ('organization', 'user', 'team')):
            raise ControllerError(400, "Missing 'user', 'team', or 'organization'.")
        cred = {'name': None, 'description': '', 'organization': None, 'credential_type': None, 'inputs': {}}
        cred.update(self.changed_credential(cred, body, creating=True))
        return cred

    def changed_credential(self, current, body, creating=False):
        errors = {}
        changed = dict((key, body[key]) for key in ('name', 'description', 'organization', 'credential_type',
                                                    'inputs') if key in body)
        for key in ('organization', 'credential_type'):
            # A primary key sent as a string of digits is that key, as AWX's serializer reads it.
            if isinstance(changed.get(key), str) and changed[key].isdigit():
                changed[key] = int(changed[key])
        merged = dict(current, **changed)
        if not isinstance(merged.get('name'), str) or not merged['name'].strip():
            errors['name'] = ['This field is required.' if creating and 'name' not in body else
                              'This field may not be blank.']
        ctype = None
        try:
            ctype = self.find('credential_types', merged.get('credential_type'))
        except (ControllerError, TypeError):
            errors['credential_type'] = ['This field is required.' if merged.get('credential_type') is None else
                                         'Invalid pk "%s" - object does not exist.' % merged.get('credential_type')]
        if not creating and 'credential_type' in changed and changed['credential_type'] != current['credential_type']:
            errors['credential_type'] = ['You cannot change the credential type of the credential, as it may break '
                                         'the functionality of the resources using it.']
        if merged.get('organization') is not None:
            try:
                self.find('organizations', merged['organization'])
            except (ControllerError, TypeError):
                errors['organization'] = ['Invalid pk "%s" - object does not exist.' % merged['organization']]
        if ctype is not None and 'inputs' in changed:
            changed['inputs'] = self._checked_inputs(ctype, current.get('inputs') or {}, changed['inputs'], errors)
        elif ctype is not None and creating:
            changed['inputs'] = self._checked_inputs(ctype, {}, {}, errors)
        if not errors and any(other is not current and other['name'] == merged['name'] and
                              other['organization'] == merged.get('organization') and
                              other['credential_type'] == merged.get('credential_type')
                              for other in self.data['credentials']):
            errors['__all__'] = ['Credential with this Name, Organization and Credential type already exists.']
        if errors:
            raise ControllerError(400, fields=errors)
        return changed

    def _checked_inputs(self, ctype, stored, given, errors):
        """The inputs as they will be stored: ``$encrypted$`` keeps a stored secret; unknown keys, wrong types
        and missing required fields are refused."""
        if not isinstance(given, dict):
            errors['inputs'] = ['Must be a valid JSON or YAML dictionary.']
            return stored
        fields = dict((field['id'], field) for field in ctype['inputs'].get('fields', []))
        problems = {}
        result = {}
        for key, value in given.items():
            field = fields.get(key)
            if field is None:
                problems.setdefault('inputs', []).append(
                    "Additional properties are not allowed ('%s' was unexpected)" % key)
                continue
            if field.get('secret') and value == ENCRYPTED:
                if key in stored:
                    result[key] = stored[key]
                continue
            wanted = bool if field.get('type') == 'boolean' else str
            if not isinstance(value, wanted):
                problems[key] = ["%r is not of type '%s'" % (value, field.get('type', 'string'))]
                continue
            result[key] = value
            if field.get('secret') and value:
                self.store.issued.append(value)
        for required in ctype['inputs'].get('required', []) or []:
            if result.get(required) in (None, ''):
                problems.setdefault(required, []).append('required for %s' % ctype['name'])
        if problems:
            errors['inputs'] = problems
        return result
