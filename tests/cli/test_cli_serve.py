# SPDX-License-Identifier: Apache-2.0
"""ember-cli serve: the HTTP ingestion server, driven with http.client.

One server per test class (starting one per test would dominate the run
time); every test checks the project afterwards with `data list --json`,
so a refused request that stored anything, or an accepted one that did
not, shows up at once."""

import http.client
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import unittest

sys.path.insert(0, os.path.dirname(__file__))
import emcli  # noqa: E402
from emcli import (EXIT_OK, CliTestCase, base_env, cli_path, ei_cbor_document,  # noqa: E402
                   ei_document, pcm16_noise, png_bytes)

LISTEN_RE = re.compile(r'Listening on http://([0-9.]+):(\d+)/ \(api key: ([^)]*)\)')


def wav_bytes(seed, n_frames=1600, rate=16000):
    """A mono 16-bit WAV file in memory, distinct per seed."""
    import io
    import wave
    buf = io.BytesIO()
    with wave.open(buf, 'wb') as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm16_noise(n_frames, seed))
    return buf.getvalue()


def multipart(files, boundary='ember-test-boundary-7d1'):
    """files: (field, filename, content type, bytes) -> (body, content type)."""
    out = b''
    for field, name, ctype, data in files:
        out += (b'--' + boundary.encode() + b'\r\n' +
                ('Content-Disposition: form-data; name="%s"; filename="%s"\r\n' % (field, name)).encode() +
                ('Content-Type: %s\r\n\r\n' % ctype).encode() + data + b'\r\n')
    out += b'--' + boundary.encode() + b'--\r\n'
    return out, 'multipart/form-data; boundary=' + boundary


class Server:
    def __init__(self, project, *extra, env=None):
        self.proc = subprocess.Popen([cli_path(), 'serve', project, '--port', '0'] + list(extra),
                                     env=base_env(env), stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     encoding='utf-8', errors='replace')
        line = self.proc.stdout.readline()
        m = LISTEN_RE.search(line)
        if not m:
            self.proc.kill()
            raise AssertionError('no "Listening on" line: %r\n%s' % (line, self.proc.stderr.read()))
        self.host, self.port, self.api_key = m.group(1), int(m.group(2)), m.group(3)
        self.lines = []
        # Drain stdout so the server never blocks on a full pipe.
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line)

    def post(self, body, content_type, path='/api/training/data', api_key=True, headers=None,
             method='POST'):
        """-> (status, parsed JSON answer)."""
        conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        h = {'Content-Type': content_type} if content_type else {}
        if api_key is True:
            h['x-api-key'] = self.api_key
        elif api_key:
            h['x-api-key'] = api_key
        h.update(headers or {})
        try:
            conn.request(method, path, body=body, headers=h)
            r = conn.getresponse()
            text = r.read()
        finally:
            conn.close()
        try:
            answer = json.loads(text)
        except ValueError:
            raise AssertionError('answer is not JSON (%d): %r' % (r.status, text[:200]))
        return r.status, answer

    def stop(self):
        """SIGINT -> (exit code, stderr)."""
        self.proc.send_signal(signal.SIGINT)
        try:
            code = self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise
        self.reader.join(timeout=5)
        return code, self.proc.stderr.read()


class ServeTest(CliTestCase):

    def start(self, *extra, hmac_key=None, env=None):
        self.project = self.new_project()
        if hmac_key is not None:
            self.cli('project', 'keys', self.project, '--hmac-key', hmac_key)
            keys = self.cli_json('project', 'keys', self.project, '--json')
            self.assertTrue(keys['hmac_key_set'])
            # The secret itself is never printed.
            self.assertNotIn(hmac_key, self.cli('project', 'keys', self.project).stdout)
        self.server = Server(self.project, *extra, env=env)
        self.addCleanup(self._stop)
        self.expected = {}  # name -> (label, category)

    def _stop(self):
        if self.server.proc.poll() is None:
            self.server.proc.kill()
            self.server.proc.wait()
        self.server.reader.join(timeout=5)
        self.server.proc.stdout.close()
        self.server.proc.stderr.close()

    def ok(self, body, ctype, n=1, **kw):
        status, answer = self.server.post(body, ctype, **kw)
        self.assertEqual(status, 200, answer)
        self.assertTrue(answer['success'], answer)
        self.assertEqual(len(answer['files']), n, answer)
        for f in answer['files']:
            self.assertIsInstance(f['id'], int)
            self.assertGreater(f['id'], 0)
        return answer

    def refused(self, status, body, ctype, must_contain=None, **kw):
        got, answer = self.server.post(body, ctype, **kw)
        self.assertEqual(got, status, answer)
        self.assertFalse(answer['success'], answer)
        self.assertIsInstance(answer['error'], str)
        self.assertNotIn('\n', answer['error'])
        if must_contain:
            self.assertIn(must_contain, answer['error'])
        return answer

    def expect(self, name, label, category='training'):
        self.expected[name] = (label, category)

    def check_project(self):
        stored = {s['name']: (s['label'], s['category']) for s in self.samples(self.project)}
        self.assertEqual(stored, self.expected)

    def finish(self):
        code, stderr = self.server.stop()
        self.assertEqual(code, EXIT_OK, stderr)
        self.check_project()

    # --- valid data ----------------------------------------------------------

    def test_valid_bodies(self):
        self.start()
        values = [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]
        sensors = [('accX', 'm/s2'), ('accY', 'm/s2'), ('accZ', 'm/s2')]
        self.ok(ei_document(values, sensors), 'application/json',
                headers={'x-file-name': 'wave.json.01.json', 'x-label': 'wave'})
        self.expect('wave.json.01', 'wave')
        self.ok(ei_cbor_document([[7.0, 8.0, 9.0], [1.5, 2.5, 3.5]], sensors), 'application/cbor',
                headers={'x-file-name': 'idle.cb.cbor'})
        self.expect('idle.cb', 'idle')
        a = self.ok(wav_bytes(1), 'audio/wav', headers={'x-file-name': 'yes.01.wav'})
        self.assertEqual(a['files'][0]['name'], 'yes.01')
        self.expect('yes.01', 'yes')
        self.ok(wav_bytes(2), 'audio/x-wav', headers={'x-label': 'noise'}, path='/api/testing/data')
        names = [s['name'] for s in self.samples(self.project) if s['label'] == 'noise']
        self.assertEqual(len(names), 1)
        self.expect(names[0], 'noise', 'testing')
        csv = b'timestamp,x,y\n0,1,2\n10,3,4\n20,5,6\n'
        self.ok(csv, 'text/csv', headers={'x-file-name': 'ts.a.csv'})
        self.expect('ts.a', 'ts')
        tabular = b'f1,f2,label\n1,2,up\n3,4,down\n'
        self.ok(tabular, 'text/csv', n=2, headers={'x-file-name': 'rows.csv'}, path='/api/testing/data')
        self.expect('rows.1', 'up', 'testing')
        self.expect('rows.2', 'down', 'testing')
        self.ok(png_bytes(8, 6, seed=3), 'image/png', headers={'x-file-name': 'cat.1.png'})
        self.expect('cat.1', 'cat')
        body, ctype = multipart([('data', 'dog.1.wav', 'audio/wav', wav_bytes(10)),
                                 ('data', 'dog.2.png', 'image/png', png_bytes(5, 5, seed=11)),
                                 ('data', 'cat.3.wav', 'application/octet-stream', wav_bytes(12))])
        a = self.ok(body, ctype, n=3, path='/api/testing/data')
        self.assertEqual([f['name'] for f in a['files']], ['dog.1', 'dog.2', 'cat.3'])
        self.expect('dog.1', 'dog', 'testing')
        self.expect('dog.2', 'dog', 'testing')
        self.expect('cat.3', 'cat', 'testing')
        # Duplicates are stored unless the device asks otherwise (as EI does).
        self.ok(wav_bytes(1), 'audio/wav', headers={'x-file-name': 'yes.02.wav'})
        self.expect('yes.02', 'yes')
        self.check_project()
        code, stderr = self.server.stop()
        self.assertEqual(code, EXIT_OK, stderr)
        self.assertEqual(sum(1 for l in self.server.lines if l.startswith('Stored sample')), 12,
                         self.server.lines)
        self.check_project()

    def test_signed(self):
        key = 'sekrit-hmac'
        self.start(hmac_key=key)
        values = [[1.0, 2.0], [3.0, 4.0]]
        sensors = [('a', 'm'), ('b', 'm')]
        self.ok(ei_document(values, sensors, key=key), 'application/json',
                headers={'x-file-name': 'signed.json'})
        self.expect('signed', 'signed')
        self.ok(ei_cbor_document(values, sensors, key=key), 'application/cbor',
                headers={'x-file-name': 'signedc.cbor'})
        self.expect('signedc', 'signedc')
        self.refused(400, ei_document(values, sensors, key='other'), 'application/json',
                     headers={'x-file-name': 'forged.json'}, must_contain='forged.json')
        self.refused(400, ei_cbor_document([[9.0, 9.0]], sensors, key='other'), 'application/cbor',
                     headers={'x-file-name': 'forged.cbor'})
        # A signed project refuses unsigned documents too.
        self.refused(400, ei_document(values, sensors), 'application/json',
                     headers={'x-file-name': 'plain.json'})
        self.finish()

    # --- refused -------------------------------------------------------------

    def test_refused(self):
        self.start('--max-body-mb', '1')
        wav = wav_bytes(5)
        self.refused(401, wav, 'audio/wav', api_key=None)
        self.refused(401, wav, 'audio/wav', api_key='ei_wrong')
        self.refused(400, b'\x00garbage\xff' * 50, 'audio/wav', headers={'x-file-name': 'junk.wav'},
                     must_contain='junk.wav')
        self.refused(400, b'{"not": "ei"}', 'application/json')
        self.refused(400, b'', 'audio/wav')
        self.refused(415, wav, 'application/x-tar', must_contain='application/x-tar')
        self.refused(415, wav, None)
        body, ctype = multipart([('data', 'a.1.wav', 'audio/wav', wav_bytes(20)),
                                 ('data', 'b.2.wav', 'audio/wav', wav_bytes(21))])
        self.refused(400, body[:len(body) * 2 // 3], ctype)
        # One bad part: nothing of the request is stored, the part is named.
        body, ctype = multipart([('data', 'a.1.wav', 'audio/wav', wav_bytes(22)),
                                 ('data', 'bad.2.wav', 'audio/wav', b'RIFF' + b'\x01' * 60),
                                 ('data', 'c.3.png', 'image/png', png_bytes(4, 4, seed=2))])
        self.refused(400, body, ctype, must_contain='part 2 (bad.2.wav)')
        body, ctype = multipart([('data', 'a.1.wav', 'audio/wav', wav_bytes(23)),
                                 ('data', 'x.zip', 'application/zip', b'PK\x03\x04')])
        self.refused(415, body, ctype, must_contain='x.zip')
        self.refused(405, None, None, method='GET')
        self.refused(405, None, None, method='PUT')
        self.refused(404, wav, 'audio/wav', path='/api/other/data')
        self.refused(404, None, None, path='/', method='GET')
        # Over --max-body-mb 1 with Expect: 100-continue (as curl sends for
        # big bodies): refused from the headers, the body is never sent.
        conn = http.client.HTTPConnection(self.server.host, self.server.port, timeout=30)
        conn.putrequest('POST', '/api/training/data')
        conn.putheader('x-api-key', self.server.api_key)
        conn.putheader('Content-Type', 'audio/wav')
        conn.putheader('Content-Length', str(2 * 1024 * 1024))
        conn.putheader('Expect', '100-continue')
        conn.endheaders()
        r = conn.getresponse()
        answer = json.loads(r.read())
        conn.close()
        self.assertEqual(r.status, 413, answer)
        self.assertFalse(answer['success'])
        # Just over the limit, sent whole: read and dropped, then refused.
        big = wav_bytes(30, n_frames=(1024 * 1024) // 2 + 100)
        self.refused(413, big, 'audio/wav')
        # Chunked: no length up front, so the limit applies as it arrives.
        conn = http.client.HTTPConnection(self.server.host, self.server.port, timeout=30)
        conn.request('POST', '/api/training/data', body=iter([big[i:i + 65536] for i in range(0, len(big), 65536)]),
                     headers={'x-api-key': self.server.api_key, 'Content-Type': 'audio/wav'},
                     encode_chunked=True)
        r = conn.getresponse()
        answer = json.loads(r.read())
        conn.close()
        self.assertEqual(r.status, 413, answer)
        conn = http.client.HTTPConnection(self.server.host, self.server.port, timeout=30)
        small = wav_bytes(31)
        conn.request('POST', '/api/training/data', body=iter([small[:100], small[100:]]),
                     headers={'x-api-key': self.server.api_key, 'Content-Type': 'audio/wav',
                              'x-file-name': 'chunked.wav'}, encode_chunked=True)
        r = conn.getresponse()
        answer = json.loads(r.read())
        conn.close()
        self.assertEqual(r.status, 200, answer)
        self.expect('chunked', 'chunked')
        # A client that gives up before the answer loses nothing it was told.
        conn = http.client.HTTPConnection(self.server.host, self.server.port, timeout=30)
        conn.request('POST', '/api/training/data', body=wav_bytes(32),
                     headers={'x-api-key': self.server.api_key, 'Content-Type': 'audio/wav',
                              'x-file-name': 'gone.wav'})
        conn.close()
        self.expect('gone', 'gone')
        # Duplicates when the device refuses them.
        self.ok(wav, 'audio/wav', headers={'x-file-name': 'one.wav'})
        self.expect('one', 'one')
        self.refused(409, wav, 'audio/wav', headers={'x-file-name': 'again.wav',
                                                     'x-disallow-duplicates': '1'},
                     must_contain='again.wav')
        body, ctype = multipart([('data', 'd.1.wav', 'audio/wav', wav_bytes(40)),
                                 ('data', 'd.2.wav', 'audio/wav', wav_bytes(40))])
        self.refused(409, body, ctype, headers={'x-disallow-duplicates': 'true'},
                     must_contain='d.2.wav')
        # The server still works after all that.
        self.ok(wav_bytes(41), 'audio/wav', headers={'x-file-name': 'last.wav'})
        self.expect('last', 'last')
        self.finish()

    def test_full_disk(self):
        # One-second clips are 16 pages each: the cap is met after a few.
        self.start(env={'EMBER_TEST_MAX_PAGE_COUNT': '200'})
        stored = 0
        for i in range(40):
            status, answer = self.server.post(wav_bytes(100 + i, n_frames=16000), 'audio/wav',
                                              headers={'x-file-name': 'full.%02d.wav' % i})
            if status != 200:
                break
            stored += 1
            self.expect('full.%02d' % i, 'full')
        self.assertGreater(stored, 0, 'nothing fitted: raise the page count')
        self.assertEqual(status, 500, answer)
        self.assertFalse(answer['success'])
        self.assertIn(os.path.basename(self.project), answer['error'])
        self.assertIn('disk is full', answer['error'])
        self.finish()


if __name__ == '__main__':
    unittest.main(verbosity=2)
