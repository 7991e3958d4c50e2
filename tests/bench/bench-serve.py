# SPDX-License-Identifier: Apache-2.0
"""Benchmark `ember-cli serve`: N keep-alive clients post 1 s 16 kHz mono
16-bit WAVs over loopback for --seconds, then report samples/s and the
samples lost (answered 200 but not in the project; must be 0).

Clients are processes, not threads: one Python interpreter cannot build
and send requests fast enough to load the server, and the GIL would make
the figure about Python rather than Ember."""

import argparse
import http.client
import json
import multiprocessing
import os
import re
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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--seconds', type=float, default=20)
    ap.add_argument('--clients', type=int, default=32)
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

        queue = multiprocessing.Queue()
        start = time.monotonic()
        deadline = start + args.seconds
        procs = [multiprocessing.Process(target=client, args=(i, host, port, key, deadline, queue))
                 for i in range(args.clients)]
        for p in procs:
            p.start()
        results = [queue.get() for _ in procs]
        elapsed = time.monotonic() - start
        for p in procs:
            p.join()

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
        lost = ok - stored
        print('serve: %d clients, %.1f s, %d samples stored, %.0f samples/s (%.1f MB/s), '
              '%d failed requests, lost %d, server exit %d'
              % (args.clients, elapsed, ok, ok / elapsed, ok * 32044 / elapsed / 1e6, failed, lost, code))
        if errors:
            print('first error: %s' % errors[0])
        return 0 if lost == 0 and failed == 0 and code == 0 else 1


if __name__ == '__main__':
    sys.exit(main())
