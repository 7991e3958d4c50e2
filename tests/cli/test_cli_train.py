#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Learning blocks through ember-cli: adding them to the impulse, 'train' and
'test' on the motion demo with the built-in learning plugins, the stored
model and metrics, out-of-date models, errors and Ctrl-C."""
import json
import math
import signal
import subprocess

from emcli import (EXIT_BAD_INPUT, EXIT_CANCELLED, EXIT_NOT_FOUND, EXIT_USAGE, CliTestCase, base_env,
                   cli_path, db_integrity, db_query)

# The motion demo's four gestures (idle, wave, up-down, snake) differ plainly
# in amplitude and frequency, so the spectral block's features separate them
# almost perfectly: the default dense network reaches ~100 % validation
# accuracy within a few epochs (it does 100 % on the whole demo). 0.85 leaves
# room for a different seed or BLAS while still failing on a model that does
# not learn (chance is 0.25).
MIN_ACCURACY = 0.85


class TrainTests(CliTestCase):
    def motion(self, learning=True):
        project = self.path('motion.ember')
        self.cli('demo', 'create', project, '--kind', 'motion', '--scale', '0.4')
        self.cli('impulse', 'create', project, '--block', 'spectral')
        if learning:
            self.cli('impulse', 'add', project, 'classification', '--inputs', 'spectral')
        return project

    def assertOneErrorLine(self, stderr, must_contain, reason_pattern=None):
        # Training generates missing features first: leave its progress lines out.
        lines = [l for l in stderr.splitlines() if not l.replace('\r', '').startswith('Generating features:')]
        return super().assertOneErrorLine('\n'.join(lines), must_contain, reason_pattern)

    def model_row(self, project, block='classification'):
        rows = db_query(project, 'SELECT params_key, created, blob FROM models WHERE block_id = ?', (block,))
        return rows[0] if rows else None

    def test_train_then_test(self):
        project = self.motion()
        impulse = self.cli_json('impulse', 'show', project)
        learning = [b for b in impulse['blocks'] if b.get('kind') == 'learning']
        self.assertEqual([('classification', 'classification', ['spectral'])],
                         [(b['id'], b['plugin'], b['inputs']) for b in learning])

        r = self.cli('train', project, '--epochs', '5', '--json')
        epochs = [l for l in r.stderr.splitlines() if l.startswith('epoch ')]
        self.assertEqual(5, len(epochs), r.stderr)
        self.assertRegex(epochs[-1], r'^epoch 5/5  loss \d+\.\d{3}  acc \d+\.\d%  val_loss \d+\.\d{3}  val_acc \d+\.\d%$')
        report = json.loads(r.stdout)
        self.assertEqual(('classification', 'classification', 'classification'),
                         (report['block'], report['plugin'], report['task']))
        self.assertEqual(['idle', 'snake', 'updown', 'wave'], report['labels'])
        n_train = len(self.samples(project, '--category', 'training'))
        self.assertEqual(n_train, report['train_samples'])
        self.assertGreater(report['train_windows'], n_train)
        self.assertEqual('5', report['params']['epochs'])
        self.assertEqual({'epochs': 5}, report['overrides'])
        self.assertGreater(report['model']['params'], 0)
        self.assertIsNotNone(self.model_row(project))

        # The human summary names the block, the classes and the last epoch.
        text = self.cli('train', project, '--epochs', '3').stdout
        self.assertIn('Trained classification', text)
        self.assertIn('4 classes: idle, snake, updown, wave', text)
        self.assertRegex(text, r'final epoch 3:  loss')

        result = self.cli_json('test', project, '--json')
        self.assertEqual(['idle', 'snake', 'updown', 'wave'], result['labels'])
        n_test = len(self.samples(project, '--category', 'testing'))
        for variant in ('float', 'int8'):
            m = result[variant]
            self.assertIsNotNone(m, variant)
            self.assertEqual(n_test, m['test_samples'])
            self.assertGreaterEqual(m['accuracy'], MIN_ACCURACY, variant)
            self.assertEqual(0.6, round(m['threshold'], 6))
            self.assertEqual(4, len(m['confusion']))
            certain = round(m['n'] * (1 - m['uncertain_rate']))
            self.assertEqual(certain, sum(sum(row) for row in m['confusion']))
            self.assertEqual(4, len(m['precision']))
            self.assertEqual(n_test, m['samples']['n'])
        self.assertEqual(result['float']['n'], result['int8']['n'])
        # Stored: metrics of both variants and one prediction per window each.
        self.assertEqual([('float',), ('int8',)],
                         db_query(project, 'SELECT variant FROM test_results ORDER BY variant'))
        self.assertEqual(2 * result['float']['n'], db_query(project, 'SELECT count(*) FROM test_predictions')[0][0])
        self.assertEqual('ok', db_integrity(project))

        text = self.cli('test', project).stdout
        self.assertRegex(text, r'accuracy +\d+\.\d% +\d+\.\d%')
        self.assertIn('Confusion matrix, float', text)
        self.assertIn('Confusion matrix, int8', text)
        # A stricter threshold can only make more windows uncertain.
        strict = self.cli_json('test', project, '--threshold', '0.99', '--json')['float']
        self.assertEqual(0.99, round(strict['threshold'], 6))
        self.assertGreaterEqual(strict['uncertain_rate'], result['float']['uncertain_rate'])

    def test_out_of_date_until_retrained(self):
        project = self.motion()
        self.cli('train', project, '--epochs', '2')
        self.cli('test', project)
        key = self.model_row(project)[0]
        # A processing parameter changes the features: the model no longer fits.
        self.cli('impulse', 'set', project, 'spectral', 'fft_length=64')
        r = self.cli('test', project, expect=EXIT_BAD_INPUT)
        self.assertOneErrorLine(r.stderr, 'classification', 'out of date.*retrain')
        # So does a learning parameter.
        self.cli('train', project, '--epochs', '2')
        self.assertNotEqual(key, self.model_row(project)[0])
        self.cli('test', project)
        self.cli('impulse', 'set', project, 'classification', 'epochs=3')
        self.cli('test', project, expect=EXIT_BAD_INPUT)
        self.cli('train', project)
        self.cli('test', project)

    def test_errors(self):
        project = self.motion(learning=False)
        r = self.cli('train', project, expect=EXIT_NOT_FOUND)
        self.assertOneErrorLine(r.stderr, 'learning block', 'impulse add')
        self.cli('test', project, expect=EXIT_NOT_FOUND)
        r = self.cli('impulse', 'add', project, 'classification', '--inputs', 'nope', expect=EXIT_NOT_FOUND)
        self.assertOneErrorLine(r.stderr, 'nope')
        self.cli('impulse', 'add', project, 'classification', '--id', 'nn')
        r = self.cli('test', project, '--block', 'nn', expect=EXIT_NOT_FOUND)
        self.assertOneErrorLine(r.stderr, 'nn', 'no trained model')
        self.cli('train', project, '--block', 'other', expect=EXIT_NOT_FOUND)
        # Parameters are checked before anything runs.
        r = self.cli('train', project, '--set', 'no_such=1', expect=EXIT_USAGE)
        self.assertOneErrorLine(r.stderr, 'no_such', 'unknown parameter')
        self.cli('train', project, '--epochs', '-1', expect=EXIT_USAGE)
        self.cli('test', project, '--threshold', '1.5', expect=EXIT_USAGE)
        # A block that feeds a learning block cannot be removed.
        r = self.cli('impulse', 'remove', project, 'spectral', expect=EXIT_USAGE)
        self.assertOneErrorLine(r.stderr, 'spectral', 'learning block')
        # Regression needs numeric labels: the error names a sample.
        self.cli('impulse', 'add', project, 'regression', '--id', 'reg')
        r = self.cli('train', project, '--block', 'reg', expect=EXIT_BAD_INPUT)
        self.assertOneErrorLine(r.stderr, 'not a number')
        # One class left in training.
        others = [str(s['id']) for s in self.samples(project) if s['label'] != 'idle']
        self.cli('data', 'disable', project, *others)
        r = self.cli('train', project, '--block', 'nn', expect=EXIT_BAD_INPUT)
        self.assertOneErrorLine(r.stderr, 'nn', 'two classes')
        self.assertEqual([], db_query(project, 'SELECT block_id FROM models'))

    def test_regression_and_anomaly(self):
        project = self.motion(learning=False)
        values = {'idle': '0', 'wave': '1', 'updown': '2', 'snake': '3'}
        for label, value in values.items():
            ids = [str(s['id']) for s in self.samples(project, '--label', label)]
            self.cli('data', 'relabel', project, value, *ids)
        self.cli('impulse', 'add', project, 'regression', '--id', 'reg')
        self.cli('impulse', 'add', project, 'anomaly-kmeans', '--id', 'km')
        self.cli('train', project, '--block', 'reg', '--epochs', '20')
        result = self.cli_json('test', project, '--block', 'reg', '--json')
        self.assertEqual('regression', result['task'])
        # Targets span 0..3: predicting their mean everywhere gives MSE 1.25.
        self.assertLess(result['float']['mse'], 1.0)
        self.assertTrue(math.isfinite(result['float']['mae']))
        self.assertIn('MSE', self.cli('test', project, '--block', 'reg').stdout)
        self.cli('train', project, '--block', 'km')
        result = self.cli_json('test', project, '--block', 'km', '--json')
        self.assertEqual('anomaly', result['task'])
        self.assertEqual(set(values.values()), set(result['float']['per_label']))
        self.assertGreaterEqual(result['float']['max'], result['float']['mean'])

    def test_ctrl_c_keeps_previous_model(self):
        project = self.motion()
        self.cli('train', project, '--epochs', '2')
        before = self.model_row(project)
        proc = subprocess.Popen([cli_path(), 'train', project, '--epochs', '1000'], env=base_env(),
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                encoding='utf-8', errors='replace')
        seen = []
        try:
            for line in proc.stderr:
                seen.append(line)
                if line.startswith('epoch '):
                    proc.send_signal(signal.SIGINT)
                    break
            out, err = proc.communicate(timeout=120)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        self.assertTrue(any(l.startswith('epoch ') for l in seen), ''.join(seen))
        self.assertEqual(EXIT_CANCELLED, proc.returncode, ''.join(seen) + err)
        self.assertIn('cancelled', err)
        self.assertFalse(any(l.startswith('epoch 1000/') for l in err.splitlines()))
        self.assertEqual(before, self.model_row(project))
        self.assertEqual('ok', db_integrity(project))
        self.cli('test', project)


if __name__ == '__main__':
    import emcli
    emcli.main()
