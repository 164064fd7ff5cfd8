#!/usr/bin/env bash
# The load benchmark. Usage: bash bench/run.sh [--full] [--users N] [--notes N] [--scenario PART-OF-NAME] [--duration SECONDS] [--profile auth|notes|gateway] [--out FILE]
# Short mode (default) finishes in under 2 minutes, --full in under 10. Needs wrk (apt-get install wrk).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
dotnet build bench/Memo.Bench -c Release -nologo -v quiet -clp:NoSummary -p:UseAspire=false
exec dotnet bench/Memo.Bench/bin/Release/net10.0/Memo.Bench.dll "$@"
