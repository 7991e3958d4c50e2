#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""`ember-cli flash` (STK500v2) against the Arduino Mega 2560's real
bootloader (stk500boot_v2_mega2560.hex from Debian's arduino-core-avr),
running on an ATmega2560 in simavr behind a pty (optiboot-sim), with
Debian's avrdude (-c wiring) as an independent client of the same
bootloader; and the one-click flow: `deploy --board "Arduino Mega 2560"
--flash` builds Ember firmware, flashes it through that bootloader, the
bootloader starts it and it answers Ember's hello.

argv[1]: the optiboot-sim executable. Skipped (77) without the bootloader hex."""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import tty
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import flashtest as ft  # noqa: E402
from test_live_emulated import Board, frame  # noqa: E402

BOOTLOADER = ("/usr/share/arduino/hardware/arduino/avr/bootloaders/stk500v2/"
              "stk500boot_v2_mega2560.hex")
HARNESS = None
BOARD = "arduino-mega2560"


class Mega:
    """The bootloader on a simulated ATmega2560; @app (bytes) is already in
    its flash at 0, as after an earlier, interrupted flashing; with
    @run_sketch a flashed sketch is left running."""

    def __init__(self, tmp, app=None, run_sketch=False):
        self.dump = os.path.join(tmp, "flash-%d.bin" % id(self))
        argv = [HARNESS]
        if app is not None:
            path = os.path.join(tmp, "app-%d.bin" % id(self))
            with open(path, "wb") as f:
                f.write(app)
            argv += ["--app", path]
        if run_sketch:
            argv.append("--run-sketch")
        argv += [BOOTLOADER, "atmega2560", self.dump]
        self.sim = ft.Sim(argv, marker="PTY ")
        self.port = self.sim.port

    def flash_contents(self):
        self.log = self.sim.stop()
        with open(self.dump, "rb") as f:
            return f.read()


def avrdude(port, *ops):
    # -D: this bootloader answers CHIP_ERASE with FAILED (it erases page by
    # page), so avrdude must not ask for it, as the Arduino IDE does not.
    argv = ["avrdude", "-q", "-q", "-D", "-c", "wiring", "-p", "m2560", "-P", port, "-b", "115200"]
    for op in ops:
        argv += ["-U", op]
    return subprocess.run(argv, capture_output=True, text=True, timeout=120)


class Stk500v2Flash(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="ember-stk500v2-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def hexfile(self, data, base=0, name="fw.hex"):
        path = os.path.join(self.tmp, name)
        with open(path, "w") as f:
            f.write(ft.ihex(data, base))
        return path

    def test_success_and_sketch_starts(self):
        data = ft.random_bytes(3000, 20)
        board = Mega(self.tmp)
        code, out, err = ft.flash(BOARD, board.port, self.hexfile(data))
        # LEAVE_PROGMODE makes the bootloader jump to the sketch.
        started = board.sim.wait_stderr("sketch started")
        flash = board.flash_contents()
        self.assertEqual(code, ft.EXIT_OK, err)
        self.assertIn("verified", out)
        self.assertIn("Verifying: 3072/3072", err)
        self.assertEqual(flash[:3000], data)
        self.assertEqual(flash[3000:], b"\xff" * (len(flash) - 3000))
        self.assertTrue(started, board.sim.log + board.log)

    def test_past_64k_words(self):
        """Pages past 128 KB need the high address bytes (RAMPZ on the chip).
        Read-back uses the same LOAD_ADDRESS; skipped here to halve the time."""
        data = ft.random_bytes(512, 21)
        board = Mega(self.tmp)
        code, _, err = ft.flash(BOARD, board.port, self.hexfile(data, 0x20000 - 256), "--no-verify")
        flash = board.flash_contents()
        self.assertEqual(code, ft.EXIT_OK, err)
        self.assertEqual(flash[0x20000 - 256:0x20000 + 256], data)
        # Written from the start of flash: what lies below the image is erased.
        self.assertEqual(flash[:0x20000 - 256], b"\xff" * (0x20000 - 256))

    def test_wrong_chip(self):
        boards = os.path.join(self.tmp, "boards")
        os.mkdir(boards)
        with open(os.path.join(ft.boards_dir(), "arduino-mega2560.json")) as f:
            mega = json.load(f)
        mega["name"] = "Mega 1280-ish"
        mega["flash_method"]["chip_id"] = "0x1E9703"
        with open(os.path.join(boards, "m1280.json"), "w") as f:
            json.dump(mega, f)
        board = Mega(self.tmp)
        code, _, err = ft.flash("m1280", board.port, self.hexfile(b"\1\2\3\4"), boards=boards)
        flash = board.flash_contents()
        self.assertEqual(code, ft.EXIT_BAD_INPUT, err)
        self.assertIn("wrong chip: signature 1E 98 01, Mega 1280-ish has 1E 97 03", err)
        self.assertEqual(flash[:4], b"\xff" * 4)   # nothing written

    def test_image_too_big_refused(self):
        # Into the 8 KB bootloader at 0x3E000.
        code, _, err = ft.flash(BOARD, "/dev/null", self.hexfile(b"\0" * 0x200, 0x3DF00))
        self.assertEqual(code, ft.EXIT_BAD_INPUT)
        self.assertIn("into the bootloader at 0x3E000", err)
        # Past the end of flash.
        code, _, err = ft.flash(BOARD, "/dev/null", self.hexfile(b"\0" * 0x200, 0x3FF00))
        self.assertEqual(code, ft.EXIT_BAD_INPUT)
        self.assertIn("image too big: 512 bytes at 0x0003FF00 do not fit Arduino Mega 2560's "
                      "256 KB of flash", err)

    def test_no_answer(self):
        keep, port = ft.silent_pty()
        t0 = time.monotonic()
        code, _, err = ft.flash(BOARD, port, self.hexfile(b"\1\2"))
        for fd in keep:
            os.close(fd)
        self.assertEqual(code, ft.EXIT_FAILURE)
        self.assertIn("no answer from the bootloader", err)
        self.assertLess(time.monotonic() - t0, 20)

    def test_cable_pulled_then_reflash(self):
        data = ft.random_bytes(32768, 22)
        image = self.hexfile(data)
        board = Mega(self.tmp)
        proc = ft.flash_async(BOARD, board.port, image)
        ft.wait_for_stage(proc, "Writing")
        time.sleep(0.3)
        board.sim.pause()                      # the board stops answering mid-write
        _, err = proc.communicate(timeout=60)
        board.sim.resume()
        self.assertEqual(proc.returncode, ft.EXIT_FAILURE, err)
        self.assertIn("stopped answering while writing at 0x", err)
        self.assertIn("can be flashed again", err)
        # Same (real) bootloader, same flash, no reset: it must take the image now.
        code, _, err = ft.flash(BOARD, board.port, image)
        flash = board.flash_contents()
        self.assertEqual(code, ft.EXIT_OK, err)
        self.assertEqual(flash[:len(data)], data)

    def test_port_closed_mid_write_then_reflash(self):
        """The board goes away (its pty closes) mid-write; plugged in again,
        with the half-written sketch in flash, it takes the image."""
        data = ft.random_bytes(32768, 23)
        image = self.hexfile(data)
        board = Mega(self.tmp)
        proc = ft.flash_async(BOARD, board.port, image)
        ft.wait_for_stage(proc, "Writing")
        time.sleep(0.5)
        half = board.flash_contents()          # the simulator exits: the pty closes
        _, err = proc.communicate(timeout=60)
        self.assertEqual(proc.returncode, ft.EXIT_FAILURE, err)
        self.assertRegex(err, r"while writing at 0x[0-9A-F]{5}; the bootloader is never "
                              r"overwritten, so the board can be flashed again")
        self.assertNotEqual(half[:len(data)], data)    # it really stopped mid-way
        self.assertNotEqual(half[:256], b"\xff" * 256)
        board = Mega(self.tmp, app=half)
        code, _, err = ft.flash(BOARD, board.port, image)
        flash = board.flash_contents()
        self.assertEqual(code, ft.EXIT_OK, err)
        self.assertEqual(flash[:len(data)], data)

    def test_ctrl_c_then_reflash(self):
        data = ft.random_bytes(32768, 24)
        image = self.hexfile(data)
        board = Mega(self.tmp)
        proc = ft.flash_async(BOARD, board.port, image)
        ft.wait_for_stage(proc, "Writing")
        time.sleep(0.3)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
        self.assertEqual(proc.returncode, ft.EXIT_CANCELLED, err)
        self.assertIn("cancelled", err)
        # Straight away, in the same bootloader session: its page eraser
        # must be rewound to page 0 or the pages would be written unerased.
        code, _, err = ft.flash(BOARD, board.port, image)
        flash = board.flash_contents()
        self.assertEqual(code, ft.EXIT_OK, err)
        self.assertEqual(flash[:len(data)], data)

    @unittest.skipIf(shutil.which("avrdude") is None, "avrdude is not installed")
    def test_avrdude_witness(self):
        """avrdude writes to the same bootloader and checks what we wrote."""
        theirs = ft.random_bytes(3000, 25)
        ours = ft.random_bytes(1000, 26)
        board = Mega(self.tmp)
        p = avrdude(board.port, "flash:w:%s:i" % self.hexfile(theirs, name="theirs.hex"))
        self.assertEqual(p.returncode, 0, p.stderr)
        code, _, err = ft.flash(BOARD, board.port, self.hexfile(ours, name="ours.hex"))
        self.assertEqual(code, ft.EXIT_OK, err)
        # We wrote whole 256-byte pages: up to 1024; avrdude's bytes after that survive.
        p = avrdude(board.port, "flash:v:%s:i" % os.path.join(self.tmp, "ours.hex"),
                    "flash:v:%s:i" % self.hexfile(theirs[1024:], 1024, name="tail.hex"))
        flash = board.flash_contents()
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(flash[:1000], ours)
        self.assertEqual(flash[1000:1024], b"\xff" * 24)
        self.assertEqual(flash[1024:3000], theirs[1024:])
        # And avrdude does see a mismatch: on a blank board the witness fails.
        blank = Mega(self.tmp)
        p = avrdude(blank.port, "flash:v:%s:i" % os.path.join(self.tmp, "ours.hex"))
        blank.flash_contents()
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("verification mismatch", p.stderr)

    @unittest.skipIf(shutil.which("avr-gcc") is None, "avr-gcc is not installed")
    def test_deploy_flash_and_run(self):
        """One click: build Ember firmware for the Mega, flash it through the
        bootloader, which starts it; the firmware answers Ember's hello."""
        project = os.path.join(self.tmp, "motion.ember")
        for args in (["demo", "create", project, "--kind", "motion", "--scale", "0.2"],
                     ["impulse", "create", project, "--block", "flatten"],
                     ["impulse", "input", project, "--window-size", "1000",
                      "--window-increase", "500"],
                     ["impulse", "add", project, "classification", "--inputs", "flatten"],
                     ["train", project, "--epochs", "2"]):
            p = subprocess.run([ft.cli()] + args, capture_output=True, text=True, timeout=300)
            self.assertEqual(p.returncode, 0, (args, p.stderr))

        board = Mega(self.tmp, run_sketch=True)
        out = os.path.join(self.tmp, "mega")
        p = subprocess.run([ft.cli(), "deploy", project, "--board", "Arduino Mega 2560", "--flash",
                            "--port", board.port, "-o", out],
                           capture_output=True, text=True, timeout=300)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertRegex(p.stdout, r"Flashed .*firmware.hex to Arduino Mega 2560 on /dev/\S+ "
                                   r"\(\d+ bytes, verified\)")
        self.assertTrue(board.sim.wait_stderr("sketch started"), board.sim.log)
        link = PacedPty(board.port)
        try:
            hello = link.request(frame(0x01, 1), 1, tries=5, wait=2)
        finally:
            link.close()
            flash = board.flash_contents()
        self.assertIsNotNone(hello, "the flashed firmware does not answer the hello")
        self.assertEqual(hello[0], 0x81)
        for label in (b"idle", b"snake", b"updown", b"wave"):
            self.assertIn(label + b"\0", hello[2])
        # What the bootloader wrote is the firmware the build made.
        with open(os.path.join(out, "firmware.hex")) as f:
            image = parse_ihex(f.read())
        self.assertGreater(len(image), 4096)
        self.assertEqual(flash[:len(image)], image)


class PacedPty(Board):
    """Ember's firmware protocol on a pty (test_live_emulated's Board), with
    writes paced like a UART: simavr's pty bridge buffers little."""

    def __init__(self, port):
        self.fd = os.open(port, os.O_RDWR | os.O_NOCTTY)
        tty.setraw(self.fd)
        self.rx = b""

    def send(self, data):
        for i in range(0, len(data), 32):
            os.write(self.fd, data[i:i + 32])
            time.sleep(0.004)

    def close(self):
        os.close(self.fd)


def parse_ihex(text):
    """Intel HEX (types 00, 01, 02, 04) to bytes from 0, gaps 0xFF."""
    mem, upper = {}, 0
    for line in text.split():
        rec = bytes.fromhex(line[1:])
        n, addr, kind = rec[0], rec[1] << 8 | rec[2], rec[3]
        if kind == 0:
            for i in range(n):
                mem[upper + addr + i] = rec[4 + i]
        elif kind in (2, 4):
            upper = (rec[4] << 8 | rec[5]) << (4 if kind == 2 else 16)
        elif kind == 1:
            break
    out = bytearray(b"\xff" * (max(mem) + 1))
    for a, b in mem.items():
        out[a] = b
    return bytes(out)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: test_flash_stk500v2.py OPTIBOOT-SIM")
    HARNESS = sys.argv.pop(1)
    if not os.path.exists(BOOTLOADER):
        print("1..0 # SKIP %s not installed (arduino-core-avr)" % BOOTLOADER)
        sys.exit(77)
    unittest.main(verbosity=2)
