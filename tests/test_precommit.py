"""The pre-commit hooks of `.pre-commit-hooks.yaml`, run for real with `pre-commit try-repo` on a new git repository.

try-repo installs this repository (uncommitted changes included) into an isolated virtualenv with pip, as a user's
`pre-commit install` would: pip reaches the package index configured on the machine, as CI does.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
PRE_COMMIT = Path(sys.executable).parent / "pre-commit"
CLEAN = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  WorkerSg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: workers
      SecurityGroupEgress:
        - IpProtocol: tcp
          FromPort: 443
          ToPort: 443
          CidrIp: 0.0.0.0/0
"""
OPEN = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  BastionSg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: bastion
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: 22
          ToPort: 22
          CidrIp: 0.0.0.0/0
      SecurityGroupEgress:
        - IpProtocol: tcp
          FromPort: 443
          ToPort: 443
          CidrIp: 0.0.0.0/0
"""


def test_the_hooks_file_declares_both_hooks() -> None:
    hooks = {hook["id"]: hook for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    assert sorted(hooks) == ["rulebase-scan", "rulebase-verify"]
    assert (hooks["rulebase-scan"]["entry"], hooks["rulebase-scan"]["language"]) == ("rulebase scan", "python")
    assert (hooks["rulebase-verify"]["entry"], hooks["rulebase-verify"]["pass_filenames"]) == ("rulebase verify", False)
    assert hooks["rulebase-verify"]["files"] == "^rules/"


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, timeout=60)


@pytest.mark.skipif(shutil.which("git") is None or not PRE_COMMIT.exists(), reason="needs git and pre-commit")
def test_pre_commit_scan_hook_passes_a_clean_commit_and_fails_an_open_security_group(tmp_path: Path) -> None:
    repo = tmp_path / "infra"
    repo.mkdir()
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t", "PRE_COMMIT_COLOR": "never"}
    git(repo, "init", "-q")

    def commit_and_check(name: str, text: str) -> subprocess.CompletedProcess[str]:
        (repo / name).write_text(text, encoding="utf-8")
        (repo / "empty.yaml").write_text("", encoding="utf-8")  # an empty file never fails the hook
        git(repo, "add", name, "empty.yaml")
        subprocess.run(["git", "-C", str(repo), "commit", "-q", "-m", name], check=True, env=env, timeout=60)
        return subprocess.run([str(PRE_COMMIT), "try-repo", str(ROOT), "rulebase-scan", "--files", name, "empty.yaml"],
                              cwd=repo, env=env, capture_output=True, text=True, timeout=900)

    started = time.perf_counter()
    clean = commit_and_check("network.yaml", CLEAN)
    installed = time.perf_counter() - started  # the first run builds the hook's environment
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "rulebase scan" in clean.stdout and "Passed" in clean.stdout

    failed = commit_and_check("bastion.template", OPEN)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "Failed" in failed.stdout
    assert ("bastion.template:11: high cloudformation-aws-security-group-ingress-admin-ports-open-to-world BastionSg: "
            "Security group ingress opens SSH or RDP to the world (tcp 22 ← 0.0.0.0/0)") in failed.stdout
    print(f"pre-commit environment built and first run in {installed:.1f} s")
