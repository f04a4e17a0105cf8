#!/usr/bin/env bash
# Runs Minato's whole test suite as root: packages it needs, format check, build, unit and integration
# tests; ends with one summary line "N passed, N failed, N skipped" and a non-zero exit on any failure.
set -euo pipefail
cd "$(dirname "$0")"

./setup.sh --deps

echo "==> dotnet format --verify-no-changes"
dotnet format Minato.slnx --verify-no-changes

echo "==> build (Release)"
dotnet build Minato.slnx -c Release --nologo -v quiet

results=$(mktemp -d /tmp/minato-test-results.XXXXXX)
trap 'rm -rf "$results"' EXIT
status=0
dotnet test Minato.slnx -c Release --no-build --nologo --logger trx --results-directory "$results" || status=$?

passed=0 failed=0 skipped=0 files=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  files=$((files + 1))
  counters=$(grep -o '<Counters [^>]*>' "$trx")
  field() { printf '%s' "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*'; }
  passed=$((passed + $(field passed)))
  failed=$((failed + $(field failed)))
  skipped=$((skipped + $(field notExecuted)))
done
if [ "$files" -eq 0 ]; then
  echo "no test results were written" >&2
  status=1
fi
echo "$passed passed, $failed failed, $skipped skipped"
if [ "$failed" -gt 0 ] || [ "$status" -ne 0 ]; then
  exit 1
fi
