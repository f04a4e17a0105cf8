#!/usr/bin/env bash
# Runs one fuzz target for a while (a bench-style command: prints what it found and exits 1 on a crash).
#   tests/Minato.Fuzz/fuzz.sh TARGET [SECONDS]          in-process random mutations of the corpus (no coverage feedback)
#   tests/Minato.Fuzz/fuzz.sh --afl TARGET [SECONDS]    afl-fuzz (Debian afl++) over SharpFuzz-instrumented Minato assemblies
#   tests/Minato.Fuzz/fuzz.sh --all [SECONDS]           every target in turn, in process
# Crashes land in fuzz-crashes/TARGET (in process) or fuzz-afl/TARGET/default/crashes; each one found is fixed and its
# input added to tests/Minato.Fuzz/corpus/TARGET as a regression file, which the suite runs (FuzzCorpusTests).
set -euo pipefail
cd "$(dirname "$0")/../.."
project=tests/Minato.Fuzz/Minato.Fuzz.csproj

if [ "${1:-}" = "--afl" ]; then
  target=${2:?target}; seconds=${3:-600}
  command -v afl-fuzz >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends afl++ >/dev/null; }
  tools=$(mktemp -d /tmp/minato-fuzz-tools.XXXXXX)
  dotnet tool install SharpFuzz.CommandLine --version 2.3.0 --tool-path "$tools" >/dev/null
  out=$(mktemp -d /tmp/minato-fuzz-afl.XXXXXX)
  dotnet publish "$project" -c Release -o "$out/bin" --nologo -v quiet
  # SharpFuzz instruments the assemblies under test in place: AFL's coverage comes from these, not from the runtime.
  for dll in Minato.Engine Minato.Streaming Minato.Migrate minato; do
    "$tools/sharpfuzz" "$out/bin/$dll.dll" >/dev/null
  done
  mkdir -p fuzz-afl
  AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
    afl-fuzz -i "tests/Minato.Fuzz/corpus/$target" -o "fuzz-afl/$target" -t 5000 -m none -V "$seconds" -- "$out/bin/minato-fuzz" afl "$target" || true
  crashes=$(find "fuzz-afl/$target" -path '*crashes/id*' | wc -l)
  echo "$target: $crashes crashes under fuzz-afl/$target"
  rm -rf "$tools" "$out"
  [ "$crashes" = 0 ]
  exit
fi

dotnet build "$project" -c Release --nologo -v quiet
bin=tests/Minato.Fuzz/bin/Release/net10.0/minato-fuzz
if [ "${1:-}" = "--all" ]; then
  status=0
  for target in $("$bin" list); do
    "$bin" run "$target" "${2:-60}" || status=1
  done
  exit $status
fi

exec "$bin" run "${1:?target (minato-fuzz list)}" "${2:-60}"
