#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""ember-cli data: import of every format (labels, categories, duplicates,
--report, --json), then list / show / relabel / move / enable / disable /
rm / split / stats on the result."""

import hashlib
import math
import os
import shutil
import struct
import subprocess
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import emcli  # noqa: E402
from emcli import (EXIT_BAD_INPUT, EXIT_NOT_FOUND, EXIT_PARTIAL,  # noqa: E402
                   ei_document, file_bytes, parse_report, pcm16_noise, pcm16_values,
                   png_bytes, ts_rows, write_bytes, write_csv, write_noise_wav, write_png,
                   write_wav)


def f32(x):
    """@x rounded to float32, as Ember stores it."""
    return struct.unpack('<f', struct.pack('<f', x))[0]


def f32_hash(rows):
    """Ember's content hash of F32LE values: SHA-256 of the little-endian floats."""
    flat = [v for row in rows for v in row]
    return hashlib.sha256(struct.pack('<%df' % len(flat), *flat)).hexdigest()


def hash_category(h):
    """The default 80/20 split: the first hash byte below 205 means training."""
    return 'training' if int(h[:2], 16) < 205 else 'testing'


class TestImportFormats(emcli.CliTestCase):
    def setUp(self):
        super().setUp()
        self.project = self.new_project()

    def import_one(self, path, *args):
        summary = self.import_json(self.project, path, *args)
        self.assertEqual(summary, {'files': 1, 'imported_files': 1, 'samples': 1, 'refused': 0})
        samples = self.samples(self.project)
        return self.show(self.project, samples[-1]['id'], values=True)

    def test_wav_pcm16_mono(self):
        frames = pcm16_noise(1600, seed=1)
        path = write_wav(self.path('yes.01.wav'), frames)
        s = self.import_one(path)
        self.assertEqual(s['name'], 'yes.01')
        self.assertEqual(s['label'], 'yes')
        self.assertEqual(s['sensor'], 'audio')
        self.assertEqual(s['frames'], 1600)
        self.assertAlmostEqual(s['frequency_hz'], 16000)
        self.assertAlmostEqual(s['interval_ms'], 0.0625)
        self.assertAlmostEqual(s['length_ms'], 100.0)
        self.assertEqual(s['axes'], [{'name': 'audio', 'units': 'wav'}])
        self.assertEqual(s['source_format'], 'wav:pcm16')
        self.assertEqual(s['encoding'], 'f32le')
        self.assertTrue(s['enabled'])
        expected = pcm16_values(frames)
        self.assertEqual(s['values'], expected)
        self.assertEqual(s['hash'], f32_hash(expected))
        self.assertEqual(s['category'], hash_category(s['hash']))
        self.assertGreater(s['created_us'], 1.6e15)

    def test_wav_pcm8(self):
        import random
        frames = random.Random(2).randbytes(800)
        s = self.import_one(write_wav(self.path('no.8bit.wav'), frames, rate=8000, sampwidth=1))
        self.assertEqual((s['name'], s['label']), ('no.8bit', 'no'))
        self.assertEqual(s['source_format'], 'wav:pcm8')
        self.assertAlmostEqual(s['frequency_hz'], 8000)
        self.assertEqual(s['values'], [[(b - 128) / 128.0] for b in frames])

    def test_wav_stereo(self):
        frames = pcm16_noise(480, seed=3, channels=2)
        s = self.import_one(write_wav(self.path('music.st.wav'), frames, rate=48000, channels=2))
        self.assertEqual([a['name'] for a in s['axes']], ['ch0', 'ch1'])
        self.assertEqual(s['frames'], 480)
        self.assertEqual(s['values'], pcm16_values(frames, channels=2))

    def test_wav_speech(self):
        """A real spoken keyword made with espeak-ng + sox (TESTING.md §9)."""
        if not (shutil.which('espeak-ng') and shutil.which('sox')):
            self.skipTest('espeak-ng or sox not installed')
        out = self.path('speech', 'yes.espeak.wav')
        speak = subprocess.run(['espeak-ng', '-v', 'en+f3', '-s', '150', '-p', '60', '--stdout', 'yes'],
                               stdout=subprocess.PIPE, check=True).stdout
        subprocess.run(['sox', '-V1', '--ignore-length', '-t', 'wav', '-', '-r', '16000', '-c', '1',
                        '-b', '16', out, 'silence', '1', '0.01', '0.5%', 'reverse', 'silence', '1',
                        '0.01', '0.5%', 'reverse', 'pad', '0.1', '1', 'trim', '0', '1'],
                       input=speak, check=True)
        s = self.import_one(out)
        self.assertEqual((s['label'], s['frames'], s['length_ms']), ('yes', 16000, 1000.0))
        peak = max(abs(v[0]) for v in s['values'])
        self.assertGreater(peak, 0.05, 'the clip is silent')

    def test_csv_time_series(self):
        rows = ts_rows(50, seed=4)
        path = write_csv(self.path('wave.walk1.csv'), ['timestamp', 'accX (m/s2)', 'accY', 'accZ'], rows)
        s = self.import_one(path)
        self.assertEqual((s['name'], s['label'], s['sensor']), ('wave.walk1', 'wave', 'time-series'))
        self.assertAlmostEqual(s['interval_ms'], 10)
        self.assertEqual(s['frames'], 50)
        self.assertEqual(s['axes'], [{'name': 'accX', 'units': 'm/s2'}, {'name': 'accY', 'units': ''},
                                     {'name': 'accZ', 'units': ''}])
        self.assertEqual(s['source_format'], 'csv')
        expected = [[f32(v) for v in row[1:]] for row in rows]
        self.assertEqual(s['values'], expected)
        self.assertEqual(s['hash'], f32_hash(expected))

    def test_csv_seconds_and_semicolons(self):
        rows = [[i * 0.02] + [i, -i] for i in range(20)]
        path = write_csv(self.path('idle.1.csv'), ['time_s', 'x', 'y'],
                         [['%.2f' % r[0], r[1], r[2]] for r in rows], sep=';')
        s = self.import_one(path)
        self.assertAlmostEqual(s['interval_ms'], 20)
        self.assertEqual(s['values'][3], [3.0, -3.0])

    def test_csv_tabular(self):
        path = write_csv(self.path('iris.csv'), ['a', 'b', 'label'],
                         [[1.5, 2, 'setosa'], [3, 4.25, 'virginica'], [5, 6, 'setosa']])
        summary = self.import_json(self.project, path)
        self.assertEqual((summary['imported_files'], summary['samples']), (1, 3))
        samples = self.samples(self.project)
        self.assertEqual([s['name'] for s in samples], ['iris.1', 'iris.2', 'iris.3'])
        self.assertEqual([s['label'] for s in samples], ['setosa', 'virginica', 'setosa'])
        self.assertEqual([s['frames'] for s in samples], [1, 1, 1])
        v = self.show(self.project, samples[1]['id'], values=True)['values']
        self.assertEqual(v, [[3.0, 4.25]])

    def test_ei_json_unsigned(self):
        values = [[i * 0.5, -i, 9.81] for i in range(30)]
        path = write_bytes(self.path('up.ei1.json'),
                           ei_document(values, [('accX', 'm/s2'), ('accY', 'm/s2'), ('accZ', 'm/s2')],
                                       interval_ms=16))
        s = self.import_one(path)
        self.assertEqual((s['name'], s['label'], s['sensor']), ('up.ei1', 'up', 'time-series'))
        self.assertAlmostEqual(s['interval_ms'], 16)
        self.assertEqual([a['units'] for a in s['axes']], ['m/s2'] * 3)
        self.assertEqual(s['values'], [[f32(v) for v in row] for row in values])
        self.assertEqual(s['metadata'].get('device_name'), 'dev01')
        self.assertEqual(s['metadata'].get('device_type'), 'TEST_BOARD')
        self.assertEqual(s['source_format'], 'ei-json')

    def test_ei_json_signed(self):
        values = [[i, i * i] for i in range(10)]
        doc = ei_document(values, [('a', ''), ('b', '')], key='s3cret')
        self.assertNotIn(b'0' * 64, doc)
        path = write_bytes(self.path('sig.1.json'), doc)
        s = self.import_one(path, '--hmac-key', 's3cret')
        self.assertEqual(s['values'], [[float(a), float(b)] for a, b in values])
        # Without a key the signature is not checked.
        p2 = self.new_project('p2.ember')
        self.cli('data', 'import', p2, path)
        self.assertEqual(self.count(p2), 1)

    def test_ei_json_audio(self):
        ints = [0, 1000, -1000, 32767, -32768, 5]
        path = write_bytes(self.path('clap.1.json'),
                           ei_document(ints, [('audio', 'wav')], interval_ms=0.0625))
        s = self.import_one(path)
        self.assertEqual(s['sensor'], 'audio')
        self.assertEqual(s['values'], [[v / 32768.0] for v in ints])

    def test_ei_cbor(self):
        values = [[i * 0.25, 100 - i] for i in range(12)]
        doc = emcli.ei_cbor_document(values, [('gyrX', 'deg/s'), ('gyrY', 'deg/s')], interval_ms=20, key='k1')
        path = write_bytes(self.path('turn.c1.cbor'), doc)
        s = self.import_one(path, '--hmac-key', 'k1')
        self.assertEqual((s['name'], s['label'], s['sensor']), ('turn.c1', 'turn', 'time-series'))
        self.assertAlmostEqual(s['interval_ms'], 20)
        self.assertEqual(s['values'], [[float(a), float(b)] for a, b in values])
        self.assertEqual(s['source_format'], 'ei-cbor')
        unsigned = write_bytes(self.path('turn.c2.cbor'),
                               emcli.ei_cbor_document([1, 2, 3], [('x', '')], interval_ms=5))
        s = self.import_one(unsigned)
        self.assertEqual(s['values'], [[1.0], [2.0], [3.0]])

    def test_png(self):
        data = png_bytes(12, 7, seed=5)
        s = self.import_one(write_bytes(self.path('cat.0001.png'), data))
        self.assertEqual((s['name'], s['label'], s['sensor']), ('cat.0001', 'cat', 'image'))
        self.assertEqual((s['width'], s['height']), (12, 7))
        self.assertEqual(s['encoding'], 'png')
        self.assertEqual(s['hash'], hashlib.sha256(data).hexdigest())
        self.assertNotIn('values', s)

    def test_label_option(self):
        path = write_noise_wav(self.path('yes.02.wav'), seed=6)
        s = self.import_one(path, '--label', 'unknown')
        self.assertEqual((s['name'], s['label']), ('yes.02', 'unknown'))
        # --label also wins over a tabular CSV's label column.
        csv = write_csv(self.path('t.csv'), ['x', 'label'], [[1, 'a'], [2, 'b']])
        self.cli('data', 'import', self.project, csv, '--label', 'z')
        self.assertEqual([s['label'] for s in self.samples(self.project, '--search', 't.')], ['z', 'z'])

    def test_label_without_dot(self):
        s = self.import_one(write_noise_wav(self.path('noise.wav'), seed=7))
        self.assertEqual((s['name'], s['label']), ('noise', 'noise'))

    def test_category_option_and_folders(self):
        d = self.mkdir('data')
        for c, cat in enumerate(('training', 'testing')):
            for i in range(4):
                write_noise_wav(os.path.join(d, cat, 'yes.%s%d.wav' % (cat, i)), seed=300 + 10 * c + i)
        self.cli('data', 'import', self.project, d)
        for s in self.samples(self.project):
            self.assertEqual(s['category'], 'training' if 'training' in s['name'] else 'testing', s['name'])
        # An explicit --category beats the folder.
        p2 = self.new_project('p2.ember')
        self.cli('data', 'import', p2, d, '--category', 'testing')
        self.assertEqual({s['category'] for s in self.samples(p2)}, {'testing'})
        p3 = self.new_project('p3.ember')
        self.cli('data', 'import', p3, os.path.join(d, 'testing'), '--category', 'training')
        self.assertEqual({s['category'] for s in self.samples(p3)}, {'training'})
        # "split" forces nothing, so the folder still decides.
        p4 = self.new_project('p4.ember')
        self.cli('data', 'import', p4, d, '--category', 'split')
        for s in self.samples(p4):
            self.assertEqual(s['category'], 'training' if 'training' in s['name'] else 'testing')

    def test_default_split_by_hash(self):
        d = self.mkdir('flat')
        for i in range(60):
            write_noise_wav(os.path.join(d, 'go.%02d.wav' % i), seed=1000 + i, n_frames=160)
        self.cli('data', 'import', self.project, d)
        samples = self.samples(self.project)
        self.assertEqual(len(samples), 60)
        for s in samples:
            self.assertEqual(s['category'], hash_category(s['hash']), s['name'])
        n_test = sum(s['category'] == 'testing' for s in samples)
        self.assertTrue(3 <= n_test <= 25, n_test)
        # Deterministic: the same files land in the same sets in another project.
        p2 = self.new_project('p2.ember')
        self.cli('data', 'import', p2, d)
        self.assertEqual([(s['name'], s['category']) for s in samples],
                         [(s['name'], s['category']) for s in self.samples(p2)])

    def test_folder_mixed_and_sorted(self):
        d = self.mkdir('mixed')
        write_noise_wav(os.path.join(d, 'b.1.wav'), seed=1)
        write_png(os.path.join(d, 'a.1.png'), seed=2)
        write_csv(os.path.join(d, 'c', 'c.1.csv'), ['t', 'x'], [[0, 1], [5, 2]])
        write_bytes(os.path.join(d, 'c', 'd.1.json'), ei_document([[3], [4]], [('x', '')]))
        write_bytes(os.path.join(d, 'notes.txt'), b'not data')
        write_noise_wav(os.path.join(d, '.hidden.wav'), seed=3)
        os.makedirs(os.path.join(d, '.git'))
        write_noise_wav(os.path.join(d, '.git', 'x.wav'), seed=4)
        r = self.cli('data', 'import', self.project, d, '--report')
        committed = [p for tag, p in parse_report(r.stdout) if tag == 'committed']
        self.assertEqual([os.path.relpath(p, d) for p in committed],
                         ['a.1.png', 'b.1.wav', 'c/c.1.csv', 'c/d.1.json'])
        self.assertEqual(sorted(self.by_name(self.project)), ['a.1', 'b.1', 'c.1', 'd.1'])

    def test_unsupported_file_given_explicitly(self):
        txt = write_bytes(self.path('notes.txt'), b'hello')
        r = self.cli('data', 'import', self.project, txt, expect=EXIT_BAD_INPUT)
        self.assertOneErrorLine(r.stderr, 'notes.txt', r'unsupported')
        self.assertEqual(self.count(self.project), 0)

    def test_missing_input(self):
        r = self.cli('data', 'import', self.project, self.path('nope.wav'), expect=None)
        self.assertNotEqual(r.returncode, 0)
        self.assertOneErrorLine(r.stderr, 'nope.wav', r'no such file')
        self.assertEqual(self.count(self.project), 0)


class TestImportBehaviour(emcli.CliTestCase):
    def setUp(self):
        super().setUp()
        self.project = self.new_project()
        self.dir = self.mkdir('in')
        self.files = [write_noise_wav(os.path.join(self.dir, '%s.%02d.wav' % (('yes', 'no')[i % 2], i)),
                                      seed=200 + i, n_frames=400) for i in range(10)]

    def test_summary_text(self):
        r = self.cli('data', 'import', self.project, self.dir)
        self.assertEqual(r.stdout.strip(), 'Imported 10 of 10 files (10 samples)')

    def test_summary_json(self):
        self.assertEqual(self.import_json(self.project, self.dir),
                         {'files': 10, 'imported_files': 10, 'samples': 10, 'refused': 0})

    def test_duplicates(self):
        self.cli('data', 'import', self.project, self.dir)
        before = file_bytes(self.project)
        # All refused: exit 3, one line per file saying it is already there.
        r = self.cli('data', 'import', self.project, self.dir, '--json', expect=EXIT_BAD_INPUT)
        self.assertEqual(emcli.json.loads(r.stdout),
                         {'files': 10, 'imported_files': 0, 'samples': 0, 'refused': 10})
        lines = emcli.error_lines(r.stderr)
        self.assertEqual(len(lines), 10, r.stderr)
        for path, line in zip(sorted(self.files), lines):
            self.assertIn(path, line)
            self.assertRegex(line.lower(), r'duplicate|already')
        self.assertEqual(self.count(self.project), 10)
        # The same content under another name is a duplicate too.
        shutil.copy(self.files[0], self.path('copy', 'other.1.wav'))
        r = self.cli('data', 'import', self.project, self.path('copy', 'other.1.wav'), expect=EXIT_BAD_INPUT)
        self.assertOneErrorLine(r.stderr, 'other.1.wav', r'duplicate|already')
        # Partly new: exit 6, the new one imported.
        new = write_noise_wav(os.path.join(self.dir, 'yes.new.wav'), seed=999, n_frames=400)
        r = self.cli('data', 'import', self.project, self.dir, '--report', expect=EXIT_PARTIAL)
        report = parse_report(r.stdout)
        self.assertEqual([p for t, p in report if t == 'committed'], [new])
        self.assertEqual(sorted(p for t, p in report if t == 'refused'), sorted(self.files))
        self.assertEqual(self.count(self.project), 11)
        # Allowed: everything again.
        self.assertEqual(self.import_json(self.project, self.dir, '--allow-duplicates'),
                         {'files': 11, 'imported_files': 11, 'samples': 11, 'refused': 0})
        names = [s['name'] for s in self.samples(self.project)]
        self.assertEqual(len(names), 22)
        self.assertEqual(names.count('yes.00'), 2)
        self.assertNotEqual(file_bytes(self.project), before)

    def test_duplicates_within_one_import(self):
        os.makedirs(os.path.join(self.dir, 'sub'))
        shutil.copy(self.files[3], os.path.join(self.dir, 'sub', 'again.wav'))
        r = self.cli('data', 'import', self.project, self.dir, '--json', expect=EXIT_PARTIAL)
        self.assertEqual(emcli.json.loads(r.stdout)['refused'], 1)
        self.assertEqual(self.count(self.project), 10)

    def test_report_lines(self):
        bad = write_bytes(os.path.join(self.dir, 'yes.bad.wav'), b'RIFF\x00\x00')
        r = self.cli('data', 'import', self.project, self.dir, '--report', '--batch', '3', expect=EXIT_PARTIAL)
        report = parse_report(r.stdout)
        self.assertEqual(len(report), len(r.stdout.splitlines()), 'stray lines on stdout:\n' + r.stdout)
        self.assertEqual([p for t, p in report if t == 'refused'], [bad])
        committed = [p for t, p in report if t == 'committed']
        self.assertEqual(sorted(committed), sorted(self.files))
        # Every committed path was announced pending first; none left pending.
        pending = []
        for tag, path in report:
            if tag == 'pending':
                pending.append(path)
            elif tag == 'committed':
                self.assertIn(path, pending, 'committed before pending')
                pending.remove(path)
        self.assertEqual(pending, [])
        self.assertEqual(self.count(self.project), 10)
        self.assertEqual(set(self.by_name(self.project)), {emcli.stem(p) for p in self.files})

    def test_report_batches(self):
        r = self.cli('data', 'import', self.project, self.dir, '--report', '--batch', '4')
        report = parse_report(r.stdout)
        # Group runs of the same tag.
        groups = []
        for tag, path in report:
            if groups and groups[-1][0] == tag:
                groups[-1][1].append(path)
            else:
                groups.append((tag, [path]))
        self.assertEqual([t for t, _ in groups], ['pending', 'committed'] * (len(groups) // 2))
        for (t1, p1), (t2, p2) in zip(groups[::2], groups[1::2]):
            self.assertEqual(p1, p2)
            self.assertLessEqual(len(p1), 4)
        self.assertEqual(sum(len(p) for t, p in groups if t == 'committed'), 10)

    def test_strict(self):
        write_bytes(os.path.join(self.dir, 'zz.bad.wav'), b'garbage garbage garbage garbage')
        r = self.cli('data', 'import', self.project, self.dir, '--strict', expect=EXIT_BAD_INPUT)
        self.assertIn('zz.bad.wav', r.stderr)
        self.assertIn('nothing imported', r.stderr)
        self.assertEqual(self.count(self.project), 0)


class TestEdit(emcli.CliTestCase):
    """list / show / relabel / move / enable / disable / rm / split / stats."""

    LABELS = {'yes': 20, 'no': 15, 'maybe': 7}

    def setUp(self):
        super().setUp()
        self.project = self.new_project()
        d = self.mkdir('in')
        seed = 0
        for label, n in self.LABELS.items():
            for i in range(n):
                seed += 1
                cat = 'training' if i % 4 else 'testing'
                os.makedirs(os.path.join(d, cat), exist_ok=True)
                write_noise_wav(os.path.join(d, cat, '%s.%03d.wav' % (label, i)), seed=seed,
                                n_frames=160 * (1 + i % 3))
        write_png(os.path.join(d, 'training', 'cat.1.png'), seed=1)
        self.cli('data', 'import', self.project, d)
        self.all = self.samples(self.project)
        self.ids = [s['id'] for s in self.all]

    def test_list_all(self):
        self.assertEqual(len(self.all), sum(self.LABELS.values()) + 1)
        self.assertEqual(self.ids, sorted(self.ids))
        self.assertEqual(len(set(self.ids)), len(self.ids))
        r = self.cli('data', 'list', self.project)
        lines = r.stdout.splitlines()
        self.assertRegex(lines[0], r'ID\s+NAME\s+LABEL\s+CATEGORY\s+SENSOR\s+LENGTH')
        self.assertEqual(len(lines), len(self.all) + 1)
        self.assertRegex(r.stdout, r'\n\s+\d+\s+maybe\.000\s+maybe\s+testing\s+audio\s+10 ms')
        self.assertRegex(r.stdout, r'\n\s+\d+\s+cat\.1\s+cat\s+training\s+image\s+8x6')

    def test_list_filters(self):
        yes = self.samples(self.project, '--label', 'yes')
        self.assertEqual(len(yes), 20)
        self.assertTrue(all(s['label'] == 'yes' for s in yes))
        testing = self.samples(self.project, '--category', 'testing')
        self.assertEqual(len(testing), sum((n + 3) // 4 for n in self.LABELS.values()))
        self.assertTrue(all(s['category'] == 'testing' for s in testing))
        both = self.samples(self.project, '-l', 'no', '-c', 'testing')
        self.assertEqual(sorted(s['name'] for s in both), ['no.000', 'no.004', 'no.008', 'no.012'])
        self.assertEqual(len(self.samples(self.project, '--label', 'YES')), 0)
        self.assertEqual([s['name'] for s in self.samples(self.project, '--sensor', 'image')], ['cat.1'])
        self.assertEqual(len(self.samples(self.project, '--sensor', 'time-series')), 0)

    def test_list_search(self):
        found = self.samples(self.project, '--search', 'AYB')
        self.assertEqual(len(found), 7)
        found = self.samples(self.project, '--search', '.01')
        self.assertEqual([s['name'] for s in found], [s['name'] for s in self.all if '.01' in s['name']])
        self.assertEqual(len(found), 10 + 5)
        self.assertEqual(self.samples(self.project, '--search', 'nothing-like-this'), [])
        # LIKE wildcards are literal text.
        self.assertEqual(self.samples(self.project, '--search', '%'), [])
        self.assertEqual(self.samples(self.project, '--search', '_'), [])

    def test_list_paging(self):
        self.assertEqual([s['id'] for s in self.samples(self.project, '--limit', '5')], self.ids[:5])
        self.assertEqual([s['id'] for s in self.samples(self.project, '--limit', '5', '--offset', '3')],
                         self.ids[3:8])
        self.assertEqual([s['id'] for s in self.samples(self.project, '--offset', '40')], self.ids[40:])
        self.assertEqual(self.samples(self.project, '--offset', '1000'), [])
        self.assertEqual(self.samples(self.project, '--limit', '0'), [])
        yes_ids = [s['id'] for s in self.all if s['label'] == 'yes']
        self.assertEqual([s['id'] for s in self.samples(self.project, '-l', 'yes', '-n', '4', '--offset', '2')],
                         yes_ids[2:6])
        # Pages cover everything exactly once.
        seen = []
        for off in range(0, len(self.ids), 7):
            seen += [s['id'] for s in self.samples(self.project, '--limit', '7', '--offset', str(off))]
        self.assertEqual(seen, self.ids)

    def test_show(self):
        sid = self.ids[0]
        s = self.show(self.project, sid)
        self.assertEqual(s, self.all[0])
        self.assertNotIn('values', s)
        v = self.show(self.project, sid, values=True)
        self.assertEqual(len(v['values']), v['frames'])
        r = self.cli('data', 'show', self.project, str(sid))
        self.assertIn('Sample %d: %s' % (sid, s['name']), r.stdout)
        self.assertRegex(r.stdout, r'Label:\s+%s' % s['label'])
        self.assertRegex(r.stdout, r'Hash:\s+%s' % s['hash'])
        img = [x for x in self.all if x['sensor'] == 'image'][0]
        r = self.cli('data', 'show', self.project, str(img['id']))
        self.assertRegex(r.stdout, r'Size:\s+8 x 6 png')
        self.assertNotIn('values', self.show(self.project, img['id'], values=True))

    def test_show_unknown(self):
        r = self.cli('data', 'show', self.project, '99999', expect=EXIT_NOT_FOUND)
        self.assertOneErrorLine(r.stderr, '99999')
        self.assertEqual(r.stdout, '')

    def test_relabel(self):
        ids = self.ids[:3]
        r = self.cli('data', 'relabel', self.project, 'other', *map(str, ids))
        self.assertEqual(r.stdout.strip(), '3 samples relabelled')
        now = self.by_name(self.project)
        for s in self.all:
            self.assertEqual(now[s['name']]['label'], 'other' if s['id'] in ids else s['label'])
        self.cli('data', 'relabel', self.project, '', str(ids[0]))
        self.assertEqual(self.show(self.project, ids[0])['label'], '')

    def test_move(self):
        training = [s['id'] for s in self.all if s['category'] == 'training'][:4]
        r = self.cli('data', 'move', self.project, 'testing', *map(str, training))
        self.assertEqual(r.stdout.strip(), '4 samples moved')
        for i in training:
            self.assertEqual(self.show(self.project, i)['category'], 'testing')
        self.cli('data', 'move', self.project, 'training', str(training[0]))
        self.assertEqual(self.show(self.project, training[0])['category'], 'training')
        # Unchanged elsewhere.
        others = {s['id']: s['category'] for s in self.samples(self.project) if s['id'] not in training}
        self.assertEqual(others, {s['id']: s['category'] for s in self.all if s['id'] not in training})

    def test_enable_disable(self):
        ids = self.ids[5:8]
        r = self.cli('data', 'disable', self.project, *map(str, ids))
        self.assertEqual(r.stdout.strip(), '3 samples disabled')
        self.assertEqual([s['id'] for s in self.samples(self.project, '--enabled', 'no')], ids)
        self.assertEqual(len(self.samples(self.project, '--enabled', 'yes')), len(self.ids) - 3)
        self.assertIn('(disabled)', self.cli('data', 'list', self.project).stdout)
        self.assertIn('(disabled)', self.cli('data', 'show', self.project, str(ids[0])).stdout)
        r = self.cli('data', 'enable', self.project, str(ids[1]))
        self.assertEqual(r.stdout.strip(), '1 sample enabled')
        self.assertEqual([s['id'] for s in self.samples(self.project, '--enabled', 'no')], [ids[0], ids[2]])

    def test_rm(self):
        ids = self.ids[-2:]
        r = self.cli('data', 'rm', self.project, *map(str, ids))
        self.assertEqual(r.stdout.strip(), '2 samples deleted')
        self.assertEqual([s['id'] for s in self.samples(self.project)], self.ids[:-2])
        self.cli('data', 'show', self.project, str(ids[0]), expect=EXIT_NOT_FOUND)
        # Rows in the other tables went with them.
        self.assertEqual(emcli.db_query(self.project, 'PRAGMA foreign_key_check'), [])
        n_data = emcli.db_query(self.project, 'SELECT count(*) FROM sample_data')[0][0]
        self.assertEqual(n_data, len(self.ids) - 2)

    def test_unknown_id_changes_nothing(self):
        before = self.samples(self.project)
        good = str(self.ids[0])
        for args in (['rm', good, '424242'], ['relabel', 'x', good, '424242'],
                     ['move', 'testing', good, '424242'], ['disable', good, '424242'],
                     ['enable', '424242', good]):
            with self.subTest(command=args[0]):
                r = self.cli('data', args[0], self.project, *args[1:], expect=EXIT_NOT_FOUND)
                self.assertOneErrorLine(r.stderr, '424242')
                self.assertEqual(r.stdout, '')
                self.assertEqual(self.samples(self.project), before)
        self.assertEqual(emcli.db_query(self.project, 'SELECT count(*) FROM samples')[0][0], len(before))

    def test_split(self):
        def categories():
            return {s['id']: s['category'] for s in self.samples(self.project)}

        def check_fraction(cats, fraction):
            for label in list(self.LABELS) + ['cat']:
                members = [s['id'] for s in self.all if s['label'] == label]
                n_train = sum(cats[i] == 'training' for i in members)
                self.assertEqual(n_train, math.floor(len(members) * fraction + 0.5), label)

        r = self.cli('data', 'split', self.project, '--seed', '3')
        self.assertIn('80% training', r.stdout)
        first = categories()
        check_fraction(first, 0.8)
        self.cli('data', 'split', self.project, '--seed', '4')
        other = categories()
        check_fraction(other, 0.8)
        self.assertNotEqual(first, other, 'the seed changes nothing')
        self.cli('data', 'split', self.project, '--seed', '3')
        self.assertEqual(categories(), first, 'not deterministic for a seed')
        self.cli('data', 'split', self.project, '--train', '0.5', '--seed', '3')
        check_fraction(categories(), 0.5)
        self.cli('data', 'split', self.project, '--train', '1')
        self.assertEqual(set(categories().values()), {'training'})
        self.cli('data', 'split', self.project, '--train', '0')
        self.assertEqual(set(categories().values()), {'testing'})

    def test_split_leaves_disabled(self):
        self.cli('data', 'split', self.project, '--train', '0')
        disabled = [s['id'] for s in self.all if s['label'] == 'yes'][:5]
        self.cli('data', 'disable', self.project, *map(str, disabled))
        self.cli('data', 'split', self.project, '--train', '1')
        cats = {s['id']: s['category'] for s in self.samples(self.project)}
        for i in self.ids:
            self.assertEqual(cats[i], 'testing' if i in disabled else 'training')

    def test_stats(self):
        stats = self.cli_json('data', 'stats', self.project, '--json')
        self.assertEqual([s['label'] for s in stats], sorted(list(self.LABELS) + ['cat']))
        for row in stats:
            members = [s for s in self.all if s['label'] == row['label']]
            for cat in ('training', 'testing'):
                mine = [s for s in members if s['category'] == cat]
                self.assertEqual(row[cat], len(mine), (row['label'], cat))
                self.assertAlmostEqual(row[cat + '_ms'], sum(s.get('length_ms', 0) for s in mine), places=3)
        r = self.cli('data', 'stats', self.project)
        self.assertRegex(r.stdout, r'LABEL\s+TRAINING\s+TESTING')
        self.assertRegex(r.stdout, r'\nyes\s+15\s+5\s+25\.0%')

    def test_readd_after_rm(self):
        victim = self.all[0]
        self.cli('data', 'rm', self.project, str(victim['id']))
        d = os.path.join(self.tmp, 'in')
        r = self.cli('data', 'import', self.project, d, '--json', expect=EXIT_PARTIAL)
        self.assertEqual(emcli.json.loads(r.stdout)['imported_files'], 1)
        self.assertIn(victim['name'], self.by_name(self.project))


if __name__ == '__main__':
    emcli.main()
