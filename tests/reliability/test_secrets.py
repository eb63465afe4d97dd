"""Secrets come only from the environment or the instance folder: nothing committed looks like a key,
a token or a password, the instance folder is never committed, and the app refuses to start without
a configured secret key (no default)."""

from __future__ import annotations

import math
import re
import subprocess
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PATTERNS = {
    "private key": re.compile(r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED )?PRIVATE KEY-----"),
    "AWS access key": re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    "GitHub token": re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b"),
    "Slack token": re.compile(r"\bxox[baprs]-[A-Za-z0-9-]{10,}\b"),
    "Google API key": re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b"),
    "JWT": re.compile(r"\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}"),
    "URL with password": re.compile(
        r"\b[a-z][a-z0-9+.-]*://[^/\s:@'\"]+:(?!(?:secret|password|pass|test|xxx+)@)[^/\s:@'\"{}$*]{4,}@"
    ),
}
# NAME = "literal" where the name says secret and the literal is long and random-looking
ASSIGNMENT = re.compile(
    r"(?i)\b([A-Z0-9_]*(?:secret|password|passwd|token|api_key|apikey|private_key)[A-Z0-9_]*)\s*[:=]\s*[\"']([^\"'\s]{16,})[\"']"
)
# test fixtures that are deliberately fake (named so), never used outside tests
ALLOWED_LITERALS = {"test-secret-key-not-for-production", "a-long-test-password"}


def _tracked_files() -> list[Path]:
    try:
        out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
        names = [n for n in out.decode().split("\0") if n]
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    untracked = subprocess.run(
        ["git", "ls-files", "-z", "--others", "--exclude-standard"], cwd=ROOT, capture_output=True
    ).stdout.decode()
    names += [n for n in untracked.split("\0") if n]  # files about to be committed count too
    return [ROOT / n for n in names if (ROOT / n).is_file()]


def _entropy(text: str) -> float:
    counts = Counter(text)
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values())


def test_no_secrets_in_the_repository():
    findings = []
    for path in _tracked_files():
        if path.suffix in {".png", ".gz", ".db", ".pdf", ".woff", ".woff2", ".ico"} or path.stat().st_size > 5_000_000:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        rel = path.relative_to(ROOT)
        for what, pattern in PATTERNS.items():
            for m in pattern.finditer(text):
                findings.append(f"{rel}: {what}: {m.group(0)[:40]}")
        for m in ASSIGNMENT.finditer(text):
            literal = m.group(2)
            if literal in ALLOWED_LITERALS or "{" in literal or literal.startswith(("$", "%", "<")):
                continue
            if re.fullmatch(r"[A-Z][A-Z0-9_]+", literal):
                continue  # the name of an environment variable, not its value
            if rel.parts[0] == "tests" and re.search(r"(?i)test|example|fake|dummy", literal):
                continue  # a fixture that says it is fake
            if _entropy(literal) >= 3.5 and not re.fullmatch(r"[a-z_.-]+", literal):
                findings.append(f"{rel}: {m.group(1)} = {literal[:6]}...")
    assert findings == []


def test_instance_folder_and_credentials_are_never_committed():
    names = {p.relative_to(ROOT).as_posix() for p in _tracked_files()}
    assert not [n for n in names if n.startswith("instance/") or n.endswith(("secret_key", "demo-credentials.txt"))]
    ignored = (ROOT / ".gitignore").read_text().split()
    assert "instance/" in ignored


def test_the_scanner_finds_what_it_looks_for():
    sample = 'FEWS_SECRET_KEY = "' + "q8Zr3Kp" + 'L0vX2mN7tYb5Wc1Hd"\nkey = "AKIA' + 'ABCDEFGHIJKLMNOP"\n'
    assert ASSIGNMENT.search(sample) and PATTERNS["AWS access key"].search(sample)
    assert _entropy("q8Zr3KpL0vX2mN7tYb5Wc1Hd") >= 3.5


def test_app_refuses_to_start_without_a_secret_key(tmp_path, monkeypatch):
    from fews.config import ConfigError, load_config
    from web import create_app

    monkeypatch.delenv("FEWS_SECRET_KEY", raising=False)
    config = load_config(instance_path=tmp_path / "instance", database_url=f"sqlite:///{tmp_path / 'x.db'}")
    assert config.secret_key is None
    with pytest.raises(ConfigError, match="secret key"):
        create_app(config)
