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
    parser.add_argument('--config', help='integration_config.yml (JSON) with emulator_admin_url')
    parser.add_argument('--admin-url', action='append', default=[], help='an emulator admin URL (repeatable)')
    parser.add_argument('paths', nargs='+')
    parser.add_argument('--secret-file', action='append', default=[],
                        help='a file whose content is a secret of the test itself (a Vault token), searched for too; '
                             'the file itself is not scanned (repeatable; after the paths)')
    args = parser.parse_args()
    admin_urls = list(args.admin_url)
    if args.config:
        with open(args.config, encoding='utf-8') as handle:
            admin_urls.append(json.load(handle)['emulator_admin_url'])
    if not admin_urls:
        parser.error('give --config or --admin-url')
    values = [value.encode('utf-8') for url in admin_urls for value in secrets(url)]
    own = set(os.path.realpath(path) for path in args.secret_file)
    for path in args.secret_file:
        with open(path, 'rb') as handle:
            values.append(handle.read().strip())
    leaks = []
    scanned = 0
    for path in files_under([p for p in args.paths if os.path.exists(p)]):
        if os.path.realpath(path) in own:
            continue
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
