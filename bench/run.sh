#!/usr/bin/env bash
# The load benchmark. Usage: bash bench/run.sh [--full] [--users N] [--notes N] [--scenario PART-OF-NAME] [--duration SECONDS] [--profile auth|notes|gateway] [--out FILE]
#   or: bash bench/run.sh --cold-start [--runs N]   (Memo.Auth started as on AWS Lambda; needs root, see docs/performance.md)
# Short mode (default) finishes in under 2 minutes, --full in under 10. Needs wrk (apt-get install wrk).
# The export: bash bench/run.sh --export [--notes N] [--content-length CHARACTERS]: one user's N notes (10,000) exported and timed.
set -euo pipefail
cd "$(dirname "$0")/.."
[[ " $* " == *" --cold-start "* ]] || command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
dotnet build bench/Memo.Bench -c Release -nologo -v quiet -clp:NoSummary -p:UseAspire=false
exec dotnet bench/Memo.Bench/bin/Release/net10.0/Memo.Bench.dll "$@"
