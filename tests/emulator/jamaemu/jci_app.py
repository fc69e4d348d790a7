"""[MODEL] Jama Connect Interchange: connectors, their test, their logs, and integrations.

JCI documents no HTTP API; this is the project's own contract (docs/api-contract.yaml), in Jama's style.
Secrets are write-only: the API reports only whether they are set.
"""
from urllib.parse import urlsplit

from .envelope import ApiError, created, is_blank, no_content, ok, paged, timestamp
from .jama_app import basic_credentials
from .jama_probe import probe
from .routing import App
from .state import secret_matches

APPLICATIONS = ('jama_connect',)
AUTH_TYPES = ('oauth', 'basic')
NAME_MAX = 100
STRING_FIELDS = ('name', 'application', 'url', 'authenticationType', 'clientId', 'clientSecret', 'username',
                 'password')


def connector_view(conn, integrations):
    return {'id': conn['id'], 'name': conn['name'], 'application': conn['application'], 'url': conn['url'],
            'verifySsl': conn['verifySsl'], 'authenticationType': conn['authenticationType'],
            'clientId': conn['clientId'], 'clientSecretSet': bool(conn['clientSecret']),
            'username': conn['username'], 'passwordSet': bool(conn['password']),
            'createdDate': timestamp(conn['createdDate']), 'modifiedDate': timestamp(conn['modifiedDate']),
            'lastTest': conn['lastTest'], 'integrations': [integ['name'] for integ in integrations],
            'type': 'connectors'}


def log_view(entry):
    view = dict(entry)
    view['timestamp'] = timestamp(entry['timestamp'])
    return view


def valid_http_url(url):
    if not isinstance(url, str):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an unbalanced '[' taken for an IPv6 literal
        return False
    return parts.scheme in ('http', 'https') and bool(parts.hostname)


def check_types(body):
    for field in STRING_FIELDS:
        if field in body and not isinstance(body[field], str):
            raise ApiError(400, '%s must be a string' % field)
    for field in ('clientId', 'clientSecret', 'username', 'password'):
        if field in body and body[field] == '':
            raise ApiError(400, '%s must not be empty' % field)
    if 'verifySsl' in body and not isinstance(body['verifySsl'], bool):
        raise ApiError(400, 'verifySsl must be true or false')


def merged_connector(current, body):
    """The connector as it would be after applying ``body``; raises 400 before anything changes."""
    check_types(body)
    conn = dict(current)
    for field in ('name', 'application', 'url', 'verifySsl', 'authenticationType'):
        if field in body:
            conn[field] = body[field]
    if not isinstance(conn.get('name'), str) or is_blank(conn['name']) or len(conn['name']) > NAME_MAX:
        raise ApiError(400, 'name is required: a non-empty string of at most %d characters' % NAME_MAX)
    if conn.get('application') not in APPLICATIONS:
        raise ApiError(400, 'application must be one of: %s' % ', '.join(APPLICATIONS))
    if not valid_http_url(conn.get('url')):
        raise ApiError(400, 'url must be an absolute http or https URL, for example https://jama.example.com')
    auth = conn.get('authenticationType')
    if auth not in AUTH_TYPES:
        raise ApiError(400, 'authenticationType must be one of: %s' % ', '.join(AUTH_TYPES))
    if auth == 'oauth':
        switching = current.get('authenticationType') != 'oauth'
        client_id = body.get('clientId', conn.get('clientId'))
        # A Jama client secret belongs to one client id: a new id always needs its secret.
        if switching or client_id != current.get('clientId'):
            if not body.get('clientId') or not body.get('clientSecret'):
                raise ApiError(400, 'OAuth needs clientId and clientSecret together')
        conn['clientId'] = client_id
        conn['clientSecret'] = body.get('clientSecret') or conn.get('clientSecret')
        conn['username'] = conn['password'] = None
    else:
        switching = current.get('authenticationType') != 'basic'
        username = body.get('username', conn.get('username'))
        if switching or username != current.get('username'):
            if not body.get('username') or not body.get('password'):
                raise ApiError(400, 'Basic authentication needs username and password together')
        conn['username'] = username
        conn['password'] = body.get('password') or conn.get('password')
        conn['clientId'] = conn['clientSecret'] = None
    return conn


class JciApp(App):
    system = 'jci'

    def __init__(self, context):
        super().__init__(context)
        self.store = context.store
        self.route('GET', '/api/v1/connectors', 'listConnectors', self.list_connectors)
        self.route('POST', '/api/v1/connectors', 'createConnector', self.create_connector)
        self.route('GET', '/api/v1/connectors/{connectorId}', 'getConnector', self.get_connector)
        self.route('PATCH', '/api/v1/connectors/{connectorId}', 'updateConnector', self.update_connector)
        self.route('DELETE', '/api/v1/connectors/{connectorId}', 'deleteConnector', self.delete_connector)
        self.route('POST', '/api/v1/connectors/{connectorId}/test', 'testConnector', self.test_connector)
        self.route('GET', '/api/v1/connectors/{connectorId}/logs', 'getConnectorLogs', self.connector_logs)
        self.route('GET', '/api/v1/integrations', 'listIntegrations', self.list_integrations)
        self.route('POST', '/api/v1/integrations', 'createIntegration', self.create_integration)
        self.route('DELETE', '/api/v1/integrations/{integrationId}', 'deleteIntegration', self.delete_integration)

    def authenticate(self, request, write=False):
        pair = basic_credentials(request)
        if pair is None:
            raise ApiError(401, 'Authentication is required', headers={'WWW-Authenticate': 'Basic realm="JCI"'})
        request.auth = 'basic'
        request.user = pair[0]
        with self.store.lock:
            user = self.store.jci_user(pair[0])
            if user is None or not secret_matches(pair[1], user['passwordHash']):
                raise ApiError(401, 'Bad credentials')
        if write and user['role'] != 'Admin':
            raise ApiError(403, 'The JCI user %s has the User role; changing connectors needs the Admin role'
                           % user['username'])
        return user

    def find(self, request):
        try:
            connector_id = int(request.params['connectorId'])
        except ValueError:
            raise ApiError(400, 'connectorId must be an integer') from None
        conn = self.store.connector(connector_id)
        if conn is None:
            raise ApiError(404, 'No connector with id %d' % connector_id)
        return conn

    def view(self, conn):
        return connector_view(conn, self.store.integrations_using(conn['id']))

    def ensure_unique(self, name, own_id=None):
        for conn in self.store.data['jci']['connectors']:
            if conn['name'] == name and conn['id'] != own_id:
                raise ApiError(409, 'A connector named %r already exists' % name)

    def list_connectors(self, request):
        self.authenticate(request)
        with self.store.lock:
            views = [self.view(conn) for conn in self.store.data['jci']['connectors']]
        if 'name' in request.query:
            views = [view for view in views if view['name'] == request.query['name']]
        return paged(views, request.query)

    def get_connector(self, request):
        self.authenticate(request)
        with self.store.lock:
            return ok(self.view(self.find(request)))

    def create_connector(self, request):
        self.authenticate(request, write=True)
        body = request.json()
        body.setdefault('application', 'jama_connect')
        body.setdefault('verifySsl', True)
        empty = {'authenticationType': None, 'clientId': None, 'clientSecret': None, 'username': None,
                 'password': None}
        conn = merged_connector(empty, body)
        with self.store.lock:
            self.ensure_unique(conn['name'])
            now = self.store.now()
            conn.update({'id': self.store.next_id('jci'), 'createdDate': now, 'modifiedDate': now,
                         'lastTest': None})
            self.store.data['jci']['connectors'].append(conn)
            self.store.save()
            view = self.view(conn)
        return created(conn['id'], '/api/v1/connectors/%d' % conn['id'], view)

    def update_connector(self, request):
        self.authenticate(request, write=True)
        body = request.json()
        with self.store.lock:
            current = self.find(request)
            conn = merged_connector(current, body)
            self.ensure_unique(conn['name'], current['id'])
            conn['modifiedDate'] = self.store.now()
            current.update(conn)
            self.store.save()
            return ok(self.view(current))

    def delete_connector(self, request):
        self.authenticate(request, write=True)
        force = request.query.get('force', 'false').lower() == 'true'
        with self.store.lock:
            conn = self.find(request)
            users = self.store.integrations_using(conn['id'])
            if users and not force:
                names = [integ['name'] for integ in users]
                raise ApiError(409, 'The connector %s is used by integrations: %s' % (conn['name'], ', '.join(names)),
                               extra={'integrations': names})
            for integ in users:
                integ['connectorIds'].remove(conn['id'])
            self.store.data['jci']['connectors'].remove(conn)
            self.store.save()
        return no_content()

    def test_connector(self, request):
        self.authenticate(request)
        with self.store.lock:
            conn = dict(self.find(request))
        # The store lock is not held across the HTTP calls: the Jama side needs it to answer.
        result = probe(conn, self.context.ca_file, self.context.jci_tokens)
        with self.store.lock:
            entries = [self.store.add_log(conn['id'], level, category, message)
                       for level, category, message in result.lines]
            last_test = {'status': 'passed' if result.success else 'failed', 'time': timestamp(self.store.now()),
                         'user': result.user['username'] if result.user else None,
                         'latencyMs': result.latency_ms, 'message': result.message}
            live = self.store.connector(conn['id'])
            if live is not None:
                live['lastTest'] = last_test
            self.store.save()
        return ok({'success': result.success, 'category': result.category, 'message': result.message,
                   'user': result.user, 'latencyMs': result.latency_ms, 'jamaStatus': result.jama_status,
                   'logEntries': [log_view(entry) for entry in entries]})

    def connector_logs(self, request):
        self.authenticate(request)
        try:
            since_id = int(request.query.get('sinceId', 0))
        except ValueError:
            raise ApiError(400, 'sinceId must be an integer') from None
        category = request.query.get('category')
        with self.store.lock:
            conn = self.find(request)
            entries = [log_view(entry) for entry in self.store.data['jci']['logs']
                       if entry['connectorId'] == conn['id'] and entry['id'] > since_id
                       and (category is None or entry['category'] == category)]
        return paged(entries, request.query)

    def list_integrations(self, request):
        self.authenticate(request)
        with self.store.lock:
            integrations = [dict(integ, type='integrations') for integ in self.store.data['jci']['integrations']]
        return paged(integrations, request.query)

    def create_integration(self, request):
        self.authenticate(request, write=True)
        body = request.json()
        name = body.get('name')
        ids = body.get('connectorIds')
        if not isinstance(name, str) or is_blank(name) or len(name) > NAME_MAX:
            raise ApiError(400, 'name is required: a non-empty string of at most %d characters' % NAME_MAX)
        if not isinstance(ids, list) or not ids or not all(isinstance(i, int) and not isinstance(i, bool)
                                                           for i in ids):
            raise ApiError(400, 'connectorIds must be a non-empty list of connector ids')
        with self.store.lock:
            for connector_id in ids:
                if self.store.connector(connector_id) is None:
                    raise ApiError(404, 'No connector with id %d' % connector_id)
            integ = {'id': self.store.next_id('jci'), 'name': name, 'connectorIds': list(ids), 'status': 'active'}
            self.store.data['jci']['integrations'].append(integ)
            self.store.save()
        return created(integ['id'], '/api/v1/integrations/%d' % integ['id'], dict(integ, type='integrations'))

    def delete_integration(self, request):
        self.authenticate(request, write=True)
        try:
            integration_id = int(request.params['integrationId'])
        except ValueError:
            raise ApiError(400, 'integrationId must be an integer') from None
        with self.store.lock:
            for integ in self.store.data['jci']['integrations']:
                if integ['id'] == integration_id:
                    self.store.data['jci']['integrations'].remove(integ)
                    self.store.save()
                    return no_content()
        raise ApiError(404, 'No integration with id %d' % integration_id)
