pytest_plugins = ['jamaemu.pytest_plugin']
