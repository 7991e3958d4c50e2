#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Small float32 TensorFlow Lite models with known weights, written without
TensorFlow (tests/cli/tflite_writer.py lays out the flatbuffer), and a numpy
reference that computes what TensorFlow Lite's float kernels compute, written
from the operators' definitions (NHWC, batch 1, float64).

    make_float_tflite.py DIR     writes DIR/<name>.tflite for every model

Models (MODELS below): 'cnn' (PAD + VALID CONV_2D as Keras writes 'same'
stride 2, DEPTHWISE_CONV_2D with multiplier 2, MAX_POOL_2D, a 1×1 CONV_2D
with bias-free ADD residual, RESHAPE, FULLY_CONNECTED, SOFTMAX), 'cnn_mean'
(CONV_2D SAME, AVERAGE_POOL_2D SAME, MEAN over height and width,
FULLY_CONNECTED, SOFTMAX), 'mlp' (FULLY_CONNECTED with fused and separate
RELU, LOGISTIC, RELU6, TANH, SOFTMAX), 'cnn_f16' and 'mlp_i8w' (the same
networks with weights stored as float16 / per-channel int8 constants behind
DEQUANTIZE ops), 'concat' (CONCATENATION, which Ember's float network cannot
express), 'cnn_pad_symmetric' (a PAD that is not TensorFlow's 'same') and
'unsupported' (float ops Ember does not have)."""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'cli'))
import tflite_writer as tw  # noqa: E402

FLOAT32, FLOAT16, INT8, INT32 = 0, 1, 9, 2
ADD, AVERAGE_POOL_2D, CONCATENATION, CONV_2D, DEPTHWISE_CONV_2D, DEQUANTIZE = 0, 1, 2, 3, 4, 6
FULLY_CONNECTED, LOGISTIC, MAX_POOL_2D, RELU, RELU6, RESHAPE, SOFTMAX, TANH = 9, 14, 17, 19, 21, 22, 25, 28
PAD, MEAN, GATHER, FLOOR = 34, 40, 36, 8
SAME, VALID = 0, 1
ACT = {None: 0, 'relu': 1, 'relu6': 3}


class Graph:
    """Tensors, buffers and ops of one subgraph; every op records a numpy
    function so that the reference runs the very same graph."""

    def __init__(self, rng, weights='f32'):
        self.rng = rng
        self.weights = weights      # 'f32' | 'f16' | 'i8': how conv / FC weights are stored
        self.tensors, self.buffers, self.ops, self.codes = [], [b''], [], []
        self.steps = []             # (fn, [input tensor ids], output id)
        self.values = {}            # constant tensor id → float64 array (as TFLite dequantizes it)

    def code(self, c):
        if c not in self.codes:
            self.codes.append(c)
        return self.codes.index(c)

    def act(self, shape, name):
        self.tensors.append(tw.tensor(list(shape), 0, name, type_=FLOAT32))
        return len(self.tensors) - 1

    def const(self, arr, name, type_=FLOAT32, quant=None):
        arr = np.asarray(arr)
        raw = {FLOAT32: '<f4', FLOAT16: '<f2', INT8: 'i1', INT32: '<i4'}[type_]
        self.buffers.append(arr.astype(raw).tobytes())
        fields = [('off', ('i', list(arr.shape))), ('b', type_), ('i', len(self.buffers) - 1), ('off', name), quant]
        self.tensors.append(tw.Table(fields))
        return len(self.tensors) - 1

    def weight(self, w, name, channel_axis):
        """Float weights, stored as self.weights says; returns the tensor the
        op reads and the values TFLite computes with."""
        w = np.asarray(w, np.float32)
        if self.weights == 'f32':
            t = self.const(w, name)
            return t, w.astype(np.float64)
        if self.weights == 'f16':
            h = w.astype(np.float16)
            src = self.const(h, name + '_f16', FLOAT16)
            value = h.astype(np.float64)
        else:
            moved = np.moveaxis(w, channel_axis, 0).reshape(w.shape[channel_axis], -1)
            scales = np.maximum(np.abs(moved).max(1), 1e-6) / 127.0
            shape = [1] * w.ndim
            shape[channel_axis] = -1
            q = np.clip(np.round(w / scales.reshape(shape)), -127, 127).astype(np.int8)
            quant = ('off', tw.Table([None, None, ('off', ('f', [float(s) for s in scales.astype(np.float32)])),
                                      ('off', ('q', [0] * len(scales))), None, None, ('i', channel_axis)]))
            src = self.const(q, name + '_i8', INT8, quant)
            value = q.astype(np.float64) * scales.astype(np.float32).astype(np.float64).reshape(shape)
        t = self.act(w.shape, name)
        self.ops.append(tw.op(self.code(DEQUANTIZE), [src], [t]))
        return t, value

    def op(self, code, inputs, out, fn, options_type=0, options=None):
        self.ops.append(tw.op(self.code(code), inputs, [out], options_type, options))
        self.steps.append((fn, inputs, out))
        return out

    def model(self, inp, out):
        return tw.model(self.codes, self.tensors, self.ops, [inp], [out], self.buffers, 'ember float test')

    def run(self, inp, out, x):
        """The reference: x is (h, w, c) or (n,) float64, one window."""
        env = dict(self.values)
        env[inp] = np.asarray(x, np.float64)
        for fn, inputs, o in self.steps:
            env[o] = fn(*[env.get(i) for i in inputs])
        return env[out]

    # ---- layers: each adds tensors and an op, and its reference ----

    def conv(self, x, shape_in, filters, k, stride, padding, act, name, bias=True):
        h, w, c = shape_in
        W = self.rng.normal(0, 1 / np.sqrt(k * k * c), (filters, k, k, c)).astype(np.float32)
        b = self.rng.normal(0, 0.1, filters).astype(np.float32)
        wt, wv = self.weight(W, name + '_w', 0)
        ins = [x, wt]
        if bias:
            bt = self.const(b, name + '_b')
            self.values[bt] = b.astype(np.float64)
            ins.append(bt)
        oh, ow = out_size(h, k, stride, padding), out_size(w, k, stride, padding)
        out = self.act([1, oh, ow, filters], name)
        opts = tw.Table([('b', padding), ('i', stride), ('i', stride), ('b', ACT[act]), ('i', 1), ('i', 1)])
        self.op(CONV_2D, ins, out, lambda v, _w, bb=None: activate(conv2d(v, wv, bb, stride, padding), act), 1, opts)
        return out, (oh, ow, filters)

    def depthwise(self, x, shape_in, mult, k, stride, padding, act, name):
        h, w, c = shape_in
        W = self.rng.normal(0, 1 / k, (1, k, k, c * mult)).astype(np.float32)
        b = self.rng.normal(0, 0.1, c * mult).astype(np.float32)
        wt, wv = self.weight(W, name + '_w', 3)
        bt = self.const(b, name + '_b')
        self.values[bt] = b.astype(np.float64)
        oh, ow = out_size(h, k, stride, padding), out_size(w, k, stride, padding)
        out = self.act([1, oh, ow, c * mult], name)
        opts = tw.Table([('b', padding), ('i', stride), ('i', stride), ('i', mult), ('b', ACT[act]), ('i', 1),
                         ('i', 1)])
        self.op(DEPTHWISE_CONV_2D, [x, wt, bt], out,
                lambda v, _w, bb: activate(depthwise(v, wv, bb, mult, stride, padding), act), 2, opts)
        return out, (oh, ow, c * mult)

    def dense(self, x, n_in, units, act, name, gain=1.0):
        W = self.rng.normal(0, gain / np.sqrt(n_in), (units, n_in)).astype(np.float32)
        b = self.rng.normal(0, 0.1, units).astype(np.float32)
        wt, wv = self.weight(W, name + '_w', 0)
        bt = self.const(b, name + '_b')
        self.values[bt] = b.astype(np.float64)
        out = self.act([1, units], name)
        opts = tw.Table([('b', ACT[act]), ('b', 0), ('b', 0), ('b', 0)])
        self.op(FULLY_CONNECTED, [x, wt, bt], out, lambda v, _w, bb: activate(wv @ v.reshape(-1) + bb, act), 8, opts)
        return out

    def pool(self, x, shape_in, k, stride, padding, kind, name):
        h, w, c = shape_in
        oh, ow = out_size(h, k, stride, padding), out_size(w, k, stride, padding)
        out = self.act([1, oh, ow, c], name)
        opts = tw.Table([('b', padding), ('i', stride), ('i', stride), ('i', k), ('i', k), ('b', 0)])
        self.op(MAX_POOL_2D if kind == 'max' else AVERAGE_POOL_2D, [x], out,
                lambda v: pool2d(v, k, stride, padding, kind), 5, opts)
        return out, (oh, ow, c)

    def unary(self, code, x, shape, fn, name, options_type=0, options=None):
        out = self.act(shape, name)
        return self.op(code, [x], out, fn, options_type, options)

    def softmax(self, x, n, name):
        return self.unary(SOFTMAX, x, [1, n], softmax, name, 9, tw.Table([('f', 1.0)]))

    def reshape(self, x, shape, name):
        st = self.const(np.array(shape, np.int32), name + '_shape', INT32)
        out = self.act(shape, name)
        return self.op(RESHAPE, [x, st], out, lambda v, _s: v.reshape(shape[1:]), 17,
                       tw.Table([('off', ('i', list(shape)))]))


def out_size(n, k, s, padding):
    return (n + s - 1) // s if padding == SAME else (n - k) // s + 1


def same_pads(n, k, s):
    o = (n + s - 1) // s
    total = max((o - 1) * s + k - n, 0)
    return total // 2, total - total // 2


def pad_input(x, k, s, padding):
    if padding == VALID:
        return x
    (t, b), (l, r) = same_pads(x.shape[0], k, s), same_pads(x.shape[1], k, s)
    return np.pad(x, ((t, b), (l, r), (0, 0)))


def conv2d(x, W, b, s, padding):
    f, k = W.shape[0], W.shape[1]
    xp = pad_input(x, k, s, padding)
    oh, ow = out_size(x.shape[0], k, s, padding), out_size(x.shape[1], k, s, padding)
    y = np.zeros((oh, ow, f))
    for i in range(oh):
        for j in range(ow):
            patch = xp[i * s:i * s + k, j * s:j * s + k, :]
            y[i, j] = np.tensordot(W, patch, axes=([1, 2, 3], [0, 1, 2]))
    return y + (b if b is not None else 0)


def depthwise(x, W, b, mult, s, padding):
    k = W.shape[1]
    xp = pad_input(x, k, s, padding)
    xp = np.repeat(xp, mult, axis=2)           # output channel c * mult + m reads input c
    oh, ow = out_size(x.shape[0], k, s, padding), out_size(x.shape[1], k, s, padding)
    y = np.zeros((oh, ow, W.shape[3]))
    for i in range(oh):
        for j in range(ow):
            y[i, j] = (xp[i * s:i * s + k, j * s:j * s + k, :] * W[0]).sum((0, 1))
    return y + b


def pool2d(x, k, s, padding, kind):
    h, w, c = x.shape
    oh, ow = out_size(h, k, s, padding), out_size(w, k, s, padding)
    (t, _), (l, _) = (same_pads(h, k, s), same_pads(w, k, s)) if padding == SAME else ((0, 0), (0, 0))
    y = np.zeros((oh, ow, c))
    for i in range(oh):
        for j in range(ow):
            y0, x0 = i * s - t, j * s - l
            win = x[max(y0, 0):min(y0 + k, h), max(x0, 0):min(x0 + k, w), :]   # padding is not averaged
            y[i, j] = win.max((0, 1)) if kind == 'max' else win.mean((0, 1))
    return y


def activate(v, act):
    if act == 'relu':
        return np.maximum(v, 0)
    if act == 'relu6':
        return np.clip(v, 0, 6)
    return v


def softmax(v):
    e = np.exp(v - v.max())
    return e / e.sum()


def sigmoid(v):
    return 1 / (1 + np.exp(-v))


# ---- the models ---------------------------------------------------------------

def cnn(rng, weights='f32', pads='same'):
    g = Graph(rng, weights)
    x = g.act([1, 8, 8, 2], 'input')
    # Keras 'same' with stride 2 as a ZeroPadding2D + VALID conv (MobileNet);
    # pads='symmetric': one on every side, which no Ember padding reads.
    top, bottom = same_pads(8, 3, 2) if pads == 'same' else (1, 1)
    pads = g.const(np.array([[0, 0], [top, bottom], [top, bottom], [0, 0]], np.int32), 'paddings', INT32)
    padded = g.act([1, 8 + top + bottom, 8 + top + bottom, 2], 'padded')
    g.op(PAD, [x, pads], padded, lambda v, _p: np.pad(v, ((top, bottom), (top, bottom), (0, 0))), 22,
         tw.Table([]))
    c1, s1 = g.conv(padded, (9, 9, 2), 4, 3, 2, VALID, 'relu', 'conv1')
    d1, s2 = g.depthwise(c1, s1, 2, 3, 1, SAME, 'relu6', 'dw1')
    p1, s3 = g.pool(d1, s2, 2, 2, VALID, 'max', 'pool1')
    c2, _ = g.conv(p1, s3, 8, 1, 1, VALID, None, 'conv2', bias=False)
    a1 = g.act([1, 2, 2, 8], 'residual')
    g.op(ADD, [c2, p1], a1, lambda a, b: np.maximum(a + b, 0), 11, tw.Table([('b', 1)]))
    flat = g.reshape(a1, [1, 32], 'flat')
    fc = g.dense(flat, 32, 5, None, 'fc', gain=3.0)
    return g, x, g.softmax(fc, 5, 'probs')


def cnn_mean(rng, weights='f32'):
    g = Graph(rng, weights)
    x = g.act([1, 7, 9, 3], 'input')
    c1, s1 = g.conv(x, (7, 9, 3), 6, 3, 1, SAME, 'relu', 'conv1')
    p1, s2 = g.pool(c1, s1, 2, 2, SAME, 'avg', 'avg1')
    axes = g.const(np.array([1, 2], np.int32), 'axes', INT32)
    m = g.act([1, 6], 'mean')
    g.op(MEAN, [p1, axes], m, lambda v, _a: v.mean((0, 1)), 27, tw.Table([('b', 0)]))
    fc = g.dense(m, 6, 3, None, 'fc')
    return g, x, g.softmax(fc, 3, 'probs')


def mlp(rng, weights='f32'):
    g = Graph(rng, weights)
    x = g.act([1, 20], 'input')
    h1 = g.dense(x, 20, 16, 'relu', 'fc1')
    h2 = g.dense(h1, 16, 12, None, 'fc2')
    s2 = g.unary(LOGISTIC, h2, [1, 12], sigmoid, 'sigmoid')
    h3 = g.dense(s2, 12, 10, None, 'fc3')
    r3 = g.unary(RELU6, h3, [1, 10], lambda v: np.clip(v, 0, 6), 'relu6')
    t3 = g.unary(TANH, r3, [1, 10], np.tanh, 'tanh')
    r4 = g.unary(RELU, t3, [1, 10], lambda v: np.maximum(v, 0), 'relu')
    h4 = g.dense(r4, 10, 4, None, 'fc4', gain=6.0)   # decisive scores, so top-1 means something
    return g, x, g.softmax(h4, 4, 'probs')


def concat(rng, weights='f32'):
    g = Graph(rng, weights)
    x = g.act([1, 4, 4, 2], 'input')
    a, _ = g.conv(x, (4, 4, 2), 3, 3, 1, SAME, 'relu', 'a')
    b, _ = g.conv(x, (4, 4, 2), 3, 1, 1, SAME, 'relu', 'b')
    cat = g.act([1, 4, 4, 6], 'cat')
    g.op(CONCATENATION, [a, b], cat, lambda u, v: np.concatenate([u, v], 2), 10, tw.Table([('i', 3), ('b', 0)]))
    flat = g.reshape(cat, [1, 96], 'flat')
    return g, x, g.dense(flat, 96, 2, None, 'fc')


def unsupported(rng, weights='f32'):
    g = Graph(rng, weights)
    x = g.act([1, 6], 'input')
    f = g.unary(FLOOR, x, [1, 6], np.floor, 'floor')
    idx = g.const(np.array([0, 2], np.int32), 'idx', INT32)
    out = g.act([1, 2], 'gathered')
    g.op(GATHER, [f, idx], out, None)
    return g, x, out


MODELS = {
    'cnn': lambda r: cnn(r),
    'cnn_f16': lambda r: cnn(r, 'f16'),
    'cnn_mean': lambda r: cnn_mean(r),
    'mlp': lambda r: mlp(r),
    'mlp_i8w': lambda r: mlp(r, 'i8'),
    'concat': lambda r: concat(r),
    'cnn_pad_symmetric': lambda r: cnn(r, pads='symmetric'),
    'unsupported': lambda r: unsupported(r),
}


def build(name, seed=1):
    """(tflite bytes, input (h, w, c) or (n,), reference function of one window)."""
    g, inp, out = MODELS[name](np.random.default_rng(seed))
    shape = g.tensors[inp].fields[0][1][1][1:]      # the input's shape without the batch
    return g.model(inp, out), tuple(shape), lambda x: g.run(inp, out, x)


if __name__ == '__main__':
    if len(sys.argv) != 2:
        sys.exit('usage: make_float_tflite.py DIR')
    os.makedirs(sys.argv[1], exist_ok=True)
    for n in MODELS:
        data, _, _ = build(n)
        with open(os.path.join(sys.argv[1], n + '.tflite'), 'wb') as f:
            f.write(data)
