#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""ember-cli data export, then import into a new project: the same samples
(name, label, category, enabled, values, hash) for every format."""

import json
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import emcli  # noqa: E402
from emcli import (EXIT_BAD_INPUT, ei_cbor_document, ei_document, file_bytes,  # noqa: E402
                   pcm16_noise, png_bytes, ts_rows, write_bytes, write_csv, write_float_wav,
                   write_noise_wav, write_wav)


class RoundTrip(emcli.CliTestCase):
    def setUp(self):
        super().setUp()
        self.src = self.new_project('src.ember')
        self.images = {}

    # --- fixtures -------------------------------------------------------------

    def add_audio(self):
        d = self.mkdir('audio')
        for i in range(6):
            write_noise_wav(os.path.join(d, 'yes.%02d.wav' % i), seed=10 + i, n_frames=800)
        write_noise_wav(os.path.join(d, 'no.8bit.wav'), seed=30, n_frames=400, sampwidth=1, rate=8000)
        write_noise_wav(os.path.join(d, 'no.24bit.wav'), seed=31, n_frames=300, sampwidth=3)
        write_float_wav(os.path.join(d, 'no.float.wav'), [((i * 37) % 200 - 100) / 101.0 for i in range(500)])
        write_wav(os.path.join(d, 'stereo.1.wav'), pcm16_noise(300, seed=32, channels=2), channels=2)
        self.cli('data', 'import', self.src, d)

    def add_time_series(self):
        d = self.mkdir('ts')
        for i in range(4):
            write_csv(os.path.join(d, 'wave.%d.csv' % i), ['timestamp', 'accX (m/s2)', 'accY (m/s2)', 'accZ (m/s2)'],
                      ts_rows(40 + i, seed=50 + i, interval_ms=16))
        for i in range(3):
            values = [[round(0.1 * k + i, 4), -k * 1.5] for k in range(25)]
            write_bytes(os.path.join(d, 'idle.j%d.json' % i),
                        ei_document(values, [('gyrX', 'deg/s'), ('gyrY', 'deg/s')], interval_ms=20,
                                    device_name='board-%d' % i))
        write_bytes(os.path.join(d, 'idle.cbor1.cbor'),
                    ei_cbor_document([[0.5, 1.5], [2.5, -3.25]], [('a', 'g'), ('b', 'g')], interval_ms=8))
        self.cli('data', 'import', self.src, d)

    def add_images(self):
        d = self.mkdir('img')
        for i in range(4):
            data = png_bytes(10 + i, 5 + i, seed=70 + i)
            write_bytes(os.path.join(d, 'cat.%d.png' % i), data)
            self.images['cat.%d' % i] = data
        self.cli('data', 'import', self.src, d)

    def edit_some(self):
        """Move, disable and relabel a few, so the manifest has work to do."""
        samples = self.samples(self.src)
        self.cli('data', 'move', self.src, 'testing', str(samples[0]['id']), str(samples[-1]['id']))
        self.cli('data', 'move', self.src, 'training', str(samples[1]['id']))
        self.cli('data', 'disable', self.src, str(samples[2]['id']))
        self.cli('data', 'relabel', self.src, 'renamed', str(samples[3]['id']))

    # --- comparison -------------------------------------------------------------

    def snapshot(self, project):
        out = {}
        for s in self.samples(project):
            full = self.show(project, s['id'], values=True)
            key = full['name']
            self.assertNotIn(key, out, 'two samples named %s' % key)
            out[key] = full
        return out

    def assertSameSamples(self, a_project, b_project, check_sensor=True, check_source=False):
        a, b = self.snapshot(a_project), self.snapshot(b_project)
        self.assertEqual(sorted(a), sorted(b))
        for name in a:
            x, y = a[name], b[name]
            with self.subTest(sample=name):
                fields = ['label', 'category', 'enabled', 'hash', 'frames']
                if check_sensor:
                    fields.append('sensor')
                if check_source:
                    fields.append('source_format')
                for f in fields:
                    self.assertEqual(x.get(f), y.get(f), '%s: %s differs' % (name, f))
                # EI files always carry a device type; the writer's default is "EMBER".
                meta = dict(y['metadata'])
                if 'device_type' not in x['metadata'] and meta.get('device_type') == 'EMBER':
                    del meta['device_type']
                self.assertEqual(x['metadata'], meta, '%s: metadata differs' % name)
                if x['sensor'] == 'image':
                    self.assertEqual((x['width'], x['height'], x['encoding']),
                                     (y['width'], y['height'], y['encoding']))
                else:
                    self.assertEqual(x['values'], y['values'], '%s: values differ' % name)
                    self.assertAlmostEqual(x['interval_ms'], y['interval_ms'], places=9)
                    self.assertEqual([ax['name'] for ax in x['axes']], [ax['name'] for ax in y['axes']])
                    self.assertEqual([ax['units'] for ax in x['axes']], [ax['units'] for ax in y['axes']])

    def export_import(self, *export_args, import_args=()):
        out = self.path('export')
        r = self.cli('data', 'export', self.src, out, *export_args)
        self.assertIn('Exported to', r.stdout)
        dst = self.new_project('dst%d.ember' % len(os.listdir(self.tmp)))
        self.cli('data', 'import', dst, out, *import_args)
        return out, dst

    # --- tests ------------------------------------------------------------------

    def test_default_formats(self):
        self.add_audio()
        self.add_time_series()
        self.add_images()
        self.edit_some()
        out, dst = self.export_import()
        self.assertSameSamples(self.src, dst, check_source=True)
        # Layout: training/ and testing/ with LABEL.NAME.EXT, and a manifest.
        files = sorted(os.path.relpath(os.path.join(r, f), out) for r, _, fs in os.walk(out) for f in fs)
        self.assertIn('info.labels', files)
        yes01 = self.by_name(self.src)['yes.01']
        self.assertIn('%s/yes.01.wav' % yes01['category'], files)
        exts = {os.path.splitext(f)[1] for f in files}
        self.assertEqual(exts, {'.wav', '.csv', '.json', '.cbor', '.png', '.labels'})
        manifest = json.loads(file_bytes(os.path.join(out, 'info.labels')))
        self.assertEqual(manifest['version'], 1)
        self.assertEqual(len(manifest['files']), self.count(self.src))
        # Images are written back byte for byte.
        for name, data in self.images.items():
            matches = [f for f in files if os.path.basename(f) == name + '.png']
            self.assertEqual(len(matches), 1, name)
            self.assertEqual(file_bytes(os.path.join(out, matches[0])), data)

    def test_wav(self):
        self.add_audio()
        self.edit_some()
        out, dst = self.export_import()
        self.assertSameSamples(self.src, dst, check_source=True)
        # A PCM16 WAV comes back as the same 16-bit samples.
        exported = [os.path.join(r, f) for r, _, fs in os.walk(out) for f in fs if f == 'yes.03.wav']
        self.assertEqual(len(exported), 1)
        import wave
        with wave.open(exported[0]) as w:
            self.assertEqual((w.getnchannels(), w.getsampwidth(), w.getframerate(), w.getnframes()),
                             (1, 2, 16000, 800))
            self.assertEqual(w.readframes(800), pcm16_noise(800, seed=13))

    def test_csv(self):
        self.add_time_series()
        self.edit_some()
        _, dst = self.export_import('--format', 'csv')
        self.assertSameSamples(self.src, dst)

    def test_csv_audio(self):
        """Audio exported as CSV still comes back as the same values."""
        self.add_audio()
        _, dst = self.export_import('--format', 'csv')
        self.assertSameSamples(self.src, dst)

    def test_ei_json(self):
        self.add_time_series()
        self.add_audio()
        self.edit_some()
        _, dst = self.export_import('--format', 'ei-json')
        self.assertSameSamples(self.src, dst)

    def test_ei_cbor(self):
        self.add_time_series()
        self.add_audio()
        self.edit_some()
        _, dst = self.export_import('--format', 'ei-cbor')
        self.assertSameSamples(self.src, dst)

    def test_images(self):
        self.add_images()
        self.edit_some()
        _, dst = self.export_import()
        self.assertSameSamples(self.src, dst, check_source=True)

    def test_signed_export(self):
        self.add_time_series()
        out, dst = self.export_import('--format', 'ei-json', '--hmac-key', 'topsecret',
                                      import_args=('--hmac-key', 'topsecret'))
        self.assertSameSamples(self.src, dst)
        for r, _, fs in os.walk(out):
            for f in fs:
                if f.endswith('.json'):
                    doc = json.loads(file_bytes(os.path.join(r, f)))
                    self.assertEqual(doc['protected']['alg'], 'HS256')
                    self.assertNotEqual(doc['signature'], '0' * 64)
        # With the wrong key every file is refused, nothing imported.
        other = self.new_project('other.ember')
        r = self.cli('data', 'import', other, out, '--hmac-key', 'wrong', expect=EXIT_BAD_INPUT)
        self.assertEqual(self.count(other), 0)
        self.assertRegex(r.stderr.lower(), 'signature')

    def test_export_twice_is_stable(self):
        self.add_time_series()
        self.add_audio()
        a, b = self.path('e1'), self.path('e2')
        self.cli('data', 'export', self.src, a, '--format', 'ei-json')
        self.cli('data', 'export', self.src, b, '--format', 'ei-json')
        for r, _, fs in os.walk(a):
            for f in fs:
                p = os.path.join(r, f)
                self.assertEqual(file_bytes(p), file_bytes(os.path.join(b, os.path.relpath(p, a))), f)

    def test_without_manifest(self):
        """Without info.labels, the label still comes from LABEL.NAME.EXT and
        the category from the folder."""
        self.add_audio()
        d = self.mkdir('plain')
        write_noise_wav(os.path.join(d, 'clip7.wav'), seed=99)
        self.cli('data', 'import', self.src, d, '--label', 'noise', '--category', 'testing')
        out = self.path('export')
        self.cli('data', 'export', self.src, out)
        os.unlink(os.path.join(out, 'info.labels'))
        dst = self.new_project('dst.ember')
        self.cli('data', 'import', dst, out)
        a, b = self.by_name(self.src), self.by_name(dst)
        self.assertIn('noise.clip7', b)
        self.assertEqual(b['noise.clip7']['label'], 'noise')
        self.assertEqual(b['noise.clip7']['category'], 'testing')
        self.assertEqual(b['noise.clip7']['hash'], a['clip7']['hash'])
        for name, s in a.items():
            if name != 'clip7':
                self.assertEqual((b[name]['label'], b[name]['category'], b[name]['hash']),
                                 (s['label'], s['category'], s['hash']))

    def test_same_names(self):
        """Two samples with the same name and label do not overwrite each other."""
        d1, d2 = self.mkdir('one'), self.mkdir('two')
        write_noise_wav(os.path.join(d1, 'yes.1.wav'), seed=1)
        write_noise_wav(os.path.join(d2, 'yes.1.wav'), seed=2)
        self.cli('data', 'import', self.src, d1, d2, '--category', 'training')
        out = self.path('export')
        self.cli('data', 'export', self.src, out)
        self.assertEqual(len(os.listdir(os.path.join(out, 'training'))), 2)
        dst = self.new_project('dst.ember')
        self.cli('data', 'import', dst, out)
        a = sorted((s['name'], s['hash']) for s in self.samples(self.src))
        b = sorted((s['name'], s['hash']) for s in self.samples(dst))
        self.assertEqual(a, b)

    def test_export_filters(self):
        self.add_audio()
        self.add_images()
        out = self.path('only-cat')
        self.cli('data', 'export', self.src, out, '--label', 'cat')
        dst = self.new_project('dst.ember')
        self.cli('data', 'import', dst, out)
        self.assertEqual(sorted(self.by_name(dst)), ['cat.0', 'cat.1', 'cat.2', 'cat.3'])
        out = self.path('only-testing')
        self.cli('data', 'export', self.src, out, '--category', 'testing')
        dst2 = self.new_project('dst2.ember')
        self.cli('data', 'import', dst2, out)
        want = sorted(s['name'] for s in self.samples(self.src, '--category', 'testing'))
        self.assertEqual(sorted(self.by_name(dst2)), want)

    def test_tabular_csv(self):
        """Rows of a tabular CSV (one frame each) survive a round trip."""
        write_csv(self.path('tab', 'iris.csv'), ['sepal', 'petal', 'label'],
                  [[5.1, 1.4, 'setosa'], [6.3, 4.9, 'versicolor'], [7.7, 6.7, 'virginica']])
        self.cli('data', 'import', self.src, self.path('tab'))
        _, dst = self.export_import()
        self.assertSameSamples(self.src, dst)


if __name__ == '__main__':
    emcli.main()
