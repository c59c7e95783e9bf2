"""A real local AWS endpoint for the collect tests: moto's server on 127.0.0.1, talked to over HTTP by boto3.

    def test_x(aws):                 # the fixture: AWS_ENDPOINT_URL and dummy credentials point boto3 at it
        ec2 = aws.client("ec2", "eu-west-1")

Nothing is mocked inside botocore: requests are signed, sent and parsed as they would be against AWS. If the
server cannot start, the tests fail (they are never skipped).
"""

from __future__ import annotations

import os
import urllib.request
from typing import Any, Iterator

import pytest

ACCOUNT = "123456789012"  # moto's default account id
ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}
# Variables of a real configuration that must not leak into the tests (a profile, a config file, an endpoint).
CLEARED = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_REGION")


class LocalAws:
    """A running moto server: its endpoint, clients on it, and a reset between tests."""

    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint

    def client(self, service: str, region: str) -> Any:
        import boto3

        return boto3.session.Session().client(service, region_name=region, endpoint_url=self.endpoint)

    def reset(self) -> None:
        """Forget every resource created so far (moto's reset API)."""
        request = urllib.request.Request(f"{self.endpoint}/moto-api/reset", method="POST")
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status == 200


def start_server() -> tuple[Any, str]:
    """Return a started moto server on a free port of 127.0.0.1 and its endpoint URL."""
    import logging

    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # not one line per request
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    return server, f"http://{host}:{port}"


def aws_environment(endpoint: str, config_dir: str) -> dict[str, str]:
    """Return the environment variables that point boto3 at `endpoint` with dummy credentials."""
    return {**ENVIRONMENT, "AWS_ENDPOINT_URL": endpoint,
            "AWS_CONFIG_FILE": os.path.join(config_dir, "config"),
            "AWS_SHARED_CREDENTIALS_FILE": os.path.join(config_dir, "credentials")}


@pytest.fixture(scope="session")
def aws_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalAws]:
    """Start moto's server once per test process, with boto3's environment pointing at it; stop it after."""
    server, endpoint = start_server()
    saved = {name: os.environ.get(name) for name in (*ENVIRONMENT, *CLEARED, "AWS_ENDPOINT_URL")}
    for name in CLEARED:
        os.environ.pop(name, None)
    os.environ.update(aws_environment(endpoint, str(tmp_path_factory.mktemp("aws-config"))))
    try:
        yield LocalAws(endpoint)
    finally:
        server.stop()
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@pytest.fixture
def aws(aws_server: LocalAws) -> LocalAws:
    """The moto server, emptied before the test."""
    aws_server.reset()
    return aws_server
