# SPDX-License-Identifier: Apache-2.0
"""Independent reference for Ember's TFLite Micro int8 SOFTMAX, LOGISTIC and
TANH (nn/em-nn-quant-tflm.c, nn/em-nn-kernels-s8-softmax.c).

Re-derives TFLM's reference int8 kernels from the published algorithms
(TFLite's Prepare arithmetic, gemmlowp's fixed-point exp / logistic / tanh /
Newton-Raphson reciprocal) with Python integers, element by element the way
TFLM's loop runs (no precomputed table: Ember's generation-time table is
exactly what is under test), and compares with the C code bit for bit on
random cases: thousands of int8 rows of 1..1000 values, random input
scales and betas, all-equal rows, -128 / 127 extremes, several rows per
tensor; logistic and tanh for random scales and zero points. Rounding is
written here in closed form (round half up / half away from zero on exact
integers) rather than with gemmlowp's masks and nudges, so a slip in either
formulation shows.

One documented choice: TFLM's last softmax shift exceeds 31 bits when a
row's exps add up to 256 or more (>= 256 values at or next to the
maximum); C++ leaves that shift undefined (x86 and Cortex-M builds of TFLM
disagree), and Ember, like this reference, rounds the true quotient there.

Usage: ref_tflm_act.py PATH/TO/nn-tflm-act-run [N_SOFTMAX_CASES]
"""
import math
import os
import random
import struct
import subprocess
import sys
import tempfile

INT32_MIN = -(1 << 31)
INT32_MAX = (1 << 31) - 1


def wrap32(v):
    return ((v + (1 << 31)) & 0xFFFFFFFF) - (1 << 31)


def f32(x):
    """x rounded to float32 (TFLite stores scales and beta as float)."""
    return struct.unpack('<f', struct.pack('<f', x))[0]


def f32_hex(x):
    return '%08x' % struct.unpack('<I', struct.pack('<f', x))[0]


# ---- fixed point, closed forms -------------------------------------------

def mul_q31(a, b):
    """a*b/2^31 rounded half up (towards +inf), saturating the one
    overflow (-1 * -1)."""
    if a == INT32_MIN and b == INT32_MIN:
        return INT32_MAX
    return (a * b + (1 << 30)) >> 31


def div_pot(x, e):
    """x / 2^e rounded to nearest, ties away from zero, any e >= 0."""
    if e == 0:
        return x
    mag = (abs(x) + (1 << (e - 1))) >> e
    return -mag if x < 0 else mag


def sat_mul_pot(x, e):
    """x * 2^e (e >= 0) clamped to int32 (gemmlowp saturates every
    |x| > 2^(31-e) - 1, which clamping the exact product reproduces)."""
    return max(INT32_MIN, min(INT32_MAX, x << e))


def half_sum(a, b):
    """(a + b) / 2 rounded half away from zero."""
    s = a + b
    return (s + 1) // 2 if s >= 0 else -((-s + 1) // 2)


def round_half_away(v):
    """For a double v whose fraction is exact (|v| < 2^52)."""
    r = math.floor(abs(v) + 0.5)
    return -r if v < 0 else r


def q31(v):
    return round_half_away(v * 2.0 ** 31)


# ---- gemmlowp's functions -------------------------------------------------

C_EXP_M8 = q31(math.exp(-1.0 / 8.0))
C_THIRD = q31(1.0 / 3.0)
C_EXP_BITS = {k: q31(math.exp(-2.0 ** k)) for k in range(-2, 5)}
C_48_17 = round_half_away(48.0 / 17.0 * 2 ** 29)
C_M32_17 = round_half_away(-32.0 / 17.0 * 2 ** 29)


def exp_quarter(a):
    """exp(a), a in Q0.31 within [-1/4, 0): 4th-order Taylor at -1/8."""
    x = wrap32(a + (1 << 28))
    x2 = mul_q31(x, x)
    x3 = mul_q31(x2, x)
    x4 = mul_q31(x2, x2)
    inner = wrap32(mul_q31(wrap32(div_pot(x4, 2) + x3), C_THIRD) + x2)
    poly = div_pot(inner, 1)
    return wrap32(C_EXP_M8 + mul_q31(C_EXP_M8, wrap32(x + poly)))


def exp_neg(a, ib):
    """exp(a) for a <= 0 in Q(ib), result Q0.31."""
    fb = 31 - ib
    if a == 0:
        return INT32_MAX
    quarter = 1 << (fb - 2)
    # a = -(k quarters) + r with r in [-1/4, 0)
    r = wrap32((a & (quarter - 1)) - quarter)
    result = exp_quarter(sat_mul_pot(r, ib))
    rem = wrap32(r - a) & 0xFFFFFFFF
    for k in range(-2, 5):
        if ib > k and rem & (1 << (fb + k)):
            result = mul_q31(result, C_EXP_BITS[k])
    if ib > 5 and a < -(1 << (36 - ib)):
        result = 0
    return result


def newton_q2(a):
    """1 / ((1 + a) / 2) in Q2.29 for a in Q0.31."""
    h = half_sum(a, INT32_MAX)
    x = wrap32(C_48_17 + mul_q31(h, C_M32_17))
    for _ in range(3):
        e = wrap32((1 << 29) - mul_q31(h, x))
        x = wrap32(x + sat_mul_pot(mul_q31(x, e), 2))
    return x


def one_over_one_plus(a):
    return sat_mul_pot(newton_q2(a), 1)


def one_minus_over_one_plus(a):
    return sat_mul_pot(wrap32(newton_q2(a) - (1 << 29)), 2)


def logistic(a, ib):
    if a == 0:
        return 1 << 30
    pos = one_over_one_plus(exp_neg(-abs(a), ib))
    return pos if a > 0 else wrap32(INT32_MAX - pos)


def tanh(a, ib):
    if a == 0:
        return 0
    t = one_minus_over_one_plus(exp_neg(-abs(a), ib + 1))
    return t if a > 0 else -t


# ---- TFLite's Prepare ----------------------------------------------------

def quantize_multiplier(real):
    """QuantizeMultiplier: real = m * 2^(shift - 31), m in [2^30, 2^31)."""
    q, e = math.frexp(real)
    m = round_half_away(q * 2.0 ** 31)
    if m == 1 << 31:
        m //= 2
        e += 1
    return m, e


def input_radius(ib, shift):
    return math.floor(((1 << ib) - 1) * 2.0 ** (31 - ib) / 2.0 ** shift)


def mbqm(x, m, shift):
    """MultiplyByQuantizedMultiplier (double rounding)."""
    left = max(shift, 0)
    right = max(-shift, 0)
    return div_pot(mul_q31(wrap32(x << left), m), right)


def softmax_ref(beta, scale, rows, depth, values):
    real = min(beta * scale * 2.0 ** 26, 2.0 ** 31 - 1.0)
    if not real > 1.0:
        return None
    mult, shift = quantize_multiplier(real)
    diff_min = -input_radius(5, shift)
    out = []
    wide = 0
    for r in range(rows):
        row = values[r * depth:(r + 1) * depth]
        top = max(row)
        cache = {}

        def exp_of(d):
            if d not in cache:
                # x * 2^shift fits: |d| * 2^shift <= 31 * 2^26 when d >= diff_min
                cache[d] = exp_neg(mul_q31(d << shift, mult), 5)
            return cache[d]
        total = 0
        for v in row:
            d = v - top
            if d >= diff_min:
                total += div_pot(exp_of(d), 12)
        total &= 0xFFFFFFFF
        headroom = 32 - total.bit_length()
        bits_over_unit = 12 - headroom
        wide += bits_over_unit + 31 - 8 > 31
        scale_q0 = one_over_one_plus(((total << headroom) & 0xFFFFFFFF) - (1 << 31))
        for v in row:
            d = v - top
            if d >= diff_min:
                o = div_pot(mul_q31(scale_q0, exp_of(d)), bits_over_unit + 31 - 8) - 128
                out.append(max(-128, min(127, o)))
            else:
                out.append(-128)
    table = [exp_neg(mul_q31(-d << shift, mult), 5) if -d >= diff_min else 0 for d in range(256)]
    return mult, shift, diff_min, out, wide, table


def q4_table_ref(scale, zp, is_tanh):
    q, shift = math.frexp(scale * float(1 << 27))
    mult = round_half_away(q * 2.0 ** 31)
    if shift < 0:
        return None
    radius = input_radius(4, shift)
    table = []
    for v in range(-128, 128):
        x = v - zp
        if x <= -radius:
            table.append(-128)
        elif x >= radius:
            table.append(127)
        else:
            q4 = mbqm(x, mult, shift)
            if is_tanh:
                o = div_pot(tanh(q4, 4), 24)
            else:
                o = div_pot(logistic(q4, 4), 23) - 128
            table.append(max(-128, min(127, o)))
    return table


# ---- cases ---------------------------------------------------------------

def gen_cases(rnd, n_softmax):
    cases = []
    special_rows = []
    for depth in (1, 2, 3, 10, 255, 256, 257, 300, 511, 512, 1000):
        special_rows.append([rnd.randint(-128, 127)] * depth)   # all equal
        special_rows.append([-128] * depth)
        special_rows.append([127] * depth)
        special_rows.append([rnd.choice((-128, 127)) for _ in range(depth)])
        special_rows.append([127] + [-128] * (depth - 1))
    for row in special_rows:
        scale = f32(10 ** rnd.uniform(-3.0, 0.5))
        cases.append(('softmax', f32(1.0), scale, 1, len(row), row))
    # scales at the edges: tiny (refused by TFLM), huge (multiplier capped)
    for scale in (f32(1e-9), f32(2.0 ** -26), f32(1.0000001 * 2.0 ** -26), f32(40.0), f32(1e6), f32(0.5), f32(1.0 / 256)):
        depth = rnd.randint(1, 50)
        cases.append(('softmax', f32(1.0), scale, 1, depth, [rnd.randint(-128, 127) for _ in range(depth)]))
    while len(cases) < n_softmax:
        depth = rnd.choice((rnd.randint(1, 16), rnd.randint(1, 100), rnd.randint(1, 1000)))
        rows = rnd.choice((1, 1, 1, 2, 3))
        scale = f32(10 ** rnd.uniform(-4.0, 0.7))
        beta = f32(1.0) if rnd.random() < 0.6 else f32(10 ** rnd.uniform(-1.0, 1.0))
        spread = rnd.choice((2, 8, 40, 256))
        centre = rnd.randint(-128, 127)
        values = [max(-128, min(127, centre + rnd.randint(-spread, spread))) for _ in range(rows * depth)]
        cases.append(('softmax', beta, scale, rows, depth, values))
    # Inputs on which Ember's earlier float-built tables differed from TFLM
    # by one step (found by comparing them with this reference).
    cases.append(('logistic', f32(0.06505736708641052), -81))
    cases.append(('tanh', f32(0.0014439678052440286), 86))
    row = [105, -46, -51, 105, -57, 59, 3, 121, 104, 51, -5, -115, 7, -55, -87, 95, 121, -67, -32, -14, 58, -36,
           -106, -118, 93, 25, 94, -44, -72, -31, 4, 120, -124, -88, -56, 11, -120, 126, -49, 29, -18, 5, 3, 26, -45,
           86, 91, -5, -93, 76, -12, 27, 87, -5, -72, -31, 117, -68, -40, -99, -51, 67, -114, 51, -98, 59, -4, 17,
           53, 80, -119, -69, -78, -102, 78, 79, -121, 124, -116, -89, 11, -97, -53, -128, -23, 121, 46, -55, 105,
           127, -13, -47, 90, 108, -94, -55, 67, 101, 73, -86]
    cases.append(('softmax', f32(1.0), f32(0.20669396221637726), 1, len(row), row))
    for _ in range(400):
        kind = rnd.choice(('logistic', 'tanh'))
        scale = f32(10 ** rnd.uniform(-4.0, 1.5))
        cases.append((kind, scale, rnd.randint(-128, 127)))
    # The fixed-point functions themselves, raw: every Q0.31 bit counts.
    for a in [0, 1, -1, INT32_MAX, INT32_MIN + 1, 1 << 29, 1 << 30, -(1 << 30)]:
        cases.append(('fx', a))
    for _ in range(3000):
        cases.append(('fx', rnd.randint(INT32_MIN + 1, INT32_MAX) >> rnd.randint(0, 24)))
    for scale in (f32(1.0 / 16), f32(1.0 / 256), f32(0.1), f32(20.0), f32(1000.0), f32(2.0 ** -27), f32(1e-9)):
        for kind in ('logistic', 'tanh'):
            cases.append((kind, scale, 0))
            cases.append((kind, scale, -128))
    return cases


def main():
    runner = sys.argv[1]
    n_softmax = int(sys.argv[2]) if len(sys.argv) > 2 else 2500
    rnd = random.Random(20261202)
    cases = gen_cases(rnd, n_softmax)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, 'cases.txt')
        with open(path, 'w') as f:
            for c in cases:
                if c[0] == 'softmax':
                    _, beta, scale, rows, depth, values = c
                    f.write('softmax %s %s %d %d %s\n' % (f32_hex(beta), f32_hex(scale), rows, depth,
                                                         ' '.join(map(str, values))))
                elif c[0] == 'fx':
                    f.write('fx %d\n' % c[1])
                else:
                    f.write('%s %s %d\n' % (c[0], f32_hex(c[1]), c[2]))
        res = subprocess.run([runner, path], capture_output=True, text=True)
    if res.returncode != 0:
        print('runner failed: %s' % res.stderr.strip())
        return 1
    lines = res.stdout.splitlines()
    if len(lines) != len(cases):
        print('runner gave %d results for %d cases' % (len(lines), len(cases)))
        return 1
    counts = {'softmax': 0, 'logistic': 0, 'tanh': 0, 'fx': 0, 'refused': 0, 'values': 0, 'undefined-in-tflm': 0}
    for i, (c, line) in enumerate(zip(cases, lines)):
        got = line.split()
        if c[0] == 'softmax':
            _, beta, scale, rows, depth, values = c
            ref = softmax_ref(beta, scale, rows, depth, values)
            if ref is None:
                ok = got[0] == 'err'
                counts['refused'] += 1
            else:
                want = ['ok'] + [str(v) for v in ref[:3]] + [str(v) for v in ref[5]] + [str(v) for v in ref[3]]
                ok = got == want
                counts['values'] += len(values)
                counts['undefined-in-tflm'] += ref[4]
        elif c[0] == 'fx':
            a = c[1]
            ref = [exp_neg(-abs(a), 5), exp_neg(-abs(a), 4), one_over_one_plus(abs(a)),
                   one_minus_over_one_plus(abs(a)), logistic(a, 4), tanh(a, 4)]
            ok = got == ['ok'] + [str(v) for v in ref]
        else:
            kind, scale, zp = c
            ref = q4_table_ref(scale, zp, kind == 'tanh')
            if ref is None:
                ok = got[0] == 'err'
                counts['refused'] += 1
            else:
                want = ['ok'] + [str(v) for v in ref]
                ok = got == want
        counts[c[0]] += 1
        if not ok:
            desc = c[:5] if c[0] == 'softmax' else c
            print('MISMATCH case %d %r' % (i, desc))
            if ref is not None and got and got[0] == 'ok':
                w = ['ok'] + ([str(v) for v in ref[:3]] + [str(v) for v in ref[5]] + [str(v) for v in ref[3]]
                              if c[0] == 'softmax' else [str(v) for v in ref])
                diffs = [(k, w[k], got[k]) for k in range(min(len(w), len(got))) if w[k] != got[k]]
                print('  first differences (index, reference, C): %r' % diffs[:10])
            else:
                print('  reference %r, C %r' % (None if ref is None else 'ok', line[:80]))
            return 1
    print('bit-exact: %(softmax)d softmax cases (%(values)d values, and their exp tables), %(logistic)d logistic and '
          '%(tanh)d tanh tables, %(fx)d raw fixed-point evaluations, %(refused)d refused by both; '
          '%(undefined-in-tflm)d rows in TFLM\'s undefined-shift regime' % counts)
    return 0


if __name__ == '__main__':
    sys.exit(main())
