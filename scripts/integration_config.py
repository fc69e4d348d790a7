"""Write ansible-test's integration_config.yml (as JSON, which is YAML too) from a running emulator's info
file and its seed, so test playbooks never hold a password themselves."""
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEED = os.path.join(ROOT, 'tests', 'emulator', 'jamaemu', 'seed.json')


def connection_vars(info):
    with open(SEED, encoding='utf-8') as handle:
        seed = json.load(handle)
    jama = {user['username']: user['password'] for user in seed['jama']['users']}
    jci = {user['username']: user['password'] for user in seed['jci']['users']}
    controller = {user['username']: user['password'] for user in seed['controller']['users']}

    def jama_connection(username):
        return {'url': info['jama_url'], 'username': username, 'password': jama[username],
                'ca_path': info['ca_file']}

    return {
        'emulator_jama_url': info['jama_url'], 'emulator_jci_url': info['jci_url'],
        'emulator_admin_url': info['admin_url'], 'emulator_ca_file': info['ca_file'],
        'jama_service_connection': jama_connection('jci_service'),
        'jama_admin_connection': jama_connection('jama_admin'),
        'jci_connection': {'url': info['jci_url'], 'username': 'jci_admin', 'password': jci['jci_admin'],
                           'ca_path': info['ca_file']},
        'jama_service_password': jama['jci_service'],
        'emulator_controller_url': info['controller_url'],
        'controller_connection': {'url': info['controller_url'], 'username': 'awx_admin',
                                  'password': controller['awx_admin'], 'ca_path': info['ca_file']},
        # Targets that start emulators of their own import the harness from here.
        'emulator_pythonpath': os.path.join(ROOT, 'tests', 'emulator'),
        # community.hashi_vault, taken from the ansible wheel by scripts/setup.sh (it is not on PyPI alone).
        'community_collections': os.path.join(ROOT, '.work', 'collections'),
        # This core's share of the bad-input matrix's check-mode runs (scripts/test.sh: INDEX/COUNT; alone, all).
        'check_mode_share': os.environ.get('JAMA_CONNECT_CHECK_SHARE', '0/1'),
    }


def main(info_path, output_path):
    with open(info_path, encoding='utf-8') as handle:
        info = json.load(handle)
    config = connection_vars(info)
    # The collection copy under test (output_path is its tests/integration/integration_config.yml): targets read
    # shipped data (extensions/) from it, as ansible-test's temporary tree holds only tests/.
    config['collection_root'] = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(output_path))))
    with open(output_path, 'w', encoding='utf-8') as handle:
        json.dump(config, handle, indent=2)
    os.chmod(output_path, 0o600)


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])
