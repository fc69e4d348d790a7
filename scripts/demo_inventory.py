"""Point the demo copy of examples/inventory at the running emulators and write each environment's (still
plaintext) vault.yml with the emulator's seeded admin passwords; demo.sh encrypts them right after."""
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main(demo, environments):
    with open(os.path.join(ROOT, 'tests', 'emulator', 'jamaemu', 'seed.json'), encoding='utf-8') as handle:
        seed = json.load(handle)
    jama_admin = next(user for user in seed['jama']['users'] if user['username'] == 'jama_admin')
    jci_admin = next(user for user in seed['jci']['users'] if user['username'] == 'jci_admin')
    for env in environments:
        with open(os.path.join(demo, 'emulators', env, 'emulator.json'), encoding='utf-8') as handle:
            info = json.load(handle)
        group_vars = os.path.join(demo, 'inventory', 'group_vars', env)
        with open(os.path.join(group_vars, 'endpoints.yml'), 'w', encoding='utf-8') as handle:
            handle.write('---\n# Written by make demo: this environment is an emulator on 127.0.0.1.\n')
            json.dump({'oauth_connector_jama_url': info['jama_url'], 'oauth_connector_jama_ca_path': info['ca_file'],
                       'jci_url': info['jci_url'], 'jci_ca_path': info['ca_file'],
                       'jama_admin_username': 'jama_admin', 'jci_admin_username': 'jci_admin'}, handle, indent=2)
        with open(os.path.join(group_vars, 'vault.yml'), 'w', encoding='utf-8') as handle:
            json.dump({'vault_jama_admin_password': jama_admin['password'],
                       'vault_jci_admin_password': jci_admin['password']}, handle)


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2:])
