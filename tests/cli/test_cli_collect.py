# SPDX-License-Identifier: Apache-2.0
"""ember-cli serve's collection page: the key check over plain HTTP, then
headless Chromium recording with its fake microphone and camera.

The page reads ?auto=microphone|camera|accelerometer&label=&length= and
records at once, then logs "ember-collect: done: ..." (or error) to the
browser console, which Chromium prints on stderr with --enable-logging.
Headless Chromium has no motion sensor: auto=accelerometer&simulate=1
dispatches synthetic DeviceMotionEvents to the page's own listener, so the
same recording, EI JSON and upload code runs. --dump-dom with a virtual
time budget would dump the page before real-time capture ends, so the
browser runs until the page says it is done and is then stopped.

Without chromium (Debian package chromium) the HTTP checks still run and
the script exits 77 (skipped)."""

import http.client
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(__file__))
from emcli import CliTestCase  # noqa: E402
from test_cli_serve import Server  # noqa: E402

CHROMIUM = shutil.which('chromium') or shutil.which('chromium-browser')
COLLECT_RE = re.compile(r'Collect from a browser or phone: (http://\S+)')
OUTCOME_RE = re.compile(r'ember-collect: (done|error): (.*?)", source:')
QR_LINE_RE = re.compile('^[\u2588\u2580\u2584 ]+$')


def get(host, port, path):
    """-> (status, content type, body text)."""
    conn = http.client.HTTPConnection(host, port, timeout=30)
    try:
        conn.request('GET', path)
        r = conn.getresponse()
        return r.status, r.getheader('Content-Type', ''), r.read().decode('utf-8', 'replace')
    finally:
        conn.close()


class CollectTest(CliTestCase):

    def setUp(self):
        super().setUp()
        self.project = self.new_project()
        self.server = Server(self.project, '--collect-host', '127.0.0.1')
        self.addCleanup(self._stop)
        # The URL and its QR code follow the "Listening" line.
        deadline = time.monotonic() + 20
        self.url = None
        while self.url is None and time.monotonic() < deadline:
            for line in list(self.server.lines):
                m = COLLECT_RE.search(line)
                if m:
                    self.url = m.group(1)
            time.sleep(0.05)
        self.assertIsNotNone(self.url, 'no collection URL printed: %r' % self.server.lines)

    def _stop(self):
        code = self.server.proc.poll()
        if code is None:
            self.server.proc.send_signal(signal.SIGINT)
            try:
                code = self.server.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.server.proc.kill()
                self.server.proc.wait()
        self.server.reader.join(timeout=5)
        stderr = self.server.proc.stderr.read()
        self.server.proc.stdout.close()
        self.server.proc.stderr.close()
        # A crash (or a sanitizer's report) in the server fails the test.
        self.assertEqual(code, 0, stderr)

    def test_url_and_qr(self):
        parsed = urllib.parse.urlsplit(self.url)
        self.assertEqual(parsed.hostname, '127.0.0.1')
        self.assertEqual(parsed.port, self.server.port)
        self.assertEqual(parsed.path, '/collect')
        self.assertEqual(urllib.parse.parse_qs(parsed.query), {'key': [self.server.api_key]})
        # A QR code in half blocks follows: square (n + 8 modules wide,
        # half as many lines), a light quiet zone on top.
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            qr = [l.rstrip('\n') for l in self.server.lines if QR_LINE_RE.match(l.rstrip('\n'))]
            width = len(qr[0]) if qr else 0
            if qr and len(qr) == (width + 1) // 2:
                break
            time.sleep(0.05)
        self.assertGreaterEqual(width, 21 + 8)
        self.assertEqual((width - 8 - 17) % 4, 0, 'not a QR size: %d' % width)
        self.assertEqual(len(qr), (width + 1) // 2)
        self.assertTrue(all(len(l) == width for l in qr))
        self.assertEqual(qr[0], '\u2588' * width)
        self.assertEqual(qr[1], '\u2588' * width)

    def test_page_needs_the_key(self):
        host, port, key = self.server.host, self.server.port, self.server.api_key
        for path in ('/collect', '/collect?key=', '/collect?key=wrong',
                     '/collect?key=' + key[:-1], '/collect?key=' + key.upper()):
            status, ctype, body = get(host, port, path)
            self.assertEqual(status, 403, path)
            self.assertTrue(ctype.startswith('text/html'), ctype)
            self.assertIn('Forbidden', body)
            self.assertNotIn(key, body)
        for path in ('/collect?key=' + urllib.parse.quote(key), '/collect?key=' + key + '&auto='):
            status, ctype, body = get(host, port, path)
            self.assertEqual(status, 200, path)
            self.assertTrue(ctype.startswith('text/html'), ctype)
            self.assertIn('<script src="/collect.js">', body)
        # The script holds no secret: served to anyone, with no other origin.
        status, ctype, body = get(host, port, '/collect.js')
        self.assertEqual(status, 200)
        self.assertTrue(ctype.startswith('text/javascript'), ctype)
        self.assertIn('getUserMedia', body)
        self.assertNotIn(key, body)
        self.assertNotRegex(body, r'https?://')
        # Elsewhere the ingestion server still answers JSON, even with the key.
        for path in ('/', '/?key=' + key, '/nothing'):
            status, _, body = get(host, port, path)
            self.assertEqual(status, 404, path)
            self.assertIn('"success"', body)
        self.assertEqual(self.count(self.project), 0)

    def browse(self, query):
        """Open the page with @query, wait for its outcome -> (state, text)."""
        profile = tempfile.mkdtemp(prefix='chromium-', dir=self.path())
        args = [CHROMIUM, '--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run',
                '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
                '--autoplay-policy=no-user-gesture-required', '--user-data-dir=' + profile,
                '--remote-debugging-port=0', '--enable-logging=stderr', '--v=0',
                self.url + '&' + query]
        proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, encoding='utf-8', errors='replace',
                                start_new_session=True)
        outcome = []
        log = []

        def read():
            for line in proc.stderr:
                log.append(line)
                m = OUTCOME_RE.search(line)
                if m and not outcome:
                    outcome.append((m.group(1), m.group(2)))

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        deadline = time.monotonic() + 45
        while not outcome and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        # Chromium's helpers share its session: stop them all with it.
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        reader.join(timeout=5)
        proc.stderr.close()
        self.assertTrue(outcome, 'the page gave no outcome; chromium said:\n' + ''.join(log[-30:]))
        return outcome[0]

    def only_sample(self, **filters):
        samples = self.samples(self.project)
        self.assertEqual(len(samples), 1, samples)
        return samples[0]

    @unittest.skipIf(CHROMIUM is None, 'chromium is not installed (Debian package chromium)')
    def test_microphone(self):
        state, text = self.browse('auto=microphone&label=yes&length=1000')
        self.assertEqual(state, 'done', text)
        s = self.only_sample()
        self.assertEqual((s['label'], s['category'], s['sensor']), ('yes', 'training', 'audio'))
        self.assertTrue(s['name'].startswith('yes.'), s['name'])
        self.assertEqual(s['source_format'], 'wav:pcm16')
        self.assertEqual(s['frequency_hz'], 16000.0)
        # Counted in samples at the device rate, then resampled: 1 s within
        # one resampling step.
        self.assertLessEqual(abs(s['frames'] - 16000), 2, s['frames'])
        # The fake microphone beeps: not silence.
        values = [v[0] for v in self.show(self.project, s['id'], values=True)['values']]
        self.assertGreater(max(abs(v) for v in values), 0.1)
        self.assertIn('Stored sample %d: ' % s['id'], ''.join(self.server.lines))

    @unittest.skipIf(CHROMIUM is None, 'chromium is not installed (Debian package chromium)')
    def test_camera(self):
        state, text = self.browse('auto=camera&label=cup&category=testing')
        self.assertEqual(state, 'done', text)
        s = self.only_sample()
        self.assertEqual((s['label'], s['category'], s['sensor']), ('cup', 'testing', 'image'))
        self.assertEqual(s['source_format'], 'jpeg')
        self.assertGreater(s['width'], 0)
        self.assertGreater(s['height'], 0)

    @unittest.skipIf(CHROMIUM is None, 'chromium is not installed (Debian package chromium)')
    def test_accelerometer_simulated(self):
        state, text = self.browse('auto=accelerometer&simulate=1&label=wave&length=2000')
        self.assertEqual(state, 'done', text)
        s = self.only_sample()
        self.assertEqual((s['label'], s['category'], s['sensor']), ('wave', 'training', 'time-series'))
        self.assertEqual(s['source_format'], 'ei-json')
        self.assertEqual([a['name'] for a in s['axes']], ['accX', 'accY', 'accZ'])
        self.assertEqual([a['units'] for a in s['axes']], ['m/s2'] * 3)
        self.assertEqual(s['interval_ms'], 16.0)
        self.assertEqual(s['frames'], 125)
        values = self.show(self.project, s['id'], values=True)['values']
        # Gravity on z, the simulated waves on x and y.
        self.assertAlmostEqual(sum(v[2] for v in values) / len(values), 9.81, delta=0.3)
        self.assertGreater(max(v[0] for v in values) - min(v[0] for v in values), 1.0)

    @unittest.skipIf(CHROMIUM is None, 'chromium is not installed (Debian package chromium)')
    def test_bad_label_is_refused_by_the_page(self):
        state, text = self.browse('auto=accelerometer&simulate=1&label=%20padded&length=200')
        self.assertEqual(state, 'error')
        self.assertIn('label', text)
        self.assertEqual(self.count(self.project), 0)


if __name__ == '__main__':
    result = unittest.main(verbosity=2, exit=False).result
    if not result.wasSuccessful():
        sys.exit(1)
    if CHROMIUM is None:
        print('SKIP: chromium is not installed (Debian package chromium): browser tests not run')
        sys.exit(77)
