#!/usr/bin/env bash
# The load benchmark. Usage: bash bench/run.sh [--full] [--users N] [--notes N] [--scenario PART-OF-NAME] [--duration SECONDS]
#     [--profile auth|notes|gateway|web] [--variant "NAME:KEY=VALUE;KEY=VALUE"]... [--out FILE]
#   or: bash bench/run.sh --cold-start [--runs N]   (Memo.Auth started as on AWS Lambda; needs root, see docs/performance.md)
#   or: bash bench/run.sh --soak [MINUTES]          (a mixed load on every service, memory sampled; 10 minutes by default)
#   or: bash bench/run.sh --tokens                  (RS256, PS256 and ES256 signing and verification per core)
#   or: bash bench/run.sh --export [--notes N] [--content-length CHARACTERS]   (one user's N notes exported and timed)
# Short mode (default) takes about 3 minutes, --full about 15 on two cores. Needs wrk (apt-get install wrk).
set -euo pipefail
cd "$(dirname "$0")/.."
[[ " $* " == *" --cold-start "* ]] || command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
dotnet build bench/Memo.Bench -c Release -nologo -v quiet -clp:NoSummary -p:UseAspire=false
exec dotnet bench/Memo.Bench/bin/Release/net10.0/Memo.Bench.dll "$@"
