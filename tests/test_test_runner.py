"""make test runs every test module: deploy/test.sh's pytest groups (and its
fault phase) cover every test_*.py of the tree, so a new test file cannot be
left out of CI by not being listed (four were, once)."""
import glob
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _covered():
    script = (ROOT / "deploy" / "test.sh").read_text()
    block = re.search(r"GROUPS_=\((.*?)\n\)", script, re.S).group(1)
    words = [w for line in re.findall(r'"([^"]*)"', block) for w in line.split()]
    words.append("tests/fault")   # run_faults, alone
    paths = set()
    for word in words:
        for hit in glob.glob(str(ROOT / word)) or [str(ROOT / word)]:
            paths.add(Path(hit))
    return paths


def test_every_test_module_of_the_tree_is_in_a_group_of_make_test():
    covered = _covered()
    missing = []
    for path in ROOT.glob("**/test_*.py"):
        rel = path.relative_to(ROOT)
        if rel.parts[0] in (".venv", "var", "web", "node_modules") or "site-packages" in rel.parts:
            continue
        if not any(path == c or c in path.parents for c in covered):
            missing.append(str(rel))
    assert missing == []
