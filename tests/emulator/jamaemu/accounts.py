"""The seeded accounts as (username, password) pairs, read from the seed file: tests and tools take passwords
from here, never from a copy of their own."""
from .state import load_seed

_SEED = load_seed()


def account(system, username):
    for user in _SEED[system]['users']:
        if user['username'] == username:
            return (user['username'], user['password'])
    raise KeyError('no seeded %s user %s' % (system, username))


SERVICE = account('jama', 'jci_service')
JAMA_ADMIN = account('jama', 'jama_admin')
NO_REST = account('jama', 'no_rest_user')
FLOATING = account('jama', 'floating_user')
READER = account('jama', 'api_reader')
JCI_ADMIN = account('jci', 'jci_admin')
JCI_USER = account('jci', 'jci_user')
CONTROLLER_ADMIN = account('controller', 'awx_admin')
CONTROLLER_AUDITOR = account('controller', 'awx_auditor')
