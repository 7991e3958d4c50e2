# SPDX-License-Identifier: Apache-2.0
"""A minimal TensorFlow Lite flatbuffer writer for tests: enough of the
schema (v3) to build small models whose operators Ember's importer must
convert or refuse. Objects are laid out front to back (a table, then what
it points to), which keeps every offset positive as the format requires."""
import struct


class Table:
    """fields[i] is None (absent) or (kind, value): kind 'b' int8, 'B'
    uint8, 'i' int32, 'f' float32, 'q' int64, or 'off' with a Table, a str
    or a vector (kind, items) with kind 'i', 'f', 'q', 'B' or 'T' (tables)."""

    def __init__(self, fields):
        self.fields = fields


SIZES = {'b': 1, 'B': 1, 'i': 4, 'f': 4, 'q': 8, 'off': 4}


def build(root, identifier=b'TFL3'):
    buf = bytearray(b'\0\0\0\0' + identifier)

    def table(t):
        offs, size = {}, 4
        for fid, f in enumerate(t.fields):
            if f is not None:
                offs[fid] = size
                size += SIZES[f[0]]
        vt_pos = len(buf)
        buf.extend(struct.pack('<HH', 4 + 2 * len(t.fields), size))
        for fid in range(len(t.fields)):
            buf.extend(struct.pack('<H', offs.get(fid, 0)))
        pos = len(buf)
        buf.extend(struct.pack('<i', pos - vt_pos))
        pending = []
        for f in t.fields:
            if f is None:
                continue
            if f[0] == 'off':
                pending.append((len(buf), f[1]))
                buf.extend(b'\0\0\0\0')
            else:
                buf.extend(struct.pack('<' + f[0], f[1]))
        for slot, child in pending:
            struct.pack_into('<I', buf, slot, obj(child) - slot)
        return pos

    def obj(o):
        if isinstance(o, Table):
            return table(o)
        pos = len(buf)
        if isinstance(o, str):
            b = o.encode()
            buf.extend(struct.pack('<I', len(b)) + b + b'\0')
            return pos
        kind, items = o
        buf.extend(struct.pack('<I', len(items)))
        if kind == 'T':
            slots = []
            for _ in items:
                slots.append(len(buf))
                buf.extend(b'\0\0\0\0')
            for slot, it in zip(slots, items):
                struct.pack_into('<I', buf, slot, table(it) - slot)
        elif kind == 'B':
            buf.extend(bytes(items))
        else:
            for x in items:
                buf.extend(struct.pack('<' + kind, x))
        return pos

    struct.pack_into('<I', buf, 0, table(root))
    return bytes(buf)


INT8, INT32, FLOAT32 = 9, 2, 0


def tensor(shape, buffer, name, type_=INT8, scale=None, zero_point=0):
    q = None
    if scale is not None:
        q = ('off', Table([None, None, ('off', ('f', [scale])), ('off', ('q', [zero_point]))]))
    return Table([('off', ('i', shape)), ('b', type_), ('i', buffer), ('off', name), q])


def op(opcode_index, inputs, outputs, options_type=0, options=None):
    return Table([('i', opcode_index), ('off', ('i', inputs)), ('off', ('i', outputs)),
                  ('B', options_type) if options_type else None,
                  ('off', options) if options is not None else None])


def model(codes, tensors, ops, inputs, outputs, buffers, description='ember test'):
    """codes: builtin operator numbers; buffers: list of bytes (b'' = none)."""
    opcodes = [Table([('b', min(c, 127)), None, ('i', 1), ('i', c)]) for c in codes]
    subgraph = Table([('off', ('T', tensors)), ('off', ('i', inputs)), ('off', ('i', outputs)),
                      ('off', ('T', ops)), ('off', 'main')])
    bufs = [Table([('off', ('B', list(b)))]) if b else Table([]) for b in buffers]
    return build(Table([('i', 3), ('off', ('T', opcodes)), ('off', ('T', [subgraph])), ('off', description),
                        ('off', ('T', bufs))]))
