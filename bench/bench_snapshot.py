"""The snapshot target (issue 12), measured on a generated account: `make bench` or `python -m bench.bench_snapshot`.

    20,000 security groups, 5,000 instances, 2,000 subnets and network ACLs, whole process:
        `rulebase scan FOLDER` within 2x a bare `json.load` of the same files, side by side
    2,000 to 20,000 security groups: linear

Inputs are generated from a fixed seed into a temporary folder and never committed.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = 20261201
MAX_BYTES = 200_000_000  # the 20,000 groups' file is tens of MB: above the scanner's default bound
LOAD_ALL = "import json, pathlib, sys\nfor p in sorted(pathlib.Path(sys.argv[1]).glob('*.json')): json.load(open(p))"


def write_snapshot(folder: Path, groups: int, instances: int = 5_000, subnets: int = 2_000, acls: int = 2_000) -> Path:
    """Write a snapshot of one account and Region in the AWS CLI's shape; return its folder."""
    rnd = random.Random(SEED)
    folder.mkdir(parents=True, exist_ok=True)
    vpcs = [f"vpc-{n:017x}" for n in range(max(1, acls // 10))]
    owner = "111122223333"

    def permission() -> dict[str, object]:
        port = rnd.choice([22, 80, 443, 3306, 5432, 8080, 0])
        cidr = rnd.choice(["0.0.0.0/0", "10.0.0.0/8", "172.16.0.0/12", "192.168.1.0/24"])
        if port == 0:
            return {"IpProtocol": "-1", "IpRanges": [{"CidrIp": cidr}], "Ipv6Ranges": [], "PrefixListIds": [],
                    "UserIdGroupPairs": []}
        return {"FromPort": port, "IpProtocol": "tcp", "IpRanges": [{"CidrIp": cidr, "Description": "generated"}],
                "Ipv6Ranges": [], "PrefixListIds": [], "ToPort": port, "UserIdGroupPairs": []}

    security_groups = [{
        "Description": f"service {n}", "GroupName": "default" if n % 97 == 0 else f"service-{n}",
        "IpPermissions": [permission() for _ in range(rnd.randint(1, 4))], "OwnerId": owner,
        "GroupId": f"sg-{n:017x}", "IpPermissionsEgress": [permission()], "VpcId": rnd.choice(vpcs),
    } for n in range(groups)]
    network_acls = [{
        "Associations": [], "Entries": [
            {"CidrBlock": "0.0.0.0/0", "Egress": egress, "Protocol": "-1", "RuleAction": "allow", "RuleNumber": 100},
            {"CidrBlock": "0.0.0.0/0", "Egress": egress, "Protocol": "-1", "RuleAction": "deny", "RuleNumber": 32767},
        ] if n % 3 == 0 else [
            {"CidrBlock": "10.0.0.0/8", "Egress": egress, "PortRange": {"From": 22, "To": 22}, "Protocol": "6",
             "RuleAction": "allow", "RuleNumber": 100}], "IsDefault": n % 3 == 0, "NetworkAclId": f"acl-{n:017x}",
        "Tags": [], "VpcId": rnd.choice(vpcs), "OwnerId": owner,
    } for n in range(acls) for egress in (False,)]
    documents = {
        "describe-security-groups.json": {"SecurityGroups": security_groups},
        "describe-network-acls.json": {"NetworkAcls": network_acls},
        "describe-vpcs.json": {"Vpcs": [{"CidrBlock": "10.0.0.0/16", "State": "available", "VpcId": vpc,
                                         "OwnerId": owner, "IsDefault": False} for vpc in vpcs]},
        "describe-flow-logs.json": {"FlowLogs": [{"FlowLogId": f"fl-{n:017x}", "FlowLogStatus": "ACTIVE",
                                                  "ResourceId": vpc, "TrafficType": "ALL"}
                                                 for n, vpc in enumerate(vpcs[::2])]},
        "describe-subnets.json": {"Subnets": [{"AvailabilityZone": "us-east-1a", "CidrBlock": f"10.{n // 250}.{n % 250}.0/24",
                                               "MapPublicIpOnLaunch": n % 5 == 0, "State": "available",
                                               "SubnetId": f"subnet-{n:017x}", "VpcId": rnd.choice(vpcs)}
                                              for n in range(subnets)]},
        "describe-instances.json": {"Reservations": [{"Groups": [], "Instances": [{
            "InstanceId": f"i-{n:017x}", "InstanceType": "t3.micro",
            "MetadataOptions": {"State": "applied", "HttpTokens": rnd.choice(["optional", "required"]),
                                "HttpPutResponseHopLimit": 2, "HttpEndpoint": "enabled",
                                "HttpProtocolIpv6": "disabled", "InstanceMetadataTags": "disabled"},
            "State": {"Code": 16, "Name": "running"}, "SubnetId": f"subnet-{n % subnets:017x}"}],
            "OwnerId": owner, "ReservationId": f"r-{n:017x}"} for n in range(instances)]},
    }
    for name, document in documents.items():
        (folder / name).write_text(json.dumps(document, indent=4), encoding="utf-8")
    return folder


def main(argv: list[str] | None = None) -> int:
    """Measure the snapshot rows alone, as `make bench` does (bench/suite.py), and print them."""
    from bench.suite import snapshot_table

    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="rulebase-bench-snapshot-") as folder:
        return snapshot_table(args.runs, Path(folder))


if __name__ == "__main__":
    sys.exit(main())
