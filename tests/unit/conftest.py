"""Unit tests may use the emulator (a real HTTPS server on 127.0.0.1) through the project's pytest plugin."""
import os
import sys

EMULATOR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'emulator')
if EMULATOR not in sys.path:
    sys.path.insert(0, EMULATOR)

pytest_plugins = ['jamaemu.pytest_plugin']
