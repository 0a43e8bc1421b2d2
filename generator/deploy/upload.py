"""Carry out a deploy plan against an S3-compatible bucket with boto3."""

from __future__ import annotations

import base64
import threading
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

from generator.config.deploy import DeployConfig
from generator.deploy.plan import LocalFile, upload_phase
from generator.errors import BuildError, Diagnostic
from generator.progress import Progress

# What a bucket answers to credentials it does not accept (AWS, R2, MinIO, rclone).
_AUTH_CODES = {"InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied", "InvalidToken", "ExpiredToken",
               "403", "Forbidden", "Unauthorized", "401"}
_DELETE_BATCH = 1000  # the most keys one DeleteObjects request takes


class DeployFailed(BuildError):
    """The bucket refused or could not be reached; says what was done before it stopped."""


@dataclass(frozen=True)
class Target:
    """Where to upload: the bucket and the settings the client was made from."""

    config: DeployConfig
    client: Any  # a boto3 S3 client


def make_client(config: DeployConfig, workers: int) -> Any:
    """A boto3 S3 client; credentials from the standard environment variables and files only."""
    import boto3
    from botocore.config import Config

    settings = Config(max_pool_connections=max(10, workers), retries={"max_attempts": 5, "mode": "standard"},
                      # other S3-compatible stores know buckets by path, not by host name
                      s3={"addressing_style": "path" if config.endpoint else "auto"},
                      # R2 and MinIO reject or mishandle the newer default CRC checksums of boto3 >= 1.36
                      request_checksum_calculation="when_required", response_checksum_validation="when_required")
    return boto3.session.Session().client("s3", endpoint_url=config.endpoint or None,
                                          region_name=config.region or None, config=settings)


def failure(exc: BaseException, config: DeployConfig, action: str) -> DeployFailed:
    """A clear error for what boto3 raised, naming the bucket and what to check."""
    from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

    where = f"s3://{config.bucket}/{config.prefix.strip('/')}" + (f" at {config.endpoint}" if config.endpoint else "")
    if isinstance(exc, NoCredentialsError):
        return DeployFailed([Diagnostic("site.toml", f"no credentials for {where}",
                                        hint="set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE "
                                             "with ~/.aws/credentials (never in site.toml); see docs/deploy.md")])
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        code = str(error.get("Code", ""))
        status = str(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", ""))
        message = error.get("Message") or code
        if code in _AUTH_CODES or status in ("401", "403"):
            return DeployFailed([Diagnostic("site.toml", f"{where} refused the credentials while {action}: "
                                                         f"{code} {message}".rstrip(),
                                            hint="check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (or AWS_PROFILE) "
                                                 "and that the key may list, write and delete in the bucket")])
        if code in ("NoSuchBucket", "404"):
            return DeployFailed([Diagnostic("site.toml", f"no bucket '{config.bucket}' at "
                                                         f"{config.endpoint or 'AWS S3'}",
                                            hint="check [deploy] bucket and endpoint; create the bucket first")])
        return DeployFailed([Diagnostic("site.toml", f"{where}: {action} failed: {code} {message}")])
    if isinstance(exc, BotoCoreError):
        return DeployFailed([Diagnostic("site.toml", f"{where}: {action} failed: {exc}",
                                        hint="check [deploy] endpoint and region, and the network")])
    raise exc


def remote_objects(target: Target) -> dict[str, str]:
    """{key: ETag} of every object below the prefix (1,000 keys per request)."""
    config = target.config
    prefix = config.prefix.strip("/")
    found: dict[str, str] = {}
    paginator = target.client.get_paginator("list_objects_v2")
    try:
        for page in paginator.paginate(Bucket=config.bucket, Prefix=f"{prefix}/" if prefix else ""):
            for item in page.get("Contents", ()):
                found[item["Key"]] = item.get("ETag", "")
    except Exception as exc:  # noqa: BLE001 - failure() re-raises what is not boto3's
        raise failure(exc, config, "listing the bucket") from None
    return found


def upload_one(target: Target, out: Path, item: LocalFile) -> None:
    """One PUT (never multipart: then the ETag is the MD5 the next deploy compares)."""
    body = (out / item.rel).read_bytes()
    target.client.put_object(Bucket=target.config.bucket, Key=item.key, Body=body,
                             ContentType=item.content_type, CacheControl=item.cache_control,
                             ContentMD5=base64.b64encode(bytes.fromhex(item.md5)).decode("ascii"))


def upload_all(target: Target, out: Path, uploads: Sequence[LocalFile], workers: int, progress: Progress,
               uploaded: Callable[[LocalFile], None] | None = None) -> int:
    """Upload phase by phase (assets, then entry files, then pages); each phase waits for the one before.

    `uploaded` is called in this thread after each finished upload (progress, tests);
    an exception from it or from an upload stops the deploy after the uploads under way.
    """
    done = 0
    progress.start("upload", len(uploads))
    stop = threading.Event()

    def run(item: LocalFile) -> LocalFile:
        if stop.is_set():  # a failure elsewhere: start nothing new
            raise _Cancelled()
        upload_one(target, out, item)
        return item

    try:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            for phase in sorted({upload_phase(item.rel) for item in uploads}):
                pending: set[Future[LocalFile]] = {pool.submit(run, item) for item in uploads
                                                   if upload_phase(item.rel) == phase}
                while pending:
                    finished, pending = wait(pending, return_when=FIRST_EXCEPTION)
                    for future in finished:
                        try:
                            item = future.result()
                            done += 1
                            progress.advance(1)
                            if uploaded is not None:
                                uploaded(item)
                        except BaseException:
                            stop.set()
                            for other in pending:
                                other.cancel()
                            raise
    except Exception as exc:  # noqa: BLE001
        raise failure(exc, target.config, f"uploading (after {done} of {len(uploads)} files)") from None
    finally:
        progress.finish()
    return done


def delete_all(target: Target, keys: Sequence[str]) -> None:
    """Delete objects in batches of 1,000; a key the bucket refuses is an error."""
    for start in range(0, len(keys), _DELETE_BATCH):
        batch = keys[start:start + _DELETE_BATCH]
        try:
            answer = target.client.delete_objects(Bucket=target.config.bucket,
                                                  Delete={"Objects": [{"Key": k} for k in batch], "Quiet": True})
        except Exception as exc:  # noqa: BLE001
            raise failure(exc, target.config, "deleting") from None
        errors = answer.get("Errors") or []
        if errors:
            first = errors[0]
            raise DeployFailed([Diagnostic("site.toml", f"the bucket refused to delete {len(errors)} file(s), "
                                                        f"e.g. {first.get('Key')}: {first.get('Code')} "
                                                        f"{first.get('Message', '')}".rstrip())])


class _Cancelled(Exception):
    """An upload not started because another one failed."""
