# SPDX-License-Identifier: Apache-2.0
"""Independent reference for Ember's inference kernels.

int8 kernels are re-derived here from TensorFlow Lite's reference
semantics with Python integers (explicit int32 wrapping / saturation), and
compared with the C kernels byte for byte; float kernels are compared with
a float64 numpy reference within a relative tolerance scaled by the sum of
absolute terms (so cancellation in a dot product does not fail the test).

Usage: ref_kernels.py PATH/TO/nn-kernel-run
Writes a case file, runs the runner on it, compares every case and exits
non-zero on the first mismatch (printing it).
"""
import math
import os
import subprocess
import sys
import tempfile

import numpy as np

INT32_MIN = -(1 << 31)
INT32_MAX = (1 << 31) - 1
ACT_NONE, ACT_RELU, ACT_RELU6, ACT_SIGMOID, ACT_TANH = range(5)

rng = np.random.default_rng(20240611)


# ---- fixed-point arithmetic ------------------------------------------------

def wrap32(v):
    return ((v + (1 << 31)) % (1 << 32)) - (1 << 31)


def trunc_div(a, b):
    """C99 integer division (truncates toward zero)."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


def round_half_away(v):
    """Exact half-away-from-zero rounding of a double (floor(|v| + 0.5)
    misrounds 0.49999999999999994, so compare the exact fraction)."""
    a = abs(v)
    f = math.floor(a)
    r = f + 1 if a - f >= 0.5 else f
    return -r if v < 0 else r


def srdhm(a, b):
    if a == INT32_MIN and b == INT32_MIN:
        return INT32_MAX
    ab = a * b
    nudge = (1 << 30) if ab >= 0 else 1 - (1 << 30)
    r = trunc_div(ab + nudge, 1 << 31)
    assert INT32_MIN <= r <= INT32_MAX
    return r


def rdpot(x, e):
    mask = (1 << e) - 1
    remainder = x & mask
    threshold = (mask >> 1) + (1 if x < 0 else 0)
    return (x >> e) + (1 if remainder > threshold else 0)


def mbqm(x, m, shift):
    left = shift if shift > 0 else 0
    right = 0 if shift > 0 else -shift
    return rdpot(srdhm(wrap32(x * (1 << left)), m), right)


def quantize_multiplier(real):
    if real == 0.0:
        return 0, 0
    q, shift = math.frexp(real)
    q_fixed = round_half_away(q * 2.0 ** 31)
    if q_fixed == 1 << 31:
        q_fixed //= 2
        shift += 1
    if shift < -31:
        shift, q_fixed = 0, 0
    if shift > 30:
        shift, q_fixed = 30, (1 << 31) - 1
    return q_fixed, shift


def f32(v):
    return float(np.float32(v))


def clamp(v, lo, hi):
    return max(lo, min(hi, v))


# ---- geometry ----------------------------------------------------------------

def geometry(in_h, in_w, kh, kw, sh, sw, same):
    """TensorFlow's padding rule."""
    if same:
        out_h, out_w = -(-in_h // sh), -(-in_w // sw)
        pad_h = max((out_h - 1) * sh + kh - in_h, 0)
        pad_w = max((out_w - 1) * sw + kw - in_w, 0)
        return out_h, out_w, pad_h // 2, pad_w // 2
    return (in_h - kh) // sh + 1, (in_w - kw) // sw + 1, 0, 0


def geom_tokens(g):
    return [g[k] for k in ("in_h", "in_w", "in_c", "out_h", "out_w", "out_c", "kh", "kw",
                           "sh", "sw", "pt", "pl", "dm")]


def make_geom(in_h, in_w, in_c, kh, kw, sh, sw, same, out_c=None, dm=1):
    out_h, out_w, pt, pl = geometry(in_h, in_w, kh, kw, sh, sw, same)
    return dict(in_h=in_h, in_w=in_w, in_c=in_c, out_h=out_h, out_w=out_w,
                out_c=in_c * dm if out_c is None else out_c, kh=kh, kw=kw, sh=sh, sw=sw,
                pt=pt, pl=pl, dm=dm)


def padded(x, g, fill):
    """x [h][w][c] placed in a canvas covering every window, padding = fill."""
    H = (g["out_h"] - 1) * g["sh"] + g["kh"]
    W = (g["out_w"] - 1) * g["sw"] + g["kw"]
    H = max(H, g["pt"] + g["in_h"])
    W = max(W, g["pl"] + g["in_w"])
    canvas = np.full((H, W, x.shape[2]), fill, dtype=x.dtype)
    canvas[g["pt"]:g["pt"] + g["in_h"], g["pl"]:g["pl"] + g["in_w"], :] = x
    return canvas


def windows(x, g, fill):
    """[out_h][out_w][kh][kw][c] view of every window."""
    p = padded(x, g, fill)
    out = np.empty((g["out_h"], g["out_w"], g["kh"], g["kw"], x.shape[2]), dtype=x.dtype)
    for oy in range(g["out_h"]):
        for ox in range(g["out_w"]):
            y, xx = oy * g["sh"], ox * g["sw"]
            out[oy, ox] = p[y:y + g["kh"], xx:xx + g["kw"], :]
    return out


def inside_mask(g):
    ones = np.ones((g["in_h"], g["in_w"], 1), dtype=np.int64)
    return windows(ones, g, 0)[..., 0]   # [oh][ow][kh][kw]


# ---- int8 references -----------------------------------------------------------

def requant(acc, mult, shift, out_off, lo, hi):
    """acc: int64 array [..., oc]."""
    flat = acc.reshape(-1, acc.shape[-1])
    res = np.empty(flat.shape, dtype=np.int64)
    for i in range(flat.shape[0]):
        for oc in range(flat.shape[1]):
            a = int(flat[i, oc])
            assert INT32_MIN <= a <= INT32_MAX, "test data overflowed int32"
            res[i, oc] = clamp(mbqm(a, mult[oc], shift[oc]) + out_off, lo, hi)
    return res.reshape(acc.shape)


def ref_conv_s8(g, x, w, bias, in_off, mult, shift, out_off, lo, hi):
    xo = x.astype(np.int64) + in_off
    win = windows(xo.reshape(g["in_h"], g["in_w"], g["in_c"]), g, 0)
    acc = np.einsum("abyxc,oyxc->abo", win, w.astype(np.int64).reshape(g["out_c"], g["kh"], g["kw"], g["in_c"]))
    if bias is not None:
        acc = acc + bias.astype(np.int64)
    return requant(acc, mult, shift, out_off, lo, hi).reshape(-1)


def ref_dw_s8(g, x, w, bias, in_off, mult, shift, out_off, lo, hi):
    dm = g["dm"]
    xo = x.astype(np.int64) + in_off
    win = windows(xo.reshape(g["in_h"], g["in_w"], g["in_c"]), g, 0)
    win = np.repeat(win, dm, axis=-1)        # channel ic*dm+m reads input ic
    acc = np.einsum("abyxo,yxo->abo", win, w.astype(np.int64).reshape(g["kh"], g["kw"], g["out_c"]))
    if bias is not None:
        acc = acc + bias.astype(np.int64)
    return requant(acc, mult, shift, out_off, lo, hi).reshape(-1)


def ref_dense_s8(in_n, out_n, x, w, bias, in_off, mult, shift, out_off, lo, hi):
    acc = w.astype(np.int64).reshape(out_n, in_n) @ (x.astype(np.int64) + in_off)
    if bias is not None:
        acc = acc + bias.astype(np.int64)
    return requant(acc.reshape(1, out_n), mult, shift, out_off, lo, hi).reshape(-1)


def ref_pool_s8(g, x, average, lo, hi):
    c = g["in_c"]
    win = windows(x.astype(np.int64).reshape(g["in_h"], g["in_w"], c), g, 0)
    mask = inside_mask(g)
    out = []
    for oy in range(g["out_h"]):
        for ox in range(g["out_w"]):
            m = mask[oy, ox].astype(bool)
            for ch in range(c):
                vals = [int(v) for v in win[oy, ox][..., ch][m]]
                if average:
                    s, n = sum(vals), len(vals)
                    v = trunc_div(s + n // 2, n) if s > 0 else trunc_div(s - n // 2, n)
                else:
                    v = max(vals)
                out.append(clamp(v, lo, hi))
    return out


def ref_add_prepare(s1, zp1, s2, zp2, so, zpo, lo, hi):
    twice_max = 2.0 * max(s1, s2)
    m1 = quantize_multiplier(s1 / twice_max)
    m2 = quantize_multiplier(s2 / twice_max)
    mo = quantize_multiplier(twice_max / (float(1 << 20) * so))
    return [-zp1, -zp2, zpo, 20, m1[0], m1[1], m2[0], m2[1], mo[0], mo[1], lo, hi]


def ref_add_s8(params, a, b):
    off1, off2, offo, ls, m1, sh1, m2, sh2, mo, sho, lo, hi = params
    out = []
    for va, vb in zip(a, b):
        s1 = mbqm((int(va) + off1) * (1 << ls), m1, sh1)
        s2 = mbqm((int(vb) + off2) * (1 << ls), m2, sh2)
        out.append(clamp(mbqm(s1 + s2, mo, sho) + offo, lo, hi))
    return out


def act_double(act, x):
    if act == ACT_RELU:
        return max(x, 0.0)
    if act == ACT_RELU6:
        return min(max(x, 0.0), 6.0)
    if act == ACT_SIGMOID:
        return 1.0 / (1.0 + math.exp(-x))
    if act == ACT_TANH:
        return math.tanh(x)
    return x


def ref_lut(act, in_scale, in_zp, out_scale, out_zp):
    return [clamp(round_half_away(act_double(act, in_scale * (i - in_zp)) / out_scale) + out_zp, -128, 127)
            for i in range(-128, 128)]


def ref_softmax_table(in_scale):
    return [round_half_away(math.exp(-float(d) * in_scale) * 2.0 ** 24) for d in range(256)]


def ref_softmax_s8(table, x):
    m = max(int(v) for v in x)
    e = [table[m - int(v)] for v in x]
    s = sum(e)
    return [min((ei * 256 + s // 2) // s - 128, 127) for ei in e]


def ref_quantize(scale, zp, x):
    out = []
    for v in x:
        q = np.float32(v) / np.float32(scale)
        if np.isnan(q):
            out.append(zp)
        elif np.isinf(q):
            out.append(127 if q > 0 else -128)
        else:
            out.append(clamp(round_half_away(float(q)) + zp, -128, 127))
    return out


# ---- float references (float64) ----------------------------------------------

def act_np(act, x):
    if act == ACT_RELU:
        return np.maximum(x, 0.0)
    if act == ACT_RELU6:
        return np.clip(x, 0.0, 6.0)
    if act == ACT_SIGMOID:
        return 1.0 / (1.0 + np.exp(-x))
    if act == ACT_TANH:
        return np.tanh(x)
    return x


def ref_conv_f32(g, x, w, bias, act, depthwise):
    """Returns (reference, scale): scale = Σ|terms|, the size of the sum
    whose float rounding the tolerance is relative to."""
    x3 = x.astype(np.float64).reshape(g["in_h"], g["in_w"], g["in_c"])
    win = windows(x3, g, 0.0)
    if depthwise:
        win = np.repeat(win, g["dm"], axis=-1)
        wk = w.astype(np.float64).reshape(g["kh"], g["kw"], g["out_c"])
        acc = np.einsum("abyxo,yxo->abo", win, wk)
        mag = np.einsum("abyxo,yxo->abo", np.abs(win), np.abs(wk))
    else:
        wk = w.astype(np.float64).reshape(g["out_c"], g["kh"], g["kw"], g["in_c"])
        acc = np.einsum("abyxc,oyxc->abo", win, wk)
        mag = np.einsum("abyxc,oyxc->abo", np.abs(win), np.abs(wk))
    if bias is not None:
        acc = acc + bias.astype(np.float64)
        mag = mag + np.abs(bias.astype(np.float64))
    return act_np(act, acc).reshape(-1), mag.reshape(-1)


def ref_pool_f32(g, x, average):
    x3 = x.astype(np.float64).reshape(g["in_h"], g["in_w"], g["in_c"])
    win = windows(x3, g, np.nan)
    if average:
        r = np.nanmean(win, axis=(2, 3))
        mag = np.nanmean(np.abs(win), axis=(2, 3))
    else:
        r = np.nanmax(win, axis=(2, 3))
        mag = np.abs(r)
    return r.reshape(-1), mag.reshape(-1)


# ---- case generation ------------------------------------------------------------

def s8(shape):
    return rng.integers(-128, 128, size=shape, dtype=np.int64)


def f32s(shape, scale=1.0):
    return (rng.standard_normal(shape) * scale).astype(np.float32)


def arr(v):
    v = list(v)
    return [len(v)] + [int(t) for t in v]


def farr(v):
    v = [float(t) for t in np.asarray(v, dtype=np.float32).reshape(-1)]
    return [len(v)] + [t.hex() for t in v]


def fhex(v):
    return float(np.float32(v)).hex()


def random_requant(out_c, allow_positive_shift=False):
    mult, shift = [], []
    for _ in range(out_c):
        if allow_positive_shift and rng.random() < 0.2:
            real = float(rng.uniform(1.0, 3.0))
        else:
            real = float(10 ** rng.uniform(-4.5, -1.5))
        m, s = quantize_multiplier(real)
        mult.append(m)
        shift.append(s)
    return mult, shift


def random_clamp(out_zp):
    r = rng.random()
    if r < 0.5:
        return -128, 127
    if r < 0.75:
        return max(out_zp, -128), 127                       # relu
    return max(out_zp, -128), min(out_zp + 60, 127)        # relu6-like


class Cases:
    def __init__(self):
        self.tokens = []
        self.expect = []     # (kind, expected list, compare spec)

    def add(self, kind, tokens, expected, spec="exact"):
        self.tokens.append(" ".join(str(t) for t in [kind] + tokens))
        self.expect.append((kind, expected, spec))


CONV_GEOMS = [(1, 1), (3, 3), (5, 1), (1, 5), (2, 3)]


def gen_conv_s8(cases, depthwise, count):
    for i in range(count):
        kh, kw = CONV_GEOMS[i % len(CONV_GEOMS)]
        s = 1 + (i // len(CONV_GEOMS)) % 2
        same = (i // (2 * len(CONV_GEOMS))) % 2 == 1
        in_h = int(rng.integers(kh, kh + 6))
        in_w = int(rng.integers(kw, kw + 6))
        in_c = int(rng.integers(1, 6))
        if depthwise:
            dm = 1 + i % 2
            g = make_geom(in_h, in_w, in_c, kh, kw, s, s, same, dm=dm)
        else:
            g = make_geom(in_h, in_w, in_c, kh, kw, s, s, same, out_c=int(rng.integers(1, 6)))
        x = s8(in_h * in_w * in_c)
        w = s8(g["out_c"] * kh * kw * (1 if depthwise else in_c))
        w[w == -128] = -127              # symmetric weights
        bias = rng.integers(-5000, 5000, size=g["out_c"]) if i % 4 != 3 else None
        in_off = -int(rng.integers(-128, 128))
        out_zp = int(rng.integers(-20, 20))
        mult, shift = random_requant(g["out_c"], allow_positive_shift=(i % 5 == 4))
        lo, hi = random_clamp(out_zp)
        ref = (ref_dw_s8 if depthwise else ref_conv_s8)(g, x, w, bias, in_off, mult, shift, out_zp, lo, hi)
        tokens = geom_tokens(g) + [in_off, out_zp, lo, hi] + arr(mult) + arr(shift) + arr(x) + arr(w) \
            + arr([] if bias is None else bias)
        cases.add("dw_s8" if depthwise else "conv_s8", tokens, list(ref))


def gen_dense_s8(cases, count):
    for i in range(count):
        in_n, out_n = int(rng.integers(1, 70)), int(rng.integers(1, 12))
        x, w = s8(in_n), s8(in_n * out_n)
        w[w == -128] = -127
        bias = rng.integers(-20000, 20000, size=out_n) if i % 3 else None
        in_off, out_zp = -int(rng.integers(-128, 128)), int(rng.integers(-30, 30))
        mult, shift = random_requant(out_n, allow_positive_shift=(i % 4 == 0))
        lo, hi = random_clamp(out_zp)
        ref = ref_dense_s8(in_n, out_n, x, w, bias, in_off, mult, shift, out_zp, lo, hi)
        tokens = [in_n, out_n, in_off, out_zp, lo, hi] + arr(mult) + arr(shift) + arr(x) + arr(w) \
            + arr([] if bias is None else bias)
        cases.add("dense_s8", tokens, list(ref))


def pool_geoms(i):
    k = 2 + i % 2
    s = 1 + (i // 2) % 2
    same = (i // 4) % 2 == 1
    in_h, in_w = int(rng.integers(k, k + 6)), int(rng.integers(k, k + 6))
    if i % 7 == 6:
        in_h = 1                        # 1-D pool
        return make_geom(1, in_w, int(rng.integers(1, 5)), 1, k, 1, s, same)
    return make_geom(in_h, in_w, int(rng.integers(1, 5)), k, k, s, s, same)


def gen_pool_s8(cases, count):
    for i in range(count):
        g = pool_geoms(i)
        x = s8(g["in_h"] * g["in_w"] * g["in_c"])
        if i % 4 == 1:
            # Mostly -128: windows whose maximum is the int8 minimum.
            x = np.where(rng.random(x.shape) < 0.85, -128, x)
        lo, hi = (-128, 127) if i % 3 else (-10, 90)
        for average in (False, True):
            ref = ref_pool_s8(g, x, average, lo, hi)
            cases.add("avgpool_s8" if average else "maxpool_s8", geom_tokens(g) + [lo, hi] + arr(x), ref)


def gen_add_s8(cases, count):
    for i in range(count):
        s1, s2, so = (f32(10 ** rng.uniform(-3, 0)) for _ in range(3))
        if i % 5 == 0:
            s2 = s1                     # equal scales: multiplier exactly 0.5
        zp1, zp2, zpo = (int(rng.integers(-128, 128)) for _ in range(3))
        lo, hi = (-128, 127) if i % 2 else (max(zpo, -128), 127)
        n = int(rng.integers(1, 64))
        a, b = s8(n), s8(n)
        params = ref_add_prepare(s1, zp1, s2, zp2, so, zpo, lo, hi)
        ref = ref_add_s8(params, a, b)
        tokens = [fhex(s1), zp1, fhex(s2), zp2, fhex(so), zpo, lo, hi] + arr(a) + arr(b)
        cases.add("add_s8", tokens, params + ref)


def gen_lut(cases, count):
    for i in range(count):
        act = [ACT_SIGMOID, ACT_TANH, ACT_NONE, ACT_RELU, ACT_RELU6][i % 5]
        in_scale = f32(10 ** rng.uniform(-2.5, -0.5))
        in_zp = int(rng.integers(-128, 128))
        if act == ACT_SIGMOID:
            out_scale, out_zp = f32(1 / 256), -128
        elif act == ACT_TANH:
            out_scale, out_zp = f32(1 / 128), 0
        else:
            out_scale, out_zp = f32(10 ** rng.uniform(-2, 0)), int(rng.integers(-128, 128))
        x = s8(50)
        table = ref_lut(act, in_scale, in_zp, out_scale, out_zp)
        ref = [table[int(v) + 128] for v in x]
        tokens = [act, fhex(in_scale), in_zp, fhex(out_scale), out_zp] + arr(x)
        cases.add("lut_s8", tokens, table + ref)


def gen_softmax_s8(cases, count):
    for i in range(count):
        in_scale = f32(10 ** rng.uniform(-2, 0))
        n = int(rng.integers(1, 40))
        x = s8(n)
        if i % 4 == 0:
            x[:] = x[0]                 # all equal
        table = ref_softmax_table(in_scale)
        cases.add("softmax_s8", [fhex(in_scale)] + arr(x), table + ref_softmax_s8(table, x))


def gen_scalar(cases):
    reals = [1e-40, 1e-12, 4.6e-10, 2.0 ** -31, 2.0 ** -32, 2.0 ** -33, 0.5, 0.75, 1.0, 1.5, 2.0,
             2.0 ** 30, 2.0 ** 31, 3e9, 1e12, 1e300, -0.3, 0.0, 1.0 - 2.0 ** -40, 0.9999999999,
             0.49999999999999994, 1.0 / 3.0]
    reals += [float(10 ** rng.uniform(-9, 9)) for _ in range(30)]
    for r in reals:
        cases.add("qmul", [float(r).hex()], list(quantize_multiplier(r)))

    specials = [INT32_MIN, INT32_MIN + 1, INT32_MAX, INT32_MAX - 1, -1, 1, 0, -3, 3, -5, 5,
                1 << 30, -(1 << 30), 12345, -12345, (1 << 20) + 1, -((1 << 20) + 1)]
    mults = [INT32_MIN, INT32_MAX, 1 << 30, (1 << 30) + 1, 1518500250, 2 ** 31 - 2, 0]
    for a in specials:
        for b in mults:
            cases.add("srdhm", [a, b], [srdhm(a, b)])
    for x in specials + [-2, 2, -6, 6, -7, 7, -8, 8]:
        for e in (0, 1, 2, 3, 5, 17, 30, 31):
            cases.add("rdpot", [x, e], [rdpot(x, e)])
    for x in specials:
        for m in (1 << 30, 1518500250, INT32_MAX):
            for s in (-31, -20, -5, -1, 0, 1, 3, 10):
                cases.add("mbqm", [x, m, s], [mbqm(x, m, s)])
    for _ in range(60):
        x = int(rng.integers(INT32_MIN, INT32_MAX + 1))
        m = int(rng.integers(1 << 30, 1 << 31))
        s = int(rng.integers(-31, 4))
        cases.add("mbqm", [x, m, s], [mbqm(x, m, s)])


def gen_quantize(cases):
    specials = np.array([0.0, 0.25, -0.25, 0.75, -0.75, 1.25, -1.25, 63.75, -64.25, 1e9, -1e9,
                         np.inf, -np.inf, np.nan, 1e-30], dtype=np.float32)
    for scale, zp in ((0.5, 0), (0.5, -3), (0.1, 7), (0.0234, -128), (3.0, 127)):
        x = np.concatenate([specials, f32s(40, 20.0)])
        cases.add("quantize_s8", [fhex(scale), zp] + farr(x), ref_quantize(f32(scale), zp, x))
        q = s8(60)
        deq = (np.float32(scale) * (q - zp).astype(np.float32)).astype(np.float32)
        cases.add("dequantize_s8", [fhex(scale), zp] + arr(q), [float(v) for v in deq])


def gen_float(cases):
    acts = [ACT_NONE, ACT_RELU, ACT_RELU6, ACT_SIGMOID, ACT_TANH]
    for i in range(40):
        kh, kw = CONV_GEOMS[i % len(CONV_GEOMS)]
        s = 1 + (i // 5) % 2
        same = (i // 10) % 2 == 1
        depthwise = i >= 20
        in_h, in_w, in_c = int(rng.integers(kh, kh + 6)), int(rng.integers(kw, kw + 6)), int(rng.integers(1, 9))
        if depthwise:
            g = make_geom(in_h, in_w, in_c, kh, kw, s, s, same, dm=1 + i % 2)
            w = f32s(kh * kw * g["out_c"])
        else:
            g = make_geom(in_h, in_w, in_c, kh, kw, s, s, same, out_c=int(rng.integers(1, 9)))
            w = f32s(g["out_c"] * kh * kw * in_c)
        x = f32s(in_h * in_w * in_c, 2.0)
        bias = f32s(g["out_c"]) if i % 3 else None
        act = acts[i % 5]
        ref, mag = ref_conv_f32(g, x, w, bias, act, depthwise)
        tokens = geom_tokens(g) + [act] + farr(x) + farr(w) + farr([] if bias is None else bias)
        cases.add("dw_f32" if depthwise else "conv_f32", tokens, list(ref), ("tol", list(mag)))
    for i in range(10):
        in_n, out_n = int(rng.integers(1, 200)), int(rng.integers(1, 20))
        x, w = f32s(in_n), f32s(in_n * out_n)
        bias = f32s(out_n) if i % 2 else None
        act = acts[i % 5]
        acc = w.astype(np.float64).reshape(out_n, in_n) @ x.astype(np.float64)
        mag = np.abs(w.astype(np.float64)).reshape(out_n, in_n) @ np.abs(x.astype(np.float64))
        if bias is not None:
            acc, mag = acc + bias, mag + np.abs(bias)
        cases.add("dense_f32", [in_n, out_n, act] + farr(x) + farr(w) + farr([] if bias is None else bias),
                  list(act_np(act, acc)), ("tol", list(mag)))
    for i in range(16):
        g = pool_geoms(i)
        x = f32s(g["in_h"] * g["in_w"] * g["in_c"], 3.0)
        for average in (False, True):
            ref, mag = ref_pool_f32(g, x, average)
            cases.add("avgpool_f32" if average else "maxpool_f32", geom_tokens(g) + farr(x), list(ref),
                      ("tol", list(mag)))
    for i in range(6):
        h, w, c = int(rng.integers(1, 8)), int(rng.integers(1, 8)), int(rng.integers(1, 10))
        x = f32s(h * w * c, 2.0)
        x3 = x.astype(np.float64).reshape(h * w, c)
        cases.add("gap_f32", [h, w, c] + farr(x), list(x3.mean(axis=0)), ("tol", list(np.abs(x3).mean(axis=0))))
    for act in acts:
        a, b = f32s(50, 4.0), f32s(50, 4.0)
        s = a.astype(np.float64) + b
        cases.add("add_f32", [act] + farr(a) + farr(b), list(act_np(act, s)),
                  ("tol", list(np.abs(a.astype(np.float64)) + np.abs(b))))
        x = f32s(80, 5.0)
        x[:4] = [0.0, 6.0, -6.0, 7.5]
        cases.add("act_f32", [act] + farr(x), list(act_np(act, x.astype(np.float64))),
                  ("tol", list(np.zeros(80))))
    for i in range(6):
        n = int(rng.integers(1, 60))
        x = f32s(n, 3.0).astype(np.float64)
        if i == 0:
            x = x + 80.0                # would overflow expf without the max
        e = np.exp(x - x.max())
        cases.add("softmax_f32", farr(x), list(e / e.sum()), ("tol", list(np.zeros(n))))


def compare(idx, kind, expected, spec, got_tokens):
    if spec == "exact":
        got = [int(t) if kind not in ("dequantize_s8",) else float.fromhex(t) for t in got_tokens]
        if len(got) != len(expected):
            return f"case {idx} ({kind}): {len(got)} values, expected {len(expected)}"
        for j, (g, e) in enumerate(zip(got, expected)):
            if g != e:
                return f"case {idx} ({kind}): value {j}: got {g}, expected {e}"
        return None
    mag = spec[1]
    got = [float.fromhex(t) for t in got_tokens]
    if len(got) != len(expected):
        return f"case {idx} ({kind}): {len(got)} values, expected {len(expected)}"
    for j, (g, e) in enumerate(zip(got, expected)):
        # Float rounding scales with the sum of absolute terms; expf/tanhf
        # add a few ulps of the result.
        tol = 1e-5 * (mag[j] + abs(e)) + 1e-6
        if not abs(g - e) <= tol:
            return f"case {idx} ({kind}): value {j}: got {g!r}, expected {e!r} (tolerance {tol:.3g})"
    return None


def main():
    if len(sys.argv) != 2:
        print("usage: ref_kernels.py PATH/TO/nn-kernel-run", file=sys.stderr)
        return 2
    runner = sys.argv[1]
    cases = Cases()
    gen_conv_s8(cases, False, 60)
    gen_conv_s8(cases, True, 40)
    gen_dense_s8(cases, 30)
    gen_pool_s8(cases, 24)
    gen_add_s8(cases, 25)
    gen_lut(cases, 20)
    gen_softmax_s8(cases, 16)
    gen_scalar(cases)
    gen_quantize(cases)
    gen_float(cases)

    with tempfile.TemporaryDirectory() as tmp:
        cpath, opath = os.path.join(tmp, "cases.txt"), os.path.join(tmp, "out.txt")
        with open(cpath, "w") as f:
            f.write("\n".join(cases.tokens) + "\n")
        r = subprocess.run([runner, cpath, opath], capture_output=True, text=True)
        if r.returncode != 0:
            print(f"runner failed ({r.returncode}): {r.stderr.strip()}")
            return 1
        with open(opath) as f:
            lines = f.read().splitlines()
    if len(lines) != len(cases.expect):
        print(f"runner wrote {len(lines)} results for {len(cases.expect)} cases")
        return 1
    counts = {}
    n_values = 0
    for idx, (line, (kind, expected, spec)) in enumerate(zip(lines, cases.expect)):
        toks = line.split()
        if toks[0] != kind:
            print(f"case {idx}: runner answered '{toks[0]}' for '{kind}'")
            return 1
        err = compare(idx, kind, expected, spec, toks[1:])
        if err is not None:
            print("MISMATCH " + err)
            return 1
        counts[kind] = counts.get(kind, 0) + 1
        n_values += len(expected)
    summary = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
    print(f"compared {len(cases.expect)} cases ({n_values} values): {summary}")
    print(f"{len(cases.expect)} kernel cases compared, all equal")
    return 0


if __name__ == "__main__":
    sys.exit(main())
