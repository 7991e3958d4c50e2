# SPDX-License-Identifier: Apache-2.0
"""Flatten and Raw (dsp/em-dsp-flatten.c, dsp/em-dsp-raw.c) against numpy /
scipy.stats references written from DSP-REFERENCE §1.6, plus the flatten
golden vector of §1.8.

Usage: /usr/bin/python3 test_flatten.py PATH/TO/dsp-run-spectral"""
import os
import sys

import numpy as np
import scipy.stats as st

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from spectral_common import Report, run, run_ok, signals  # noqa: E402

STATS = ["average", "minimum", "maximum", "rms", "stdev", "skewness", "kurtosis"]


def finite_or_zero(v):
    return v if np.isfinite(v) else 0.0


def ref_flatten(x, scale=1.0, **enabled):
    out = []
    for a in range(x.shape[1]):
        v = (x[:, a] * np.float32(scale)).astype(np.float64)
        values = {
            "average": v.mean(), "minimum": v.min(), "maximum": v.max(),
            "rms": np.sqrt(np.mean(v ** 2)), "stdev": v.std(),
            # Constant axis: scipy gives NaN, Ember 0.
            "skewness": finite_or_zero(st.skew(v)),
            "kurtosis": finite_or_zero(st.kurtosis(v)),
        }
        out += [values[s] for s in STATS if enabled.get(s, True)]
    return np.array(out)


def accel():
    t = np.arange(125) / 62.5
    return np.stack([2 * np.sin(2 * np.pi * 2 * t) + 0.5 * np.sin(2 * np.pi * 7 * t),
                     np.cos(2 * np.pi * t),
                     9.81 + 0.3 * np.sin(2 * np.pi * 5 * t + 0.5)], 1).astype(np.float32)


def check_golden(rep):
    x = accel()
    got = run_ok("flatten", x, fs=62.5, axes=3)
    rep.check("golden flatten: n", len(got) == 21, str(len(got)))
    rep.compare("golden flatten: first", got[:7],
                [-0.0, -2.454181, 2.454181, 1.457738, 1.457738, 0, -1.333910])
    rep.compare("golden flatten: last", got[-5:], [10.109357, 9.812293, 0.212132, -0.0, -1.5])
    rep.compare("golden flatten: sum", [got.astype(np.float64).sum()], [39.450421])
    rep.compare("reference golden flatten", [ref_flatten(x).sum()], [39.450421])
    print("golden flatten: n=%d sum=%.6f (want 21, 39.450421)" % (len(got), got.sum()))


FLATTEN = [
    ("tones", 200, 3, {}),
    ("noise", 1000, 6, {}),
    ("silence", 50, 2, {}),
    ("dc", 80, 1, {}),
    ("clipped", 333, 2, {}),
    ("gravity", 125, 3, {}),
    ("impulses", 300, 1, {}),
    ("uniform", 2000, 4, {}),
    ("chirp", 1, 1, {}),
    ("chirp", 2, 3, {}),
    ("tones", 100, 3, dict(scale_axes=0.001)),
    ("noise", 100, 2, dict(scale_axes=250)),
    ("gravity", 500, 3, dict(average=0, rms=0)),
    ("tones", 64, 2, dict(minimum=0, maximum=0, skewness=0)),
    ("noise", 64, 5, dict(average=0, minimum=0, maximum=0, rms=0, stdev=0, skewness=0)),
    ("uniform", 77, 1, dict(kurtosis=0)),
    ("chirp", 10000, 1, {}),
    ("clipped", 900, 6, dict(stdev=0)),
    ("dc", 20, 3, dict(scale_axes=-3)),
    ("impulses", 50, 4, dict(average=1, minimum=0, maximum=1, rms=0, stdev=0)),
    ("gravity", 16000, 1, {}),
]


def check_flatten(rep):
    for i, (name, n, axes, params) in enumerate(FLATTEN):
        x = signals(n, axes, 100.0, seed=300 + i)[name]
        args = {k: (int(v) if k != "scale_axes" else v) for k, v in params.items()}
        got = run_ok("flatten", x, fs=100, axes=axes, **args)
        scale = params.get("scale_axes", 1.0)
        enabled = {k: bool(v) for k, v in params.items() if k != "scale_axes"}
        rep.compare("flatten %d %s n=%d axes=%d %s" % (i, name, n, axes, params),
                    got, ref_flatten(x, scale, **enabled))
    rc, _, err = run("flatten", accel(), fs=62.5, axes=3, **{s: 0 for s in STATS})
    rep.check("flatten: nothing enabled", rc == 1 and "at least one" in err, err)
    rc, _, err = run("flatten", np.zeros(0), fs=62.5, axes=3)
    rep.check("flatten: empty window", rc == 1 and "empty" in err, err)


def check_raw(rep):
    for i in range(22):
        names = sorted(signals(2, 1, 100.0, 0))
        n, axes = [(1, 1), (5, 2), (100, 3), (333, 6), (2000, 1)][i % 5]
        x = signals(n, axes, 100.0, seed=400 + i)[names[i % len(names)]]
        scale = [1.0, 0.5, -2.0, 1000.0, 1e-3, 9.81][i % 6]
        got = run_ok("raw", x, fs=100, axes=axes, scale_axes=scale)
        want = (x * np.float32(scale)).astype(np.float64).ravel()
        rep.compare("raw %d n=%d axes=%d scale=%g" % (i, n, axes, scale), got, want)
    rc, _, err = run("raw", np.array([1, np.inf], np.float32), fs=1, axes=1)
    rep.check("raw: inf refused", rc == 1 and "infinite" in err, err)


def main():
    rep = Report("flatten+raw")
    check_golden(rep)
    check_flatten(rep)
    check_raw(rep)
    rep.finish()


if __name__ == "__main__":
    main()
