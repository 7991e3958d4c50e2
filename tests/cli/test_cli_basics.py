#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""ember-cli: help texts, usage errors, project create/info, and project
files it must refuse without touching them (newer schema, not Ember,
garbage, read-only)."""

import json
import os
import sqlite3
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import emcli  # noqa: E402
from emcli import (EXIT_USAGE, EXIT_PROJECT, EXIT_FAILURE,  # noqa: E402
                   file_bytes, write_bytes, write_noise_wav)

# Every command with the options its --help must mention.
COMMANDS = {
    ('project', 'create'): ['--name'],
    ('project', 'info'): ['--json'],
    ('data', 'import'): ['--label', '--category', '--hmac-key', '--allow-duplicates', '--strict',
                         '--batch', '--report', '--json'],
    ('data', 'list'): ['--label', '--category', '--sensor', '--enabled', '--search', '--offset',
                       '--limit', '--json'],
    ('data', 'show'): ['--json', '--values'],
    ('data', 'rm'): [],
    ('data', 'relabel'): [],
    ('data', 'move'): [],
    ('data', 'enable'): [],
    ('data', 'disable'): [],
    ('data', 'split'): ['--train', '--seed'],
    ('data', 'export'): ['--format', '--boxes', '--label', '--category', '--hmac-key'],
    ('data', 'stats'): ['--json'],
    ('demo', 'create'): ['--kind', '--scale', '--seed'],
}
GROUPS = {
    'project': ['create', 'info'],
    'data': ['import', 'list', 'show', 'rm', 'relabel', 'move', 'enable', 'disable', 'split',
             'export', 'stats'],
    'demo': ['create'],
}


class TestHelp(emcli.CliTestCase):
    def test_top_level_help(self):
        for flag in ('--help', '-h', 'help'):
            r = self.cli(flag)
            for group in GROUPS:
                self.assertIn(group, r.stdout)
            self.assertEqual(r.stderr, '')

    def test_version(self):
        r = self.cli('--version')
        self.assertRegex(r.stdout, r'^ember-cli \d+\.\d+')

    def test_group_help(self):
        for group, commands in GROUPS.items():
            with self.subTest(group=group):
                r = self.cli(group, '--help')
                self.assertIn('Usage: ember-cli %s COMMAND' % group, r.stdout)
                for c in commands:
                    self.assertRegex(r.stdout, r'\n  %s\s+\S' % c, 'command %s not listed' % c)

    def test_command_help(self):
        listed = set()
        for group, commands in GROUPS.items():
            listed.update((group, c) for c in commands)
        self.assertEqual(listed, set(COMMANDS), 'the table above is out of date')
        for (group, command), options in COMMANDS.items():
            with self.subTest(command='%s %s' % (group, command)):
                r = self.cli(group, command, '--help')
                self.assertIn('ember-cli %s %s' % (group, command), r.stdout)
                self.assertIn('--help', r.stdout)
                for option in options:
                    self.assertIn(option, r.stdout)

    def test_no_command(self):
        for args in ([], ['project'], ['data'], ['demo']):
            with self.subTest(args=args):
                r = self.cli(*args, expect=EXIT_USAGE)
                self.assertIn('Usage:', r.stderr)
                self.assertEqual(r.stdout, '')

    def test_unknown_command(self):
        for args, name in ((['frobnicate'], 'frobnicate'), (['data', 'frob'], 'data frob'),
                           (['project', 'delete', 'x.ember'], 'project delete')):
            with self.subTest(args=args):
                r = self.cli(*args, expect=EXIT_USAGE)
                lines = emcli.error_lines(r.stderr)
                self.assertEqual(len(lines), 1, r.stderr)
                self.assertIn("unknown command '%s'" % name, lines[0])


class TestUsageErrors(emcli.CliTestCase):
    def setUp(self):
        super().setUp()
        self.project = self.new_project()
        self.wav = write_noise_wav(self.path('in', 'yes.1.wav'), seed=1)

    def test_usage_errors(self):
        p = self.project
        cases = [
            ['project', 'create'],
            ['project', 'create', p + '1', p + '2'],
            ['project', 'info'],
            ['project', 'info', p, '--frobnicate'],
            ['data', 'import', p],
            ['data', 'import', p, self.wav, '--batch', '0'],
            ['data', 'import', p, self.wav, '--batch', 'many'],
            ['data', 'import', p, self.wav, '--category', 'validation'],
            ['data', 'list'],
            ['data', 'list', p, '--category', 'validation'],
            ['data', 'list', p, '--sensor', 'radar'],
            ['data', 'list', p, '--enabled', 'maybe'],
            ['data', 'list', p, '--offset', '-1'],
            ['data', 'list', p, '--limit', 'ten'],
            ['data', 'show', p],
            ['data', 'show', p, 'abc'],
            ['data', 'show', p, '0'],
            ['data', 'rm', p],
            ['data', 'rm', p, 'x'],
            ['data', 'rm', p, '-3'],
            ['data', 'relabel', p, 'yes'],
            ['data', 'move', p, 'validation', '1'],
            ['data', 'move', p, 'training'],
            ['data', 'enable', p],
            ['data', 'disable', p, '1x'],
            ['data', 'split', p, '--train', '1.5'],
            ['data', 'split', p, '--train', '-0.1'],
            ['data', 'split'],
            ['data', 'export', p],
            ['data', 'export', p, self.path('out'), '--format', 'xml'],
            ['data', 'export', p, self.path('out'), '--boxes', 'pascal'],
            ['data', 'export', p, self.path('out'), '--category', 'validation'],
            ['data', 'stats'],
            ['demo', 'create'],
            ['demo', 'create', self.path('d.ember'), '--kind', 'video'],
            ['demo', 'create', self.path('d.ember'), '--scale', '0'],
        ]
        before = file_bytes(p)
        for args in cases:
            with self.subTest(args=' '.join(args[:2] + args[3:] if len(args) > 2 else args)):
                r = self.cli(*args, expect=EXIT_USAGE)
                lines = emcli.error_lines(r.stderr)
                self.assertEqual(len(lines), 1, r.stderr)
                self.assertTrue(lines[0].startswith('ember-cli: '), lines[0])
        self.assertEqual(file_bytes(p), before, 'a usage error changed the project')
        self.assertFalse(os.path.exists(self.path('d.ember')))
        self.assertEqual(self.count(p), 0)


class TestProject(emcli.CliTestCase):
    def test_create_and_info(self):
        p = self.path('kws.ember')
        r = self.cli('project', 'create', p)
        self.assertIn("'kws'", r.stdout)
        self.assertTrue(os.path.isfile(p))
        r = self.cli('project', 'info', p)
        self.assertRegex(r.stdout, r'Project:\s+kws\n')
        self.assertRegex(r.stdout, r'Samples:\s+0 \(training 0, testing 0\)')
        self.assertRegex(r.stdout, r'Labels:\s+0')
        info = self.cli_json('project', 'info', p, '--json')
        self.assertEqual(info['name'], 'kws')
        self.assertEqual(info['path'], os.path.realpath(p))
        self.assertEqual(info['schema_version'], emcli.schema_version())
        self.assertRegex(info['created'], r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d')
        self.assertEqual((info['samples'], info['training'], info['testing']), (0, 0, 0))
        self.assertEqual(info['labels'], [])
        # The file is an Ember project: application id 'EMBR', this build's schema.
        self.assertEqual(emcli.db_query(p, 'PRAGMA application_id')[0][0], 0x454D4252)
        self.assertEqual(emcli.db_query(p, 'PRAGMA user_version')[0][0], emcli.schema_version())

    def test_create_with_name(self):
        p = self.path('a.ember')
        self.cli('project', 'create', p, '--name', 'Keyword spotting – ñ')
        info = self.cli_json('project', 'info', p, '--json')
        self.assertEqual(info['name'], 'Keyword spotting – ñ')

    def test_info_counts(self):
        p = self.new_project()
        d = self.mkdir('in')
        os.makedirs(os.path.join(d, 'training'))
        os.makedirs(os.path.join(d, 'testing'))
        for i in range(3):
            write_noise_wav(os.path.join(d, 'training', 'yes.%d.wav' % i), seed=i)
        write_noise_wav(os.path.join(d, 'testing', 'no.1.wav'), seed=10)
        self.cli('data', 'import', p, d)
        info = self.cli_json('project', 'info', p, '--json')
        self.assertEqual((info['samples'], info['training'], info['testing']), (4, 3, 1))
        self.assertEqual(info['labels'], ['no', 'yes'])
        r = self.cli('project', 'info', p)
        self.assertRegex(r.stdout, r'Samples:\s+4 \(training 3, testing 1\)')
        self.assertRegex(r.stdout, r'yes\s+3 training\s+0 testing')

    def test_create_over_existing_refused(self):
        p = self.new_project()
        self.cli('data', 'import', p, write_noise_wav(self.path('yes.1.wav'), seed=1))
        before = file_bytes(p)
        r = self.cli('project', 'create', p, expect=EXIT_USAGE)
        line = self.assertOneErrorLine(r.stderr, 'p.ember')
        self.assertIn('already exists', line)
        self.assertEqual(file_bytes(p), before)
        self.assertEqual(self.count(p), 1)
        # Not a project either: a user's file must survive a mistyped create.
        other = write_bytes(self.path('notes.txt'), b'my notes\n')
        self.cli('project', 'create', other, expect=EXIT_USAGE)
        self.assertEqual(file_bytes(other), b'my notes\n')

    def test_create_in_missing_folder(self):
        p = self.path('no', 'such') + '/dir/p.ember'
        r = self.cli('project', 'create', p, expect=None)
        self.assertNotEqual(r.returncode, 0)
        self.assertEqual(len(emcli.error_lines(r.stderr)), 1, r.stderr)
        self.assertFalse(os.path.exists(p))

    def test_info_missing_file(self):
        r = self.cli('project', 'info', self.path('missing.ember'), expect=EXIT_PROJECT)
        self.assertOneErrorLine(r.stderr, 'missing.ember')
        self.assertFalse(os.path.exists(self.path('missing.ember')))


class TestRefusedProjects(emcli.CliTestCase):
    """Files that are not projects this build can open: refused, untouched."""

    def assertRefused(self, project, reason_pattern):
        before = file_bytes(project)
        wav = write_noise_wav(self.path('in', 'yes.1.wav'), seed=3)
        for args in (['project', 'info', project], ['project', 'info', project, '--json'],
                     ['data', 'list', project], ['data', 'stats', project],
                     ['data', 'import', project, wav], ['data', 'rm', project, '1'],
                     ['data', 'split', project]):
            with self.subTest(command=' '.join(args[:2])):
                r = self.cli(*args, expect=EXIT_PROJECT)
                self.assertEqual(r.stdout, '')
                self.assertOneErrorLine(r.stderr, os.path.basename(project), reason_pattern)
                self.assertEqual(file_bytes(project), before, 'the refused file was modified')
        for suffix in ('-wal', '-journal'):
            if os.path.exists(project + suffix):
                self.assertEqual(os.path.getsize(project + suffix), 0, 'written to ' + suffix)

    def test_newer_schema(self):
        p = self.new_project('newer.ember')
        con = sqlite3.connect(p)
        con.execute('PRAGMA user_version = 99')
        con.commit()
        con.close()
        self.assertFalse(os.path.exists(p + '-wal'))
        self.assertRefused(p, r'newer')
        self.assertEqual(emcli.db_query(p, 'PRAGMA user_version')[0][0], 99)

    def test_other_sqlite_database(self):
        p = self.path('contacts.ember')
        con = sqlite3.connect(p)
        con.execute('CREATE TABLE people (name TEXT, phone TEXT)')
        con.execute("INSERT INTO people VALUES ('Ada', '123')")
        con.commit()
        con.close()
        self.assertRefused(p, r'not an ember project')
        self.assertEqual(emcli.db_query(p, 'SELECT name FROM people'), [('Ada',)])

    def test_garbage_file(self):
        import random
        p = write_bytes(self.path('garbage.ember'), random.Random(5).randbytes(8192))
        self.assertRefused(p, r'not an ember project|damaged')

    def test_text_file(self):
        p = write_bytes(self.path('readme.ember'), b'This is not a database.\n' * 100)
        self.assertRefused(p, r'not an ember project|damaged')

    def test_empty_file(self):
        p = write_bytes(self.path('empty.ember'), b'')
        self.assertRefused(p, r'empty|not an ember project')

    def test_damaged_project(self):
        # A real project whose pages were overwritten in the middle.
        p = self.new_project('damaged.ember')
        d = self.mkdir('in')
        for i in range(40):
            write_noise_wav(os.path.join(d, 'yes.%d.wav' % i), seed=100 + i)
        self.cli('data', 'import', p, d)
        with open(p, 'r+b') as f:
            f.seek(4096)
            f.write(b'\xff' * 4096 * 3)
        r = self.cli('data', 'list', p, expect=None)
        self.assertIn(r.returncode, (emcli.EXIT_PROJECT, EXIT_FAILURE), r.stderr)
        self.assertEqual(len(emcli.error_lines(r.stderr)), 1, r.stderr)
        self.assertNotIn('Traceback', r.stderr)

    def test_read_only_project(self):
        # chmod does not stop root: as root, ember-cli runs as 'nobody' here.
        if not emcli.can_run_as_nobody():
            self.skipTest('running as root and cannot switch to nobody')
        emcli.open_up(emcli.cli_path())
        emcli.open_up(self.tmp)
        d = self.mkdir('ro')
        os.chmod(d, 0o777)
        p = os.path.join(d, 'ro.ember')
        self.cli('project', 'create', p)
        wav = write_noise_wav(os.path.join(d, 'yes.1.wav'), seed=9)
        self.cli('data', 'import', p, wav)
        os.chmod(p, 0o444)
        os.chmod(wav, 0o644)
        before = file_bytes(p)
        new_wav = write_noise_wav(os.path.join(d, 'no.1.wav'), seed=10)
        os.chmod(new_wav, 0o644)
        r = emcli.run_unprivileged('data', 'import', p, new_wav)
        self.assertNotEqual(r.returncode, 0, r.stdout)
        self.assertIn(r.returncode, (EXIT_FAILURE, EXIT_PROJECT), r.stderr)
        lines = emcli.error_lines(r.stderr)
        self.assertEqual(len(lines), 1, r.stderr)
        self.assertIn('read-only', lines[0])
        self.assertIn('ro.ember', lines[0])
        r = emcli.run_unprivileged('data', 'rm', p, '1')
        self.assertNotEqual(r.returncode, 0, r.stdout)
        self.assertIn('read-only', r.stderr)
        self.assertEqual(file_bytes(p), before)
        # Looking is still allowed.
        r = emcli.run_unprivileged('project', 'info', p, '--json')
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(json.loads(r.stdout)['samples'], 1)
        self.assertEqual(file_bytes(p), before)


if __name__ == '__main__':
    emcli.main()
