# SPDX-License-Identifier: Apache-2.0
"""Benchmark `ember-cli serve`: N keep-alive clients post 1 s 16 kHz mono
16-bit WAVs over loopback for --seconds, then report samples/s and the
samples lost (answered 200 but not in the project; must be 0).

Clients: wrk (Debian package wrk) when it is installed, 32 keep-alive
connections each posting distinct WAVs from a Lua script; otherwise Python
processes. On a 2-core machine the Python clients use most of the CPU, so
their figure says more about Python than about Ember; wrk does not."""

import argparse
import http.client
import json
import multiprocessing
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time

LISTEN_RE = re.compile(r'Listening on http://([0-9.]+):(\d+)/ \(api key: ([^)]*)\)')


def cli():
    path = os.environ.get('EMBER_CLI')
    if not path:
        sys.exit('EMBER_CLI is not set: run with meson test --benchmark serve')
    return path


def wav_header(n_bytes, rate=16000):
    return (b'RIFF' + struct.pack('<I', 36 + n_bytes) + b'WAVE' +
            b'fmt ' + struct.pack('<IHHIIHH', 16, 1, 1, rate, rate * 2, 2, 16) +
            b'data' + struct.pack('<I', n_bytes))


def client(index, host, port, key, deadline, queue):
    """Post distinct WAVs until @deadline; report (ok, failed, error text)."""
    pcm = bytearray(os.urandom(32000))
    header = wav_header(len(pcm))
    ok = failed = 0
    err = ''
    conn = http.client.HTTPConnection(host, port, timeout=60)
    n = 0
    while time.monotonic() < deadline:
        # Distinct content per request: client index and counter up front.
        pcm[0:8] = struct.pack('<II', index, n)
        n += 1
        try:
            conn.request('POST', '/api/training/data', body=header + pcm,
                         headers={'x-api-key': key, 'Content-Type': 'audio/wav',
                                  'x-label': 'bench'})
            r = conn.getresponse()
            body = r.read()
            if r.status == 200 and json.loads(body)['success']:
                ok += 1
            else:
                failed += 1
                err = '%d %s' % (r.status, body[:200])
        except (OSError, http.client.HTTPException) as e:
            failed += 1
            err = repr(e)
            conn.close()
            conn = http.client.HTTPConnection(host, port, timeout=60)
    conn.close()
    queue.put((ok, failed, err))


WRK_SCRIPT = r"""
local pcm = string.rep("\1\2", 16000)
local header = "%(header)s"
local counter = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "audio/wav"
wrk.headers["x-api-key"] = "%(key)s"
wrk.headers["x-label"] = "bench"
request = function ()
  -- Distinct content per request: a counter in the first samples.
  counter = counter + 1
  local tag = string.format("%%016x%%016x", counter, math.random (0, 2^31))
  return wrk.format (nil, "/api/training/data", nil, header .. tag .. pcm:sub (33))
end
"""


def run_wrk(host, port, key, seconds, clients, tmp):
    header = ''.join('\\%d' % b for b in wav_header(32000))
    script = os.path.join(tmp, 'post.lua')
    with open(script, 'w') as f:
        f.write(WRK_SCRIPT % {'header': header, 'key': key})
    out = subprocess.run(['wrk', '-t', '2', '-c', str(clients), '-d', '%ds' % seconds, '-s', script,
                          'http://%s:%d/api/training/data' % (host, port)],
                         stdout=subprocess.PIPE, encoding='utf-8', check=True).stdout
    total = int(re.search(r'(\d+) requests in', out).group(1))
    bad = re.search(r'Non-2xx or 3xx responses: (\d+)', out)
    socket = re.search(r'Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)', out)
    failed = (int(bad.group(1)) if bad else 0) + (sum(int(g) for g in socket.groups()) if socket else 0)
    return total - (int(bad.group(1)) if bad else 0), failed, out if failed else ''


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--seconds', type=float, default=20)
    ap.add_argument('--clients', type=int, default=32)
    ap.add_argument('--client', choices=('wrk', 'python'), default='wrk' if shutil.which('wrk') else 'python')
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix='ember-bench-serve-') as tmp:
        project = os.path.join(tmp, 'bench.ember')
        subprocess.run([cli(), 'project', 'create', project], check=True, stdout=subprocess.DEVNULL)
        server = subprocess.Popen([cli(), 'serve', project, '--port', '0'],
                                  stdout=subprocess.PIPE, encoding='utf-8')
        m = LISTEN_RE.search(server.stdout.readline())
        if not m:
            server.kill()
            sys.exit('serve did not start')
        host, port, key = m.group(1), int(m.group(2)), m.group(3)
        # Discard the per-sample lines so the server never blocks on the pipe.
        drain = subprocess.Popen(['cat'], stdin=server.stdout, stdout=subprocess.DEVNULL)

        start = time.monotonic()
        if args.client == 'wrk':
            results = [run_wrk(host, port, key, int(args.seconds), args.clients, tmp)]
        else:
            queue = multiprocessing.Queue()
            deadline = start + args.seconds
            procs = [multiprocessing.Process(target=client, args=(i, host, port, key, deadline, queue))
                     for i in range(args.clients)]
            for p in procs:
                p.start()
            results = [queue.get() for _ in procs]
            for p in procs:
                p.join()
        elapsed = time.monotonic() - start

        server.send_signal(signal.SIGINT)
        code = server.wait(timeout=60)
        drain.wait(timeout=10)
        ok = sum(r[0] for r in results)
        failed = sum(r[1] for r in results)
        errors = [r[2] for r in results if r[2]]
        out = subprocess.run([cli(), 'project', 'info', project, '--json'],
                             stdout=subprocess.PIPE, encoding='utf-8')
        try:
            info = json.loads(out.stdout)
            stored = info.get('n_samples', info.get('samples'))
        except ValueError:
            stored = None
        if not isinstance(stored, int):
            listed = subprocess.run([cli(), 'data', 'list', project, '--json'],
                                    stdout=subprocess.PIPE, encoding='utf-8', check=True)
            stored = len(json.loads(listed.stdout))
        # wrk counts only answers that came back before its deadline; requests
        # still in flight then are stored too, so stored may exceed ok by up
        # to one per connection. Lost means answered OK but not stored.
        lost = max(0, ok - stored)
        print('serve (%s clients): %d clients, %.1f s, %d answered OK, %d stored, %.0f samples/s '
              '(%.1f MB/s), %d failed requests, lost %d, server exit %d'
              % (args.client, args.clients, elapsed, ok, stored, ok / elapsed, ok * 32044 / elapsed / 1e6,
                 failed, lost, code))
        if errors:
            print('first error: %s' % errors[0])
        return 0 if lost == 0 and failed == 0 and code == 0 else 1


if __name__ == '__main__':
    sys.exit(main())
