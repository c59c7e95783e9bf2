"""`rulebase collect` against a real local endpoint (moto's server over HTTP), then `rulebase scan` on its folder."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from rulebase import collector
from rulebase.cli import main
from rulebase.snapshot import OPERATIONS
from tests.aws_support import ACCOUNT, LocalAws, aws, aws_server  # noqa: F401  (fixtures)

REGIONS = ("us-east-1", "eu-west-1")
ASSERTED_RULES = (
    "aws-ec2-security-group-ingress-admin-ports-open-to-world",
    "aws-ec2-default-security-group-restricts-all-traffic",
    "aws-ec2-subnet-auto-assigns-public-ip",
    "aws-ec2-instance-imdsv2-not-required",
    "aws-ec2-vpc-flow-logs-disabled",
)
FILES = sorted(f"{operation}.json" for operation in OPERATIONS)
UNAUTHORIZED = (b'<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>UnauthorizedOperation</Code>'
                b'<Message>You are not authorized to perform this operation.</Message></Error></Errors>'
                b'<RequestID>5f6e7d8c-0000-4000-8000-000000000000</RequestID></Response>')


# --- the account the tests collect --------------------------------------------------------------

def remove_default_vpc(ec2: Any) -> None:
    """Delete the default VPC moto creates in each Region, so the account holds only what a test makes."""
    for vpc in ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"]:
        vpc_id = vpc["VpcId"]
        for subnet in ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"]:
            ec2.delete_subnet(SubnetId=subnet["SubnetId"])
        for gateway in ec2.describe_internet_gateways(
                Filters=[{"Name": "attachment.vpc-id", "Values": [vpc_id]}])["InternetGateways"]:
            ec2.detach_internet_gateway(InternetGatewayId=gateway["InternetGatewayId"], VpcId=vpc_id)
            ec2.delete_internet_gateway(InternetGatewayId=gateway["InternetGatewayId"])
        ec2.delete_vpc(VpcId=vpc_id)


def default_group(ec2: Any, vpc_id: str) -> str:
    filters = [{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "group-name", "Values": ["default"]}]
    return str(ec2.describe_security_groups(Filters=filters)["SecurityGroups"][0]["GroupId"])


def seed_region(aws: LocalAws, region: str) -> dict[str, str]:  # noqa: F811
    """Make one Region's resources: a logged VPC with closed default group, an unlogged VPC with an open one,
    a public and a private subnet, SSH open to the world and HTTPS open to the world, a network ACL entry for
    SSH, one IMDSv1 instance and one IMDSv2 instance. Return their ids by name."""
    ec2 = aws.client("ec2", region)
    remove_default_vpc(ec2)
    ids: dict[str, str] = {}
    ids["logged_vpc"] = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    ids["unlogged_vpc"] = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    closed = default_group(ec2, ids["logged_vpc"])
    ec2.revoke_security_group_egress(GroupId=closed, IpPermissions=[{"IpProtocol": "-1",
                                                                      "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    ids["open_default_group"] = default_group(ec2, ids["unlogged_vpc"])
    ids["public_subnet"] = ec2.create_subnet(VpcId=ids["logged_vpc"], CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    ec2.modify_subnet_attribute(SubnetId=ids["public_subnet"], MapPublicIpOnLaunch={"Value": True})
    ids["private_subnet"] = ec2.create_subnet(VpcId=ids["logged_vpc"], CidrBlock="10.0.2.0/24")["Subnet"]["SubnetId"]
    # AWS creates a nondefault subnet with it off; moto turns it on for the first subnet of a zone
    ec2.modify_subnet_attribute(SubnetId=ids["private_subnet"], MapPublicIpOnLaunch={"Value": False})
    ids["ssh_group"] = ec2.create_security_group(GroupName="ssh", Description="SSH from anywhere",
                                                 VpcId=ids["logged_vpc"])["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=ids["ssh_group"], IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    ids["web_group"] = ec2.create_security_group(GroupName="web", Description="HTTPS from anywhere",
                                                 VpcId=ids["logged_vpc"])["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=ids["web_group"], IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    ids["acl"] = ec2.create_network_acl(VpcId=ids["logged_vpc"])["NetworkAcl"]["NetworkAclId"]
    ec2.create_network_acl_entry(NetworkAclId=ids["acl"], RuleNumber=100, Protocol="6", RuleAction="allow",
                                 Egress=False, CidrBlock="0.0.0.0/0", PortRange={"From": 22, "To": 22})
    ids["imdsv1_instance"] = ec2.run_instances(
        ImageId="ami-12c6146b", MinCount=1, MaxCount=1, SubnetId=ids["public_subnet"],
        MetadataOptions={"HttpTokens": "optional"})["Instances"][0]["InstanceId"]
    ids["imdsv2_instance"] = ec2.run_instances(
        ImageId="ami-12c6146b", MinCount=1, MaxCount=1, SubnetId=ids["private_subnet"],
        MetadataOptions={"HttpTokens": "required"})["Instances"][0]["InstanceId"]
    bucket = f"flow-logs-{region}"
    s3 = aws.client("s3", region)
    if region == "us-east-1":
        s3.create_bucket(Bucket=bucket)
    else:
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region})
    created = ec2.create_flow_logs(ResourceType="VPC", ResourceIds=[ids["logged_vpc"]], TrafficType="REJECT",
                                   LogDestinationType="s3", LogDestination=f"arn:aws:s3:::{bucket}")
    assert created["Unsuccessful"] == []
    ids["flow_log"] = created["FlowLogIds"][0]
    return ids


def expected_findings(ids: dict[str, str], region: str) -> set[tuple[str, str, str, str]]:
    """Return what the five rules must report in a Region seeded by `seed_region`: (rule, resource, Region, account)."""
    return {
        ("aws-ec2-security-group-ingress-admin-ports-open-to-world", ids["ssh_group"], region, ACCOUNT),
        ("aws-ec2-default-security-group-restricts-all-traffic", ids["open_default_group"], region, ACCOUNT),
        ("aws-ec2-subnet-auto-assigns-public-ip", ids["public_subnet"], region, ACCOUNT),
        ("aws-ec2-instance-imdsv2-not-required", ids["imdsv1_instance"], region, ACCOUNT),
        ("aws-ec2-vpc-flow-logs-disabled", ids["unlogged_vpc"], region, ACCOUNT),
    }


@pytest.fixture
def seeded(aws: LocalAws) -> dict[str, dict[str, str]]:  # noqa: F811
    return {region: seed_region(aws, region) for region in REGIONS}


def run_collect(capsys: pytest.CaptureFixture[str], output: Path, regions: str = ",".join(REGIONS)
                ) -> tuple[int, str, str]:
    code = main(["collect", "--regions", regions, "--output", str(output)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def files_of(folder: Path) -> list[str]:
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file())


# --- read-only by construction -------------------------------------------------------------------

def test_the_operations_collect_may_call_are_the_six_describes_and_two_lookups() -> None:
    assert collector.ALLOWED_OPERATIONS == (
        "DescribeSecurityGroups", "DescribeNetworkAcls", "DescribeVpcs", "DescribeFlowLogs", "DescribeSubnets",
        "DescribeInstances", "GetCallerIdentity", "DescribeRegions")
    assert dict(collector.REGION_OPERATIONS) == {
        "describe-security-groups": "DescribeSecurityGroups", "describe-network-acls": "DescribeNetworkAcls",
        "describe-vpcs": "DescribeVpcs", "describe-flow-logs": "DescribeFlowLogs",
        "describe-subnets": "DescribeSubnets", "describe-instances": "DescribeInstances"}


@pytest.mark.parametrize("operation", ["DeleteVpc", "RevokeSecurityGroupIngress", "RunInstances", "describe_vpcs"])
def test_an_operation_not_listed_is_refused_before_any_request(aws: LocalAws, operation: str) -> None:  # noqa: F811
    ec2 = aws.client("ec2", "us-east-1")
    vpc_id = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    sent: list[str] = []
    ec2.meta.events.register("before-send.ec2", lambda request, **_: sent.append(request.url))
    with pytest.raises(collector.ForbiddenOperation, match=f"^{operation} is not one of the read-only operations"):
        collector.call(ec2, operation, VpcId=vpc_id)
    assert sent == []
    assert [v["VpcId"] for v in ec2.describe_vpcs(VpcIds=[vpc_id])["Vpcs"]] == [vpc_id]


# --- collect, then scan ----------------------------------------------------------------------------

def test_collect_then_scan_reports_each_finding_with_its_account_and_region(
        seeded: dict[str, dict[str, str]], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    output = tmp_path / "snapshot"
    code, out, err = run_collect(capsys, output)
    assert (code, err) == (0, "")
    assert out == f"collected 6 operations in 2 Regions of account {ACCOUNT} into {output} (0 failed)\n"
    assert files_of(output) == [f"{ACCOUNT}/{region}/{name}" for region in sorted(REGIONS) for name in FILES]

    argv = ["scan", str(output), "--format", "json"] + [arg for rule in ASSERTED_RULES for arg in ("--rule", rule)]
    assert main(argv) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["errors"] == [] and report["notes"] == []
    found = {(f["rule_id"], f["resource"], f["region"], f["account"]) for f in report["findings"]}
    assert found == expected_findings(seeded["us-east-1"], "us-east-1") | expected_findings(seeded["eu-west-1"], "eu-west-1")
    assert len(report["findings"]) == len(found)
    for finding in report["findings"]:
        assert Path(finding["file"]).parent == output / ACCOUNT / finding["region"]


def test_text_and_sarif_reports_name_the_account_and_region(
        seeded: dict[str, dict[str, str]], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    output = tmp_path / "out"
    assert run_collect(capsys, output, "eu-west-1")[0] == 0
    rule = "aws-ec2-subnet-auto-assigns-public-ip"
    assert main(["scan", str(output), "--rule", rule]) == 1
    lines = capsys.readouterr().out.splitlines()
    subnet = seeded["eu-west-1"]["public_subnet"]
    assert [line.split(": ", 1)[1].split(": ")[0] for line in lines[:-2]] == [
        f"medium {rule} {subnet} [{ACCOUNT} eu-west-1]"]
    assert main(["scan", str(output), "--rule", rule, "--format", "sarif"]) == 1
    results = json.loads(capsys.readouterr().out)["runs"][0]["results"]
    assert [(r["ruleId"], r["properties"]) for r in results] == [(rule, {"account": ACCOUNT, "region": "eu-west-1"})]


def test_findings_outside_a_collected_folder_have_no_account_or_region(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", "examples", "--format", "json", "--rule", ASSERTED_RULES[1]]) == 1
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert findings and all("account" not in f and "region" not in f for f in findings)


# --- the shape the AWS CLI prints ----------------------------------------------------------------

def shape_errors(value: Any, shape: Any, where: str) -> list[str]:
    """Return where `value` differs in type from botocore's output `shape` (timestamps as ISO 8601 text)."""
    kind = shape.type_name
    if kind == "structure":
        if type(value) is not dict:
            return [f"{where}: {type(value).__name__}, not an object"]
        errors = [f"{where}.{key}: not a member of {shape.name}" for key in value if key not in shape.members]
        for key, member in value.items():
            if key in shape.members:
                errors += shape_errors(member, shape.members[key], f"{where}.{key}")
        return errors
    if kind == "list":
        if type(value) is not list:
            return [f"{where}: {type(value).__name__}, not a list"]
        return [e for i, item in enumerate(value) for e in shape_errors(item, shape.member, f"{where}[{i}]")]
    if kind == "map":
        return [] if type(value) is dict else [f"{where}: not a map"]
    if kind == "timestamp":
        if type(value) is not str:
            return [f"{where}: a timestamp printed as {type(value).__name__}"]
        return [] if datetime.fromisoformat(value).utcoffset() is not None else [f"{where}: no time zone"]
    expected = {"string": str, "boolean": bool, "integer": int, "long": int, "double": float, "float": float}[kind]
    return [] if type(value) is expected else [f"{where}: {type(value).__name__}, not {kind}"]


def test_each_file_has_the_shape_and_content_the_aws_cli_prints(
        seeded: dict[str, dict[str, str]], aws: LocalAws, tmp_path: Path,  # noqa: F811
        capsys: pytest.CaptureFixture[str]) -> None:
    output = tmp_path / "out"
    assert run_collect(capsys, output)[0] == 0
    for region in REGIONS:
        ec2 = aws.client("ec2", region)
        for name, operation in collector.REGION_OPERATIONS.items():
            path = output / ACCOUNT / region / f"{name}.json"
            text = path.read_text(encoding="utf-8")
            data = json.loads(text)
            # the CLI's JSON: 4 spaces, UTF-8 as is, a final newline
            assert text == json.dumps(data, indent=4, ensure_ascii=False) + "\n"
            output_shape = ec2.meta.service_model.operation_model(operation).output_shape
            assert list(data) == [OPERATIONS[name]]  # the one list the CLI prints, no NextToken, no metadata
            assert OPERATIONS[name] in output_shape.members
            assert data[OPERATIONS[name]] and all(type(item) is dict for item in data[OPERATIONS[name]])
            assert shape_errors(data, output_shape, f"{region}/{name}") == []
            # the same content as the call itself, timestamps in ISO 8601 as botocore parsed them
            direct = ec2.get_paginator(operation[0].lower() + "".join(
                "_" + c.lower() if c.isupper() else c for c in operation[1:])).paginate().build_full_result()
            assert data == json.loads(json.dumps(direct, default=lambda v: v.isoformat()))
    instance = json.loads((output / ACCOUNT / "us-east-1" / "describe-instances.json").read_text())
    launch_time = instance["Reservations"][0]["Instances"][0]["LaunchTime"]
    assert launch_time.endswith("+00:00") and datetime.fromisoformat(launch_time).utcoffset().total_seconds() == 0
    acls = json.loads((output / ACCOUNT / "eu-west-1" / "describe-network-acls.json").read_text())["NetworkAcls"]
    ssh = [e for a in acls if a["NetworkAclId"] == seeded["eu-west-1"]["acl"] for e in a["Entries"]
           if e["RuleNumber"] == 100 and not e["Egress"]]
    assert ssh == [{"CidrBlock": "0.0.0.0/0", "Egress": False, "PortRange": {"From": 22, "To": 22}, "Protocol": "6",
                    "RuleAction": "allow", "RuleNumber": 100}]


# --- faults ----------------------------------------------------------------------------------------

def refuse(region: str, operations: tuple[str, ...], monkeypatch: pytest.MonkeyPatch) -> None:
    """Make EC2 answer 403 UnauthorizedOperation (as AWS does without the permission) to `operations` in `region`:
    the response goes through botocore's real parser and retry logic."""
    from botocore.awsrequest import AWSResponse

    class Body:
        def stream(self, **_: Any) -> Any:
            yield UNAUTHORIZED

    real = collector.make_client

    def make_client(session: Any, service: str, client_region: str) -> Any:
        client = real(session, service, client_region)
        if service == "ec2" and client_region == region:
            for operation in operations:
                client.meta.events.register(f"before-send.ec2.{operation}", lambda request, **_: AWSResponse(
                    request.url, 403, {"Content-Type": "text/xml;charset=UTF-8"}, Body()))
        return client

    monkeypatch.setattr(collector, "make_client", make_client)


def test_an_operation_refused_in_one_region_is_one_line_and_the_rest_is_collected(
        seeded: dict[str, dict[str, str]], tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    refuse("eu-west-1", ("DescribeFlowLogs",), monkeypatch)
    output = tmp_path / "out"
    code, out, err = run_collect(capsys, output)
    assert code == 2
    assert err == "error: eu-west-1 DescribeFlowLogs: UnauthorizedOperation: You are not authorized to perform this operation.\n"
    assert out == f"collected 6 operations in 2 Regions of account {ACCOUNT} into {output} (1 failed)\n"
    assert files_of(output) == ([f"{ACCOUNT}/eu-west-1/{name}" for name in FILES if name != "describe-flow-logs.json"]
                                + [f"{ACCOUNT}/us-east-1/{name}" for name in FILES])
    for path in output.rglob("*.json"):
        json.loads(path.read_text(encoding="utf-8"))
    # the scan says once that the flow-log rule could not be judged there
    assert main(["scan", str(output), "--format", "json", "--rule", "aws-ec2-vpc-flow-logs-disabled"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert [(n["folder"], n["message"]) for n in report["notes"]] == [
        (str(output / ACCOUNT / "eu-west-1"), "aws-ec2-vpc-flow-logs-disabled not evaluated: no describe-flow-logs output")]
    assert [(f["resource"], f["region"]) for f in report["findings"]] == [(seeded["us-east-1"]["unlogged_vpc"], "us-east-1")]


def test_a_region_refused_entirely_leaves_the_other_region_complete(
        seeded: dict[str, dict[str, str]], tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    refuse("us-east-1", tuple(collector.REGION_OPERATIONS.values()), monkeypatch)
    output = tmp_path / "out"
    code, out, err = run_collect(capsys, output)
    assert code == 2
    assert sorted(err.splitlines()) == sorted(
        f"error: us-east-1 {operation}: UnauthorizedOperation: You are not authorized to perform this operation."
        for operation in collector.REGION_OPERATIONS.values())
    assert out.endswith("(6 failed)\n")
    assert files_of(output) == [f"{ACCOUNT}/eu-west-1/{name}" for name in FILES]


def test_ctrl_c_leaves_complete_files_only(seeded: dict[str, dict[str, str]], tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    real = collector.dump

    def dump(data: Any, stream: Any) -> None:
        if "Subnets" in data:  # half a file written, then Ctrl-C
            stream.write('{\n    "Subnets": [\n')
            raise KeyboardInterrupt
        real(data, stream)

    monkeypatch.setattr(collector, "dump", dump)
    output = tmp_path / "out"
    code, _, _ = run_collect(capsys, output)
    assert code == 130
    files = files_of(output)
    assert files and not any("describe-subnets" in name or name.endswith(".tmp") for name in files)
    for name in files:
        json.loads((output / name).read_text(encoding="utf-8"))


def test_a_region_name_that_is_not_one_is_refused(aws: LocalAws, tmp_path: Path,  # noqa: F811
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_collect(capsys, tmp_path / "out", "us-east-1,../../etc")
    assert (code, out, err) == (2, "", "rulebase: not a Region name: ../../etc\n")
    assert not (tmp_path / "out").exists()


def test_no_credentials_is_one_line(aws: LocalAws, tmp_path: Path, capsys: pytest.CaptureFixture[str],  # noqa: F811
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")  # no instance metadata lookup on this machine
    code, out, err = run_collect(capsys, tmp_path / "out", "us-east-1")
    assert (code, out, err) == (2, "", "rulebase: Unable to locate credentials\n")


def test_an_unknown_profile_is_one_line(aws: LocalAws, tmp_path: Path,  # noqa: F811
                                        capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["collect", "--profile", "nobody", "--regions", "us-east-1", "--output", str(tmp_path)])
    captured = capsys.readouterr()
    assert (code, captured.out, captured.err) == (2, "", "rulebase: The config profile (nobody) could not be found\n")


def test_all_regions_are_those_describe_regions_lists(aws: LocalAws, tmp_path: Path,  # noqa: F811
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    enabled = sorted(r["RegionName"] for r in aws.client("ec2", "us-east-1").describe_regions()["Regions"])
    code, out, err = run_collect(capsys, tmp_path / "out", "all")
    assert (code, err) == (0, "")
    assert out == f"collected 6 operations in {len(enabled)} Regions of account {ACCOUNT} into {tmp_path / 'out'} (0 failed)\n"
    assert sorted(p.name for p in (tmp_path / "out" / ACCOUNT).iterdir()) == enabled


def test_the_readme_policy_allows_exactly_the_operations_collect_calls() -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Collect from an account", 1)[1].split("\n## ", 1)[0]
    policy = json.loads(section.split("```json\n", 1)[1].split("```", 1)[0])
    actions = [action for statement in policy["Statement"] for action in statement["Action"]]
    assert sorted(actions) == sorted(("sts:" if operation == "GetCallerIdentity" else "ec2:") + operation
                                     for operation in collector.ALLOWED_OPERATIONS)
