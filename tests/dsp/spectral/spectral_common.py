# SPDX-License-Identifier: Apache-2.0
"""Shared helpers for the spectral-group tests: run dsp-run-spectral on a
float32 signal, make test signals, compare with a tolerance, report."""
import os
import subprocess
import sys
import tempfile
import warnings

import numpy as np

# scipy warns about catastrophic cancellation on constant inputs; the tests
# map those NaN results to 0 on purpose.
warnings.simplefilter("ignore", RuntimeWarning)

TOL = 1e-4


def runner_path():
    if len(sys.argv) > 1:
        return sys.argv[1]
    return os.environ["DSP_RUN_SPECTRAL"]


def run(block, data, **params):
    """Run BLOCK on data (frames x axes, or flat); return (rc, floats, stderr)."""
    data = np.ascontiguousarray(data, dtype=np.float32)
    with tempfile.NamedTemporaryFile(suffix=".f32", delete=False) as f:
        data.tofile(f)
        path = f.name
    try:
        args = [runner_path(), block]
        args += ["%s=%s" % (k, v) for k, v in params.items()]
        args.append(path)
        r = subprocess.run(args, capture_output=True, timeout=120)
    finally:
        os.unlink(path)
    return r.returncode, np.frombuffer(r.stdout, dtype=np.float32), r.stderr.decode()


def run_ok(block, data, **params):
    rc, out, err = run(block, data, **params)
    if rc != 0:
        raise AssertionError("%s %s failed: %s" % (block, params, err))
    return out


def signals(n, axes, fs, seed):
    """A few dozen named (frames x axes) float32 signals of n frames."""
    rng = np.random.default_rng(seed)
    t = np.arange(n) / fs
    f0 = fs / 4.0
    chirp = np.sin(2 * np.pi * (0.5 + (f0 / max(t[-1], 1e-9)) * t / 2) * t) if n > 1 else np.zeros(n)
    base = {
        "tones": lambda a: (1.5 + a) * np.sin(2 * np.pi * fs * (0.03 + 0.071 * a) * t + a)
        + 0.3 * np.sin(2 * np.pi * fs * 0.23 * t),
        "chirp": lambda a: chirp * (1 + 0.5 * a),
        "noise": lambda a: rng.standard_normal(n) * (1 + a),
        "silence": lambda a: np.zeros(n),
        "dc": lambda a: np.full(n, 5.0 - 2 * a),
        "clipped": lambda a: np.clip(4 * np.sin(2 * np.pi * fs * 0.047 * t + a), -1, 1),
        "gravity": lambda a: 9.81 + 0.2 * np.sin(2 * np.pi * fs * 0.02 * t) + 0.05 * rng.standard_normal(n),
        "impulses": lambda a: (np.arange(n) % (7 + a) == 0) * 3.0,
        "uniform": lambda a: rng.uniform(-20, 20, n),
    }
    return {name: np.stack([f(a) for a in range(axes)], axis=1).astype(np.float32)
            for name, f in base.items()}


class Report:
    """Collects per-case maximum errors; fails at the end if any is too big."""

    def __init__(self, name):
        self.name = name
        self.cases = 0
        self.max_abs = 0.0
        self.max_scaled = 0.0
        self.failures = []

    def compare(self, label, got, want, tol=TOL):
        want = np.asarray(want, dtype=np.float64)
        got = np.asarray(got, dtype=np.float64)
        self.cases += 1
        if got.shape != want.shape:
            self.failures.append("%s: shape %s, want %s" % (label, got.shape, want.shape))
            return
        if got.size == 0:
            return
        diff = np.abs(got - want)
        # Absolute for values of order one, relative for larger ones
        # (log bins, kurtosis of peaky spectra, RMS of loud signals).
        scaled = diff / np.maximum(1.0, np.abs(want))
        self.max_abs = max(self.max_abs, float(diff.max()))
        self.max_scaled = max(self.max_scaled, float(scaled.max()))
        if not np.all(np.isfinite(got)) or scaled.max() > tol:
            i = int(np.argmax(scaled))
            self.failures.append("%s: index %d got %.7g want %.7g (err %.3g)"
                                 % (label, i, got.flat[i], want.flat[i], scaled.flat[i]))

    def check(self, label, ok, detail=""):
        self.cases += 1
        if not ok:
            self.failures.append("%s %s" % (label, detail))

    def finish(self):
        print("%s: %d checks, max abs error %.3g, max scaled error %.3g"
              % (self.name, self.cases, self.max_abs, self.max_scaled))
        for f in self.failures:
            print("FAIL " + f)
        sys.exit(1 if self.failures else 0)
