"""The emulator's in-memory state, its seed, and optional atomic persistence to a JSON file.

One lock guards everything: the emulator is small and a coarse lock keeps it correct under
concurrent clients without being the bottleneck.
"""
import hashlib
import hmac
import json
import os
import secrets
import tempfile
import threading
import time

SEED_FILE = os.path.join(os.path.dirname(__file__), 'seed.json')

# [DOC] 10 failed logins within 5 minutes lock the account for 30 minutes.
LOCKOUT_FAILURES = 10
LOCKOUT_WINDOW_SECONDS = 5 * 60
LOCKOUT_SECONDS = 30 * 60
# [DOC] At most 20 API credentials per user.
MAX_API_CREDENTIALS = 20


def hash_secret(value):
    return hashlib.sha256(value.encode('utf-8')).hexdigest()


def secret_matches(value, digest):
    return hmac.compare_digest(hash_secret(value), digest)


class Store:
    def __init__(self, seed, state_file=None, token_ttl=3599):
        self.lock = threading.RLock()
        self.state_file = state_file
        self.token_ttl = token_ttl
        # Tests move the clock forward instead of sleeping through a lockout or a token's lifetime.
        self.clock_offset = 0.0
        self.seed = seed
        # Every secret and token handed out in this process's life, across resets, in memory only (never
        # persisted or logged), so leak checks can search a run's output and files for them.
        self.issued = []
        if state_file and os.path.exists(state_file):
            with open(state_file, encoding='utf-8') as handle:
                self.data = json.load(handle)
        else:
            self.data = self.from_seed(seed)

    # --- life cycle -------------------------------------------------------------------------
    @staticmethod
    def from_seed(seed):
        users = []
        for user in seed['jama']['users']:
            record = {key: value for key, value in user.items() if key != 'password'}
            record['passwordHash'] = hash_secret(user['password'])
            record.update({'failures': [], 'lockedUntil': None})
            users.append(record)
        projects = [{'id': 20000 + index, 'projectKey': 'PRJ%d' % index, 'isFolder': False,
                     'fields': {'name': 'Project %d' % index}, 'type': 'projects'}
                    for index in range(1, seed['jama'].get('projects', 0) + 1)]
        jci_users = [{'username': user['username'], 'role': user['role'],
                      'passwordHash': hash_secret(user['password'])} for user in seed['jci']['users']]
        return {'jama': {'users': users, 'projects': projects, 'credentials': [], 'tokens': {},
                         'nextId': 1000},
                'jci': {'users': jci_users, 'connectors': [], 'integrations': [], 'logs': [],
                        'nextId': 1},
                'controller': Store.controller_from_seed(seed.get('controller') or {'users': []})}

    @staticmethod
    def controller_from_seed(seed):
        """The automation controller: its users, organisations, two of its managed credential types."""
        users = [{'id': index, 'username': user['username'], 'is_superuser': bool(user.get('is_superuser')),
                  'passwordHash': hash_secret(user['password'])} for index, user in enumerate(seed['users'], 1)]
        organizations = [{'id': index, 'name': name, 'description': ''}
                         for index, name in enumerate(seed.get('organizations') or ['Default'], 1)]
        managed = [
            {'id': 1, 'name': 'Machine', 'kind': 'ssh', 'namespace': 'ssh', 'managed': True, 'description': '',
             'inputs': {'fields': [{'id': 'username', 'label': 'Username', 'type': 'string'},
                                   {'id': 'password', 'label': 'Password', 'type': 'string', 'secret': True}]},
             'injectors': {}},
            {'id': 2, 'name': 'Vault', 'kind': 'vault', 'namespace': 'vault', 'managed': True, 'description': '',
             'inputs': {'fields': [{'id': 'vault_password', 'label': 'Vault Password', 'type': 'string',
                                    'secret': True},
                                   {'id': 'vault_id', 'label': 'Vault Identifier', 'type': 'string'}],
                        'required': ['vault_password']},
             'injectors': {}}]
        return {'users': users, 'organizations': organizations, 'credential_types': managed, 'credentials': [],
                'tokens': {}, 'nextId': 100}

    def reset(self):
        with self.lock:
            self.data = self.from_seed(self.seed)
            self.clock_offset = 0.0
            # self.issued is kept: leak checks must see every secret of the emulator's lifetime.
            self.save()

    def save(self):
        """Write the state atomically: a crash mid-write never leaves a torn file."""
        if not self.state_file:
            return
        directory = os.path.dirname(os.path.abspath(self.state_file))
        fd, tmp = tempfile.mkstemp(prefix='.state-', dir=directory)
        try:
            with os.fdopen(fd, 'w', encoding='utf-8') as handle:
                json.dump(self.data, handle)
            os.chmod(tmp, 0o600)
            os.replace(tmp, self.state_file)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise

    def now(self):
        return time.time() + self.clock_offset

    def next_id(self, system):
        self.data[system]['nextId'] += 1
        return self.data[system]['nextId']

    # --- Jama users and lockout --------------------------------------------------------------
    def jama_user(self, username=None, user_id=None):
        for user in self.data['jama']['users']:
            if (username is not None and user['username'] == username) or \
                    (user_id is not None and user['id'] == user_id):
                return user
        return None

    def locked_until(self, user):
        until = user.get('lockedUntil')
        if until and until > self.now():
            return until
        return None

    def record_failed_login(self, user):
        now = self.now()
        user['failures'] = [moment for moment in user['failures'] if moment > now - LOCKOUT_WINDOW_SECONDS]
        user['failures'].append(now)
        if len(user['failures']) >= LOCKOUT_FAILURES:
            user['lockedUntil'] = now + LOCKOUT_SECONDS
            user['failures'] = []

    def lock_user(self, user, seconds=LOCKOUT_SECONDS):
        user['lockedUntil'] = self.now() + seconds
        user['failures'] = []

    def unlock_user(self, user):
        user['lockedUntil'] = None
        user['failures'] = []

    # --- API credentials and tokens ---------------------------------------------------------
    def credentials_of(self, user):
        return [cred for cred in self.data['jama']['credentials'] if cred['userId'] == user['id']]

    def credential_by_client_id(self, client_id):
        for cred in self.data['jama']['credentials']:
            if cred['clientId'] == client_id:
                return cred
        return None

    def add_credential(self, user, name, description):
        secret = secrets.token_urlsafe(24)
        cred = {'id': self.next_id('jama'), 'userId': user['id'], 'name': name, 'description': description,
                'clientId': secrets.token_hex(12), 'secretHash': hash_secret(secret),
                'createdDate': self.now(), 'lastUsedDate': None}
        self.data['jama']['credentials'].append(cred)
        self.issued.append(secret)
        return cred, secret

    def remove_credential(self, cred):
        self.data['jama']['credentials'].remove(cred)
        # [DOC] Removing a credential invalidates it, and so every token it issued.
        tokens = self.data['jama']['tokens']
        for token in [key for key, value in tokens.items() if value['clientId'] == cred['clientId']]:
            del tokens[token]

    def issue_token(self, cred):
        token = '.'.join(secrets.token_urlsafe(n) for n in (12, 48, 32))
        self.data['jama']['tokens'][hash_secret(token)] = {
            'userId': cred['userId'], 'clientId': cred['clientId'], 'expiresAt': self.now() + self.token_ttl}
        cred['lastUsedDate'] = self.now()
        self.issued.append(token)
        return token

    def token_record(self, token):
        record = self.data['jama']['tokens'].get(hash_secret(token))
        if record and record['expiresAt'] > self.now():
            return record
        return None

    def expire_tokens(self):
        for record in self.data['jama']['tokens'].values():
            record['expiresAt'] = 0

    # --- JCI ------------------------------------------------------------------------------------
    def jci_user(self, username):
        for user in self.data['jci']['users']:
            if user['username'] == username:
                return user
        return None

    def connector(self, connector_id):
        for conn in self.data['jci']['connectors']:
            if conn['id'] == connector_id:
                return conn
        return None

    def integrations_using(self, connector_id):
        return [integ for integ in self.data['jci']['integrations'] if connector_id in integ['connectorIds']]

    def add_log(self, connector_id, level, category, message):
        entry = {'id': self.next_id('jci'), 'connectorId': connector_id, 'timestamp': self.now(),
                 'level': level, 'category': category, 'message': message}
        self.data['jci']['logs'].append(entry)
        return entry


def load_seed(path=None):
    with open(path or SEED_FILE, encoding='utf-8') as handle:
        return json.load(handle)
