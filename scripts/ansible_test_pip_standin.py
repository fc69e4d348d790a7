"""Lay down the stand-in for ansible-test's get-pip bootstrap script.

ansible-test bootstraps pip in each venv it makes by downloading a get-pip script from a server this machine
cannot reach. It uses a cached copy if one exists, so we place a stand-in there that bootstraps pip from the
standard library's ensurepip and then installs what ansible-test asked for from the package index.
"""
import os
import re
import sys

import ansible_test

STANDIN = '''"""Stand-in for get-pip.py, written by jama.connect's scripts/ansible_test_pip_standin.py."""
import subprocess
import sys

args = [arg for arg in sys.argv[1:] if arg not in ('--no-setuptools', '--no-wheel')]
subprocess.check_call([sys.executable, '-m', 'ensurepip'])
subprocess.check_call([sys.executable, '-m', 'pip', 'install', '--upgrade'] + args)
'''


def pip_version():
    source = os.path.join(os.path.dirname(ansible_test.__file__), '_internal', 'python_requirements.py')
    with open(source, encoding='utf-8') as handle:
        found = re.search(r"\bpip='([0-9.]+)'", handle.read())
    if not found:
        sys.exit('cannot find the pip version ansible-test bootstraps in %s' % source)
    return found.group(1)


def main():
    version = pip_version()
    path = os.path.expanduser('~/.ansible/test/cache/get_pip_%s.py' % version.replace('.', '_'))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w', encoding='utf-8') as handle:
        handle.write(STANDIN)
    print('setup: ansible-test pip %s bootstrap stand-in at %s' % (version, path))


if __name__ == '__main__':
    main()
