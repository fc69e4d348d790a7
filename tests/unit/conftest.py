"""Unit tests may use the emulator (a real HTTPS server on 127.0.0.1) through the project's pytest plugin."""
import os
import sys

EMULATOR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'emulator')
if EMULATOR not in sys.path:
    sys.path.insert(0, EMULATOR)

pytest_plugins = ['jamaemu.pytest_plugin', 'ansible_collections.jama.connect.tests.unit.plugins.plugin_utils.openbao']

# make test runs the unit tests on both ansible-core versions side by side, and the fault suite is most of their
# time (about two minutes each). Its cases prove the engine's healing, which does not depend on the ansible-core
# version, so make test shares them out: scripts/test.sh writes "INDEX/COUNT" into this file of each version's
# copy, and each copy runs every COUNT-th case from INDEX. Every case still runs once; the other unit tests run on
# both versions. Without the file (ansible-test units run by hand, or one version alone) every case runs.
FAULT_SHARD = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'fault-shard')
FAULT_SUITE = 'test_reconcile_faults.py'


def pytest_collection_modifyitems(config, items):
    if not os.path.exists(FAULT_SHARD):
        return
    with open(FAULT_SHARD, encoding='utf-8') as handle:
        index, count = (int(part) for part in handle.read().strip().split('/'))
    faults = [item for item in items if FAULT_SUITE in item.nodeid]
    deselected = [item for number, item in enumerate(faults) if number % count != index]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if item not in deselected]
