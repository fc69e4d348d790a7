"""Print one line per environment: connector, authentication type, client ID and last test, as JCI reports."""
import json
import os
import sys

import requests

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'tests', 'emulator'))
from jamaemu.accounts import JCI_USER  # noqa: E402  pylint: disable=wrong-import-position,import-error


def main(demo, environments):
    print('   %-5s %-22s %-6s %-26s %s' % ('env', 'connector', 'auth', 'client id', 'last test'))
    for env in environments:
        with open(os.path.join(demo, 'emulators', env, 'emulator.json'), encoding='utf-8') as handle:
            info = json.load(handle)
        response = requests.get(info['jci_url'] + '/api/v1/connectors', auth=JCI_USER,
                                verify=info['ca_file'], timeout=10)
        response.raise_for_status()
        for conn in response.json()['data']:
            test = conn.get('lastTest') or {}
            outcome = '%s as %s (%s ms)' % (test.get('status'), test.get('user'), test.get('latencyMs')) \
                if test else 'never tested'
            print('   %-5s %-22s %-6s %-26s %s' % (env, conn['name'], conn['authenticationType'], conn['clientId'],
                                                   outcome))
    # With DEMO_STORE=openbao, prod's is in OpenBao (demo.sh prints the secret's version and keys next).
    in_vault = os.path.exists(os.path.join(demo, 'inventory', 'host_vars', 'jama-prod.yml'))
    print('   Credentials are in %s/inventory/group_vars/<env>/jama_credential.vault.yml (vault-encrypted)%s.'
          % (demo, ', prod\'s in OpenBao' if in_vault else ''))


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2:])
