"""A real OpenBao dev server for this target, by PID:
    bao.py start DIR     start `bao server -dev` on 127.0.0.1 (file audit device DIR/audit.log), wait until ready,
                         write DIR/server.json {url, pid, root}; the caller stops it (runme.sh's EXIT trap)
    bao.py place DIR P [NAME]  a policy for secret/P as the README documents it, and a token with it (DIR/NAME,
                         default DIR/token)
    bao.py read DIR P    the secret's latest data and version, as JSON (root token)
    bao.py wait DIR P V  wait (at most 60 s) until the secret's version is above V
    bao.py matrix DIR    what the bad-input matrix needs: a KV version 1 mount kv1/, a token (DIR/token) that may
                         use secret/matrix/ok and read the mounts of secret/*, and one (DIR/nometa-token) that may use
                         secret/matrix/nometa without reading its metadata
    bao.py stop DIR      stop it by PID
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

ROOT = 'hashi-vault-store-root'
POLICY = '''path "secret/data/%(p)s" { capabilities = ["create", "read", "update"] }
path "secret/metadata/%(p)s" { capabilities = ["read"] }
path "sys/internal/ui/mounts/secret/%(p)s" { capabilities = ["read"] }
'''


def call(url, method, path, body=None, token=ROOT):
    request = urllib.request.Request(url + path, data=json.dumps(body).encode() if body is not None else None,
                                     method=method, headers={'X-Vault-Token': token})
    with urllib.request.urlopen(request, timeout=10) as answer:
        raw = answer.read()
    return json.loads(raw) if raw else None


def start(work):
    os.makedirs(work, exist_ok=True)
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        port = probe.getsockname()[1]
    config = os.path.join(work, 'audit.hcl')
    with open(config, 'w', encoding='utf-8') as handle:
        handle.write('audit "file" "t" {\n  options {\n    file_path = "%s"\n  }\n}\n' % os.path.join(work, 'audit.log'))
    binary = os.path.join(os.path.dirname(sys.executable), 'bao')
    binary = binary if os.path.exists(binary) else shutil.which('bao')
    log = open(os.path.join(work, 'server.log'), 'wb')  # pylint: disable=consider-using-with
    process = subprocess.Popen([binary, 'server', '-dev', '-dev-listen-address=127.0.0.1:%d' % port,  # pylint: disable=consider-using-with
                                '-dev-root-token-id=' + ROOT, '-dev-no-store-token', '-config=' + config,
                                '-log-level=error'], stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                               env=dict(os.environ, HOME=work))
    url = 'http://127.0.0.1:%d' % port
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            call(url, 'GET', '/v1/sys/health')
            break
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.05)  # poll interval of a bounded readiness loop
    else:
        process.terminate()
        sys.exit('bao server not ready within 30 s')
    with open(os.path.join(work, 'server.json'), 'w', encoding='utf-8') as handle:
        json.dump({'url': url, 'pid': process.pid, 'root': ROOT}, handle)
    print(url)


def server(work):
    with open(os.path.join(work, 'server.json'), encoding='utf-8') as handle:
        return json.load(handle)


def place(work, path, name='token'):
    grant(work, name, POLICY % {'p': path}, policy=path.replace('/', '-'))


def grant(work, name, rules, policy=None):
    """A policy of ``rules`` and a token with only it, written to DIR/``name`` (mode 0600)."""
    info = server(work)
    policy = policy or name
    call(info['url'], 'PUT', '/v1/sys/policies/acl/' + policy, {'policy': rules})
    token = call(info['url'], 'POST', '/v1/auth/token/create', {'policies': [policy], 'ttl': '1h'})['auth']['client_token']
    with open(os.path.join(work, name), 'w', encoding='utf-8') as handle:
        handle.write(token)
    os.chmod(os.path.join(work, name), 0o600)


def matrix(work):
    info = server(work)
    call(info['url'], 'POST', '/v1/sys/mounts/kv1', {'type': 'kv', 'options': {'version': '1'}})
    mounts = 'path "sys/internal/ui/mounts/secret/*" { capabilities = ["read"] }\n' \
             'path "sys/internal/ui/mounts/kv1/*" { capabilities = ["read"] }\n'
    # The mounts endpoint answers only for a path the token may use: kv1/matrix/ok too, so the KV v1 row is judged.
    grant(work, 'token', POLICY % {'p': 'matrix/ok'} + mounts + 'path "kv1/matrix/ok" { capabilities = ["read"] }\n')
    grant(work, 'nometa-token', 'path "secret/data/matrix/nometa" { capabilities = ["create", "read", "update"] }\n'
          + mounts)


def read(work, path):
    info = server(work)
    try:
        answer = call(info['url'], 'GET', '/v1/secret/data/' + path)
    except urllib.error.HTTPError as error:
        if error.code == 404:
            print(json.dumps({'data': {}, 'version': 0}))
            return
        raise
    print(json.dumps({'data': answer['data']['data'], 'version': answer['data']['metadata']['version']}))


def wait(work, path, version):
    info = server(work)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            answer = call(info['url'], 'GET', '/v1/secret/metadata/' + path)
            if answer['data']['current_version'] > int(version):
                return
        except urllib.error.HTTPError as error:
            if error.code != 404:
                raise
        time.sleep(0.05)  # poll interval of a bounded wait for another process's write
    sys.exit('the secret %s stayed at version %s for 60 s' % (path, version))


def stop(work):
    try:
        pid = server(work)['pid']
    except (IOError, ValueError):
        return
    try:
        os.kill(pid, 15)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)  # poll interval of a bounded wait for the process to end
    os.kill(pid, 9)


if __name__ == '__main__':
    {'start': start, 'place': place, 'read': read, 'stop': stop, 'matrix': matrix, 'wait': wait}[sys.argv[1]](*sys.argv[2:])
