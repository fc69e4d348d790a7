"""Jama Connect: the documented OAuth and REST endpoints, plus the modelled API-credential endpoints."""
import base64
import binascii

from .envelope import ApiError, Reply, created, is_blank, no_content, ok, paged, timestamp
from .routing import App
from .state import MAX_API_CREDENTIALS, secret_matches

NAME_MAX = 100
DESCRIPTION_MAX = 1000
NAMED_CREATOR = 'NAMED'


def _scheme(request, name):
    """The credentials after an Authorization scheme, compared without case (RFC 7235 section 2.1)."""
    parts = (request.headers.get('Authorization') or '').strip().split(None, 1)
    if len(parts) != 2 or parts[0].lower() != name:
        return None
    return parts[1].strip()


def basic_credentials(request):
    encoded = _scheme(request, 'basic')
    if encoded is None:
        return None
    try:
        decoded = base64.b64decode(encoded, validate=True).decode('utf-8')
    except (binascii.Error, UnicodeDecodeError):
        return None
    if ':' not in decoded:
        return None
    return tuple(decoded.split(':', 1))


def bearer_token(request):
    # [DOC] RFC 6750: "Bearer" in any case, as clients that send "bearer" do.
    return _scheme(request, 'bearer')


def user_view(user):
    keys = ('id', 'username', 'firstName', 'lastName', 'email', 'licenseType', 'active')
    view = {key: user[key] for key in keys}
    view['type'] = 'users'
    return view


def credential_view(cred):
    return {'id': cred['id'], 'name': cred['name'], 'description': cred['description'],
            'clientId': cred['clientId'], 'createdDate': timestamp(cred['createdDate']),
            'lastUsedDate': timestamp(cred['lastUsedDate']) if cred['lastUsedDate'] else None,
            'type': 'apicredentials'}


class JamaApp(App):
    system = 'jama'
    rate_limited = True

    def __init__(self, context, legacy_token_response=False):
        super().__init__(context)
        self.store = context.store
        self.legacy_token_response = legacy_token_response
        self.route('GET', '/rest', 'getApiVersions', self.api_versions)
        self.route('POST', '/rest/oauth/token', 'createOAuthToken', self.oauth_token)
        self.route('GET', '/rest/v1/users/current', 'getCurrentUser', self.current_user)
        self.route('GET', '/rest/v1/', 'getAvailableEndpoints', self.available_endpoints)
        self.route('GET', '/rest/v1/users', 'getUsers', self.users)
        # [CLIENT] py-jama-rest-client's get_users() asks for users/ with the slash; Jama answers both.
        self.route('GET', '/rest/v1/users/', 'getUsersSlash', self.users)
        self.route('GET', '/rest/v1/users/{userId}', 'getUser', self.user)
        self.route('GET', '/rest/v1/projects', 'getProjects', self.projects)
        self.route('GET', '/rest/v1/users/current/apicredentials', 'getMyApiCredentials', self.list_credentials)
        self.route('POST', '/rest/v1/users/current/apicredentials', 'createMyApiCredential', self.create_credential)
        self.route('GET', '/rest/v1/users/current/apicredentials/{credentialId}', 'getMyApiCredential',
                   self.get_credential)
        self.route('DELETE', '/rest/v1/users/current/apicredentials/{credentialId}', 'deleteMyApiCredential',
                   self.delete_credential)
        self.route('GET', '/rest/v1/users/{userId}/apicredentials', 'getUserApiCredentials', self.list_credentials)
        self.route('POST', '/rest/v1/users/{userId}/apicredentials', 'createUserApiCredential',
                   self.create_credential)
        self.route('GET', '/rest/v1/users/{userId}/apicredentials/{credentialId}', 'getUserApiCredential',
                   self.get_credential)
        self.route('DELETE', '/rest/v1/users/{userId}/apicredentials/{credentialId}', 'deleteUserApiCredential',
                   self.delete_credential)

    # --- authentication ------------------------------------------------------------------------
    def check_access(self, user):
        """[DOC] REST access needs an active user, a Named Creator licence and, where managed access is on,
        a REST API grant. A user without them gets 401."""
        until = self.store.locked_until(user)
        if until:
            raise ApiError(401, 'The account %s is locked until %s after repeated failed logins'
                           % (user['username'], timestamp(until)))
        if not user.get('active', True):
            raise ApiError(401, 'The account %s is deactivated' % user['username'])
        if user['licenseType'] != NAMED_CREATOR:
            raise ApiError(401, 'REST API access requires a Named Creator license; %s has a %s license'
                           % (user['username'], user['licenseType']))
        if not user.get('restApi', False):
            raise ApiError(401, 'The user %s is not permitted to use the REST API' % user['username'])

    def authenticate(self, request):
        token = bearer_token(request)
        with self.store.lock:
            if token is not None:
                request.auth = 'bearer'
                record = self.store.token_record(token)
                if record is None:
                    raise ApiError(401, 'The access token is invalid or has expired')
                user = self.store.jama_user(user_id=record['userId'])
                request.user = user['username']
                self.check_access(user)
                return user
            pair = basic_credentials(request)
            if pair is None:
                raise ApiError(401, 'Full authentication is required to access this resource',
                               headers={'WWW-Authenticate': 'Basic realm="Jama"'})
            request.auth = 'basic'
            request.user = pair[0]
            user = self.store.jama_user(username=pair[0])
            if user is None:
                raise ApiError(401, 'Bad credentials')
            until = self.store.locked_until(user)
            if until:
                # [DOC] A locked account is refused even with the right password.
                self.check_access(user)
            if not secret_matches(pair[1], user['passwordHash']):
                self.store.record_failed_login(user)
                self.store.save()
                raise ApiError(401, 'Bad credentials')
            self.check_access(user)
            return user

    # --- documented endpoints ----------------------------------------------------------------
    def api_versions(self, request):
        return ok([{'version': 'v1', 'location': '/rest/v1'}])

    def oauth_token(self, request):
        """[DOC] client_credentials only; Basic auth with client id and secret; Bearer token answer."""
        request.auth = 'client_credentials'
        pair = basic_credentials(request)
        if pair is None:
            raise ApiError(401, 'Client authentication with HTTP Basic is required',
                           extra={'error': 'invalid_client',
                                  'error_description': 'Client authentication with HTTP Basic is required'},
                           headers={'WWW-Authenticate': 'Basic realm="oauth"'})
        grant_type = request.form().get('grant_type')
        if grant_type != 'client_credentials':
            message = 'Unsupported grant type: %s' % grant_type if grant_type else 'Missing grant type'
            raise ApiError(400, message, extra={'error': 'unsupported_grant_type' if grant_type else
                                                'invalid_request', 'error_description': message})
        with self.store.lock:
            cred = self.store.credential_by_client_id(pair[0])
            if cred is None or not secret_matches(pair[1], cred['secretHash']):
                # Failed client-credential requests never count towards the account lockout.
                raise ApiError(401, 'Bad client credentials',
                               extra={'error': 'invalid_client', 'error_description': 'Bad client credentials'})
            user = self.store.jama_user(user_id=cred['userId'])
            request.user = user['username']
            try:
                self.check_access(user)
            except ApiError as error:
                error.extra = {'error': 'unauthorized_client', 'error_description': error.message}
                raise
            token = self.store.issue_token(cred)
            self.store.save()
        if self.legacy_token_response:
            # [DOC] The pre-July-2024 answer: lower-case 'bearer' and extra fields.
            body = {'access_token': token, 'token_type': 'bearer', 'expires_in': self.store.token_ttl,
                    'scope': 'read write', 'application_data': {}, 'tenant': 'default', 'jti': 'emulator'}
        else:
            body = {'access_token': token, 'token_type': 'Bearer', 'expires_in': self.store.token_ttl}
        return Reply(200, body, {'Cache-Control': 'no-store'})

    def current_user(self, request):
        return ok(user_view(self.authenticate(request)))

    def users(self, request):
        self.authenticate(request)
        with self.store.lock:
            users = [user_view(user) for user in self.store.data['jama']['users']]
        wanted = request.query.get('username')
        if wanted is not None:
            users = [user for user in users if user['username'] == wanted]
        return paged(users, request.query)

    def user(self, request):
        self.authenticate(request)
        try:
            user_id = int(request.params['userId'])
        except ValueError:
            raise ApiError(400, 'userId must be an integer') from None
        with self.store.lock:
            user = self.store.jama_user(user_id=user_id)
            if user is None:
                raise ApiError(404, 'No user with id %d' % user_id)
            return ok(user_view(user))

    def available_endpoints(self, request):
        """[CLIENT] get_available_endpoints() reads ``data``; the emulator lists the resources it serves."""
        self.authenticate(request)
        return ok(['apicredentials', 'projects', 'users'])

    def projects(self, request):
        self.authenticate(request)
        with self.store.lock:
            projects = list(self.store.data['jama']['projects'])
        return paged(projects, request.query)

    # --- [MODEL] API credentials -------------------------------------------------------------
    def owner(self, request):
        """The user whose credentials are addressed: the caller, or (admins only) user {userId}."""
        caller = self.authenticate(request)
        if 'userId' not in request.params:
            return caller
        try:
            user_id = int(request.params['userId'])
        except ValueError:
            raise ApiError(400, 'userId must be an integer') from None
        if user_id != caller['id'] and not caller.get('admin'):
            raise ApiError(403, "Only an administrator may manage another user's API credentials")
        owner = self.store.jama_user(user_id=user_id)
        if owner is None:
            raise ApiError(404, 'No user with id %d' % user_id)
        return owner

    def find_credential(self, request, owner):
        try:
            cred_id = int(request.params['credentialId'])
        except ValueError:
            raise ApiError(400, 'credentialId must be an integer') from None
        for cred in self.store.credentials_of(owner):
            if cred['id'] == cred_id:
                return cred
        raise ApiError(404, 'No API credential with id %d for user %s' % (cred_id, owner['username']))

    def list_credentials(self, request):
        owner = self.owner(request)
        with self.store.lock:
            creds = [credential_view(cred) for cred in self.store.credentials_of(owner)]
        wanted = request.query.get('name')
        if wanted is not None:
            creds = [cred for cred in creds if cred['name'] == wanted]
        return paged(creds, request.query)

    def get_credential(self, request):
        owner = self.owner(request)
        with self.store.lock:
            return ok(credential_view(self.find_credential(request, owner)))

    def create_credential(self, request):
        owner = self.owner(request)
        body = request.json()
        name = body.get('name')
        description = body.get('description', '')
        if not isinstance(name, str) or is_blank(name):
            raise ApiError(400, 'name is required and must be a non-empty string')
        if len(name) > NAME_MAX:
            raise ApiError(400, 'name must be at most %d characters' % NAME_MAX)
        if not isinstance(description, str) or len(description) > DESCRIPTION_MAX:
            raise ApiError(400, 'description must be a string of at most %d characters' % DESCRIPTION_MAX)
        with self.store.lock:
            existing = self.store.credentials_of(owner)
            if any(cred['name'] == name for cred in existing):
                raise ApiError(409, 'An API credential named %r already exists for %s' % (name, owner['username']))
            if len(existing) >= MAX_API_CREDENTIALS:
                raise ApiError(400, 'The user %s already has the maximum of %d API credentials'
                               % (owner['username'], MAX_API_CREDENTIALS))
            cred, secret = self.store.add_credential(owner, name, description)
            self.store.save()
            view = credential_view(cred)
        # [DOC] The client secret is shown once, at creation.
        view['clientSecret'] = secret
        prefix = '/rest/v1/users/%s/apicredentials' % request.params.get('userId', 'current')
        return created(cred['id'], '%s/%d' % (prefix, cred['id']), view)

    def delete_credential(self, request):
        owner = self.owner(request)
        with self.store.lock:
            self.store.remove_credential(self.find_credential(request, owner))
            self.store.save()
        return no_content()
