"""Copy the collection into <work>/collections/ansible_collections/jama/connect; print that path.

ansible-test only runs from a path ending in ansible_collections/<namespace>/<name>, and resolves symlinks,
so it needs a real copy. Only files git tracks or would track (not ignored) are copied.
"""
import os
import shutil
import subprocess
import sys

import hashlib
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Outside the repository: inside it, ansible-test would ask the enclosing git repository for the file list
# and find the copy ignored. One directory per checkout, so two clones never share a copy.
WORK = os.environ.get('JAMA_CONNECT_WORK') or os.path.join(
    tempfile.gettempdir(), 'jama.connect-%s' % hashlib.sha256(ROOT.encode('utf-8')).hexdigest()[:10])
# One copy per virtual environment (JAMA_CONNECT_FLAVOR=oldest|newest), so steps of both can run side by side.
if os.environ.get('JAMA_CONNECT_FLAVOR'):
    WORK = '%s-%s' % (WORK, os.environ['JAMA_CONNECT_FLAVOR'])
COLLECTIONS = os.path.join(WORK, 'collections')
TARGET = os.path.join(COLLECTIONS, 'ansible_collections', 'jama', 'connect')


def main():
    listed = subprocess.run(['git', 'ls-files', '-z', '--cached', '--others', '--exclude-standard'], cwd=ROOT,
                            check=True, capture_output=True).stdout.decode('utf-8').split('\0')
    if os.path.isdir(TARGET):
        shutil.rmtree(TARGET)
    copied = 0
    for relative in filter(None, listed):
        source = os.path.join(ROOT, relative)
        if not os.path.isfile(source):  # deleted but still in the index
            continue
        destination = os.path.join(TARGET, relative)
        os.makedirs(os.path.dirname(destination), exist_ok=True)
        shutil.copy2(source, destination)
        copied += 1
    print('sync: %d files copied to %s' % (copied, TARGET), file=sys.stderr)
    print(TARGET)
    return 0


if __name__ == '__main__':
    sys.exit(main())
