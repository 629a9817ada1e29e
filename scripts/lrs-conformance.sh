#!/usr/bin/env bash
# Runs the ADL LRS conformance test suite (adlnet/lrs-conformance-test-suite, fetched and
# `npm install`ed outside this repository) against a running LRS, for xAPI 1.0.3 and 2.0.0,
# and prints each run's summary from the suite's JSON log (its exit code is the failure count
# modulo 256, so the log is the truth).
#
# Usage: scripts/lrs-conformance.sh SUITE_DIR ENDPOINT KEY SECRET [VERSION…]
#   e.g. scripts/lrs-conformance.sh /tmp/lrs-suite http://127.0.0.1:8080/xapi lrsKey lrsSecret
# KEY/SECRET: an LRS credential from `POST /v1/lrs/credentials` with scopes ["all"].
# Exit status: 0 when every run passed every test, else 1.
set -euo pipefail

if [ $# -lt 4 ]; then
    sed -n '2,10p' "$0" >&2
    exit 2
fi
suite=$1 endpoint=$2 key=$3 secret=$4
shift 4
versions=("$@")
[ ${#versions[@]} -gt 0 ] || versions=(1.0.3 2.0.0)

# The suite creates logs/ on its first run; without it, `ls` below would end the script.
mkdir -p "$suite/logs"
status=0
for version in "${versions[@]}"; do
    before=$(ls "$suite/logs" 2>/dev/null | sort)
    (cd "$suite" && node bin/console_runner.js -x "$version" -e "$endpoint" -a -u "$key" -p "$secret" -z >/dev/null 2>&1) || true
    log=$(comm -13 <(echo "$before") <(ls "$suite/logs" | sort) | head -n 1)
    if [ -z "$log" ]; then
        echo "xAPI $version: the suite wrote no log" >&2
        status=1
        continue
    fi
    python3 - "$suite/logs/$log" "$version" <<'PY' || status=1
import json, sys
doc = json.load(open(sys.argv[1]))
s = doc["summary"]
print(f"xAPI {sys.argv[2]}: {s['passed']}/{s['total']} passed, {s['failed']} failed ({sys.argv[1]})")
def failures(node, path):
    title = node.get("title") or node.get("name") or ""
    here = path + [title] if title else path
    if node.get("status") == "failed" and not node.get("log"):
        print("  FAIL", " > ".join(here)[:300])
        if node.get("error"):
            print("       ", str(node["error"])[:300])
    for child in node.get("log") or []:
        if isinstance(child, dict):
            failures(child, here)
if "log" in doc:
    failures(doc["log"], [])
sys.exit(0 if s["failed"] == 0 else 1)
PY
done
exit $status
