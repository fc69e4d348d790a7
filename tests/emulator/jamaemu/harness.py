"""Start and stop the emulator as a child process: free ports, a real readiness check, stop by PID.

Used by the pytest fixture, the integration and molecule runners and ``make demo``:

    python -m jamaemu.harness start --workdir DIR [emulator options]   # returns once it answers
    python -m jamaemu.harness stop --workdir DIR                        # SIGTERM by PID, waits
"""
import argparse
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request

from .server import INFO_FILE

READY_TIMEOUT_SECONDS = 20
STOP_TIMEOUT_SECONDS = 10
PID_FILE = 'emulator.pid'


class EmulatorError(RuntimeError):
    pass


def _health(admin_url):
    try:
        with urllib.request.urlopen(admin_url + '/health', timeout=1) as response:
            return response.status == 200
    except OSError:
        return False


def _read_info(workdir, pid):
    try:
        with open(os.path.join(workdir, INFO_FILE), encoding='utf-8') as handle:
            info = json.load(handle)
    except (OSError, ValueError):
        return None
    # A file left by an earlier run with another PID does not count.
    return info if info.get('pid') == pid else None


def start(workdir, options=(), python=sys.executable, log_path=None):
    """Start the emulator and return its info once the admin endpoint answers."""
    os.makedirs(workdir, exist_ok=True)
    # The emulator's ports are chosen by the OS (port 0), so two runs never collide.
    log = open(log_path or os.path.join(workdir, 'emulator.log'), 'ab')  # pylint: disable=consider-using-with
    env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    process = subprocess.Popen(  # pylint: disable=consider-using-with
        [python, '-m', 'jamaemu', '--workdir', workdir] + list(options),
        stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env, start_new_session=True)
    log.close()
    with open(os.path.join(workdir, PID_FILE), 'w', encoding='utf-8') as handle:
        handle.write(str(process.pid))
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise EmulatorError('The emulator exited with status %s; see %s/emulator.log'
                                % (process.returncode, workdir))
        info = _read_info(workdir, process.pid)
        if info and _health(info['admin_url']):
            return info
        time.sleep(0.05)  # poll interval between readiness checks, not a readiness assumption
    stop_pid(process.pid)
    raise EmulatorError('The emulator did not become ready within %d s' % READY_TIMEOUT_SECONDS)


def alive(pid):
    """Whether the process exists (a zombie child of ours counts as gone once reaped)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie child of ours counts as gone once reaped.
    try:
        done, _status = os.waitpid(pid, os.WNOHANG)
        return done == 0
    except ChildProcessError:
        return True


def stop_pid(pid):
    """SIGTERM, wait, then SIGKILL if it did not stop in time. Returns True once it is gone."""
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return True
    deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if not alive(pid):
            return True
        time.sleep(0.05)
    os.kill(pid, signal.SIGKILL)
    return False


def stop(workdir):
    pid_path = os.path.join(workdir, PID_FILE)
    if not os.path.exists(pid_path):
        return False
    with open(pid_path, encoding='utf-8') as handle:
        pid = int(handle.read().strip())
    stop_pid(pid)
    os.unlink(pid_path)
    return True


def main(argv=None):
    parser = argparse.ArgumentParser(prog='jamaemu.harness')
    parser.add_argument('action', choices=('start', 'stop'))
    parser.add_argument('--workdir', required=True)
    args, options = parser.parse_known_args(argv)
    try:
        if args.action == 'start':
            info = start(args.workdir, options)
            print(json.dumps(info, indent=2))
            print('Emulator running as PID %d; details in %s' % (info['pid'], os.path.join(args.workdir, INFO_FILE)))
        else:
            print('Emulator stopped.' if stop(args.workdir) else 'No emulator PID file in %s.' % args.workdir)
    except EmulatorError as error:
        print('ERROR: %s' % error, file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
