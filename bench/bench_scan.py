"""The checker's speed targets (issue 3), measured on generated inputs: `make bench` or `python -m bench`.

    one small template, whole process                   under 0.15 s
    2,000-security-group template, YAML, whole process  at most 0.8 x loading it with yaml.load(CSafeLoader)
    the same template as JSON                           at most 3 x a bare json.load
    1,000 small templates                               both cores used

Inputs are generated from a fixed seed into a temporary folder and never committed. The measuring is the
scanner part of `make bench` (bench/suite.py), without the peers. Options: --runs N, --keep DIR.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
SEED = 20240430
GROUPS = 2_000
SMALL_TEMPLATES = 1_000


# --- inputs -----------------------------------------------------------------------------------------

HEADER = """\
AWSTemplateFormatVersion: "2010-09-09"
Description: Application tiers of the payments platform (generated for the benchmark)
Parameters:
  VpcId:
    Type: AWS::EC2::VPC::Id
  Stage:
    Type: String
    AllowedValues: [dev, prod]
    Default: prod
Conditions:
  IsDev: !Equals [!Ref Stage, dev]
Resources:
  LoadBalancerSecurityGroup:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: Public load balancer
      VpcId: !Ref VpcId
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: 443
          ToPort: 443
          CidrIp: 0.0.0.0/0
"""

GROUP = """\
  Service{n:04d}SecurityGroup:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: !Sub "${{AWS::StackName}} service {n:04d}"
      VpcId: !Ref VpcId
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: {port}
          ToPort: {port}
          SourceSecurityGroupId: !GetAtt LoadBalancerSecurityGroup.GroupId
      SecurityGroupEgress:
{egress}"""

EGRESS = {
    "https": "        - IpProtocol: tcp\n          FromPort: 443\n          ToPort: 443\n          CidrIp: 0.0.0.0/0\n",
    "database": "        - IpProtocol: tcp\n          FromPort: 5432\n          ToPort: 5432\n"
                "          CidrIp: 10.{a}.{b}.0/24\n",
    "dns": "        - IpProtocol: udp\n          FromPort: 53\n          ToPort: 53\n          CidrIp: 10.0.0.2/32\n",
    # the non-compliant ones
    "all": "        - IpProtocol: \"-1\"\n          CidrIp: 0.0.0.0/0\n",
    "range": "        - IpProtocol: tcp\n          FromPort: 1024\n          ToPort: 65535\n          CidrIp: 10.{a}.0.0/16\n",
    "if": "        - IpProtocol: !If [IsDev, \"-1\", tcp]\n          FromPort: 8080\n          ToPort: 8080\n"
          "          CidrIp: 10.{a}.{b}.0/24\n",
}


def big_template(groups: int = GROUPS, bad_share: float = 0.1, seed: int = SEED) -> str:
    """Return a YAML template of `groups` security groups; about `bad_share` of them break a rule."""
    rnd = random.Random(seed)
    parts = [HEADER]
    for n in range(groups):
        kinds = ["https", rnd.choice(["database", "dns"])]
        if rnd.random() < bad_share:
            kinds.append(rnd.choice(["all", "range", "if"]))
        egress = "".join(EGRESS[k].format(a=n % 250, b=n // 250) for k in kinds)
        parts.append(GROUP.format(n=n, port=rnd.choice([8080, 8443, 9000]), egress=egress))
    return "".join(parts)


def small_template(n: int, rnd: random.Random) -> str:
    """Return a small stack: one security group, two or three egress rules, sometimes a bad one."""
    kinds = ["https", rnd.choice(["database", "dns"])] + (["all"] if rnd.random() < 0.2 else [])
    egress = "".join(EGRESS[k].format(a=n % 250, b=n // 250) for k in kinds)
    return HEADER + GROUP.format(n=n, port=8443, egress=egress)


def as_json(yaml_text: str) -> str:
    """Return the template as CloudFormation JSON, read with rulebase's own YAML reader (short tags to long)."""
    sys.path.insert(0, str(ROOT))
    from rulebase.readers.yaml_reader import read_yaml

    data, _ = read_yaml(yaml_text)
    return json.dumps(data, indent=2) + "\n"


def write_inputs(folder: Path) -> dict[str, Path]:
    """Write every input of the benchmark into `folder` and return their paths."""
    paths = {name: folder / name for name in ("small.yaml", "big.yaml", "big.json", "many")}
    rnd = random.Random(SEED)
    paths["small.yaml"].write_text(small_template(0, rnd), encoding="utf-8")
    big = big_template()
    paths["big.yaml"].write_text(big, encoding="utf-8")
    paths["big.json"].write_text(as_json(big), encoding="utf-8")
    paths["many"].mkdir(exist_ok=True)
    for n in range(SMALL_TEMPLATES):
        (paths["many"] / f"stack-{n:04d}.yaml").write_text(small_template(n, rnd), encoding="utf-8")
    return paths


# --- measuring -------------------------------------------------------------------------------------

# What "merely loading it with yaml.load(..., Loader=CSafeLoader)" means for a CloudFormation template: the
# C loader plus a constructor for the short intrinsic tags, without which it refuses `!Ref`.
YAML_LOAD = """
import sys, yaml

class Loader(yaml.CSafeLoader):
    pass

def intrinsic(loader, suffix, node):
    if isinstance(node, yaml.ScalarNode):
        return {suffix: loader.construct_scalar(node)}
    if isinstance(node, yaml.SequenceNode):
        return {suffix: loader.construct_sequence(node)}
    return {suffix: loader.construct_mapping(node)}

Loader.add_multi_constructor("!", intrinsic)
with open(sys.argv[1], encoding="utf-8") as stream:
    yaml.load(stream, Loader=Loader)
"""


def process(*args: str, codes: tuple[int, ...] = (0,)) -> Callable[[], object]:
    """Return an action that runs a fresh Python process with rulebase importable, as a user would."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}

    def run() -> object:
        done = subprocess.run([sys.executable, *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if done.returncode not in codes:
            raise SystemExit(f"{' '.join(args)} failed ({done.returncode}): {done.stderr.decode()[-500:]}")
        return done

    return run


MAX_BYTES = 10_000_000  # the JSON forms are larger than the default limit of a scan


def scan_process(*args: str) -> Callable[[], object]:
    return process("-m", "rulebase.cli", "scan", "--max-bytes", str(MAX_BYTES), *args, codes=(0, 1))  # 1: findings


def main(argv: list[str] | None = None) -> int:
    """Measure the scanner alone, as `make bench` does (bench/suite.py), and print its table."""
    from bench.suite import scanner_table

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="runs per figure (the median is kept)")
    parser.add_argument("--keep", metavar="DIR", help="write the inputs to DIR and keep them")
    args = parser.parse_args(argv)
    if args.keep:
        Path(args.keep).mkdir(parents=True, exist_ok=True)
        return scanner_table(args.runs, Path(args.keep))
    with tempfile.TemporaryDirectory(prefix="rulebase-bench-") as folder:
        return scanner_table(args.runs, Path(folder))


if __name__ == "__main__":
    sys.exit(main())
