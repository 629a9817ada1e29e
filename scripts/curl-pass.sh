#!/usr/bin/env bash
# The outside check of issue #3, with curl only: for every package under the fixtures folder
# (`*.zip`, and the bare `*.xml` cmi5 course structures the importer also takes), upload it,
# poll its import job until it ends, and for each imported course create a learner and a
# registration, get a launch URL, open it once (expect 200) and twice (expect 410).
#
#   scripts/curl-pass.sh <api url> <api key> [fixtures dir]
#
# Run it against a fresh `larch serve` with `LARCH_RATE_LIMIT=0`. It prints one line per
# package and a summary; it exits 1 if anything unexpected happened (a 5xx, a job that never
# ended, a wrong status), 0 otherwise. Failed imports are expected for the malformed fixtures
# and are listed with their error codes.
set -euo pipefail

api=${1:?usage: curl-pass.sh <api url> <api key> [fixtures dir]}
api=${api%/}
key=${2:?usage: curl-pass.sh <api url> <api key> [fixtures dir]}
root=${3:-"$(cd "$(dirname "$0")/../.." && pwd)/shared/fixtures"}
# How long one import may take before it counts as stuck.
job_timeout=${CURL_PASS_JOB_TIMEOUT:-300}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
unexpected=()

# call <method> <path> [curl args…]: the body goes to $work/body; prints the status.
call() {
    local method=$1 path=$2
    shift 2
    curl -sS -o "$work/body" -w '%{http_code}' -u "$key:" -X "$method" "$@" "$api$path" ||
        echo 000
}

expect() { # expect <what> <got> <want…>
    local what=$1 got=$2
    shift 2
    for want in "$@"; do [[ $got == "$want" ]] && return 0; done
    unexpected+=("$what: HTTP $got ($(head -c 300 "$work/body" 2>/dev/null | tr '\n' ' '))")
    return 1
}

mapfile -t packages < <(find "$root" -type f \( -name '*.zip' -o -name '*.xml' \) | sort)
echo "packages: ${#packages[@]} under $root"

# 1. Upload everything (the workers start importing while the rest uploads).
declare -A job_of
for pkg in "${packages[@]}"; do
    rel=${pkg#"$root"/}
    status=$(call POST /v1/courses -F "file=@$pkg")
    if expect "upload $rel" "$status" 202; then
        job_of[$rel]=$(jq -r .id "$work/body")
    fi
done

# 2. Wait for every job to end.
succeeded=()
declare -A failed_codes
failed=0
for rel in "${!job_of[@]}"; do
    job=${job_of[$rel]}
    deadline=$((SECONDS + job_timeout))
    state=queued
    while [[ $state == queued || $state == running ]]; do
        if ((SECONDS > deadline)); then
            unexpected+=("import $rel: still $state after ${job_timeout}s")
            break
        fi
        status=$(call GET "/v1/import_jobs/$job")
        expect "poll $rel" "$status" 200 || break
        state=$(jq -r .status "$work/body")
        [[ $state == queued || $state == running ]] && sleep 0.2
    done
    case $state in
    succeeded) succeeded+=("$rel|$(jq -r .course_id "$work/body")") ;;
    failed)
        code=$(jq -r .error.code "$work/body")
        failed=$((failed + 1))
        failed_codes[$code]=$((${failed_codes[$code]:-0} + 1))
        echo "failed    $rel: $code"
        ;;
    esac
done

# 3. Launch each imported course once, then again.
launched=0
for entry in "${succeeded[@]}"; do
    rel=${entry%|*}
    course=${entry#*|}
    body=$(jq -nc --arg c "$course" '{course_id: $c, learner: {first_name: "Curl", last_name: "Pass"}}')
    status=$(call POST /v1/registrations -H 'content-type: application/json' -d "$body")
    expect "registration for $rel" "$status" 201 || continue
    reg=$(jq -r .id "$work/body")
    status=$(call POST "/v1/registrations/$reg/launch")
    expect "launch $rel" "$status" 201 || continue
    url=$(jq -r .url "$work/body")
    first=$(curl -sS -o "$work/body" -w '%{http_code}' "$url" || echo 000)
    expect "open $rel" "$first" 200 || continue
    second=$(curl -sS -o "$work/body" -w '%{http_code}' "$url" || echo 000)
    expect "reopen $rel" "$second" 410 || continue
    launched=$((launched + 1))
    echo "succeeded $rel: launched 200, then $second"
done

echo
echo "packages:   ${#packages[@]}"
echo "uploaded:   ${#job_of[@]}"
echo "succeeded:  ${#succeeded[@]} (launched once 200 and twice 410: $launched)"
echo "failed:     $failed"
for code in $(printf '%s\n' "${!failed_codes[@]}" | sort); do
    echo "            $code: ${failed_codes[$code]}"
done
fivexx=0
for line in "${unexpected[@]}"; do [[ $line == *"HTTP 5"* ]] && fivexx=$((fivexx + 1)); done
echo "5xx:        $fivexx"
echo "unexpected: ${#unexpected[@]}"
for line in "${unexpected[@]}"; do
    echo "            $line"
done
((${#unexpected[@]} == 0))
