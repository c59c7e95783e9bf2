"""The tools a user would run instead, installed by the benchmark into their own virtual environment."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

# Pinned so that figures compare across runs; not project dependencies.
PEERS = {"cfn-lint": "1.58.0", "checkov": "3.3.30"}
NOTES = {
    "cfn-lint": "does more: validates every property against the spec",
    "checkov": "does more: runs all its CloudFormation policies",
}


@dataclass(frozen=True)
class Peer:
    """A peer's command line, or why it could not be installed."""

    name: str
    version: str
    executable: Path | None
    error: str = ""

    @property
    def note(self) -> str:
        return NOTES[self.name]

    @property
    def codes(self) -> tuple[int, ...]:
        return (0, 1, 2, 4, 6, 8, 10, 12, 14)  # cfn-lint's exit status is a bit field of levels; checkov's 1 = failed

    def argv(self, template: Path) -> list[str]:
        assert self.executable is not None
        if self.name == "checkov":
            return [str(self.executable), "--quiet", "--compact", "--framework", "cloudformation", "-f", str(template)]
        return [str(self.executable), "--regions", "us-east-1", "--", str(template)]


def ensure_peers(venv: Path) -> dict[str, Peer]:
    """Return cfn-lint and checkov from `venv`, installing the pinned versions there first if needed."""
    python = venv / "bin" / "python"
    wanted = [f"{name}=={version}" for name, version in PEERS.items()]
    try:
        if not python.exists():
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
        installed = subprocess.run([str(python), "-m", "pip", "freeze"], capture_output=True, text=True).stdout.lower()
        if not all(w.lower() in installed for w in wanted):
            print(f"installing {', '.join(wanted)} into {venv} (once)", file=sys.stderr, flush=True)
            subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *wanted],
                           check=True, capture_output=True, timeout=600)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as error:
        reason = f"install failed: {type(error).__name__}"
        return {name: Peer(name, version, None, reason) for name, version in PEERS.items()}
    return {name: Peer(name, version, venv / "bin" / name) for name, version in PEERS.items()}
