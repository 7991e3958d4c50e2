#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""ember-cli capture: recording through GStreamer with "pipeline:" test
sources, since test machines have no microphone or camera, and the clear
error (never a hang, never a fake test tone) when no device is there."""
import glob
import math
import os
import signal
import struct
import subprocess
import time
import unittest
import wave
import zlib

from emcli import (EXIT_CANCELLED, EXIT_OK, EXIT_USAGE, CliTestCase, base_env, cli_path,
                   error_lines, main)

SINE_1K = 'pipeline:audiotestsrc wave=sine freq=1000'


def zero_crossing_hz(values, rate):
    crossings = sum(1 for a, b in zip(values, values[1:]) if (a < 0) != (b < 0))
    return crossings / 2.0 / (len(values) / rate)


def decode_png_rgb(data):
    """8-bit RGB PNG -> (width, height, rows of bytes); enough for Ember's own PNGs."""
    assert data[:8] == b'\x89PNG\r\n\x1a\n'
    pos, idat, width, height = 8, b'', 0, 0
    while pos < len(data):
        length, kind = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b'IHDR':
            width, height, depth, color = struct.unpack('>IIBB', body[:10])
            assert (depth, color) == (8, 2), (depth, color)
        elif kind == b'IDAT':
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * 3
    rows, prev = [], bytearray(stride)
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - 3] if i >= 3 else 0
            b = prev[i]
            c = prev[i - 3] if i >= 3 else 0
            if f == 1:
                line[i] = (line[i] + a) & 0xff
            elif f == 2:
                line[i] = (line[i] + b) & 0xff
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 0xff
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pred) & 0xff
        rows.append(bytes(line))
        prev = line
    return width, height, rows


class CaptureTests(CliTestCase):
    def devices(self):
        r = self.cli('capture', 'list', '--json', timeout=20)
        return __import__('json').loads(r.stdout)

    def record(self, project, *args, expect=EXIT_OK):
        r = self.cli('capture', 'audio', project, '--label', 'tone', *args, expect=expect, timeout=20)
        return r

    def audio_values(self, project, sample_id):
        s = self.show(project, sample_id, values=True)
        return s, [row[0] for row in s['values']]

    def test_list_works_with_no_devices(self):
        r = self.cli('capture', 'list', timeout=20)
        devices = self.devices()
        self.assertIsInstance(devices, list)
        if not devices:
            self.assertEqual(r.stdout, 'no microphones or cameras found\n')
        for d in devices:
            self.assertIn(d['kind'], ('microphone', 'camera'))
            self.assertTrue(d['name'])

    def test_audio_sine_16k(self):
        project = self.new_project()
        r = self.record(project, '--device', SINE_1K, '--length-ms', '500', '--name', 'beep')
        sample_id = int(r.stdout.strip())
        s, values = self.audio_values(project, sample_id)
        self.assertEqual(s['name'], 'beep')
        self.assertEqual(s['label'], 'tone')
        self.assertEqual(s['sensor'], 'audio')
        self.assertEqual(s['frames'], 8000)
        self.assertEqual(s['source_format'], 'capture')
        self.assertAlmostEqual(s['interval_ms'], 0.0625)
        self.assertEqual(s['axes'], [{'name': 'audio', 'units': 'wav'}])
        self.assertEqual(len(values), 8000)
        self.assertTrue(all(-1.0 <= v <= 1.0 for v in values))
        self.assertAlmostEqual(zero_crossing_hz(values, 16000), 1000, delta=25)

    def test_audio_rate_8000_testing(self):
        project = self.new_project()
        r = self.record(project, '--device', SINE_1K, '--rate', '8000', '--category', 'testing')
        s, values = self.audio_values(project, int(r.stdout))
        self.assertEqual(s['frames'], 8000)
        self.assertEqual(s['category'], 'testing')
        self.assertAlmostEqual(s['frequency_hz'], 8000)
        self.assertAlmostEqual(zero_crossing_hz(values, 8000), 1000, delta=25)

    def test_audio_from_wav_file(self):
        wav_path = self.path('in.wav')
        rate, hz = 16000, 250
        frames = b''.join(struct.pack('<h', int(16000 * math.sin(2 * math.pi * hz * i / rate)))
                          for i in range(rate))
        with wave.open(wav_path, 'wb') as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(rate)
            w.writeframes(frames)
        project = self.new_project()
        r = self.record(project, '--device', 'pipeline:filesrc location=%s ! wavparse' % wav_path,
                        '--length-ms', '1000')
        s, values = self.audio_values(project, int(r.stdout))
        self.assertEqual(len(values), 16000)
        # 16-bit PCM in, value / 32768 out: the first samples match exactly.
        for i in range(100):
            self.assertAlmostEqual(values[i], int(16000 * math.sin(2 * math.pi * hz * i / rate)) / 32768,
                                   places=4)
        self.assertAlmostEqual(zero_crossing_hz(values, rate), hz, delta=5)

    def test_no_microphone_is_a_clear_quick_error(self):
        if any(d['kind'] == 'microphone' for d in self.devices()):
            self.skipTest('this machine has a microphone')
        project = self.new_project()
        t0 = time.monotonic()
        r = self.record(project, expect=None)
        self.assertLess(time.monotonic() - t0, 10)
        self.assertNotEqual(r.returncode, 0)
        self.assertEqual(error_lines(r.stderr),
                         ['ember-cli: no microphone found: connect one or check your sound settings'])
        self.assertEqual(r.stdout, '')
        self.assertEqual(self.count(project), 0)

    def test_no_camera_is_a_clear_error(self):
        if any(d['kind'] == 'camera' for d in self.devices()):
            self.skipTest('this machine has a camera')
        project = self.new_project()
        r = self.cli('capture', 'camera', project, '--label', 'x', expect=None, timeout=20)
        self.assertNotEqual(r.returncode, 0)
        self.assertOneErrorLine(r.stderr, 'no camera found')

    def test_failing_pipeline(self):
        project = self.new_project()
        r = self.record(project, '--device', 'pipeline:filesrc location=/nonexistent ! wavparse',
                        expect=None)
        self.assertNotEqual(r.returncode, 0)
        self.assertOneErrorLine(r.stderr, '/nonexistent')
        r = self.record(project, '--device', 'pipeline:nosuchelement', expect=None)
        self.assertNotEqual(r.returncode, 0)
        self.assertOneErrorLine(r.stderr, 'nosuchelement')
        self.assertEqual(self.count(project), 0)

    def test_usage_errors(self):
        project = self.new_project()
        self.cli('capture', 'audio', project, expect=EXIT_USAGE)  # no --label
        self.record(project, '--rate', '12', expect=EXIT_USAGE)
        self.record(project, '--category', 'other', expect=EXIT_USAGE)
        self.cli('capture', 'camera', project, '--label', 'x', '--size', '96', expect=EXIT_USAGE)
        self.cli('capture', 'camera', project, '--label', 'x', '--count', '0', expect=EXIT_USAGE)

    def test_camera_red_picture(self):
        project = self.new_project()
        r = self.cli('capture', 'camera', project, '--label', 'red', '--size', '32x24',
                     '--device', 'pipeline:videotestsrc pattern=red', timeout=20)
        sample_id = int(r.stdout)
        s = self.show(project, sample_id)
        self.assertEqual((s['sensor'], s['width'], s['height']), ('image', 32, 24))
        self.assertEqual(s['encoding'], 'png')
        out = self.mkdir('out')
        self.cli('data', 'export', project, out)
        pngs = glob.glob(os.path.join(out, '**', '*.png'), recursive=True)
        self.assertEqual(len(pngs), 1, pngs)
        with open(pngs[0], 'rb') as f:
            width, height, rows = decode_png_rgb(f.read())
        self.assertEqual((width, height), (32, 24))
        for row in rows:
            for x in range(width):
                r_, g, b = row[x * 3:x * 3 + 3]
                self.assertTrue(r_ > 230 and g < 25 and b < 25, (r_, g, b))

    def test_camera_burst(self):
        project = self.new_project()
        t0 = time.monotonic()
        r = self.cli('capture', 'camera', project, '--label', 'ball', '--size', '16x16',
                     '--count', '3', '--interval-ms', '100', '--name', 'shot',
                     '--device', 'pipeline:videotestsrc pattern=ball', timeout=20)
        self.assertGreaterEqual(time.monotonic() - t0, 0.2)
        ids = [int(line) for line in r.stdout.split()]
        self.assertEqual(len(ids), 3)
        names = sorted(s['name'] for s in self.samples(project))
        self.assertEqual(names, ['shot-1', 'shot-2', 'shot-3'])

    def test_ctrl_c_cancels(self):
        project = self.new_project()
        # is-live paces the tone to real time: 60 s would really take 60 s.
        p = subprocess.Popen([cli_path(), 'capture', 'audio', project, '--label', 'x',
                              '--length-ms', '60000', '--device',
                              'pipeline:audiotestsrc is-live=true'],
                             env=base_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             encoding='utf-8')
        time.sleep(0.7)
        p.send_signal(signal.SIGINT)
        try:
            out, err = p.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.communicate()
            self.fail('capture did not stop on SIGINT')
        self.assertEqual(p.returncode, EXIT_CANCELLED, err)
        self.assertEqual(out, '')
        self.assertEqual(self.count(project), 0)


if __name__ == '__main__':
    main()
