"""Call the emulator's admin endpoint from a runme.sh: arm or clear faults, or wait (bounded) until an operation
shows in the request log.

    admin.py --config integration_config.yml POST /faults '{"kind": ...}' ['{"kind": ...}' ...]
    admin.py --config integration_config.yml DELETE /faults
    admin.py --config integration_config.yml --wait-for OPERATION [--timeout SECONDS]
"""
import argparse
import json
import sys
import time
import urllib.request


def call(admin_url, method, path, body=None):
    data = json.dumps(body).encode('utf-8') if body is not None else None
    request = urllib.request.Request(admin_url + path, data=data, method=method,
                                     headers={'Content-Type': 'application/json'})
    with urllib.request.urlopen(request, timeout=10) as response:
        raw = response.read()
    return json.loads(raw)['data'] if raw else None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--config', required=True)
    parser.add_argument('--wait-for')
    parser.add_argument('--timeout', type=float, default=60)
    parser.add_argument('method', nargs='?')
    parser.add_argument('path', nargs='?')
    parser.add_argument('bodies', nargs='*')
    args = parser.parse_args()
    with open(args.config, encoding='utf-8') as handle:
        admin_url = json.load(handle)['emulator_admin_url']
    if args.wait_for:
        deadline = time.monotonic() + args.timeout
        while time.monotonic() < deadline:
            if any(entry['operation'] == args.wait_for for entry in call(admin_url, 'GET', '/requests')):
                return 0
            time.sleep(0.1)  # poll interval of a bounded readiness loop
        print('%s did not show in the request log within %s s' % (args.wait_for, args.timeout))
        return 1
    for body in args.bodies or [None]:
        call(admin_url, args.method, args.path, json.loads(body) if body else None)
    return 0


if __name__ == '__main__':
    sys.exit(main())
