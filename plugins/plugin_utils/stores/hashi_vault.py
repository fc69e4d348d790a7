# -*- coding: utf-8 -*-
# Copyright: jama.connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The oauth_connector role's store in a HashiCorp Vault (or OpenBao) KV version 2 secret, through hvac.

One secret per environment (``mount``/``path``) holds the client ID and secret under the role's variable names
(what AWX's HashiCorp Vault Secret Lookup and community.hashi_vault's kv2 lookup read as they are: ``secret_key``
jama_client_secret), and the engine's record (unfinished work and the credential's lifecycle) under the record's
name, in the same version: a reader of the client ID and secret always sees a finished pair, and the record changes
with them in one write; ``managed_by: jama.connect`` names the writer. Every write is a check-and-set against the
version this run read or last wrote, so another job's write is detected by the server and never overwritten
(docs/decisions.md). Never soft-deleted: the lookup of every job that reads the latest version would get a 404.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

from ansible_collections.jama.connect.plugins.module_utils import errors
from ansible_collections.jama.connect.plugins.module_utils.http_session import (
    RetryAfterTooLong, retried, retrying_adapter)
from ansible_collections.jama.connect.plugins.plugin_utils.stores.base import Store, native

try:
    import hvac
    import requests
    from hvac import exceptions as hvac_errors
    HAS_HVAC = True
    # What a call through hvac raises: the server's errors, the transport's (refused, timed out, TLS), and the retry
    # policy's refusal to wait for a Retry-After longer than its cap.
    FAILURES = (hvac_errors.VaultError, requests.exceptions.RequestException, RetryAfterTooLong)
    # Answers that say the server did not act (a write refused as asked, denied, throttled): any other failure of a
    # write (a lost answer, a server error) may have happened.
    NOT_ACTED = (hvac_errors.InvalidRequest, hvac_errors.Unauthorized, hvac_errors.Forbidden, hvac_errors.InvalidPath,
                 hvac_errors.RateLimitExceeded, RetryAfterTooLong)
except ImportError:  # pragma: no cover - the action names the missing library
    hvac = hvac_errors = None
    HAS_HVAC = False
    FAILURES = NOT_ACTED = ()

MISSING_HVAC = ('the HashiCorp Vault store needs the Python library hvac on the controller (pip install hvac==2.4.0; '
                'in an execution environment, it is in the collection\'s requirements.txt)')
CAS_MISMATCH = 'check-and-set parameter did not match'
MANAGED_BY = 'managed_by'
POLICY_HINT = ('check hashi_vault.mount and hashi_vault.path, and give the token or AppRole a policy with create, read '
               'and update on <mount>/data/<path> and read on <mount>/metadata/<path> (README, "HashiCorp Vault as '
               'the store")')


# Vault throttles with 429 (rate-limit quotas) and answers 503 while sealed or standing by: the collection's retry
# policy (module_utils/http_session.py: 429 for every method, refused before it ran; 502-504 for reads only), with two
# tries more rather than Jama's six, since a sealed server does not heal in seconds.
VAULT_STATUS_RETRIES = 2


def retrying_session(retries):
    """A requests session for hvac with the retry policy; each retry is appended to ``retries`` as ApiSession reports
    them (method, path, status, error), so the task's result shows the Vault server's too."""
    session = requests.Session()
    adapter = retrying_adapter(VAULT_STATUS_RETRIES)
    session.mount('http://', adapter)
    session.mount('https://', adapter)

    def record(response, *_args, **_kwargs):
        retries.extend(retried(response, response.request.method, response.request.path_url.split('?')[0]))
    session.hooks['response'].append(record)
    return session


def client_of(options, session=None):
    """An authenticated hvac client: the token, or an AppRole login. Never hvac's own fallbacks (VAULT_TOKEN is read
    by the option table, ~/.vault-token never: a developer's root token would make a test pass by accident)."""
    if not HAS_HVAC:
        raise errors.ConfigurationError(MISSING_HVAC)
    verify = options.get('ca_path') or options.get('validate_certs', True)
    if session is not None:
        session.verify = verify  # hvac takes a given session's verify over its own argument
    client = hvac.Client(url=options['url'], namespace=options.get('namespace'), verify=verify,
                         timeout=options.get('timeout') or 30, session=session)
    client.token = None
    try:
        if options.get('role_id'):
            client.auth.approle.login(role_id=options['role_id'], secret_id=options.get('secret_id'),
                                      mount_point=options.get('auth_mount') or 'approle')
            return client
        client.token = options.get('token')
        if not client.token:
            raise errors.ConfigurationError('hashi_vault needs a token, or role_id and secret_id (AppRole): set '
                                            'hashi_vault.token or VAULT_TOKEN')
        # A token that is wrong or expired is told apart from a policy that lacks the path (both answer 403 later).
        client.auth.token.lookup_self()
    except FAILURES as error:
        raise login_failure(error, options)
    return client


def login_failure(error, options):
    """Why the login (AppRole) or the token's lookup-self failed, with the fix."""
    if hvac_errors is not None and isinstance(error, hvac_errors.InvalidPath) and options.get('namespace'):
        # Both calls exist on every server: a 404 means the namespace the request named is not there.
        return errors.ConfigurationError(
            'hashi_vault.namespace %s: the server has no such namespace (%s answered 404); give the namespace the '
            'secret and the token are in, or leave it out for the root namespace'
            % (options['namespace'], 'the AppRole login' if options.get('role_id') else 'lookup-self'))
    if options.get('role_id'):
        return translated(error, 'logging in with the AppRole role_id', login=True)
    found = translated(error, 'checking hashi_vault.token')
    if isinstance(found, errors.AuthenticationError):
        found.hint = ('the token is wrong or expired, or belongs to another namespace (hashi_vault.namespace), or '
                      'lacks the default policy (lookup-self): give a valid one in hashi_vault.token or VAULT_TOKEN')
    return found


def _typed_already(error, doing):
    """The collection's own error as it is; the retry policy's refusal of a long Retry-After as a throttle."""
    if isinstance(error, errors.JamaConnectError):
        return error
    if isinstance(error, RetryAfterTooLong):
        return errors.RateLimitedError('%s: the Vault server answered 429 and asked to wait %s s (Retry-After), more '
                                       'than %s s' % (doing, int(error.seconds), error.limit), status=429,
                                       hint='run again later, when the rate-limit quota lets this token call again')
    return None


def translated(error, doing, login=False):
    """hvac's errors as the collection's, by their class (never by the text, which holds the path and the URL), with
    the fix; never a value of the secret (hvac's messages hold none)."""
    known = _typed_already(error, doing)
    if known is not None:
        return known
    text = '%s: %s' % (doing, str(error).splitlines()[0] if str(error) else type(error).__name__)
    if hvac_errors is None:
        return errors.TransportError(text)
    if isinstance(error, hvac_errors.InvalidRequest) and CAS_MISMATCH in ' '.join(getattr(error, 'errors', None) or []):
        return errors.ConflictError(text, status=400, hint='let the other job finish, then run again: the next run '
                                    'starts from what the secret holds')
    if login and isinstance(error, (hvac_errors.InvalidRequest, hvac_errors.Unauthorized, hvac_errors.Forbidden)):
        return errors.AuthenticationError(text, status=400, hint='check role_id and secret_id (and auth_mount)')
    if isinstance(error, hvac_errors.Forbidden):
        return errors.AuthenticationError(text + ' (permission denied)', status=403, hint=POLICY_HINT)
    for kind, status in ((hvac_errors.RateLimitExceeded, 429), (hvac_errors.VaultDown, 503),
                         (hvac_errors.InternalServerError, 500), (hvac_errors.BadGateway, 502)):
        if isinstance(error, kind):
            # Sealed, restarting, overloaded: the next run heals it.
            return errors.ServerError(text, status=status)
    if isinstance(error, hvac_errors.VaultError):
        return errors.ApiError(text)
    return _transport_failure(error, text)


def _transport_failure(error, text):
    """A call that got no answer from Vault: TLS (the certificate, or a server that does not speak TLS), else the
    network (refused, timed out: the next run heals it)."""
    if 'WRONG_VERSION_NUMBER' in str(error):
        # OpenSSL's word for an answer that is not TLS: an https:// URL for a server that speaks plain HTTP.
        return errors.TlsError(text, hint="the server does not speak TLS on that port: check hashi_vault.url's scheme "
                                          '(http:// or https://) and port')
    if 'SSL' in type(error).__name__ or 'certificate verify failed' in str(error):
        return errors.TlsError(text, hint='set hashi_vault.ca_path (or VAULT_CACERT) to the CA that signed the '
                                          "server's certificate")
    return errors.TransportError(text)


def _mapping(answer, what):
    """An answer of the server as a mapping, or the run stops: a server that answers without JSON is not Vault."""
    if not isinstance(answer, dict):
        raise errors.ConfigurationError('%s: the server did not answer as HashiCorp Vault or OpenBao does (no JSON): '
                                        'check hashi_vault.url' % what)
    return answer


class HashiVaultStore(Store):
    """``options``: url, token or role_id/secret_id, namespace, ca_path/validate_certs, mount, path (the option
    table's ``hashi_vault``); ``names``: the client ID, secret and record variable names."""

    write_hint = ('fix the cause (the Vault server, its policy) and run again; the secret holds the last version '
                  'written, and the next run starts from it')

    def __init__(self, options, names, client=None):
        self.options = options
        self.mount = options.get('mount') or 'secret'
        self.path = options['path'].strip('/')
        self.names = names
        self._client = client
        self._data = None
        self._version = None  # the version this run read or last wrote; 0 when the secret does not exist
        self._unsure = False  # a write failed without the server's answer: it may have happened
        # Read like an HTTP session's by the action (its result's retries): the calls retried through hvac.
        self.retries = []

    @property
    def client(self):
        if self._client is None:
            self._client = client_of(self.options, session=retrying_session(self.retries))
        return self._client

    def describe(self):
        return 'the Vault secret %s/%s at %s' % (self.mount, self.path, self.options['url'])

    def close(self):
        """At the end of the run (the action closes it with its sessions): the token an AppRole login made is revoked
        (best effort: it expires with its TTL otherwise), and the connection pool closed."""
        if self._client is None:
            return
        try:
            if self.options.get('role_id') and self._client.token:
                self._client.auth.token.revoke_self()
        except FAILURES:
            pass  # nothing of the run depends on it; the token's TTL ends it
        finally:
            self._client.adapter.close()

    def read(self):
        if self._data is None:
            self._check_kv2()
            self._data, self._version = self._load()
        return copy.deepcopy(self._data)

    def _check_kv2(self):
        """A KV version 1 mount would take a write to <mount>/data/<path> as a secret named data/<path>: refused before
        anything is read or written (the preflight the vault CLI makes)."""
        client = self.client
        try:
            answer = client.adapter.get('/v1/sys/internal/ui/mounts/%s/%s' % (self.mount, self.path))
        except FAILURES as error:
            if hvac_errors is not None and isinstance(error, hvac_errors.Forbidden):
                # The server answers the same for a mount that does not exist and a path the policy does not grant.
                raise errors.ConfigurationError(
                    'reading the mount of %s: permission denied. Either hashi_vault.mount %s does not exist (in the '
                    'namespace %s: hashi_vault.namespace), or the token\'s policy grants nothing on %s/%s'
                    % (self.describe(), self.mount, self.options.get('namespace') or 'root', self.mount, self.path),
                    hint=POLICY_HINT)
            raise translated(error, 'reading the mount %s' % self.mount)
        described = _mapping(answer, 'reading the mount %s' % self.mount).get('data') or {}
        version = (described.get('options') or {}).get('version')
        kind = described.get('type')
        mounted = described.get('path')
        if mounted not in (None, self.mount.strip('/') + '/'):
            raise errors.ConfigurationError('hashi_vault.mount %s is not a mount: the secrets engine there is mounted at '
                                            '%s; set mount to it and path to what follows' % (self.mount, mounted))
        if kind not in ('kv', 'generic') or str(version) != '2':
            raise errors.ConfigurationError(
                'hashi_vault.mount %s is not a KV version 2 secrets engine (type %s, version %s): the store needs '
                'versions and check-and-set; upgrade it in place (bao kv enable-versioning %s/, or vault kv '
                'enable-versioning) or name a KV version 2 mount' % (self.mount, kind, version, self.mount))

    def _load(self):
        kv = self.client.secrets.kv.v2
        try:
            answer = kv.read_secret_version(self.path, mount_point=self.mount, raise_on_deleted_version=True)
        except FAILURES as error:
            if hvac_errors is not None and isinstance(error, hvac_errors.InvalidPath):
                return self._absent()
            raise translated(error, 'reading %s' % self.describe())
        answer = _mapping(answer, 'reading %s' % self.describe())
        data = (answer.get('data') or {}).get('data') or {}
        version = ((answer.get('data') or {}).get('metadata') or {}).get('version')
        return dict(data), int(version)

    def _absent(self):
        """No readable latest version: none at all (a first run creates it with cas=0), or a deleted one, which is
        never written over blindly."""
        try:
            meta = self.client.secrets.kv.v2.read_secret_metadata(self.path, mount_point=self.mount)
        except FAILURES as error:
            if hvac_errors is not None and isinstance(error, hvac_errors.InvalidPath):
                return {}, 0
            raise translated(error, 'reading the metadata of %s' % self.describe())
        current = (_mapping(meta, 'reading the metadata of %s' % self.describe()).get('data') or {}).get('current_version')
        if not current:
            return {}, 0  # metadata made ahead (say with cas_required) and no version yet: a first write creates it
        raise errors.ConfigurationError(
            'the latest version (%s) of %s is deleted or destroyed: every job that reads it gets a 404. Undelete it '
            '(bao kv undelete -mount=%s -versions=%s %s) or write it again by hand, then run again'
            % (current, self.describe(), self.mount, current, self.path))

    def write(self, updates, remove=()):
        data = self.read()
        data.update(native(updates, where=' in %s' % self.describe()))
        # Who writes this secret, for a person who finds it in Vault's UI (in the data: metadata is a second request).
        data[MANAGED_BY] = 'jama.connect'
        for key in remove:
            data.pop(key, None)
        try:
            answer = self.client.secrets.kv.v2.create_or_update_secret(self.path, secret=data, cas=self._version,
                                                                       mount_point=self.mount)
        except FAILURES as error:
            found = translated(error, 'writing %s (check-and-set on version %s)' % (self.describe(), self._version))
            if isinstance(found, errors.ConflictError):
                found.message += (': %s' % ('the outcome of an earlier write of this run is unknown (its answer was lost), '
                                            'or another job wrote the secret since' if self._unsure else
                                            'another job wrote the secret since this run read it') +
                                  '; nothing was overwritten')
            elif not isinstance(error, NOT_ACTED):
                # The server may have acted: the version this run knows may be behind (the next write says so).
                self._unsure = True
            raise found
        version = (answer.get('data') or {}).get('version') if isinstance(answer, dict) else None
        if not isinstance(version, int) or isinstance(version, bool):
            # A success without the new version (a proxy's answer, not Vault's): the write may have happened.
            self._unsure = True
            raise errors.TransportError('writing %s: the answer did not say which version was written, so this run '
                                        'cannot tell whether it was' % self.describe(), details={'answer_lost': True})
        self._version = version
        self._data = data
        return True

    @property
    def unsure(self):
        """Whether a write of this run failed in a way that may have written it (its answer lost)."""
        return self._unsure

    def where(self):
        """The secret's address and the version this run read or last wrote (never a value)."""
        return {'mount': self.mount, 'path': self.path, 'version': self._version}

    def confirm(self):
        """Before a credential is deleted: no other job wrote the secret since this run's last read or write. The
        latest version's number is read with the data (the policy's read on <mount>/data/<path>), never from the
        metadata: a run must not create a credential it cannot then confirm and finish."""
        try:
            latest = self.client.secrets.kv.v2.read_secret_version(self.path, mount_point=self.mount,
                                                                   raise_on_deleted_version=False)
            current = ((_mapping(latest, 'reading %s' % self.describe()).get('data') or {}).get('metadata') or {}).get(
                'version')
        except FAILURES as error:
            if hvac_errors is None or not isinstance(error, hvac_errors.InvalidPath):
                raise translated(error, 'reading %s' % self.describe())
            current = 0  # no version at all (destroyed, or never written)
        if self._version is not None and current != self._version:
            raise errors.ConflictError(
                '%s is at version %s, not %s as this run wrote it: another job changed it, so nothing it may use is '
                'deleted' % (self.describe(), current, self._version),
                hint='let the other job finish, then run again')
