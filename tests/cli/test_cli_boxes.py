#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Bounding boxes through ember-cli: imported from annotation files beside the
images, exported in each format, imported back unchanged; bad annotations refused."""
import json
import os
import unittest

from emcli import EXIT_BAD_INPUT, CliTestCase, write_png

BOXES = {
    'cat.1.png': [{'label': 'cat', 'x': 2, 'y': 3, 'width': 10, 'height': 8}],
    'cat.2.png': [{'label': 'cat', 'x': 0, 'y': 0, 'width': 5, 'height': 5},
                  {'label': 'dog', 'x': 20, 'y': 10, 'width': 12, 'height': 14}],
    'dog.1.png': [],
}


class BoxTests(CliTestCase):
    def write_images(self, folder):
        for i, name in enumerate(sorted(BOXES)):
            write_png(self.path(folder, name), width=40, height=30, seed=i + 1)

    def boxes_by_name(self, project):
        out = {}
        for s in self.samples(project):
            out[s['name']] = sorted((b['label'], b['x'], b['y'], b['width'], b['height'])
                                    for b in s['bounding_boxes'])
        return out

    def test_import_ei_labels_and_round_trip_every_format(self):
        self.write_images('in')
        with open(self.path('in', 'bounding_boxes.labels'), 'w') as f:
            json.dump({'version': 1, 'type': 'bounding-box-labels', 'boundingBoxes': BOXES}, f)
        project = self.new_project()
        self.cli('data', 'import', project, self.path('in'), '--category', 'training')
        expected = {name[:-4]: sorted((b['label'], b['x'], b['y'], b['width'], b['height']) for b in boxes)
                    for name, boxes in BOXES.items()}
        self.assertEqual(expected, self.boxes_by_name(project))

        for fmt in ('ei', 'voc', 'coco', 'yolo'):
            with self.subTest(format=fmt):
                out = self.path('out-' + fmt)
                self.cli('data', 'export', project, out, '--boxes', fmt)
                again = self.new_project('again-%s.ember' % fmt)
                self.cli('data', 'import', again, out)
                got = self.boxes_by_name(again)
                self.assertEqual(set(expected), set(got))
                for name in expected:
                    self.assertEqual(len(expected[name]), len(got[name]), name)
                    for a, b in zip(expected[name], got[name]):
                        self.assertEqual(a[0], b[0])
                        for u, v in zip(a[1:], b[1:]):
                            self.assertAlmostEqual(u, v, places=5)

    def test_unknown_yolo_class_is_refused(self):
        self.write_images('in')
        with open(self.path('in', 'classes.txt'), 'w') as f:
            f.write('cat\ndog\n')
        with open(self.path('in', 'cat.1.txt'), 'w') as f:
            f.write('0 0.5 0.5 0.2 0.2\n')
        with open(self.path('in', 'cat.2.txt'), 'w') as f:
            f.write('7 0.5 0.5 0.2 0.2\n')
        project = self.new_project()
        r = self.cli('data', 'import', project, self.path('in'), expect=None)
        self.assertIn(r.returncode, (EXIT_BAD_INPUT, 6))
        self.assertIn('cat.2.txt', r.stderr)
        self.assertIn('7', r.stderr)
        # Nothing of the refused image is stored; the others are.
        names = {s['name'] for s in self.samples(project)}
        self.assertNotIn('cat.2', names)

    def test_box_outside_the_image_is_refused(self):
        self.write_images('in')
        bad = dict(BOXES)
        bad['cat.1.png'] = [{'label': 'cat', 'x': 35, 'y': 3, 'width': 20, 'height': 8}]
        with open(self.path('in', 'bounding_boxes.labels'), 'w') as f:
            json.dump({'version': 1, 'type': 'bounding-box-labels', 'boundingBoxes': bad}, f)
        project = self.new_project()
        r = self.cli('data', 'import', project, self.path('in'), expect=None)
        self.assertNotEqual(0, r.returncode)
        self.assertIn('cat.1', r.stderr)
        self.assertNotIn('cat.1', {s['name'] for s in self.samples(project)})


if __name__ == '__main__':
    unittest.main(verbosity=2)
