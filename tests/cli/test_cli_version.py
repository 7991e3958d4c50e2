#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""ember-cli version create / list / restore / delete: a version holds the
project's samples as they were, lists its counts, restores into a new file
only (an existing one is refused and left alone), fails on a full disk
without touching the project, refuses garbage and newer version files with
one line, and Ctrl-C leaves no version file."""

import json
import os
import signal
import sqlite3
import subprocess
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import emcli  # noqa: E402
from emcli import (EXIT_OK, EXIT_FAILURE, EXIT_USAGE, EXIT_PROJECT,  # noqa: E402
                   EXIT_NOT_FOUND, EXIT_CANCELLED, file_bytes, write_bytes, write_noise_wav)


class TestVersion(emcli.CliTestCase):
    def make_project(self, n=12, frames=1600):
        project = self.new_project('birds.ember')
        for i in range(n):
            label = 'crow' if i % 2 else 'robin'
            category = 'testing' if i % 4 == 3 else 'training'
            write_noise_wav(self.path('in', category, '%s.%d.wav' % (label, i)), seed=i, n_frames=frames)
        self.cli('data', 'import', project, self.path('in'))
        return project

    def assertOneError(self, stderr, must_contain, reason_pattern=None):
        """assertOneErrorLine without this command's progress lines."""
        lines = [line for line in stderr.replace('\r', '\n').splitlines()
                 if not line.replace('\033[K', '').strip().startswith(('Creating version:', 'Restoring:'))]
        return self.assertOneErrorLine('\n'.join(lines), must_contain, reason_pattern)

    def versions(self, project):
        return self.cli_json('version', 'list', project, '--json')

    def test_help(self):
        r = self.cli('version', '--help')
        for command in ('create', 'list', 'restore', 'delete'):
            self.assertIn(command, r.stdout)
        self.assertIn('version', self.cli('--help').stdout)
        self.assertIn('--description', self.cli('version', 'create', '--help').stdout)
        self.assertIn('never overwritten', self.cli('version', 'restore', '--help').stdout)

    def test_create_list_restore_delete(self):
        project = self.make_project()
        self.assertEqual(self.versions(project), [])
        v = self.cli_json('version', 'create', project, '-d', 'first batch', '--json')
        self.assertEqual(v['number'], 1)
        self.assertEqual(v['description'], 'first batch')
        self.assertEqual((v['training'], v['testing']), (9, 3))
        self.assertEqual(v['labels'], ['crow', 'robin'])
        self.assertIsNone(v['accuracy'])
        self.assertTrue(os.path.isfile(os.path.join(project + '-versions', 'v0001.ember')))

        # The project moves on; version 1 keeps 12 samples.
        self.cli('data', 'import', project, write_noise_wav(self.path('later', 'crow.99.wav'), seed=99))
        self.cli('version', 'create', project)
        listed = self.versions(project)
        self.assertEqual([x['number'] for x in listed], [1, 2])
        self.assertEqual(listed[1]['training'] + listed[1]['testing'], 13)
        text = self.cli('version', 'list', project).stdout
        self.assertIn('v1', text)
        self.assertIn('first batch', text)

        target = self.path('restored.ember')
        self.cli('version', 'restore', project, 'v1', target)
        info = self.cli_json('project', 'info', target, '--json')
        self.assertEqual(info['samples'], 12)
        self.assertEqual(info['name'], 'birds (v1)')
        a = {s['hash'] for s in self.samples(target)}
        self.assertEqual(len(a), 12)
        self.assertTrue(a < {s['hash'] for s in self.samples(project)})

        # Never onto an existing file: the restored project stays as it is.
        before = file_bytes(target)
        r = self.cli('version', 'restore', project, '2', target, expect=EXIT_USAGE)
        self.assertOneError(r.stderr, 'restored.ember', 'already exists')
        self.assertEqual(file_bytes(target), before)
        r = self.cli('version', 'restore', project, '2', project, expect=EXIT_USAGE)
        self.assertEqual(self.count(project), 13)

        r = self.cli('version', 'restore', project, '7', self.path('x.ember'), expect=EXIT_NOT_FOUND)
        self.assertIn('no version 7', r.stderr)
        self.cli('version', 'restore', project, 'seven', self.path('x.ember'), expect=EXIT_USAGE)
        self.assertFalse(os.path.exists(self.path('x.ember')))

        self.cli('version', 'delete', project, '1')
        self.assertEqual([x['number'] for x in self.versions(project)], [2])
        r = self.cli('version', 'delete', project, '1', expect=EXIT_NOT_FOUND)
        self.assertIn('no version 1', r.stderr)

    def test_full_disk(self):
        project = self.make_project(n=30, frames=16000)
        before = self.samples(project)
        r = self.cli('version', 'create', project, env={'EMBER_TEST_MAX_PAGE_COUNT': '60'},
                     expect=EXIT_FAILURE)
        self.assertOneError(r.stderr, 'birds.ember-versions', 'disk is full')
        self.assertEqual(self.versions(project), [])
        left = os.listdir(project + '-versions')
        self.assertEqual([n for n in left if not n.startswith('.last')], [])
        self.assertEqual(self.samples(project), before)

    def test_bad_versions(self):
        project = self.make_project(n=4)
        self.cli('version', 'create', project)
        folder = project + '-versions'
        write_bytes(os.path.join(folder, 'v0002.ember'), os.urandom(3000))
        newer = os.path.join(folder, 'v0003.ember')
        write_bytes(newer, file_bytes(os.path.join(folder, 'v0001.ember')))
        db = sqlite3.connect(newer)
        db.execute('PRAGMA user_version = %d' % (emcli.schema_version() + 1))
        db.close()

        listed = self.versions(project)
        self.assertEqual([x['number'] for x in listed], [1, 2, 3])
        self.assertIsNone(listed[0]['problem'])
        self.assertIn('not an SQLite database', listed[1]['problem'])
        self.assertIn('newer Ember', listed[2]['problem'])

        r = self.cli('version', 'restore', project, '2', self.path('g.ember'), expect=EXIT_PROJECT)
        self.assertOneError(r.stderr, 'v0002.ember', 'not an ember version')
        r = self.cli('version', 'restore', project, '3', self.path('n.ember'), expect=EXIT_PROJECT)
        self.assertOneError(r.stderr, 'v0003.ember', 'newer ember')
        self.assertFalse(os.path.exists(self.path('g.ember')))
        self.assertFalse(os.path.exists(self.path('n.ember')))
        # A bad one is deleted like any.
        self.cli('version', 'delete', project, '2', '3')
        self.assertEqual(len(self.versions(project)), 1)

    def test_ctrl_c(self):
        # Big enough that the copy is still running when the signal comes;
        # if it finished first, the test still checks a whole version.
        project = self.make_project(n=40, frames=64000)
        proc = subprocess.Popen([emcli.cli_path(), 'version', 'create', project],
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                env=emcli.base_env(), encoding='utf-8')
        # The progress line says the copy started.
        proc.stderr.readline()
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=120)
        names = [n for n in os.listdir(project + '-versions') if not n.startswith('.last')]
        if proc.returncode == EXIT_CANCELLED:
            self.assertEqual(names, [])
            self.assertIn('cancelled', err)
        else:
            self.assertEqual(proc.returncode, EXIT_OK)
            self.assertEqual(names, ['v0001.ember'])
        self.assertEqual(self.count(project), 40)


if __name__ == '__main__':
    emcli.main()
