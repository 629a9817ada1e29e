#!/usr/bin/env bash
# The LRS read-latency scale benchmark (docs/xapi.md "Performance", issue 6): on a fresh
# database of the given store, starts `larch serve`, creates an LRS credential and runs
# `larch bench lrs-scale` (seed to each size, run the read scenarios, print req/s, p50, p99
# and the p50 ratio of the largest size to the smallest); then stops the server and deletes
# the database, also when interrupted.
#
# Usage: scripts/lrs-scale.sh sqlite|postgres [SIZES] [DURATION]
#   SIZES: comma-separated background statement counts (default 10000,100000,1000000,10000000)
#   DURATION: seconds per scenario and size (default 5)
# Environment: LARCH (default target/release/larch; build with `cargo build --release -p
#   larch`; copy the binary if others build in the same target folder), PORT (default 18100;
#   the content origin takes PORT+1), WORK (scratch folder for SQLite, default /tmp),
#   PG_ADMIN_URL (default postgres://postgres@127.0.0.1:5432/postgres; the database is
#   created there, owned by the ordinary role larch_bench so that row-level security applies),
#   KEEP (set: keep the database afterwards, e.g. for EXPLAIN ANALYZE at the largest size).
# 10 million statements take about 21 GB on SQLite and 39 GB on PostgreSQL: check `df -h`.
set -euo pipefail

store=${1:-}
sizes=${2:-10000,100000,1000000,10000000}
duration=${3:-5}
if [ "$store" != sqlite ] && [ "$store" != postgres ]; then
    sed -n '2,18p' "$0" >&2
    exit 2
fi
larch=${LARCH:-target/release/larch}
port=${PORT:-18100}
admin=${PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}
api_key=sk_test_$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
dir=$(mktemp -d "${WORK:-/tmp}/lrs-scale.XXXXXX")
db_name=larch_scale_$(basename "$dir" | tr -cd 'a-zA-Z0-9' | tr 'A-Z' 'a-z')
server=""

cleanup() {
    if [ -n "$server" ]; then
        kill "$server" 2>/dev/null || true
        wait "$server" 2>/dev/null || true
    fi
    if [ -n "${KEEP:-}" ]; then
        echo "kept: $database (drop or delete it when done)" >&2
        return
    fi
    if [ "$store" = postgres ]; then
        psql "$admin" -qc "DROP DATABASE IF EXISTS $db_name WITH (FORCE)" >/dev/null || true
    fi
    rm -rf "$dir"
}
trap cleanup EXIT

if [ "$store" = postgres ]; then
    psql "$admin" -qc "DO \$\$ BEGIN CREATE ROLE larch_bench LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END \$\$" >/dev/null
    psql "$admin" -qc "CREATE DATABASE $db_name OWNER larch_bench" >/dev/null
    database=$(python3 -c 'import sys, urllib.parse as u; p = u.urlparse(sys.argv[1]); print(p._replace(netloc="larch_bench@" + p.netloc.split("@")[-1], path="/" + sys.argv[2]).geturl())' "$admin" "$db_name")
    export LARCH_DATABASE_URL=$database
else
    database=$dir/larch.db
fi

LARCH_LISTEN=127.0.0.1:$port LARCH_CONTENT_LISTEN=127.0.0.1:$((port + 1)) LARCH_DATA_DIR=$dir LARCH_RATE_LIMIT=0 \
    LARCH_BOOTSTRAP_API_KEY=$api_key "$larch" serve >"$dir/serve.log" 2>&1 &
server=$!
for _ in $(seq 100); do
    curl -fs "http://127.0.0.1:$port/health" >/dev/null && break
    sleep 0.2
done
credential=$(curl -fsS -X POST "http://127.0.0.1:$port/v1/lrs/credentials" \
    -H "Authorization: Bearer $api_key" -H 'Content-Type: application/json' \
    -d '{"name":"lrs-scale","scopes":["all"]}')
key=$(python3 -c 'import json, sys; print(json.load(sys.stdin)["key"])' <<<"$credential")
secret=$(python3 -c 'import json, sys; print(json.load(sys.stdin)["secret"])' <<<"$credential")

echo "lrs-scale: $store, $("$larch" --version 2>/dev/null || echo larch), $(git rev-parse --short HEAD 2>/dev/null || true), $(date -u +%FT%TZ)"
"$larch" bench lrs-scale --url "http://127.0.0.1:$port/xapi" --user "$key" --password "$secret" \
    --database "$database" --sizes "$sizes" --duration "$duration" --server-pid "$server"
