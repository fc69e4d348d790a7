"""Rate limiting and injected faults.

The rate limit and faults with ``when: before`` (the default) act before a handler runs, so they change no state.
Faults with ``when: after`` act once the handler has run and changed the state: the answer is lost (``drop``),
late (``latency``, for a client that times out) or replaced by an error status, as when a proxy or the network
fails after Jama acted. The next run of a client has to heal from that.

A ``barrier`` holds each of the next ``parties`` matching calls until all of them have arrived (or ``ms`` passed), so
that two jobs a test starts together are known to overlap from that call on: a test of two jobs racing for one
store needs both to have read it before either writes, and a fixed delay would only make that likely."""
import collections
import threading
import time

from .envelope import ApiError
from .routing import DropConnection

FAULT_KINDS = ('status', 'latency', 'drop', 'barrier')


class RateLimiter:
    """[DOC] 10 API calls per second per environment, then 429. No Retry-After is documented, so
    none is sent unless a fault asks for one."""

    def __init__(self, per_second):
        self.per_second = per_second
        self.calls = collections.deque()
        self.lock = threading.Lock()

    def check(self):
        if not self.per_second:
            return
        now = time.monotonic()
        with self.lock:
            while self.calls and self.calls[0] <= now - 1.0:
                self.calls.popleft()
            self.calls.append(now)
            over = len(self.calls) > self.per_second
        if over:
            raise ApiError(429, 'Too many requests: the limit is %d API calls per second' % self.per_second)


class FaultBook:
    """Faults armed through the admin endpoint. Each matches a system and an operation ('*' for all)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.faults = []
        self.barriers = {}  # a barrier fault's number -> its threading.Barrier (faults themselves stay plain data)

    def add(self, spec):
        kind = spec.get('kind')
        if kind not in FAULT_KINDS:
            raise ApiError(400, 'kind must be one of %s' % ', '.join(FAULT_KINDS))
        system = spec.get('system', '*')
        if system not in ('jama', 'jci', 'controller', '*'):
            raise ApiError(400, "system must be 'jama', 'jci', 'controller' or '*'")
        count = spec.get('count')
        if count is not None and (not isinstance(count, int) or isinstance(count, bool) or count < 1):
            raise ApiError(400, 'count must be a positive integer, or omitted for "until cleared"')
        when = spec.get('when', 'before')
        if when not in ('before', 'after'):
            raise ApiError(400, "when must be 'before' (the handler does not run) or 'after' (it runs, then the fault)")
        skip = spec.get('skip', 0)
        if not isinstance(skip, int) or isinstance(skip, bool) or skip < 0:
            raise ApiError(400, 'skip must be a non-negative integer: the number of matching calls to let through first')
        fault = {'kind': kind, 'system': system, 'operation': spec.get('operation', '*'), 'count': count,
                 'when': when, 'skip': skip}
        if kind == 'status':
            status = spec.get('status')
            if not isinstance(status, int) or not 400 <= status <= 599:
                raise ApiError(400, 'status must be an HTTP error status between 400 and 599')
            fault['status'] = status
            fault['retry_after'] = spec.get('retry_after')
        if kind == 'barrier':
            parties = spec.get('parties')
            if not isinstance(parties, int) or isinstance(parties, bool) or not 2 <= parties <= 16:
                raise ApiError(400, 'parties must be the number of calls to hold until all arrived, 2 to 16')
            fault.update(parties=parties, count=parties)
        if kind in ('latency', 'barrier'):
            millis = spec.get('ms')
            if not isinstance(millis, (int, float)) or not 0 <= millis <= 60000:
                raise ApiError(400, 'ms must be a number of milliseconds between 0 and 60000')
            fault['ms'] = millis
        with self.lock:
            if kind == 'barrier':
                fault['barrier'] = len(self.barriers) + 1
                self.barriers[fault['barrier']] = threading.Barrier(fault['parties'])
            self.faults.append(fault)
        return fault

    def clear(self):
        with self.lock:
            self.faults = []
            for barrier in self.barriers.values():
                barrier.abort()  # calls held there go on
            self.barriers = {}

    def list(self):
        with self.lock:
            return [dict(fault) for fault in self.faults]

    def _take(self, system, operation, when):
        """The faults that fire for this call at this point, spending one use of each counted fault."""
        fired = []
        with self.lock:
            for fault in list(self.faults):
                if fault['system'] not in ('*', system) or fault['operation'] not in ('*', operation) \
                        or fault.get('when', 'before') != when:
                    continue
                if fault.get('skip'):
                    fault['skip'] -= 1
                    continue
                fired.append(dict(fault))
                if fault['kind'] == 'barrier':
                    # The barrier itself, taken under the lock: a clear() meanwhile aborts it instead of losing it.
                    fired[-1]['barrier'] = self.barriers[fault['barrier']]
                if fault['count'] is not None:
                    fault['count'] -= 1
                    if fault['count'] == 0:
                        self.faults.remove(fault)
        return fired

    def apply(self, system, operation, when='before'):
        for fault in self._take(system, operation, when):
            if fault['kind'] == 'latency':
                time.sleep(fault['ms'] / 1000.0)
            elif fault['kind'] == 'barrier':
                try:
                    fault['barrier'].wait(fault['ms'] / 1000.0)
                except threading.BrokenBarrierError:
                    pass  # not all arrived in time: the call goes on, and the test sees the jobs did not overlap
            elif fault['kind'] == 'drop':
                raise DropConnection()
            else:
                headers = {}
                if fault.get('retry_after') is not None:
                    headers['Retry-After'] = str(fault['retry_after'])
                raise ApiError(fault['status'], 'Injected fault: %s answers %d' % (operation, fault['status']),
                               headers=headers)
