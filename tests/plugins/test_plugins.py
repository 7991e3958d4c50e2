#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""The plugin ABI from the outside: an example block built with only the
installed header, broken plugins refused with a reason, and the feature cache
keyed by block parameters."""
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

CLI = os.environ["EMBER_CLI"]
SRC = os.environ["EMBER_SOURCE_ROOT"]
HEADER = os.path.join(SRC, "plugins", "ember-plugin.h")
EXAMPLE = os.path.join(SRC, "plugins", "example", "zero-crossings.c")


def run(*args, env=None, check=True):
    p = subprocess.run([CLI, *args], capture_output=True, text=True, env=env)
    if check and p.returncode != 0:
        raise AssertionError(f"ember-cli {' '.join(args)} -> {p.returncode}\n{p.stderr}")
    return p


def compile_plugin(source, out, include, defines=(), strict=True):
    # The example must build warning-free; the deliberately broken variants
    # leave things unused, so they only need to build.
    flags = ["-Wall", "-Werror"] if strict else ["-w"]
    subprocess.run(["cc", "-shared", "-fPIC", "-O1", *flags, f"-I{include}",
                    *[f"-D{d}" for d in defines], source, "-o", out, "-lm"], check=True)


class PluginTests(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="ember-plugins-")
        # Only the installed header: a folder holding ember-plugin.h and nothing else.
        self.include = os.path.join(self.tmp, "include", "ember")
        os.makedirs(self.include)
        shutil.copy(HEADER, self.include)
        self.plugins = os.path.join(self.tmp, "plugins")
        os.makedirs(self.plugins)
        self.env = dict(os.environ, EMBER_PLUGIN_PATH=self.plugins, XDG_DATA_HOME=os.path.join(self.tmp, "data"))

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_example_block_loads(self):
        compile_plugin(EXAMPLE, os.path.join(self.plugins, "libzero-crossings.so"), self.include)
        listing = json.loads(run("blocks", "list", "--json", env=self.env).stdout)
        ids = [b["id"] for b in listing["blocks"]]
        self.assertIn("zero-crossings", ids)
        self.assertEqual([], [b for b in listing["broken"] if "zero-crossings" in b["path"]])
        shown = json.loads(run("blocks", "show", "zero-crossings", "--json", env=self.env).stdout)
        self.assertEqual("processing", shown["kind"])
        self.assertEqual(["remove_mean", "threshold"], [p["name"] for p in shown["parameters"]])
        text = run("blocks", "show", "zero-crossings", env=self.env).stdout
        self.assertIn("Dead band", json.dumps(shown))
        self.assertIn("threshold", text)
        self.assertEqual(5, run("blocks", "show", "no-such-block", env=self.env, check=False).returncode)

    def broken(self, name, source=EXAMPLE, defines=(), raw=None):
        path = os.path.join(self.plugins, name)
        if raw is not None:
            with open(path, "wb") as f:
                f.write(raw)
        else:
            compile_plugin(source, path, self.include, defines, strict=False)
        return path

    def test_broken_plugins_are_listed_with_a_reason(self):
        bad_abi = os.path.join(self.tmp, "bad_abi.c")
        with open(EXAMPLE) as f:
            code = f.read()
        with open(bad_abi, "w") as f:
            f.write(code.replace(".abi_version = EM_PLUGIN_ABI", ".abi_version = 99"))
        bad_schema = os.path.join(self.tmp, "bad_schema.c")
        with open(bad_schema, "w") as f:
            f.write(code.replace('"[{\\"name\\": \\"remove_mean\\"', '"[{oops \\"remove_mean\\"'))
        no_symbol = os.path.join(self.tmp, "no_symbol.c")
        with open(no_symbol, "w") as f:
            f.write("int ember_something_else (void) { return 1; }\n")
        no_ops = os.path.join(self.tmp, "no_ops.c")
        with open(no_ops, "w") as f:
            f.write(code.replace(".ops = &zc_ops,", ".ops = 0,").replace('"zero-crossings",\n    .kind', '"zc-noops",\n    .kind'))
        self.broken("libbad-abi.so", bad_abi)
        self.broken("libbad-schema.so", bad_schema)
        self.broken("libno-symbol.so", no_symbol)
        self.broken("libno-ops.so", no_ops)
        self.broken("libgarbage.so", raw=b"\x7fELF but not really" * 10)
        compile_plugin(EXAMPLE, os.path.join(self.plugins, "liba-first.so"), self.include)
        compile_plugin(EXAMPLE, os.path.join(self.plugins, "libz-duplicate.so"), self.include)

        p = run("blocks", "list", "--json", env=self.env)
        listing = json.loads(p.stdout)
        reasons = {os.path.basename(b["path"]): b["reason"] for b in listing["broken"]}
        self.assertIn("ABI 99", reasons["libbad-abi.so"])
        self.assertIn("not JSON", reasons["libbad-schema.so"])
        self.assertIn("not an Ember plugin", reasons["libno-symbol.so"])
        self.assertIn("no operations", reasons["libno-ops.so"])
        self.assertIn("cannot load", reasons["libgarbage.so"])
        self.assertIn("already provided", reasons["libz-duplicate.so"])
        # The good copy still works.
        self.assertIn("zero-crossings", [b["id"] for b in listing["blocks"]])
        text = run("blocks", "list", env=self.env)
        self.assertIn("broken plugin", text.stderr)

    def make_project(self):
        project = os.path.join(self.tmp, "p.ember")
        run("project", "create", project)
        data = os.path.join(self.tmp, "data")
        os.makedirs(data, exist_ok=True)
        # 5 Hz and 2 Hz sines at 100 Hz for 2 s: 10 and 4 zero crossings per second.
        for label, hz, amp in (("fast", 5.0, 2.0), ("slow", 2.0, 0.5)):
            for k in range(3):
                with open(os.path.join(data, f"{label}.{k}.csv"), "w") as f:
                    f.write("timestamp,x,y\n")
                    for n in range(200):
                        t = n / 100.0
                        f.write(f"{n * 10},{amp * math.sin(2 * math.pi * hz * t + 0.1 + k * 0.01):.6f},{1.0 + k}\n")
        run("data", "import", project, data, env=self.env)
        return project

    def test_features_and_cache_invalidation(self):
        compile_plugin(EXAMPLE, os.path.join(self.plugins, "libzero-crossings.so"), self.include)
        project = self.make_project()
        run("impulse", "create", project, "--window-size", "2000", "--window-increase", "1000",
            "--block", "zero-crossings", env=self.env)
        run("impulse", "add", project, "zero-crossings", "--id", "zc-x", "--axes", "x", env=self.env)
        first = json.loads(run("features", "generate", project, "--json", env=self.env).stdout)
        self.assertEqual({"zero-crossings": 6, "zc-x": 6}, {s["block"]: s["computed"] for s in first})
        self.assertEqual([2, 1], [first[0]["rows"], first[1]["rows"]])
        samples = json.loads(run("data", "list", project, "--json", env=self.env).stdout)
        fast = next(s for s in samples if s["label"] == "fast")
        shown = json.loads(run("features", "show", project, str(fast["id"]), "--block", "zc-x", env=self.env).stdout)
        rate, peak = shown["windows"][0]
        self.assertAlmostEqual(10.0, rate, delta=0.6)
        self.assertAlmostEqual(2.0, peak, delta=0.05)

        again = json.loads(run("features", "generate", project, "--json", env=self.env).stdout)
        self.assertEqual([0, 0], [s["computed"] for s in again])
        # Changing one block's parameters recomputes that block only.
        run("impulse", "set", project, "zc-x", "threshold=0.5", env=self.env)
        third = json.loads(run("features", "generate", project, "--json", env=self.env).stdout)
        self.assertEqual({"zero-crossings": 0, "zc-x": 6}, {s["block"]: s["computed"] for s in third})
        # A value outside the schema's range is refused with the parameter's name.
        p = run("impulse", "set", project, "zc-x", "threshold=-3", env=self.env, check=False)
        self.assertEqual(2, p.returncode)
        self.assertIn("threshold", p.stderr)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"])
