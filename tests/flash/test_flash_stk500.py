#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""`ember-cli flash` (STK500v1) against the real optiboot bootloader from
Debian's arduino-core-avr, running in simavr behind a pty (optiboot-sim),
with Debian's avrdude as an independent client of the same bootloader.

argv[1]: the optiboot-sim executable. Skipped (77) without the optiboot hex."""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import flashtest as ft  # noqa: E402

OPTIBOOT = "/usr/share/arduino/hardware/arduino/avr/bootloaders/optiboot/optiboot_atmega328.hex"
HARNESS = None
BOARD = "arduino-uno"


class Optiboot:
    def __init__(self, tmp):
        self.dump = os.path.join(tmp, "flash-%d.bin" % id(self))
        self.sim = ft.Sim([HARNESS, OPTIBOOT, "atmega328p", self.dump], marker="PTY ")
        self.port = self.sim.port

    def flash_contents(self):
        self.log = self.sim.stop()
        with open(self.dump, "rb") as f:
            return f.read()


class Stk500Flash(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="ember-stk500-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def hexfile(self, data, base=0, name="fw.hex"):
        path = os.path.join(self.tmp, name)
        with open(path, "w") as f:
            f.write(ft.ihex(data, base))
        return path

    def test_success_and_sketch_starts(self):
        data = ft.random_bytes(2000, 10)
        board = Optiboot(self.tmp)
        code, out, err = ft.flash(BOARD, board.port, self.hexfile(data, 0x100))
        # LEAVE_PROGMODE makes optiboot hand over to the sketch (watchdog reset).
        started = board.sim.wait_stderr("sketch started")
        flash = board.flash_contents()
        self.assertEqual(code, ft.EXIT_OK, err)
        self.assertIn("verified", out)
        self.assertEqual(flash[0x100:0x100 + len(data)], data)
        self.assertEqual(flash[:0x100], b"\xff" * 0x100)
        self.assertTrue(started, board.sim.log + board.log)

    def test_wrong_chip(self):
        boards = os.path.join(self.tmp, "boards")
        os.mkdir(boards)
        with open(os.path.join(ft.boards_dir(), "arduino-uno.json")) as f:
            uno = json.load(f)
        uno["name"] = "Leonardo-ish"
        uno["flash_method"]["chip_id"] = "0x1E9587"
        with open(os.path.join(boards, "leo.json"), "w") as f:
            json.dump(uno, f)
        board = Optiboot(self.tmp)
        code, _, err = ft.flash("leo", board.port, self.hexfile(b"\1\2\3\4"), boards=boards)
        board.flash_contents()
        self.assertEqual(code, ft.EXIT_BAD_INPUT, err)
        self.assertIn("wrong chip: signature 1E 95 0F", err)

    def test_image_over_bootloader_refused(self):
        # 0x7D00..0x7E10 reaches into optiboot's 512 bytes at 0x7E00.
        code, _, err = ft.flash(BOARD, "/dev/null", self.hexfile(b"\0" * 0x110, 0x7D00))
        self.assertEqual(code, ft.EXIT_BAD_INPUT)
        self.assertIn("into the bootloader at 0x07E00", err)

    def test_bad_hex_checksum(self):
        path = os.path.join(self.tmp, "bad.hex")
        good = ft.ihex(b"\1\2\3\4\5\6\7\x08").splitlines()
        good[0] = good[0][:-2] + ("%02X" % ((int(good[0][-2:], 16) + 1) & 0xFF))
        with open(path, "w") as f:
            f.write("\n".join(good) + "\n")
        code, _, err = ft.flash(BOARD, "/dev/null", path)
        self.assertEqual(code, ft.EXIT_BAD_INPUT)
        self.assertIn("bad.hex: line 1: bad checksum", err)

    def test_no_answer(self):
        keep, port = ft.silent_pty()
        code, _, err = ft.flash(BOARD, port, self.hexfile(b"\1\2"))
        for fd in keep:
            os.close(fd)
        self.assertEqual(code, ft.EXIT_FAILURE)
        self.assertIn("no answer from the bootloader", err)

    def test_cable_pulled_then_reflash(self):
        data = ft.random_bytes(8192, 11)
        image = self.hexfile(data)
        board = Optiboot(self.tmp)
        proc = ft.flash_async(BOARD, board.port, image)
        ft.wait_for_stage(proc, "Writing")
        board.sim.pause()                      # the board stops answering mid-write
        _, err = proc.communicate(timeout=60)
        board.sim.resume()
        self.assertEqual(proc.returncode, ft.EXIT_FAILURE, err)
        self.assertIn("stopped answering while writing at 0x", err)
        self.assertIn("can be flashed again", err)
        # Same (real) bootloader, same flash: it must take the image now.
        code, _, err = ft.flash(BOARD, board.port, image)
        flash = board.flash_contents()
        self.assertEqual(code, ft.EXIT_OK, err)
        self.assertEqual(flash[:len(data)], data)

    def test_ctrl_c_then_reflash(self):
        data = ft.random_bytes(8192, 12)
        image = self.hexfile(data)
        board = Optiboot(self.tmp)
        proc = ft.flash_async(BOARD, board.port, image)
        ft.wait_for_stage(proc, "Writing")
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
        self.assertEqual(proc.returncode, ft.EXIT_CANCELLED, err)
        self.assertIn("cancelled", err)
        code, _, err = ft.flash(BOARD, board.port, image)
        flash = board.flash_contents()
        self.assertEqual(code, ft.EXIT_OK, err)
        self.assertEqual(flash[:len(data)], data)

    @unittest.skipIf(shutil.which("avrdude") is None, "avrdude is not installed")
    def test_avrdude_witness(self):
        """avrdude writes to the same bootloader, and reads back what we wrote."""
        theirs = ft.random_bytes(3000, 13)
        ours = ft.random_bytes(1000, 14)
        board = Optiboot(self.tmp)
        p = subprocess.run(["avrdude", "-q", "-q", "-c", "arduino", "-p", "m328p", "-P",
                            board.port, "-b", "115200", "-U",
                            "flash:w:%s:i" % self.hexfile(theirs, name="theirs.hex")],
                           capture_output=True, text=True, timeout=120)
        self.assertEqual(p.returncode, 0, p.stderr)
        code, _, err = ft.flash(BOARD, board.port, self.hexfile(ours, name="ours.hex"))
        self.assertEqual(code, ft.EXIT_OK, err)
        back = os.path.join(self.tmp, "back.bin")
        p = subprocess.run(["avrdude", "-q", "-q", "-c", "arduino", "-p", "m328p", "-P",
                            board.port, "-b", "115200", "-U", "flash:r:%s:r" % back],
                           capture_output=True, text=True, timeout=120)
        flash = board.flash_contents()
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(back, "rb") as f:
            read = f.read()
        self.assertEqual(read[:1000], ours)
        # We wrote whole 128-byte pages: 1024 bytes; avrdude's bytes after that survive.
        self.assertEqual(read[1024:3000], theirs[1024:])
        self.assertEqual(flash[:3000], read[:3000])


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: test_flash_stk500.py OPTIBOOT-SIM")
    HARNESS = sys.argv.pop(1)
    if not os.path.exists(OPTIBOOT):
        print("1..0 # SKIP %s not installed (arduino-core-avr)" % OPTIBOOT)
        sys.exit(77)
    unittest.main(verbosity=2)
