#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""`ember-cli flash` against an AN3155 bootloader simulator on a pty: the
happy path, each error, and Debian's stm32flash as an independent client of
the same simulator (so the simulator is not just agreeing with our flasher)."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import flashtest as ft  # noqa: E402

SIM = os.path.join(ft.HERE, "stm32_bootloader_sim.py")
BOARD = "nucleo-f446re"


def sim(*args, dump=None):
    argv = ["/usr/bin/python3", SIM, *args]
    if dump:
        argv += ["--dump", dump]
    return ft.Sim(argv)


class Stm32Flash(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="ember-flash-")
        self.image = os.path.join(self.tmp, "fw.bin")
        self.data = ft.random_bytes(3000, 1)
        with open(self.image, "wb") as f:
            f.write(self.data)

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def dump_of(self, s):
        s.stop()
        with open(os.path.join(self.tmp, "dump.bin"), "rb") as f:
            return f.read()

    def test_success_extended_erase(self):
        s = sim(dump=os.path.join(self.tmp, "dump.bin"))
        code, out, err = ft.flash(BOARD, s.port, self.image)
        flash = self.dump_of(s)
        self.assertEqual(code, ft.EXIT_OK, err)
        self.assertIn("verified", out)
        for stage in ("Erasing", "Writing", "Verifying"):
            self.assertIn(stage, err)
        self.assertEqual(flash[:len(self.data)], self.data)
        self.assertEqual(flash[len(self.data):len(self.data) + 64], b"\xff" * 64)

    def test_success_legacy_erase_and_hex(self):
        hexfile = os.path.join(self.tmp, "fw.hex")
        with open(hexfile, "w") as f:
            f.write(ft.ihex(self.data, 0x08000400))
        s = sim("--legacy-erase", dump=os.path.join(self.tmp, "dump.bin"))
        code, out, err = ft.flash(BOARD, s.port, hexfile)
        flash = self.dump_of(s)
        self.assertEqual(code, ft.EXIT_OK, err)
        self.assertEqual(flash[0x400:0x400 + len(self.data)], self.data)
        self.assertEqual(flash[:0x400], b"\xff" * 0x400)

    def test_wrong_chip(self):
        s = sim("--pid", "0x413")
        code, _, err = ft.flash(BOARD, s.port, self.image)
        s.stop()
        self.assertEqual(code, ft.EXIT_BAD_INPUT)
        lines = [l for l in err.splitlines() if l.startswith("ember-cli:")]
        self.assertEqual(len(lines), 1, err)
        self.assertIn("wrong chip", lines[0])
        self.assertIn("0x0413", lines[0])

    def test_write_protected(self):
        s = sim("--write-protect")
        code, _, err = ft.flash(BOARD, s.port, self.image)
        s.stop()
        self.assertEqual(code, ft.EXIT_FAILURE)
        self.assertIn("write-protected", err)
        self.assertIn("erase", err)

    def test_write_nacked(self):
        s = sim("--protect-writes")
        code, _, err = ft.flash(BOARD, s.port, self.image)
        s.stop()
        self.assertEqual(code, ft.EXIT_FAILURE)
        self.assertIn("refused to write at 0x08000000: that flash is write-protected", err)

    def test_board_list(self):
        p = subprocess.run([ft.cli(), "board", "list", "--json"], capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        doc = json.loads(p.stdout)
        ids = {b["id"]: b for b in doc["boards"]}
        for want in ("nucleo-f446re", "arduino-uno", "arduino-mega2560", "cortex-m4-emulated"):
            self.assertIn(want, ids)
        self.assertEqual(ids["nucleo-f446re"]["protocol"], "stm32-uart")
        self.assertEqual(ids["arduino-uno"]["protocol"], "stk500v1")
        self.assertIsInstance(doc["ports"], list)
        p = subprocess.run([ft.cli(), "board", "list"], capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("Cortex-M4 (emulated)", p.stdout)
        self.assertIn("Ports:", p.stdout)

    def test_no_answer(self):
        keep, port = ft.silent_pty()
        code, _, err = ft.flash(BOARD, port, self.image)
        for fd in keep:
            os.close(fd)
        self.assertEqual(code, ft.EXIT_FAILURE)
        self.assertIn("no answer from the STM32 bootloader", err)

    def test_cable_pulled_silent(self):
        s = sim("--stop-after", "3")
        code, _, err = ft.flash(BOARD, s.port, self.image)
        s.stop()
        self.assertEqual(code, ft.EXIT_FAILURE)
        self.assertIn("stopped answering while writing at 0x08000300", err)
        self.assertIn("can be flashed again", err)

    def test_port_vanished(self):
        s = sim("--hangup-after", "2")
        code, _, err = ft.flash(BOARD, s.port, self.image)
        s.stop()
        self.assertEqual(code, ft.EXIT_FAILURE)
        self.assertIn("disconnected", err)
        self.assertIn("writing at 0x08000200", err)
        self.assertIn("can be flashed again", err)

    def test_image_too_big(self):
        big = os.path.join(self.tmp, "big.bin")
        with open(big, "wb") as f:
            f.write(b"\0" * (512 * 1024 + 4))
        s = sim()
        code, _, err = ft.flash(BOARD, s.port, big)
        s.stop()
        self.assertEqual(code, ft.EXIT_BAD_INPUT)
        self.assertIn("image too big", err)

    def test_unknown_board_and_missing_port(self):
        code, _, err = ft.flash("no-such-board", "/dev/null", self.image)
        self.assertEqual(code, ft.EXIT_NOT_FOUND)
        self.assertIn("known: ", err)
        code, _, err = ft.flash(BOARD, "/dev/ttyEMBERNONE", self.image)
        self.assertEqual(code, ft.EXIT_NOT_FOUND)
        self.assertIn("no such serial port", err)

    def test_emulated_board_refuses(self):
        code, _, err = ft.flash("cortex-m4-emulated", "/dev/null", self.image)
        self.assertEqual(code, ft.EXIT_BAD_INPUT)
        self.assertIn("nothing to flash", err)
        p = subprocess.run([ft.cli(), "flash", "--board", BOARD, self.image],
                           capture_output=True, text=True)
        self.assertEqual(p.returncode, ft.EXIT_USAGE)
        self.assertIn("--port", p.stderr)

    def test_sim_nacks_bad_checksum(self):
        """The simulator itself: a Write Memory whose data checksum is wrong is NACKed."""
        s = sim()
        fd = os.open(s.port, os.O_RDWR | os.O_NOCTTY)
        try:
            def xfer(data, n):
                os.write(fd, bytes(data))
                return os.read(fd, n)
            self.assertEqual(xfer([0x7F], 1), b"\x79")
            self.assertEqual(xfer([0x31, 0xCE], 1), b"\x79")
            self.assertEqual(xfer([0x08, 0, 0, 0, 0x08], 1), b"\x79")
            self.assertEqual(xfer([3, 1, 2, 3, 4, 0x55], 1), b"\x1f")
        finally:
            os.close(fd)
            s.stop()


@unittest.skipIf(shutil.which("stm32flash") is None, "stm32flash is not installed")
class Stm32FlashWitness(unittest.TestCase):
    """Debian's stm32flash against the simulator: it must write, verify and
    read back what our flasher wrote."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="ember-flash-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def stm32flash(self, *args):
        # A pty cannot do even parity: -m 8n1 (see TESTING.md).
        return subprocess.run(["stm32flash", "-m", "8n1", "-b", "115200", *args],
                              capture_output=True, text=True, timeout=120)

    def test_stm32flash_writes_and_verifies(self):
        data = ft.random_bytes(5000, 2)
        image = os.path.join(self.tmp, "w.bin")
        with open(image, "wb") as f:
            f.write(data)
        dump = os.path.join(self.tmp, "dump.bin")
        s = sim(dump=dump)
        p = self.stm32flash("-w", image, "-v", s.port)
        s.stop()
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn("0x0421", p.stdout)
        with open(dump, "rb") as f:
            self.assertEqual(f.read()[:len(data)], data)

    def test_stm32flash_reads_what_we_wrote(self):
        data = ft.random_bytes(2000, 3)
        image = os.path.join(self.tmp, "ours.bin")
        with open(image, "wb") as f:
            f.write(data)
        s = sim()
        code, _, err = ft.flash(BOARD, s.port, image, "--no-go")
        back = os.path.join(self.tmp, "back.bin")
        p = self.stm32flash("-r", back, "-S", "0x08000000:%d" % len(data), s.port)
        s.stop()
        self.assertEqual(code, ft.EXIT_OK, err)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        with open(back, "rb") as f:
            self.assertEqual(f.read(), data)


if __name__ == "__main__":
    unittest.main(verbosity=2)
