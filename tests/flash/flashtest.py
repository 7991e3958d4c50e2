# SPDX-License-Identifier: Apache-2.0
"""Helpers for the flashing tests: start a bootloader simulator on a pty,
run `ember-cli flash`, make images. Standard library only."""

import os
import pty
import random
import select
import signal
import subprocess
import sys
import time
import tty

HERE = os.path.dirname(os.path.abspath(__file__))
EXIT_OK, EXIT_FAILURE, EXIT_USAGE, EXIT_BAD_INPUT, EXIT_NOT_FOUND, EXIT_CANCELLED = 0, 1, 2, 3, 5, 130


def cli():
    path = os.environ.get("EMBER_CLI")
    if not path:
        sys.exit("EMBER_CLI is not set: run these tests with meson test")
    return path


def boards_dir():
    return os.path.join(os.environ.get("EMBER_SOURCE_ROOT", os.path.join(HERE, "..", "..")),
                        "codegen", "boards")


class Sim:
    """A simulator process that prints its pty path; stop() ends it by pid
    and returns its stderr."""

    def __init__(self, argv, marker=None):
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True)
        self.port = None
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            line = line.strip()
            if marker is None and line.startswith("/dev/"):
                self.port = line
                break
            if marker is not None and line.startswith(marker):
                self.port = line[len(marker):].strip()
                break
        if self.port is None:
            self.proc.kill()
            raise RuntimeError("simulator did not print its pty: %s" % self.proc.stderr.read())

    def wait_stderr(self, text, timeout=20):
        """Read the simulator's stderr until a line holds @text; False on timeout."""
        deadline = time.monotonic() + timeout
        self.log = getattr(self, "log", "")
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.proc.stderr], [], [], 0.2)
            if ready:
                line = self.proc.stderr.readline()
                if not line:
                    return False
                self.log += line
                if text in line:
                    return True
        return False

    def pause(self):
        self.proc.send_signal(signal.SIGSTOP)

    def resume(self):
        self.proc.send_signal(signal.SIGCONT)

    def stop(self):
        self.proc.send_signal(signal.SIGCONT)
        self.proc.terminate()
        try:
            _, err = self.proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            _, err = self.proc.communicate()
        return err


def silent_pty():
    """A pty nobody answers on: (keep-alive fds, slave path)."""
    master, slave = pty.openpty()
    tty.setraw(slave)
    return (master, slave), os.ttyname(slave)


def flash(board, port, image, *extra, boards=None):
    argv = [cli(), "flash", "--board", board, "--port", port, image, *extra]
    if boards:
        argv += ["--dir", boards]
    p = subprocess.run(argv, capture_output=True, text=True, timeout=120)
    return p.returncode, p.stdout, p.stderr


def flash_async(board, port, image):
    return subprocess.Popen([cli(), "flash", "--board", board, "--port", port, image],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for_stage(proc, stage, timeout=30):
    """Read proc's stderr until a progress line of @stage shows up."""
    deadline = time.monotonic() + timeout
    seen = ""
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line:
            break
        seen += line
        if line.startswith(stage):
            return seen
    raise AssertionError("no %s progress; stderr so far: %r" % (stage, seen))


def random_bytes(n, seed):
    rng = random.Random(seed)
    return bytes(rng.randrange(256) for _ in range(n))


def ihex(data, base=0):
    """Intel HEX of @data at @base (16-byte records, type 04 when needed)."""
    lines, upper = [], None
    for off in range(0, len(data), 16):
        addr = base + off
        if addr >> 16 != upper:
            upper = addr >> 16
            rec = bytes([2, 0, 0, 4, upper >> 8, upper & 0xFF])
            lines.append(":" + (rec + bytes([(-sum(rec)) & 0xFF])).hex().upper())
        chunk = data[off:off + 16]
        rec = bytes([len(chunk), (addr >> 8) & 0xFF, addr & 0xFF, 0]) + chunk
        lines.append(":" + (rec + bytes([(-sum(rec)) & 0xFF])).hex().upper())
    lines.append(":00000001FF")
    return "\n".join(lines) + "\n"
