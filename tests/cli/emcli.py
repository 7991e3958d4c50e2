# SPDX-License-Identifier: Apache-2.0
"""Shared helpers for the ember-cli tests: run the binary, write input files.

Standard library only; run with Debian's /usr/bin/python3. The binary comes
from $EMBER_CLI (set by meson's test_env)."""

import hashlib
import hmac
import json
import os
import random
import sqlite3
import struct
import subprocess
import sys
import tempfile
import unittest
import wave
import zlib

# Exit codes of ember-cli (src/cli/em-cli.h).
EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_BAD_INPUT = 3
EXIT_PROJECT = 4
EXIT_NOT_FOUND = 5
EXIT_PARTIAL = 6
EXIT_CANCELLED = 130


def cli_path():
    path = os.environ.get('EMBER_CLI')
    if not path:
        sys.exit('EMBER_CLI is not set: run these tests with meson test')
    if not os.access(path, os.X_OK):
        sys.exit('EMBER_CLI=%s is not an executable' % path)
    return path


def schema_version():
    """EM_PROJECT_SCHEMA_VERSION from src/core/em-project.h."""
    import re
    root = os.environ.get('EMBER_SOURCE_ROOT') or os.path.join(os.path.dirname(__file__), '..', '..')
    with open(os.path.join(root, 'src', 'core', 'em-project.h')) as f:
        return int(re.search(r'#define\s+EM_PROJECT_SCHEMA_VERSION\s+(\d+)', f.read()).group(1))


def base_env(extra=None):
    env = dict(os.environ)
    # Messages are compared in English, whatever the developer's locale.
    env['LC_ALL'] = 'C.UTF-8'
    env.pop('LANGUAGE', None)
    env.pop('EMBER_TEST_MAX_PAGE_COUNT', None)
    if extra:
        env.update(extra)
    return env


def run(*args, env=None, timeout=300, stdin=subprocess.DEVNULL, **kwargs):
    """Run ember-cli ARGS; returns CompletedProcess with text stdout/stderr."""
    return subprocess.run([cli_path()] + [str(a) for a in args], env=base_env(env),
                          stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          encoding='utf-8', errors='replace', timeout=timeout, **kwargs)


def can_run_as_nobody():
    """As root, file modes do not stop us: tests of them run ember-cli as
    'nobody' instead. True when that works (or when not root at all)."""
    if os.geteuid() != 0:
        return True
    try:
        subprocess.run(['/bin/true'], preexec_fn=_drop_to_nobody, check=True)
        return True
    except (OSError, subprocess.SubprocessError):
        return False


def _drop_to_nobody():
    os.setgroups([])
    os.setgid(65534)
    os.setuid(65534)


def run_unprivileged(*args, env=None, timeout=120):
    """Run ember-cli ARGS as 'nobody' when root, else as ourselves. Paths it
    needs must be reachable by that user (see open_up())."""
    return subprocess.run([cli_path()] + [str(a) for a in args], env=base_env(env),
                          stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          encoding='utf-8', errors='replace', timeout=timeout,
                          preexec_fn=_drop_to_nobody if os.geteuid() == 0 else None)


def open_up(path):
    """Let 'nobody' reach @path: a+x on it and every folder above it."""
    path = os.path.abspath(path)
    while path != '/':
        mode = os.stat(path).st_mode
        if not mode & 0o001:
            os.chmod(path, (mode & 0o7777) | 0o001)
        path = os.path.dirname(path)


def error_lines(stderr):
    """The stderr lines that are messages (progress lines left out)."""
    out = []
    for line in stderr.replace('\r', '\n').splitlines():
        line = line.replace('\033[K', '').strip()
        if not line or line.startswith(('Importing:', 'Exporting:', 'Creating demo:')):
            continue
        out.append(line)
    return out


def parse_report(stdout):
    """'pending' / 'committed' / 'refused' lines of --report as (tag, path)."""
    rows = []
    lines = stdout.split('\n')
    if lines and lines[-1] != '':
        lines = lines[:-1]  # a line cut off by a kill
    for line in lines:
        if '\t' not in line:
            continue
        tag, path = line.split('\t', 1)
        if tag in ('pending', 'committed', 'refused'):
            rows.append((tag, path))
    return rows


def stem(path):
    """Sample name of an imported file: its basename without the extension."""
    base = os.path.basename(path)
    dot = base.rfind('.')
    return base[:dot] if dot > 0 else base


# --- input files -------------------------------------------------------------

def pcm16_noise(n_frames, seed, channels=1):
    """Distinct 16-bit PCM bytes: seeded noise, the seed in the first frame."""
    rng = random.Random(seed)
    data = bytearray(rng.randbytes(n_frames * channels * 2))
    data[0:4] = struct.pack('<i', seed & 0x7fffffff)[:4]
    return bytes(data)


def _parent(path):
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)


def write_wav(path, frames, rate=16000, channels=1, sampwidth=2):
    """Write PCM @frames (bytes, already in the WAV sample format) with the wave module."""
    _parent(path)
    with wave.open(str(path), 'wb') as w:
        w.setnchannels(channels)
        w.setsampwidth(sampwidth)
        w.setframerate(rate)
        w.writeframes(frames)
    return path


def write_noise_wav(path, seed, n_frames=1600, rate=16000, channels=1, sampwidth=2):
    if sampwidth == 2:
        frames = pcm16_noise(n_frames, seed, channels)
    else:
        rng = random.Random(seed)
        frames = rng.randbytes(n_frames * channels * sampwidth)
    return write_wav(path, frames, rate, channels, sampwidth)


def pcm16_values(frames, channels=1):
    """What Ember stores for 16-bit PCM: value / 32768, per frame, per channel."""
    n = len(frames) // 2
    ints = struct.unpack('<%dh' % n, frames)
    return [[ints[i + c] / 32768.0 for c in range(channels)] for i in range(0, n, channels)]


def png_bytes(width, height, seed=0, color_type=2):
    """A minimal valid PNG (8-bit RGB or grey), written with zlib + struct."""
    rng = random.Random(seed)
    channels = {0: 1, 2: 3}[color_type]
    raw = b''.join(b'\x00' + rng.randbytes(width * channels) for _ in range(height))

    def chunk(kind, body):
        return (struct.pack('>I', len(body)) + kind + body +
                struct.pack('>I', zlib.crc32(kind + body) & 0xffffffff))

    ihdr = struct.pack('>IIBBBBB', width, height, 8, color_type, 0, 0, 0)
    return (b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', ihdr) +
            chunk(b'IDAT', zlib.compress(raw, 9)) + chunk(b'IEND', b''))


def write_png(path, width=8, height=6, seed=0):
    _parent(path)
    with open(path, 'wb') as f:
        f.write(png_bytes(width, height, seed))
    return path


def write_csv(path, header, rows, sep=','):
    _parent(path)
    with open(path, 'w', newline='') as f:
        f.write(sep.join(header) + '\n')
        for row in rows:
            f.write(sep.join(str(v) for v in row) + '\n')
    return path


def ts_rows(n, seed, interval_ms=10, axes=3):
    """Rows of a regular time series: timestamp (ms) then @axes values."""
    rng = random.Random(seed)
    return [[i * interval_ms] + [round(rng.uniform(-20, 20), 3) for _ in range(axes)]
            for i in range(n)]


def ei_document(values, sensors, interval_ms=10.0, key=None, device_name='dev01',
                device_type='TEST_BOARD', iat=1700000000):
    """An Edge Impulse data acquisition JSON document as bytes; HS256-signed
    with @key: HMAC-SHA256 over the document with the signature set to 64 '0'."""
    doc = {
        'protected': {'ver': 'v1', 'alg': 'HS256' if key is not None else 'none', 'iat': iat},
        'signature': '0' * 64,
        'payload': {
            'device_name': device_name,
            'device_type': device_type,
            'interval_ms': interval_ms,
            'sensors': [{'name': n, 'units': u} for n, u in sensors],
            'values': values,
        },
    }
    text = json.dumps(doc, separators=(',', ':')).encode()
    if key is None:
        return text
    sig = hmac.new(key.encode(), text, hashlib.sha256).hexdigest()
    return text.replace(b'"signature":"' + b'0' * 64 + b'"', b'"signature":"' + sig.encode() + b'"', 1)


def cbor_encode(obj):
    """A small CBOR encoder (RFC 8949) for test documents: maps, arrays, text,
    integers, floats (float32 when exact, else float64), booleans and null."""
    def head(major, n):
        if n < 24:
            return bytes([major << 5 | n])
        for extra, fmt in ((24, '>B'), (25, '>H'), (26, '>I'), (27, '>Q')):
            if n < 1 << (8 * struct.calcsize(fmt)):
                return bytes([major << 5 | extra]) + struct.pack(fmt, n)
        raise ValueError(n)

    if obj is None:
        return b'\xf6'
    if obj is True:
        return b'\xf5'
    if obj is False:
        return b'\xf4'
    if isinstance(obj, int):
        return head(0, obj) if obj >= 0 else head(1, -1 - obj)
    if isinstance(obj, float):
        as32 = struct.pack('>f', obj)
        if struct.unpack('>f', as32)[0] == obj:
            return b'\xfa' + as32
        return b'\xfb' + struct.pack('>d', obj)
    if isinstance(obj, str):
        data = obj.encode()
        return head(3, len(data)) + data
    if isinstance(obj, (bytes, bytearray)):
        return head(2, len(obj)) + bytes(obj)
    if isinstance(obj, (list, tuple)):
        return head(4, len(obj)) + b''.join(cbor_encode(x) for x in obj)
    if isinstance(obj, dict):
        return head(5, len(obj)) + b''.join(cbor_encode(k) + cbor_encode(v) for k, v in obj.items())
    raise TypeError(type(obj))


def ei_cbor_document(values, sensors, interval_ms=10.0, key=None, device_name='dev01',
                     device_type='TEST_BOARD', iat=1700000000):
    """The CBOR form of ei_document(); signed over the CBOR bytes with the
    signature text set to 64 '0'."""
    doc = {
        'protected': {'ver': 'v1', 'alg': 'HS256' if key is not None else 'none', 'iat': iat},
        'signature': '0' * 64,
        'payload': {
            'device_name': device_name,
            'device_type': device_type,
            'interval_ms': float(interval_ms),
            'sensors': [{'name': n, 'units': u} for n, u in sensors],
            'values': values,
        },
    }
    data = cbor_encode(doc)
    if key is None:
        return data
    sig = hmac.new(key.encode(), data, hashlib.sha256).hexdigest().encode()
    return data.replace(b'0' * 64, sig, 1)


def write_float_wav(path, values, rate=16000, channels=1):
    """A WAVE_FORMAT_IEEE_FLOAT (3) file; the wave module only writes PCM."""
    _parent(path)
    data = struct.pack('<%df' % len(values), *values)
    # A non-PCM fmt chunk carries cbSize, and a fact chunk the frame count.
    fmt = struct.pack('<HHIIHHH', 3, channels, rate, rate * channels * 4, channels * 4, 32, 0)
    body = (b'WAVE' + b'fmt ' + struct.pack('<I', len(fmt)) + fmt +
            b'fact' + struct.pack('<II', 4, len(values) // channels) +
            b'data' + struct.pack('<I', len(data)) + data)
    with open(path, 'wb') as f:
        f.write(b'RIFF' + struct.pack('<I', len(body)) + body)
    return path


def write_bytes(path, data):
    _parent(path)
    with open(path, 'wb') as f:
        f.write(data)
    return path


def file_bytes(path):
    with open(path, 'rb') as f:
        return f.read()


# --- database inspection -------------------------------------------------------

def db_query(project, sql, args=()):
    con = sqlite3.connect(str(project), timeout=30)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def db_integrity(project):
    return db_query(project, 'PRAGMA integrity_check')[0][0]


def db_names(project):
    return [r[0] for r in db_query(project, 'SELECT name FROM samples ORDER BY id')]


# --- test case base --------------------------------------------------------------

class CliTestCase(unittest.TestCase):
    """A test with its own temporary directory and helpers around ember-cli."""

    maxDiff = 4000

    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix='ember-cli-test-')
        self.tmp = self._tmp.name

    def tearDown(self):
        self._tmp.cleanup()

    def path(self, *parts):
        p = os.path.join(self.tmp, *parts)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        return p

    def mkdir(self, *parts):
        p = os.path.join(self.tmp, *parts)
        os.makedirs(p, exist_ok=True)
        return p

    def cli(self, *args, expect=EXIT_OK, env=None, timeout=300):
        r = run(*args, env=env, timeout=timeout)
        if expect is not None and r.returncode != expect:
            self.fail('ember-cli %s: exit %d, expected %d\n--- stdout\n%s--- stderr\n%s'
                      % (' '.join(str(a) for a in args), r.returncode, expect, r.stdout, r.stderr))
        return r

    def new_project(self, name='p.ember'):
        project = self.path(name)
        self.cli('project', 'create', project)
        return project

    def cli_json(self, *args, expect=EXIT_OK):
        r = self.cli(*args, expect=expect)
        try:
            return json.loads(r.stdout)
        except ValueError as e:
            self.fail('ember-cli %s: stdout is not JSON (%s):\n%s' % (' '.join(map(str, args)), e, r.stdout))

    def samples(self, project, *filters):
        return self.cli_json('data', 'list', project, '--json', *filters)

    def count(self, project):
        return len(self.samples(project))

    def show(self, project, sample_id, values=False):
        args = ['data', 'show', project, str(sample_id), '--json']
        if values:
            args.append('--values')
        return self.cli_json(*args)

    def import_json(self, project, *args, expect=EXIT_OK):
        return self.cli_json('data', 'import', project, '--json', *args, expect=expect)

    def by_name(self, project):
        return {s['name']: s for s in self.samples(project)}

    def assertOneErrorLine(self, stderr, must_contain, reason_pattern=None):
        """Exactly one 'ember-cli: ...' message that names @must_contain and a reason."""
        lines = error_lines(stderr)
        self.assertEqual(len(lines), 1, 'expected one error line, got:\n' + stderr)
        line = lines[0]
        self.assertTrue(line.startswith('ember-cli: '), line)
        self.assertIn(must_contain, line)
        # Something besides the name: "PATH: reason" or "no sample with id N".
        reason = line[len('ember-cli: '):].replace(must_contain, '').strip(' :')
        self.assertTrue(reason, 'no reason given in: ' + line)
        if reason_pattern is not None:
            self.assertRegex(line.lower(), reason_pattern)
        return line


def main():
    cli_path()
    unittest.main(verbosity=2)
