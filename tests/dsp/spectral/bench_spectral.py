# SPDX-License-Identifier: Apache-2.0
"""Benchmark: spectral analysis with default parameters on a 2 s, 3-axis,
100 Hz window; dsp/ (timed inside dsp-run-spectral --bench) vs the numpy /
scipy reference of test_spectral.py (timeit). Prints µs per call and the
ratio.

Usage: /usr/bin/python3 bench_spectral.py PATH/TO/dsp-run-spectral [N]"""
import os
import subprocess
import sys
import tempfile
import timeit

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from spectral_common import runner_path, signals  # noqa: E402
from test_spectral import reference  # noqa: E402


def main():
    n_calls = int(sys.argv[2]) if len(sys.argv) > 2 else 20000
    fs = 100.0
    x = signals(200, 3, fs, seed=1)["tones"]
    with tempfile.NamedTemporaryFile(suffix=".f32", delete=False) as f:
        x.tofile(f)
        path = f.name
    try:
        r = subprocess.run([runner_path(), "--bench", str(n_calls), "spectral",
                            "fs=%g" % fs, "axes=3", path],
                           capture_output=True, check=True, text=True)
    finally:
        os.unlink(path)
    c_us = float(r.stdout.strip())

    x64 = x.astype(np.float64)
    reps = 200
    py_us = min(timeit.repeat(lambda: reference(x64, fs), number=reps, repeat=3)) / reps * 1e6
    print("spectral defaults, 200 frames x 3 axes @ 100 Hz:")
    print("  dsp/ (C):        %10.2f us/call (%d calls)" % (c_us, n_calls))
    print("  numpy reference: %10.2f us/call" % py_us)
    print("  speed-up:        %10.1fx" % (py_us / c_us))


if __name__ == "__main__":
    main()
