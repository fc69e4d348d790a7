"""Fail if any secret the emulator issued, or any seeded password, appears in the given files or trees.

The emulator's admin endpoint lists every client secret and access token it handed out since its last reset,
in memory only. The check prints where a secret was found, never the secret itself.
"""
import argparse
import json
import os
import sys
import urllib.request


def secrets(admin_url):
    with urllib.request.urlopen(admin_url + '/secrets', timeout=10) as response:
        data = json.load(response)['data']
    return [value for value in data['issued'] + data['seeded'] if value]


def files_under(paths):
    for path in paths:
        if os.path.isfile(path):
            yield path
        for root, _dirs, names in os.walk(path):
            for name in names:
                yield os.path.join(root, name)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--config', required=True, help='integration_config.yml (JSON) with emulator_admin_url')
    parser.add_argument('paths', nargs='+')
    args = parser.parse_args()
    with open(args.config, encoding='utf-8') as handle:
        config = json.load(handle)
    values = [value.encode('utf-8') for value in secrets(config['emulator_admin_url'])]
    leaks = []
    scanned = 0
    for path in files_under([p for p in args.paths if os.path.exists(p)]):
        try:
            with open(path, 'rb') as handle:
                content = handle.read()
        except OSError:
            continue
        scanned += 1
        for index, value in enumerate(values):
            if value in content:
                leaks.append('%s holds secret #%d' % (path, index))
    if leaks:
        print('LEAK CHECK FAILED:\n  ' + '\n  '.join(leaks))
        return 1
    print('leak check: %d secrets, %d files, no leak' % (len(values), scanned))
    return 0


if __name__ == '__main__':
    sys.exit(main())
