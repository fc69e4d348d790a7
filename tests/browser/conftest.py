"""The browser test runs the emulator like the unit tests (tests/emulator) and drives Debian's Chromium through
Playwright (never a browser download; ../shared browser facts). Outside CI a machine without Chromium skips with
how to install it; under CI (CI set, as .ci/run sets it) a missing Chromium fails."""
import os
import shutil
import sys

import pytest

EMULATOR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'emulator')
if EMULATOR not in sys.path:
    sys.path.insert(0, EMULATOR)

pytest_plugins = ['jamaemu.pytest_plugin']

# Quiet on a closed network: without the background-networking flags Chromium keeps trying hosts it cannot reach.
CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
                  '--disable-background-networking', '--disable-component-update', '--disable-sync']
INSTALL = 'install Chromium with the system package manager (Debian: sudo apt-get install -y chromium)'


def chromium_path():
    found = shutil.which('chromium') or shutil.which('chromium-browser')
    if found is None:
        if os.environ.get('CI'):
            pytest.fail('Chromium is missing on this CI machine: .ci/run must %s' % INSTALL)
        pytest.skip('Chromium is not installed: %s, then run make test again' % INSTALL)
    return found


@pytest.fixture(scope='session')
def browser(tmp_path_factory):
    sync_api = pytest.importorskip('playwright.sync_api')
    executable = chromium_path()
    profile = tmp_path_factory.mktemp('chromium-profile')
    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile), executable_path=executable, headless=True, args=CHROMIUM_FLAGS,
            viewport={'width': 1500, 'height': 900})
        yield context
        context.close()
