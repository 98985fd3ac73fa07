"""What the suite is built from: every installed package pinned, the runtime
requirements free of test tools (the production image installs only those),
and the CJK font embedded into certificates the release we pinned."""
import re
import subprocess
import sys
from pathlib import Path

import pytest

from kernel import documents

ROOT = Path(__file__).resolve().parents[1]
TEST_TOOLS = {"pytest", "pytest-timeout", "hypothesis", "hypothesis-graphql", "schemathesis",
              "kubernetes-validate", "pika", "pypdfium2", "zxing-cpp", "pip-audit"}


def pins(path):
    out = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith(("#", "-r")):
            continue
        name, _, version = line.partition("==")
        assert version, f"{path.name}: {line!r} is not pinned with =="
        out[re.sub(r"[-_.]+", "-", name).lower()] = version
    return out


def test_runtime_requirements_hold_no_test_tool_and_the_image_installs_only_them():
    runtime = pins(ROOT / "requirements.txt")
    assert not TEST_TOOLS & set(runtime), TEST_TOOLS & set(runtime)
    test = pins(ROOT / "requirements-test.txt")
    assert not set(runtime) & set(test), "a package pinned twice"
    dockerfile = (ROOT / "deploy/docker/Dockerfile").read_text()
    assert "pip install -r requirements.txt" in dockerfile
    assert "requirements-test" not in dockerfile


def test_every_installed_package_is_pinned_at_the_installed_version():
    frozen = subprocess.run([sys.executable, "-m", "pip", "freeze", "--exclude-editable"],
                            capture_output=True, text=True, check=True).stdout
    pinned = {**pins(ROOT / "requirements.txt"), **pins(ROOT / "requirements-test.txt")}
    wrong = []
    for line in frozen.splitlines():
        if "==" not in line:
            continue
        name, version = line.split("==", 1)
        key = re.sub(r"[-_.]+", "-", name).lower()
        if key.startswith("skillcert"):
            continue
        if pinned.get(key) != version:
            wrong.append(f"{name}=={version} (pinned: {pinned.get(key)})")
    assert not wrong, "installed but not pinned as installed: " + ", ".join(wrong)


def test_the_font_package_is_refused_unless_it_is_the_pinned_release(tmp_path, monkeypatch):
    path = documents.cjk_font_path()
    assert documents._sha256(path) == documents.WQY_MICROHEI_SHA256
    fake = tmp_path / "wqy-microhei.ttc"
    fake.write_bytes(b"not the font")
    monkeypatch.setattr(documents, "DEBIAN_WQY_MICROHEI", tmp_path / "absent.ttc")
    import paperang_p2_fonts_cjk
    monkeypatch.setattr(paperang_p2_fonts_cjk, "__file__", str(tmp_path / "pkg" / "__init__.py"))
    (tmp_path / "pkg" / "fonts").mkdir(parents=True)
    (tmp_path / "pkg" / "fonts" / "wqy-microhei.ttc").write_bytes(b"swapped")
    with pytest.raises(documents.FontUnavailable, match="SHA-256"):
        documents.cjk_font_path()


def test_reportlab_draws_with_its_c_accelerators():
    """rl-accel is pinned: without it reportlab formats every number of a PDF in
    Python (a certificate took 89 ms instead of 69, docs/performance.md)."""
    from reportlab.lib import rl_accel
    assert type(rl_accel.fp_str).__name__ == "builtin_function_or_method"
    assert type(rl_accel.asciiBase85Encode).__name__ == "builtin_function_or_method"
