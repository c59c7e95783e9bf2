"""Benchmark of `rulebase collect`: 17 Regions at once against the slowest Region alone, on moto's server.

    .venv/bin/python -m bench.bench_collect [--runs 5]

The server runs in this process (on 127.0.0.1, a free port); each `rulebase collect` is a whole process, as a
user runs it. Measured twice: moto as is (client and server then share this machine's cores: the CPU, not the
waiting, sets the time) and with each answer delayed by LATENCY, the network and AWS's own time that Regions
collected at once overlap. Every Region holds the same kind of account (the default VPC, a few VPCs with groups, subnets,
network ACL entries, instances and flow logs), made from a fixed seed.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rulebase.collector import WORKERS  # noqa: E402,F401  (shown in the table)

# The 17 Regions every account has enabled without opting in.
REGIONS = ("us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "sa-east-1", "eu-west-1",
           "eu-west-2", "eu-west-3", "eu-central-1", "eu-north-1", "ap-south-1", "ap-northeast-1",
           "ap-northeast-2", "ap-northeast-3", "ap-southeast-1", "ap-southeast-2")
VPCS, GROUPS, INSTANCES = 3, 8, 4  # per Region, beside the default VPC
LATENCY = 0.1  # seconds added to each answer in the second measurement: an API call to a Region is 0.05-0.3 s


def start(config_dir: str, latency: float = 0.0) -> tuple[Any, dict[str, str]]:
    """Return a started moto server (each answer delayed by `latency` seconds) and the environment that points
    `rulebase collect` at it."""
    from tests.aws_support import aws_environment

    server = _delayed_server(latency)
    server.start()
    host, port = server.get_host_and_port()
    env = {name: value for name, value in os.environ.items() if not name.startswith("AWS_")}
    return server, {**env, **aws_environment(f"http://{host}:{port}", config_dir)}


def _delayed_server(latency: float) -> Any:
    """Return moto's threaded server on a free port of 127.0.0.1 whose every answer waits `latency` seconds first.

    On one machine, moto answers in a few milliseconds of CPU, which the client and the server then share: the
    delay stands for the network and AWS's own time, which is what Regions collected at once overlap. It builds
    the app the way moto 5.2's ThreadedMotoServer does (a private method, overridden: moto is pinned)."""
    import logging

    from moto.moto_server.threaded_moto_server import ThreadedMotoServer
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.WARNING)

    class DelayedServer(ThreadedMotoServer):
        def _server_entry(self) -> None:
            app = DomainDispatcherApplication(create_backend_app)

            def delayed(environ: Any, start_response: Any) -> Any:
                time.sleep(latency)
                return app(environ, start_response)

            self._server = make_server(self._ip_address, self._port, delayed, True, request_handler=MotoRequestHandler)
            self._server_ready_event.set()
            self._server.serve_forever()

    return DelayedServer(ip_address="127.0.0.1", port=0, verbose=False)


def seed(env: dict[str, str], regions: tuple[str, ...] = REGIONS, seed_value: int = 13) -> None:
    """Create the same kind of account data in every Region (moto's state is one per process: reset first)."""
    import boto3

    from tests.aws_support import LocalAws

    LocalAws(env["AWS_ENDPOINT_URL"]).reset()
    rng = random.Random(seed_value)
    session = boto3.session.Session(aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
                                    aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"])
    for region in regions:
        ec2 = session.client("ec2", region_name=region, endpoint_url=env["AWS_ENDPOINT_URL"])
        for v in range(VPCS):
            vpc = ec2.create_vpc(CidrBlock=f"10.{v}.0.0/16")["Vpc"]["VpcId"]
            subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.{v}.1.0/24")["Subnet"]["SubnetId"]
            for g in range(GROUPS):
                group = ec2.create_security_group(GroupName=f"g{g}", Description="bench", VpcId=vpc)["GroupId"]
                port = rng.choice((22, 80, 443, 3389, 5432))
                ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[
                    {"IpProtocol": "tcp", "FromPort": port, "ToPort": port, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
            acl = ec2.create_network_acl(VpcId=vpc)["NetworkAcl"]["NetworkAclId"]
            ec2.create_network_acl_entry(NetworkAclId=acl, RuleNumber=100, Protocol="6", RuleAction="allow",
                                         Egress=False, CidrBlock="0.0.0.0/0", PortRange={"From": 22, "To": 22})
            ec2.run_instances(ImageId="ami-12c6146b", MinCount=INSTANCES, MaxCount=INSTANCES, SubnetId=subnet,
                              MetadataOptions={"HttpTokens": rng.choice(("optional", "required"))})
            if v == 0:
                bucket = f"bench-flow-logs-{region}"
                s3 = session.client("s3", region_name=region, endpoint_url=env["AWS_ENDPOINT_URL"])
                config = {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}
                s3.create_bucket(Bucket=bucket, **config)
                ec2.create_flow_logs(ResourceType="VPC", ResourceIds=[vpc], TrafficType="REJECT",
                                     LogDestinationType="s3", LogDestination=f"arn:aws:s3:::{bucket}")


def collect_process(env: dict[str, str], regions: tuple[str, ...], output: Path) -> Callable[[], object]:
    """Return an action that runs `rulebase collect --regions ...` as a whole process."""
    argv = [sys.executable, "-m", "rulebase.cli", "collect", "--regions", ",".join(regions), "--output", str(output)]

    def run() -> object:
        done = subprocess.run(argv, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if done.returncode != 0:
            raise SystemExit(f"collect failed ({done.returncode}): {done.stderr.decode()[-400:]}")
        return done
    return run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    from bench.suite import collect_table

    with tempfile.TemporaryDirectory(prefix="rulebase-bench-collect-") as folder:
        return collect_table(args.runs, Path(folder))


if __name__ == "__main__":
    sys.exit(main())
