#!/usr/bin/env bash
# Runs Minato's whole test suite as root: packages it needs, format check, build, unit and integration
# tests; lists every skipped test with its reason, then ends with one summary line
# "N passed, N failed, N skipped" and a non-zero exit on any failure.
# With CI=true a skipped test also fails the run unless tests/skipped-tests.allow lists it with a reason.
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

# Reads the TRX files: counts, and every skipped test with its reason checked against the allowlist.
# The TRX logger leaves its notExecuted counter at 0 for xunit's skips, so skips are counted from the
# results themselves (outcome="NotExecuted", the reason in Output/ErrorInfo/Message).
skipcheck=0
python3 -u - "$results" tests/skipped-tests.allow "$results/counts" <<'PY' || skipcheck=$?
import fnmatch, glob, os, re, sys
import xml.etree.ElementTree as ET

results, allow_path, counts_path = sys.argv[1:4]
ci = os.environ.get("CI") == "true"
ns = "{http://microsoft.com/schemas/VisualStudio/TeamTest/2010}"
errors = []  # printed last, next to the summary

def one_line(text):
    return re.sub(r"\s+", " ", text or "").strip()

# The allowlist: "<glob over the test's full name><TAB or ' -- '><reason>" a line, # comments.
allowed = []
try:
    with open(allow_path, encoding="utf-8") as f:
        lines = f.read().splitlines()
except FileNotFoundError:
    lines = []
for number, line in enumerate(lines, 1):
    text = line.strip()
    if not text or text.startswith("#"):
        continue
    separator = "\t" if "\t" in text else " -- "
    pattern, _, reason = text.partition(separator)
    pattern, reason = pattern.strip(), one_line(reason)
    if not pattern or not reason:
        errors.append(f"test.sh: {allow_path}:{number}: an entry needs a test name or glob and a reason "
                      f"why it may be skipped, separated by a tab or ' -- ': {text}")
        continue
    allowed.append((pattern, reason))

passed = failed = 0
skipped = []  # (full name, reason, allowlist reason or None)
for trx in sorted(glob.glob(os.path.join(results, "*.trx"))):
    try:
        root = ET.parse(trx).getroot()
    except ET.ParseError as e:
        errors.append(f"test.sh: cannot read {os.path.basename(trx)}: {e}")
        continue
    counters = root.find(f"{ns}ResultSummary/{ns}Counters")
    if counters is not None:
        passed += int(counters.get("passed", 0))
        failed += int(counters.get("failed", 0))
    classes = {d.get("id"): d.find(f"{ns}TestMethod").get("className", "")
               for d in root.iter(f"{ns}UnitTest") if d.find(f"{ns}TestMethod") is not None}
    for result in root.iter(f"{ns}UnitTestResult"):
        if result.get("outcome") != "NotExecuted":
            continue
        name = result.get("testName", "")
        cls = classes.get(result.get("testId"), "")
        if cls and not name.startswith(cls + "."):
            name = f"{cls}.{name}"
        output = result.find(f"{ns}Output")
        reason = ""
        if output is not None:
            reason = one_line(output.findtext(f"{ns}ErrorInfo/{ns}Message")) or one_line(output.findtext(f"{ns}StdOut"))
        match = next((r for p, r in allowed if fnmatch.fnmatchcase(name, p)), None)
        skipped.append((name, reason or "(no reason given)", match))

if skipped:
    print(f"==> skipped tests ({len(skipped)})")
    for name, reason, match in sorted(skipped):
        print(f"  {name}")
        print(f"      skipped: {reason}")
        print(f"      allowed: {match}" if match else f"      NOT ALLOWED: not in {allow_path}")
else:
    print("==> skipped tests: none")
unused = [p for p, _ in allowed if not any(fnmatch.fnmatchcase(n, p) for n, _, _ in skipped)]
for pattern in unused:
    print(f"  note: {allow_path} allows '{pattern}', which did not skip in this run")

unallowed = sorted((n, r) for n, r, m in skipped if m is None)
if unallowed and ci:
    print(f"test.sh: CI=true and {len(unallowed)} skipped test(s) are not in {allow_path}:")
    for name, reason in unallowed:
        print(f"  {name}: {reason}")
    print(f"  make them run, or list each in {allow_path} with the reason it may be skipped")
elif unallowed:
    print(f"warning: {len(unallowed)} skipped test(s) are not in {allow_path}; with CI=true they fail the run")
for error in errors:
    print(error)

with open(counts_path, "w") as f:
    f.write(f"{passed} {failed} {len(skipped)}\n")
sys.exit(1 if errors or (unallowed and ci) else 0)
PY

files=$(find "$results" -maxdepth 1 -name '*.trx' | wc -l)
if [ "$files" -eq 0 ]; then
  echo "no test results were written" >&2
  status=1
fi
read -r passed failed skipped < "$results/counts" || { passed=0 failed=0 skipped=0 status=1; }
echo "$passed passed, $failed failed, $skipped skipped"
if [ "$failed" -gt 0 ] || [ "$status" -ne 0 ] || [ "$skipcheck" -ne 0 ]; then
  exit 1
fi
