#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Fails when a file that marks strings for translation is not in POTFILES.in,
# or when POTFILES.in names a file that is gone: either way translators
# would silently miss strings.
# usage: check-potfiles.sh SOURCE_ROOT
set -eu
root=${1:?source root}
potfiles="$root/po/POTFILES.in"
status=0

listed() {
  grep -v '^#' "$potfiles" | grep -qxF "$1"
}

cd "$root"
# C: _("..."), N_(), C_(), NC_(), ngettext(); UI: translatable="yes".
for f in $(find src/app resources/ui resources/gtk -type f \( -name '*.c' -o -name '*.ui' \) 2>/dev/null | sort); do
  if grep -qE '(^|[^A-Za-z0-9_])(_|N_|C_|NC_|ngettext|g_dngettext)[[:space:]]*\(|translatable="yes"' "$f"; then
    if ! listed "$f"; then
      echo "$f has translatable strings but is not listed in po/POTFILES.in" >&2
      status=1
    fi
  fi
done

for f in $(grep -v -e '^#' -e '^[[:space:]]*$' "$potfiles"); do
  if [ ! -f "$f" ]; then
    echo "po/POTFILES.in lists $f, which does not exist" >&2
    status=1
  fi
done

[ $status -eq 0 ] && echo "POTFILES.in is complete"
exit $status
