# -*- coding: utf-8 -*-
# Copyright: jama.connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # Connection to Jama Connect. Mirrors JAMA_OPTIONS in plugins/module_utils/connection.py.
    JAMA = r'''
options:
  jama:
    description:
      - How to reach and authenticate to Jama Connect.
      - Give exactly one of O(jama.username) and O(jama.password), O(jama.client_id) and O(jama.client_secret), or O(jama.token).
      - "Precedence: the task's own O(jama) beats C(module_defaults) (the whole dict), which beats the environment.
        An environment variable fills in only a suboption that neither gave, and the way to authenticate is taken
        from the environment only when none was given: explicit O(jama.client_id) and O(jama.client_secret) with
        C(JAMA_USERNAME) set in the environment use the client credentials. So the whole option may be left out."
      - More than one way to authenticate from the same source is refused.
      - Proxies come from the standard C(HTTPS_PROXY), C(HTTP_PROXY) and C(NO_PROXY) environment variables.
      - Calls answered 429, 502, 503 or 504 are retried up to six times with Jama's backoff of 3, 5, 8 and 13
        seconds, then 13 again (or the server's C(Retry-After)); 401 and 403 are never retried, because repeated
        failed logins lock Jama accounts.
    type: dict
    suboptions:
      url:
        description:
          - Base URL of Jama Connect, for example C(https://jama.example.com).
          - Falls back to the C(JAMA_URL) environment variable.
        type: str
      username:
        description:
          - Jama username for HTTP Basic authentication.
          - Ten failed logins in five minutes lock the account for 30 minutes; prefer O(jama.client_id).
          - Falls back to C(JAMA_USERNAME).
        type: str
      password:
        description:
          - Password for O(jama.username). Falls back to C(JAMA_PASSWORD).
        type: str
      client_id:
        description:
          - Client ID of a Jama API credential, for the OAuth client-credentials grant.
          - Falls back to C(JAMA_CLIENT_ID).
        type: str
      client_secret:
        description:
          - Client secret of that API credential. Falls back to C(JAMA_CLIENT_SECRET).
        type: str
      token:
        description:
          - An OAuth bearer token obtained elsewhere. It is used as given and not renewed.
          - Falls back to C(JAMA_TOKEN).
        type: str
      validate_certs:
        description:
          - Verify the server's TLS certificate. Falls back to C(JAMA_VALIDATE_CERTS). Default C(true).
        type: bool
      ca_path:
        description:
          - CA bundle (PEM) that signed the server's certificate, for private CAs.
          - Falls back to C(JAMA_CA_PATH).
        type: path
      timeout:
        description:
          - Seconds to wait for each answer, 1 to 600. Falls back to C(JAMA_TIMEOUT). Default C(30).
        type: int
      retry_after_max:
        description:
          - Longest C(Retry-After) wait, in seconds (0 to 3600), that a throttled call waits for before it is tried
            again; a longer one fails the task at once with the wait asked for. Falls back to
            C(JAMA_RETRY_AFTER_MAX). Default C(60).
        type: int
'''

    # Connection to Jama Connect Interchange. Mirrors JCI_OPTIONS in plugins/module_utils/connection.py.
    JCI = r'''
options:
  jci:
    description:
      - How to reach and authenticate to Jama Connect Interchange (JCI), as a JCI user with the Admin role.
      - "Precedence: the task's own O(jci) beats C(module_defaults) (the whole dict), which beats the environment.
        An environment variable fills in only a suboption that neither gave; O(jci.username) and O(jci.password) come
        from the environment only when neither was given. So the whole option may be left out."
      - JCI publishes no HTTP API; the calls follow the collection's modelled contract (see the README).
    type: dict
    suboptions:
      url:
        description:
          - Base URL of JCI, for example C(https://jci.example.com). Falls back to C(JCI_URL).
        type: str
      username:
        description:
          - JCI username (JCI users are separate from Jama users). Falls back to C(JCI_USERNAME).
        type: str
      password:
        description:
          - Password for O(jci.username). Falls back to C(JCI_PASSWORD).
        type: str
      validate_certs:
        description:
          - Verify JCI's TLS certificate. Falls back to C(JCI_VALIDATE_CERTS). Default C(true).
        type: bool
      ca_path:
        description:
          - CA bundle (PEM) that signed JCI's certificate. Falls back to C(JCI_CA_PATH).
        type: path
      timeout:
        description:
          - Seconds to wait for each answer, 1 to 600. Falls back to C(JCI_TIMEOUT). Default C(30).
        type: int
      retry_after_max:
        description:
          - Longest C(Retry-After) wait, in seconds (0 to 3600), that a throttled call waits for before it is tried
            again; a longer one fails the task at once with the wait asked for. Falls back to
            C(JCI_RETRY_AFTER_MAX). Default C(60).
        type: int
'''

    # Connection to an automation controller. Mirrors CONTROLLER_OPTIONS in plugins/module_utils/connection.py.
    CONTROLLER = r'''
options:
  controller:
    description:
      - How to reach and authenticate to an automation controller (AWX, or Red Hat Ansible Automation Platform),
        as a user allowed to manage credentials.
      - Give either O(controller.username) and O(controller.password), or O(controller.token).
      - "Precedence: the task's own O(controller) beats C(module_defaults) (the whole dict, C(group/jama.connect.controller)),
        which beats the environment. An environment variable fills in only a suboption that neither gave, and the way to
        authenticate is taken from the environment only when none was given. The variables are those the controller's
        own C(Red Hat Ansible Automation Platform) credential type injects, so attaching that credential to a job is
        enough."
    type: dict
    suboptions:
      url:
        description:
          - Base URL of the controller, for example C(https://controller.example.com). Falls back to C(CONTROLLER_HOST).
        type: str
      username:
        description:
          - Controller user for HTTP Basic authentication. Falls back to C(CONTROLLER_USERNAME).
        type: str
      password:
        description:
          - Password for O(controller.username). Falls back to C(CONTROLLER_PASSWORD).
        type: str
      token:
        description:
          - A personal access token (bearer token). Falls back to C(CONTROLLER_OAUTH_TOKEN).
        type: str
      api_path:
        description:
          - Path of the controller's API. C(/api/controller/v2/) behind the Automation Platform 2.5 gateway.
          - Falls back to C(CONTROLLER_API_PATH). Default C(/api/v2/).
        type: str
      validate_certs:
        description:
          - Verify the controller's TLS certificate. Falls back to C(CONTROLLER_VERIFY_SSL). Default C(true).
        type: bool
      ca_path:
        description:
          - CA bundle (PEM) that signed the controller's certificate. Falls back to C(CONTROLLER_CA_PATH).
        type: path
      timeout:
        description:
          - Seconds to wait for each answer, 1 to 600. Falls back to C(CONTROLLER_TIMEOUT). Default C(30).
        type: int
      retry_after_max:
        description:
          - Longest C(Retry-After) wait, in seconds (0 to 3600), that a throttled call waits for before it is tried
            again; a longer one fails the task at once with the wait asked for. Falls back to
            C(CONTROLLER_RETRY_AFTER_MAX). Default C(60).
        type: int
'''

    # HashiCorp Vault (or OpenBao) as the store. Mirrors HASHI_VAULT_OPTIONS in plugins/module_utils/connection.py.
    HASHI_VAULT = r'''
options:
  hashi_vault:
    description:
      - Keep the environment's credential in a HashiCorp Vault (or OpenBao) KV version 2 secret instead of a vault file
        or a controller credential. The secret holds the client ID and client secret under the names
        O(client_id_var) and O(client_secret_var) (what AWX's HashiCorp Vault Secret Lookup and
        C(community.hashi_vault)'s kv2 lookup read as they are), and the role's record under O(state_var).
      - Every write is a check-and-set against the version the run read, so another job's write is detected by the
        server and never overwritten; the run stops naming it.
      - Give O(hashi_vault.token), or O(hashi_vault.role_id) and O(hashi_vault.secret_id) (AppRole). The connection
        falls back to the environment (C(VAULT_ADDR), C(VAULT_TOKEN), ...) for what the task and C(module_defaults)
        (C(group/jama.connect.hashi_vault)) left out; C(~/.vault-token) is never read.
      - Needs the Python library C(hvac) on the controller.
      - "The token's policy needs: C(create), C(read) and C(update) on C(<mount>/data/<path>), C(read) on
        C(<mount>/metadata/<path>) and on C(sys/internal/ui/mounts/<mount>/<path>)."
    type: dict
    suboptions:
      url:
        description:
          - The server, for example C(https://vault.example.com:8200). Falls back to C(VAULT_ADDR).
        type: str
      token:
        description:
          - A token. Falls back to C(VAULT_TOKEN).
        type: str
      role_id:
        description:
          - AppRole role ID, with O(hashi_vault.secret_id). Falls back to C(VAULT_ROLE_ID).
        type: str
      secret_id:
        description:
          - AppRole secret ID. Falls back to C(VAULT_SECRET_ID).
        type: str
      auth_mount:
        description:
          - Where the AppRole auth method is mounted. Default C(approle).
        type: str
      namespace:
        description:
          - The namespace (HashiCorp Vault Enterprise, OpenBao). Falls back to C(VAULT_NAMESPACE).
        type: str
      validate_certs:
        description:
          - Verify the server's TLS certificate. Default C(true).
        type: bool
      ca_path:
        description:
          - PEM file of the CA that signed the server's certificate. Falls back to C(VAULT_CACERT).
        type: path
      timeout:
        description:
          - Seconds to wait for each answer. Default C(30).
        type: int
      mount:
        description:
          - The KV version 2 secrets engine's mount. A version 1 mount is refused. Default C(secret).
        type: str
      path:
        description:
          - The secret's path in the mount, one per environment, for example C(jama/prod). Required.
        type: str
'''
