"""Command line: ``python -m jamaemu --workdir DIR`` runs the emulator in the foreground until SIGTERM."""
import argparse
import os
import signal
import sys
import threading

from .harness import alive
from .server import Emulator
from .state import SEED_FILE, load_seed


def parse_args(argv):
    parser = argparse.ArgumentParser(prog='jamaemu', description=__doc__)
    parser.add_argument('--workdir', required=True, help='where emulator.json (and ca.pem) are written')
    parser.add_argument('--http', action='store_true', help='serve plain HTTP instead of HTTPS')
    parser.add_argument('--seed', help='seed file (default: the bundled seed.json)')
    parser.add_argument('--state-file', help='persist state to this JSON file, written atomically')
    parser.add_argument('--token-ttl', type=int, default=3599, help='OAuth token lifetime in seconds')
    parser.add_argument('--rate-limit', type=int, default=10,
                        help='Jama API calls per second before 429 (0 turns the limit off)')
    parser.add_argument('--parent-pid', type=int,
                        help='stop when this process is gone (test harnesses pass their own PID, so an emulator '
                             'never outlives a test run that was killed)')
    parser.add_argument('--legacy-token-response', action='store_true',
                        help="answer tokens in the pre-July-2024 shape (token_type 'bearer', extra fields)")
    parser.add_argument('--show-logins', action='store_true',
                        help='print the seeded logins (make emulator does; a harness log keeps no password)')
    return parser.parse_args(argv)


# What each seeded account is for, so a new user knows which login to use where.
ROLES = {
    'jama_admin': 'Jama administrator: creates API credentials (oauth_connector_jama_admin, JAMA_*)',
    'jci_service': 'the JCI service user whose API credential the role creates (oauth_connector_service_user)',
    'jci_admin': 'JCI Admin: configures and tests connectors (oauth_connector_jci, JCI_*)',
    'no_rest_user': 'no REST API access (to see that error)',
    'floating_user': 'floating licence (to see that error)',
    'api_reader': 'not an administrator, REST API access',
    'jci_user': 'JCI User role, not Admin (to see that error)',
    'awx_admin': 'controller superuser (CONTROLLER_*)',
    'awx_auditor': 'controller user, not a superuser',
}


def login_lines(seed, source):
    """The seeded logins this emulator serves, one line each: emulator-only passwords from the seed file."""
    lines = ['Seeded logins (they exist only in this emulator; from %s):' % source]
    for system, label in (('jama', 'Jama'), ('jci', 'JCI'), ('controller', 'Controller')):
        for user in seed.get(system, {}).get('users', []):
            lines.append('  %-10s %-14s %-18s %s' % (label, user['username'], user['password'],
                                                     ROLES.get(user['username'], '')))
    return [line.rstrip() for line in lines]


def main(argv=None):
    args = parse_args(argv)
    seed = load_seed(args.seed)
    # Absolute, so the paths in emulator.json work from any directory.
    emulator = Emulator(os.path.abspath(args.workdir), seed, tls=not args.http, token_ttl=args.token_ttl,
                        rate_limit=args.rate_limit, state_file=args.state_file,
                        legacy_token_response=args.legacy_token_response)
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    signal.signal(signal.SIGINT, lambda *_: stopping.set())
    info = emulator.start()
    print('Jama Connect emulator: %s' % info['jama_url'], flush=True)
    print('JCI emulator:          %s' % info['jci_url'], flush=True)
    print('Controller emulator:   %s' % info['controller_url'], flush=True)
    print('Admin endpoint:        %s' % info['admin_url'], flush=True)
    if info['ca_file']:
        print('CA file:               %s' % info['ca_file'], flush=True)
    for line in login_lines(seed, args.seed or SEED_FILE) if args.show_logins else ():
        print(line, flush=True)
    print('Connection details written to %s (stop with SIGTERM or Ctrl-C)' % emulator.info_path, flush=True)
    while not stopping.wait(1.0 if args.parent_pid else None):
        if args.parent_pid and not alive(args.parent_pid):
            break
    emulator.stop()
    return 0


if __name__ == '__main__':
    sys.exit(main())
