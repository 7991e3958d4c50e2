#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Print the suite's closing line, 'N passed, N failed[, N skipped]', from meson's testlog.json.

Counts test programs as meson ran them; a program passes only when every g_test case in it did.
"""
import json
import sys

passed = failed = skipped = 0
try:
    with open(sys.argv[1]) as f:
        for line in f:
            if not line.strip():
                continue
            result = json.loads(line).get("result", "")
            if result in ("OK", "EXPECTEDFAIL"):
                passed += 1
            elif result == "SKIP":
                skipped += 1
            else:
                failed += 1
except FileNotFoundError:
    failed += 1
    print(f"no test log at {sys.argv[1]}: the suite did not run", file=sys.stderr)

line = f"{passed} passed, {failed} failed"
if skipped:
    line += f", {skipped} skipped"
print(line)
sys.exit(1 if failed else 0)
