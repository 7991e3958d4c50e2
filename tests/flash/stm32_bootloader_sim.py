#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""An STM32 system bootloader (ST AN3155, USART) on a pseudo-terminal.

Keeps a flash array that behaves like NOR flash (erase sets 0xFF, writes
can only clear bits), and answers Get, Get Version, Get ID, Read Memory,
Go, Write Memory, Erase and Extended Erase, with NACKs for bad checksums,
bad addresses and complements.  Fault modes for the flasher's error paths:

  --pid 0x413           report another chip (wrong chip id)
  --write-protect       NACK every erase and write
  --protect-writes      erase works, every flash write is NACKed
  --stop-after N        after N Write Memory commands, never answer again
                        (cable pulled, port still there)
  --hangup-after N      after N writes, close the pty master (port vanished)
  --legacy-erase        offer Erase (0x43) instead of Extended Erase (0x44)

Prints the slave's path on the first line of stdout; on SIGTERM/SIGINT
writes the flash to --dump (if given) and exits 0.  The sector map is the
STM32F4's (16K x4, 64K, 128K ...), so stm32flash's sector erase works."""
import argparse
import os
import pty
import signal
import sys
import tty

ACK, NACK = 0x79, 0x1F
FLASH_BASE = 0x08000000
RAM_BASE, RAM_SIZE = 0x20000000, 128 * 1024


def sectors(size):
    out, addr = [], 0
    for s in [16384] * 4 + [65536] + [131072] * 64:
        if addr >= size:
            break
        out.append((addr, s))
        addr += s
    return out


class Hangup(Exception):
    pass


class Sim:
    def __init__(self, args):
        self.a = args
        self.flash = bytearray(b"\xff" * args.flash_size)
        self.sectors = sectors(args.flash_size)
        self.writes = 0
        self.silent = False
        self.buf = b""
        self.master, self.slave = pty.openpty()
        tty.setraw(self.slave)
        self.cmds = [0x00, 0x01, 0x02, 0x11, 0x21, 0x31,
                     0x43 if args.legacy_erase else 0x44, 0x63, 0x73, 0x82, 0x92]

    def read(self, n):
        while len(self.buf) < n:
            try:
                chunk = os.read(self.master, 4096)
            except OSError:
                chunk = b""
            if not chunk:
                raise Hangup()
            if self.silent:
                continue          # the cable is "pulled": swallow everything
            self.buf += chunk
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def send(self, *data):
        if not self.silent:
            os.write(self.master, bytes(data))

    def addr(self):
        a = self.read(5)
        if a[0] ^ a[1] ^ a[2] ^ a[3] != a[4]:
            return None
        return int.from_bytes(a[:4], "big")

    def region(self, addr, n):
        """The bytearray and offset that hold [addr, addr+n), or (None, 0)."""
        if FLASH_BASE <= addr and addr + n <= FLASH_BASE + len(self.flash):
            return self.flash, addr - FLASH_BASE
        if RAM_BASE <= addr and addr + n <= RAM_BASE + RAM_SIZE:
            if not hasattr(self, "ram"):
                self.ram = bytearray(RAM_SIZE)
            return self.ram, addr - RAM_BASE
        return None, 0

    def erase_sector(self, i):
        if i < len(self.sectors):
            start, size = self.sectors[i]
            self.flash[start:start + size] = b"\xff" * size
            return True
        return False

    def run(self):
        synced = False
        while True:
            if not synced:
                if self.read(1)[0] == 0x7F:
                    synced = True
                    self.send(ACK)
                continue
            c, x = self.read(2)
            if c ^ x != 0xFF or c not in self.cmds:
                self.send(NACK)
                continue
            getattr(self, "cmd_%02x" % c, self.cmd_unsupported)()
            if c == 0x21 and self.went:
                synced = False

    def cmd_unsupported(self):
        self.send(NACK)

    def cmd_00(self):  # Get
        self.send(ACK, len(self.cmds), 0x31, *self.cmds, ACK)

    def cmd_01(self):  # Get Version
        self.send(ACK, 0x31, 0x00, 0x00, ACK)

    def cmd_02(self):  # Get ID
        self.send(ACK, 0x01, self.a.pid >> 8, self.a.pid & 0xFF, ACK)

    def cmd_11(self):  # Read Memory
        self.send(ACK)
        addr = self.addr()
        if addr is None:
            return self.send(NACK)
        self.send(ACK)
        n, x = self.read(2)
        mem, off = self.region(addr, n + 1)
        if n ^ x != 0xFF or mem is None:
            return self.send(NACK)
        self.send(ACK, *mem[off:off + n + 1])

    def cmd_21(self):  # Go
        self.went = False
        self.send(ACK)
        addr = self.addr()
        if addr is None or self.region(addr, 4)[0] is None:
            return self.send(NACK)
        self.send(ACK)
        self.went = True

    def cmd_31(self):  # Write Memory
        self.send(ACK)
        addr = self.addr()
        mem, off = (None, 0) if addr is None else self.region(addr, 1)
        if mem is None:
            return self.send(NACK)
        self.send(ACK)
        n = self.read(1)[0]
        data = self.read(n + 1)
        check = self.read(1)[0]
        x = n
        for b in data:
            x ^= b
        if x != check or off + n + 1 > len(mem):
            return self.send(NACK)
        if (self.a.write_protect or self.a.protect_writes) and mem is self.flash:
            return self.send(NACK)
        if self.a.hangup_after is not None and self.writes >= self.a.hangup_after:
            os.close(self.master)
            raise Hangup()
        if self.a.stop_after is not None and self.writes >= self.a.stop_after:
            self.silent = True
            return
        for i, b in enumerate(data):
            mem[off + i] = (mem[off + i] & b) if mem is self.flash else b
        self.writes += 1
        self.send(ACK)

    def cmd_43(self):  # Erase
        self.send(ACK)
        n = self.read(1)[0]
        if n == 0xFF:
            ok = self.read(1)[0] == 0x00
            pages = None
        else:
            pages = self.read(n + 1)
            x = n
            for b in pages:
                x ^= b
            ok = self.read(1)[0] == x
        if not ok or self.a.write_protect:
            return self.send(NACK)
        if pages is None:
            self.flash[:] = b"\xff" * len(self.flash)
        elif not all(self.erase_sector(p) for p in pages):
            return self.send(NACK)
        self.send(ACK)

    def cmd_44(self):  # Extended Erase
        self.send(ACK)
        hi, lo = self.read(2)
        n = hi << 8 | lo
        if n >= 0xFFF0:
            ok = self.read(1)[0] == hi ^ lo
            pages = None
        else:
            raw = self.read(2 * (n + 1))
            x = hi ^ lo
            for b in raw:
                x ^= b
            ok = self.read(1)[0] == x
            pages = [raw[i] << 8 | raw[i + 1] for i in range(0, len(raw), 2)]
        if not ok or self.a.write_protect or (n >= 0xFFF0 and n not in (0xFFFF, 0xFFFE, 0xFFFD)):
            return self.send(NACK)
        if pages is None:
            self.flash[:] = b"\xff" * len(self.flash)
        elif not all(self.erase_sector(p) for p in pages):
            return self.send(NACK)
        self.send(ACK)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--pid", type=lambda s: int(s, 0), default=0x421)
    p.add_argument("--flash-size", type=lambda s: int(s, 0), default=512 * 1024)
    p.add_argument("--write-protect", action="store_true")
    p.add_argument("--protect-writes", action="store_true")
    p.add_argument("--stop-after", type=int)
    p.add_argument("--hangup-after", type=int)
    p.add_argument("--legacy-erase", action="store_true")
    p.add_argument("--dump")
    args = p.parse_args()
    sim = Sim(args)

    def finish(*_):
        if args.dump:
            with open(args.dump, "wb") as f:
                f.write(sim.flash)
        os._exit(0)

    signal.signal(signal.SIGTERM, finish)
    signal.signal(signal.SIGINT, finish)
    print(os.ttyname(sim.slave), flush=True)
    try:
        sim.run()
    except Hangup:
        pass
    # The port is gone (hang-up mode) or the master read failed: wait to be
    # told to finish, so the dump still happens.
    signal.pause()


if __name__ == "__main__":
    main()
