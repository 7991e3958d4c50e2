#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Impulse design and feature generation through ember-cli with the built-in
blocks: shapes, windows, the cache, skipped samples, errors, cancel."""
import math
import os
import signal
import subprocess
import time
import unittest

from emcli import (EXIT_CANCELLED, EXIT_USAGE, CliTestCase, base_env, cli_path, db_query,
                   db_integrity, write_csv)


class FeatureTests(CliTestCase):
    def motion_project(self, scale='0.4'):
        project = self.path('motion.ember')
        self.cli('demo', 'create', project, '--kind', 'motion', '--scale', scale)
        return project

    def generate(self, project, *args):
        return {s['block']: s for s in self.cli_json('features', 'generate', project, '--json', *args)}

    def test_shapes_windows_and_values(self):
        project = self.motion_project()
        self.cli('impulse', 'create', project, '--block', 'spectral', '--block', 'flatten')
        impulse = self.cli_json('impulse', 'show', project)
        self.assertEqual(2000, impulse['input']['window_size_ms'])
        self.assertEqual(62.5, impulse['input']['frequency_hz'])
        summary = self.generate(project)
        n = len(self.samples(project))
        # 10 s at 62.5 Hz = 625 frames; 2 s windows (125 frames) every 13 frames.
        per_sample = (625 - 125) // 13 + 1
        self.assertEqual((1, 39, n, n * per_sample), (summary['spectral']['rows'], summary['spectral']['cols'],
                                                      summary['spectral']['samples'], summary['spectral']['windows']))
        self.assertEqual(21, summary['flatten']['cols'])

        # Flatten's first window against the raw values: mean, min, max per axis.
        sample = self.samples(project)[0]
        values = self.show(project, sample['id'], values=True)['values'][:125]
        features = self.cli_json('features', 'show', project, str(sample['id']), '--block', 'flatten')
        first = features['windows'][0]
        for axis in range(3):
            column = [row[axis] for row in values]
            mean = sum(column) / len(column)
            self.assertAlmostEqual(mean, first[axis * 7 + 0], places=4)
            self.assertAlmostEqual(min(column), first[axis * 7 + 1], places=5)
            self.assertAlmostEqual(max(column), first[axis * 7 + 2], places=5)
            rms = math.sqrt(sum(v * v for v in column) / len(column))
            self.assertAlmostEqual(rms, first[axis * 7 + 3], places=4)
        self.assertEqual(per_sample, len(features['windows']))

        # A 2-D projection of every window is stored for the feature explorer.
        projection = self.cli_json('features', 'projection', project, '--block', 'spectral')
        self.assertEqual('pca', projection['method'])
        self.assertEqual(n * per_sample, len(projection['points']))
        point = projection['points'][0]
        self.assertEqual({'sample', 'window', 'x', 'y'}, set(point))
        self.assertTrue(all(math.isfinite(p['x']) and math.isfinite(p['y']) for p in projection['points']))

    def test_cache_follows_parameters(self):
        project = self.motion_project('0.2')
        self.cli('impulse', 'create', project, '--block', 'spectral', '--block', 'flatten')
        first = self.generate(project)
        n = first['spectral']['samples']
        self.assertEqual((n, n), (first['spectral']['computed'], first['flatten']['computed']))
        again = self.generate(project)
        self.assertEqual((0, 0), (again['spectral']['computed'], again['flatten']['computed']))
        # One block's parameters: only that block.
        self.cli('impulse', 'set', project, 'spectral', 'filter_type=low', 'filter_cutoff=5', 'fft_length=64')
        changed = self.generate(project)
        self.assertEqual((n, 0), (changed['spectral']['computed'], changed['flatten']['computed']))
        # The input block: every block.
        self.cli('impulse', 'input', project, '--window-increase', '500')
        moved = self.generate(project)
        self.assertEqual((n, n), (moved['spectral']['computed'], moved['flatten']['computed']))
        # Only one block on request.
        self.cli('impulse', 'input', project, '--window-increase', '1000')
        only = self.generate(project, '--block', 'flatten')
        self.assertEqual(['flatten'], list(only))

    def test_other_rate_is_skipped_with_a_reason(self):
        project = self.motion_project('0.2')
        rows = [[i * 10, math.sin(i / 5.0), 0.5, 9.8] for i in range(400)]
        write_csv(self.path('in', 'odd.1.csv'), ['timestamp', 'accX', 'accY', 'accZ'], rows)
        self.cli('data', 'import', project, self.path('in', 'odd.1.csv'))
        self.cli('impulse', 'create', project, '--block', 'flatten', '--frequency', '62.5')
        r = self.cli('features', 'generate', project, '--json')
        self.assertIn('odd.1', r.stderr)
        self.assertIn('100 Hz', r.stderr)
        self.assertIn('62.5 Hz', r.stderr)

    def test_parameter_errors(self):
        project = self.motion_project('0.2')
        self.cli('impulse', 'create', project, '--block', 'spectral')
        r = self.cli('impulse', 'set', project, 'spectral', 'filter_order=9', expect=EXIT_USAGE)
        self.assertIn('filter_order', r.stderr)
        r = self.cli('impulse', 'set', project, 'spectral', 'no_such=1', expect=EXIT_USAGE)
        self.assertIn("unknown parameter 'no_such'", r.stderr)
        # In range for the schema, refused by the block itself: one clear line.
        self.cli('impulse', 'set', project, 'spectral', 'fft_length=12')
        r = self.cli('features', 'generate', project, expect=None)
        self.assertNotEqual(0, r.returncode)
        self.assertIn('power of two', r.stderr)
        self.assertEqual(1, len([l for l in r.stderr.splitlines() if l.startswith('ember-cli:')]))
        r = self.cli('impulse', 'add', project, 'nonexistent', expect=None)
        self.assertEqual(5, r.returncode)
        # MFCC wants one axis; a 3-axis input says so.
        self.cli('impulse', 'add', project, 'mfcc')
        self.cli('impulse', 'set', project, 'spectral', 'fft_length=16')
        r = self.cli('features', 'generate', project, expect=None)
        self.assertIn('one axis', r.stderr)

    def test_autotune(self):
        project = self.motion_project('0.4')
        self.cli('impulse', 'create', project, '--block', 'spectral', '--block', 'flatten')
        out = self.cli('impulse', 'autotune', project, 'spectral').stdout
        found = dict(line.split('=', 1) for line in out.split())
        self.assertEqual('low', found['filter_type'])
        # The demo's gestures sit between 0.5 and 3 Hz with harmonics; Nyquist is 31.25 Hz.
        self.assertTrue(0.5 < float(found['filter_cutoff']) < 31.25, found)
        self.cli('impulse', 'autotune', project, 'spectral', '--apply')
        params = [b for b in self.cli_json('impulse', 'show', project)['blocks'] if b['id'] == 'spectral'][0]['params']
        self.assertEqual('low', params['filter_type'])
        self.assertAlmostEqual(float(found['filter_cutoff']), params['filter_cutoff'], places=5)
        self.generate(project)
        r = self.cli('impulse', 'autotune', project, 'flatten', expect=None)
        self.assertNotEqual(0, r.returncode)
        self.assertIn('has no autotune', r.stderr)

    def test_cancel_keeps_what_was_stored(self):
        # 200 recordings × 84 windows: the t-SNE projection alone takes many
        # seconds, so the Ctrl-C lands during feature generation or t-SNE.
        project = self.motion_project('2')
        self.cli('impulse', 'create', project, '--block', 'spectral', '--window-increase', '100')
        self.cli('impulse', 'set', project, 'spectral', 'fft_length=64')
        with open(self.path('err.txt'), 'w') as err:
            p = subprocess.Popen([cli_path(), 'features', 'generate', project, '--tsne', '-j', '1'],
                                 stdout=subprocess.DEVNULL, stderr=err, env=base_env())
            time.sleep(1.5)
            p.send_signal(signal.SIGINT)
            rc = p.wait(timeout=120)
        self.assertEqual(EXIT_CANCELLED, rc)
        with open(self.path('err.txt')) as f:
            self.assertIn('cancelled', f.read())
        self.assertTrue(db_integrity(project))
        stored = db_query(project, 'SELECT count(*) FROM feature_cache')[0][0]
        total = len(self.samples(project))
        # Whatever was stored stays; the next run computes only the rest.
        rest = self.generate(project)['spectral']
        self.assertEqual(total, rest['samples'])
        self.assertEqual(total - stored, rest['computed'])

    @unittest.skipUnless(os.path.isdir('/usr/share/datasets/fashion-mnist'), 'dataset-fashion-mnist not installed')
    def test_image_block(self):
        project = self.path('img.ember')
        self.cli('demo', 'create', project, '--kind', 'images', '--scale', '0.1')
        self.cli('impulse', 'create', project, '--image-size', '32x24', '--resize', 'fit-longest',
                 '--block', 'image')
        self.cli('impulse', 'set', project, 'image', 'channels=Grayscale')
        s = self.generate(project)['image']
        self.assertEqual((32 * 24, 1), (s['rows'], s['cols']))
        sample = self.samples(project)[0]
        window = self.cli_json('features', 'show', project, str(sample['id']))['windows'][0]
        self.assertTrue(all(0.0 <= v <= 1.0 for v in window))
        # fit-longest letterboxes 28×28 into 32×24: the left and right columns are padding.
        self.assertEqual(0.0, window[0])
        self.assertGreater(max(window), 0.2)


if __name__ == '__main__':
    unittest.main(verbosity=2)
