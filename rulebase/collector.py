"""`rulebase collect`: the account data of one AWS account, every Region asked for, as the AWS CLI prints it.

    result = collect(Path("snapshot"), regions=["us-east-1", "eu-west-1"], profile=None)
    result.account, result.regions, result.errors        # DIR/<account>/<region>/describe-*.json written

Read-only by construction: every call to AWS goes through `call`, which refuses any operation that is not in
`ALLOWED_OPERATIONS` before anything is sent. boto3 is the optional extra `collect`: it is imported on first use.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence, TextIO

from rulebase.snapshot import ACCOUNT_ID, OPERATIONS, REGION_NAME

# Every operation rulebase may call, the only place they are listed. The six Describe* of a snapshot, the account
# id, the Regions enabled for `--regions all`. Nothing here writes; a test fails if this tuple changes.
ALLOWED_OPERATIONS: tuple[str, ...] = (
    "DescribeSecurityGroups",
    "DescribeNetworkAcls",
    "DescribeVpcs",
    "DescribeFlowLogs",
    "DescribeSubnets",
    "DescribeInstances",
    "GetCallerIdentity",
    "DescribeRegions",
)
# The file each Region's operation is written to (the snapshot's names) and the API operation behind it.
REGION_OPERATIONS: Mapping[str, str] = {
    name: "".join(word.capitalize() for word in name.split("-")) for name in OPERATIONS
}
WORKERS = 32  # Regions collected at once (AWS has fewer): the threads wait on the network, not on this machine
# Throttling and transient errors are retried by botocore with exponential backoff and jitter; AccessDenied
# (EC2's UnauthorizedOperation) is not retryable and is reported at once.
RETRIES = {"mode": "standard", "max_attempts": 8}
INTERRUPTED = 130


class CollectError(Exception):
    """What stops the whole collection (no credentials, no account id, a bad Region name): one line, exit 2."""


class ForbiddenOperation(CollectError):
    """An operation outside ALLOWED_OPERATIONS was asked for: refused before any request is sent."""


@dataclass
class CollectResult:
    """What a collection did: the account, the Regions, the files written and one line per failed call."""

    account: str
    output: Path
    regions: tuple[str, ...]
    written: list[Path] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # `<region> <Operation>: <message>`

    @property
    def exit_code(self) -> int:
        """Return 2 if any Region or operation failed, else 0."""
        return 2 if self.errors else 0

    def summary(self) -> str:
        """Return the one-line summary printed at the end."""
        regions = f"{len(self.regions)} Region{'' if len(self.regions) == 1 else 's'}"
        return (f"collected {len(REGION_OPERATIONS)} operations in {regions} of account {self.account} "
                f"into {self.output} ({len(self.errors)} failed)")


def call(client: Any, operation: str, **params: Any) -> dict[str, Any]:
    """Return the whole output of `operation` (pages merged as the AWS CLI merges them); refuse any operation
    not in ALLOWED_OPERATIONS before a request is made."""
    if operation not in ALLOWED_OPERATIONS:
        raise ForbiddenOperation(f"{operation} is not one of the read-only operations rulebase calls")
    from botocore import xform_name

    method = xform_name(operation)
    if client.can_paginate(method):
        pages = client.get_paginator(method).paginate(**params)
        result: dict[str, Any] = pages.build_full_result()
    else:
        result = dict(getattr(client, method)(**params))
    result.pop("ResponseMetadata", None)
    return result


def make_session(profile: str | None) -> Any:
    """Return a boto3 session with the standard credential chain (and `profile` if given)."""
    try:
        import boto3
        from botocore.exceptions import ProfileNotFound
    except ImportError:
        raise CollectError("collect needs boto3: pip install 'rulebase[collect]'") from None
    try:
        return boto3.session.Session(profile_name=profile)
    except ProfileNotFound as error:
        raise CollectError(str(error)) from None


def make_client(session: Any, service: str, region: str) -> Any:
    """Return a client of `service` in `region` with botocore's retries (AWS_ENDPOINT_URL is honoured)."""
    from botocore.config import Config

    return session.client(service, region_name=region, config=Config(retries=RETRIES, max_pool_connections=10))


def collect(output: Path, regions: Sequence[str] | None = None, profile: str | None = None, *,
            workers: int = WORKERS, progress: TextIO | None = None, errors: TextIO | None = None) -> CollectResult:
    """Return what was collected into `output`/<account>/<region>/ for `regions` (None: every enabled Region).

    One failed call is one line in the result's `errors` (also written to `errors` as it happens, after
    `error: `), and the others go on; `progress` gets a progress bar if it is a terminal. Raise CollectError when nothing can be collected,
    KeyboardInterrupt (after the running calls end) when interrupted: only complete files remain.
    """
    from botocore.exceptions import BotoCoreError, ClientError

    session = make_session(profile)
    home = session.region_name or "us-east-1"
    try:
        identity = call(make_client(session, "sts", home), "GetCallerIdentity")
        if regions is None:
            found = call(make_client(session, "ec2", home), "DescribeRegions")
            regions = sorted(r["RegionName"] for r in found.get("Regions", []) if isinstance(r.get("RegionName"), str))
    except (BotoCoreError, ClientError) as error:
        raise CollectError(_message(error)) from None
    account = str(identity.get("Account", ""))
    if not ACCOUNT_ID.fullmatch(account):  # it becomes a folder name: nothing else is written
        raise CollectError(f"GetCallerIdentity gave an account id that is not 12 digits: {account!r}")
    bad = [region for region in regions if not REGION_NAME.fullmatch(region)]
    if bad:
        raise CollectError(f"not a Region name: {', '.join(bad)}")
    result = CollectResult(account, output, tuple(dict.fromkeys(regions)))  # a Region named twice is read once
    stop = threading.Event()
    bar = _progress(len(result.regions) * len(REGION_OPERATIONS), progress)
    lock = threading.Lock()

    def client(region: str) -> Any:
        with lock:  # a session is not thread-safe; made in the workers, one client overlaps the others' calls
            return make_client(session, "ec2", region)

    def done(path: Path | None, error: str | None) -> None:
        with lock:
            if path is not None:
                result.written.append(path)
            if error is not None:
                result.errors.append(error)
                if errors is not None and bar is not None:  # above the bar, not through it
                    bar.write(f"error: {error}", file=errors)
                elif errors is not None:
                    print(f"error: {error}", file=errors, flush=True)
            if bar is not None:
                bar.update(1)

    pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="collect")
    futures: list[Future[None]] = [
        pool.submit(_collect_region, client, output / account / region, region, stop, done)
        for region in result.regions
    ]
    try:
        for future in as_completed(futures):
            future.result()
    except BaseException:  # Ctrl-C: no new call starts, the running ones end and write complete files only
        stop.set()
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    finally:
        pool.shutdown(wait=True)
        if bar is not None:
            bar.close()
    result.errors.sort()
    return result


def _collect_region(client_of: Callable[[str], Any], folder: Path, region: str, stop: threading.Event,
                    done: Callable[[Path | None, str | None], None]) -> None:
    from botocore.exceptions import BotoCoreError, ClientError

    client = client_of(region)
    for name, operation in REGION_OPERATIONS.items():
        if stop.is_set():
            return
        path = folder / f"{name}.json"
        try:
            data = call(client, operation)
            folder.mkdir(parents=True, exist_ok=True)
            write_json(path, data)
        except (BotoCoreError, ClientError) as error:
            done(None, f"{region} {operation}: {_message(error)}")
        except OSError as error:
            done(None, f"{region} {operation}: cannot write {path}: {error.strerror or error}")
        else:
            done(path, None)


def write_json(path: Path, data: Mapping[str, Any]) -> None:
    """Write `data` as the AWS CLI prints it (indent 4, UTF-8, ISO 8601 timestamps) to `path`, atomically: a
    temporary file in the same folder, then a rename, so a partial file never exists under the real name."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            dump(data, stream)
            stream.write("\n")
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def dump(data: Mapping[str, Any], stream: TextIO) -> None:
    """Write `data` to `stream` in the AWS CLI's JSON output format."""
    json.dump(data, stream, indent=4, ensure_ascii=False, default=_cli_value)


def _cli_value(value: object) -> object:
    # The AWS CLI v2 prints timestamps as botocore parses them, in ISO 8601 (cli_timestamp_format iso8601).
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray)):
        import base64

        return base64.b64encode(value).decode("ascii")
    raise TypeError(f"cannot print a {type(value).__name__} as JSON")


def _message(error: BaseException) -> str:
    """Return an AWS error as one line: the service's message (with its code when the message lacks it)."""
    response = getattr(error, "response", None)
    if isinstance(response, dict):
        details = response.get("Error", {})
        code, message = str(details.get("Code", "")), str(details.get("Message", ""))
        if message:
            text = message if code and code in message else f"{code}: {message}" if code else message
            return " ".join(text.split())
    return " ".join(str(error).split())


def _progress(total: int, stream: TextIO | None) -> Any:
    if stream is None or not stream.isatty():
        return None
    from tqdm import tqdm

    return tqdm(total=total, unit="call", desc="collect", file=stream, leave=False)
