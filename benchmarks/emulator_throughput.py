"""Measure the emulator's throughput with concurrent keep-alive clients, rate limit off.

    PYTHONPATH=tests/emulator .venv/newest/bin/python benchmarks/emulator_throughput.py [--clients 8] [--seconds 5]

Writes its figures to benchmarks/results/emulator-throughput.json. A benchmark, not a test: nothing asserts
on the numbers. Traffic goes to 127.0.0.1 only, and every loop is bounded by count and time.
"""
import argparse
import json
import os
import platform
import sys
import threading
import time

import requests

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'tests', 'emulator'))
from jamaemu.accounts import SERVICE  # noqa: E402  pylint: disable=wrong-import-position
from jamaemu.pytest_plugin import start_emulator, stop_emulator  # noqa: E402  pylint: disable=wrong-import-position

RESULTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'results', 'emulator-throughput.json')
MAX_REQUESTS_PER_CLIENT = 100000


def worker(url, ca_file, deadline, counts, index):
    with requests.Session() as session:
        done = 0
        errors = 0
        while time.monotonic() < deadline and done < MAX_REQUESTS_PER_CLIENT:
            response = session.get(url, auth=SERVICE, verify=ca_file, timeout=10)
            done += 1
            errors += response.status_code != 200
        counts[index] = (done, errors)


def run(emulator, clients, seconds, path):
    counts = [(0, 0)] * clients
    deadline = time.monotonic() + seconds
    started = time.monotonic()
    threads = [threading.Thread(target=worker, args=(emulator.jama_url + path, emulator.ca_file, deadline, counts, i))
               for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 30)
    elapsed = time.monotonic() - started
    total = sum(done for done, _errors in counts)
    return {'path': path, 'clients': clients, 'seconds': round(elapsed, 2), 'requests': total,
            'errors': sum(errors for _done, errors in counts), 'requests_per_second': round(total / elapsed, 1)}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--clients', type=int, default=8)
    parser.add_argument('--seconds', type=float, default=5)
    args = parser.parse_args()
    started = time.monotonic()
    emulator = start_emulator(['--rate-limit', '0'])
    ready = time.monotonic() - started
    try:
        figures = {'startup_seconds': round(ready, 3), 'cpu_count': os.cpu_count(), 'python': platform.python_version(),
                   'runs': [run(emulator, args.clients, args.seconds, '/rest/v1/users/current'),
                            run(emulator, 1, args.seconds, '/rest/v1/users/current')]}
    finally:
        stop_emulator(emulator)
    os.makedirs(os.path.dirname(RESULTS), exist_ok=True)
    with open(RESULTS, 'w', encoding='utf-8') as handle:
        json.dump(figures, handle, indent=2)
    print(json.dumps(figures, indent=2))
    print('written to %s' % RESULTS)


if __name__ == '__main__':
    main()
