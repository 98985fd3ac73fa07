"""Counts of the web portal's test runs for deploy/test.sh: reads Vitest's and
Playwright's JSON reports, prints every failed test by name, then a last line
``<passed> <failed>``. A report that is missing counts as nothing run."""
import json
import sys


def vitest(path):
    try:
        report = json.load(open(path))
    except (OSError, ValueError):
        print("  (no Vitest report)")
        return 0, 0
    failed = []
    for suite in report.get("testResults", []):
        for test in suite.get("assertionResults", []):
            if test.get("status") == "failed":
                failed.append(f"{suite.get('name', '?')} > {test.get('fullName')}")
    passed = report.get("numPassedTests", 0)
    print(f"  vitest: {passed} passed, {len(failed)} failed")
    for name in failed:
        print(f"  FAILED {name}")
    return passed, len(failed)


def playwright(path):
    try:
        report = json.load(open(path))
    except (OSError, ValueError):
        print("  (no Playwright report)")
        return 0, 0
    passed, failed = 0, []

    def walk(suite, trail):
        nonlocal passed
        for spec in suite.get("specs", []):
            for test in spec.get("tests", []):
                status = test.get("status")        # expected | unexpected | flaky | skipped
                name = " > ".join(trail + [spec["title"]]) + f" [{test.get('projectName')}]"
                if status == "expected":
                    passed += 1
                elif status in ("unexpected", "flaky"):
                    failed.append(f"{spec.get('file', '?')}: {name}")
        for child in suite.get("suites", []):
            walk(child, trail + ([child["title"]] if child.get("title") and
                                 not child["title"].endswith(".ts") else []))

    for suite in report.get("suites", []):
        walk(suite, [])
    for error in report.get("errors", []):
        failed.append(f"(run) {error.get('message', '')[:300]}")
    print(f"  playwright: {passed} passed, {len(failed)} failed")
    for name in failed:
        print(f"  FAILED {name}")
    return passed, len(failed)


if __name__ == "__main__":
    p1, f1 = vitest(sys.argv[1])
    p2, f2 = playwright(sys.argv[2])
    print(p1 + p2, f1 + f2)
