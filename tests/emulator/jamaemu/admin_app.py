"""The loopback-only admin endpoint: request log, fault injection, clock, locks, reset.

It is a separate plain-HTTP server so that nothing about it leaks into the emulated APIs.
"""
from .envelope import ApiError, no_content, ok
from .jama_probe import TokenCache
from .routing import App


class AdminApp(App):
    system = 'admin'

    def __init__(self, context):
        super().__init__(context)
        self.store = context.store
        self.route('GET', '/health', 'health', lambda request: ok({'status': 'ready'}))
        self.route('GET', '/requests', 'getRequests', self.get_requests)
        self.route('DELETE', '/requests', 'clearRequests', self.clear_requests)
        self.route('GET', '/faults', 'getFaults', lambda request: ok(context.faults.list()))
        self.route('POST', '/faults', 'addFault', lambda request: ok(context.faults.add(request.json())))
        self.route('DELETE', '/faults', 'clearFaults', self.clear_faults)
        self.route('POST', '/tokens/expire', 'expireTokens', self.expire_tokens)
        self.route('POST', '/users/{username}/lock', 'lockUser', self.lock_user)
        self.route('POST', '/users/{username}/unlock', 'unlockUser', self.unlock_user)
        self.route('GET', '/users/{username}', 'getUser', self.get_user)
        self.route('POST', '/clock', 'advanceClock', self.advance_clock)
        self.route('PUT', '/ratelimit', 'setRateLimit', self.set_rate_limit)
        self.route('POST', '/reset', 'reset', self.reset)
        self.route('GET', '/secrets', 'getIssuedSecrets', self.issued_secrets)
        self.route('GET', '/controller/credentials/{id}/inputs', 'getControllerInputs', self.controller_inputs)
        self.route('GET', '/controller/credentials', 'listControllerCredentials', self.controller_credentials)

    def get_requests(self, request):
        return ok(self.context.requests(request.query.get('system')))

    def clear_requests(self, request):
        self.context.clear_requests()
        return no_content()

    def clear_faults(self, request):
        self.context.faults.clear()
        return no_content()

    def expire_tokens(self, request):
        with self.store.lock:
            self.store.expire_tokens()
            self.store.save()
        return no_content()

    def _user(self, request):
        user = self.store.jama_user(username=request.params['username'])
        if user is None:
            raise ApiError(404, 'No Jama user %s' % request.params['username'])
        return user

    def lock_user(self, request):
        seconds = request.json().get('seconds', 30 * 60) if request.raw_body else 30 * 60
        if not isinstance(seconds, (int, float)) or seconds <= 0:
            raise ApiError(400, 'seconds must be a positive number')
        with self.store.lock:
            self.store.lock_user(self._user(request), seconds)
            self.store.save()
        return no_content()

    def unlock_user(self, request):
        with self.store.lock:
            self.store.unlock_user(self._user(request))
            self.store.save()
        return no_content()

    def get_user(self, request):
        with self.store.lock:
            user = self._user(request)
            until = self.store.locked_until(user)
            return ok({'username': user['username'], 'lockedUntil': until,
                       'recentFailures': len(user['failures'])})

    def advance_clock(self, request):
        seconds = request.json().get('seconds')
        if not isinstance(seconds, (int, float)) or seconds < 0:
            raise ApiError(400, 'seconds must be a non-negative number')
        with self.store.lock:
            self.store.clock_offset += seconds
        return ok({'offset': self.store.clock_offset})

    def set_rate_limit(self, request):
        per_second = request.json().get('perSecond')
        if not isinstance(per_second, int) or per_second < 0:
            raise ApiError(400, 'perSecond must be a non-negative integer (0 turns the limit off)')
        self.context.rate_limiter.per_second = per_second
        return ok({'perSecond': per_second})

    def issued_secrets(self, request):
        """For leak checks only: every client secret and token issued, plus the seeded passwords."""
        with self.store.lock:
            seeded = [user['password'] for system in ('jama', 'jci', 'controller')
                      for user in self.store.seed.get(system, {}).get('users', [])]
            return ok({'issued': list(self.store.issued), 'seeded': seeded})

    def controller_inputs(self, request):
        """A controller credential's inputs in clear, as the controller decrypts them to inject them into a job:
        the ansible-runner tests render injectors from here, as AWX does at launch."""
        with self.store.lock:
            for cred in self.store.data['controller']['credentials']:
                if str(cred['id']) == request.params['id']:
                    return ok(dict(cred['inputs']))
        raise ApiError(404, 'No controller credential %s' % request.params['id'])

    def controller_credentials(self, request):
        """Every controller credential (``?name=`` filters) with its inputs in clear. For tests that must see the
        controller's state without going through its API, where faults and the request log would catch them."""
        name = request.query.get('name')
        with self.store.lock:
            return ok([{'id': cred['id'], 'name': cred['name'], 'inputs': dict(cred['inputs'])}
                       for cred in self.store.data['controller']['credentials'] if name in (None, cred['name'])])

    def reset(self, request):
        self.store.reset()
        self.context.jci_tokens = TokenCache()
        self.context.faults.clear()
        self.context.clear_requests()
        return no_content()
