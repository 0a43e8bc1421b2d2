"""The `[deploy]` and `[limits]` settings of site.toml: where `sitegen deploy` uploads, and what the host accepts."""

from __future__ import annotations

from dataclasses import dataclass

# hugo deploy's default for --maxDeletes: a deploy that would delete more stops short of it.
DEFAULT_MAX_DELETES = 256


@dataclass(frozen=True)
class DeployConfig:
    """The `[deploy]` table: the S3-compatible bucket `sitegen deploy` publishes to.

    Credentials are never read from here: they come from the standard AWS environment
    variables, ~/.aws/credentials or AWS_PROFILE (docs/deploy.md).
    """

    bucket: str = ""
    endpoint: str = ""  # empty: AWS S3 itself; R2, MinIO, GCS give their own URL
    region: str = ""  # empty: from AWS_REGION / ~/.aws/config ("auto" for R2)
    prefix: str = ""  # a folder of the bucket the site lives in, "" for the bucket's root
    max_deletes: int = DEFAULT_MAX_DELETES
    workers: int = 16  # parallel uploads
    html_max_age: int = 300  # Cache-Control seconds for pages, feeds, sitemaps and other files that change
    asset_max_age: int = 86400  # for files that keep their name but rarely change (theme files, photos)

    def problems(self) -> tuple[tuple[str, str], ...]:
        """Return (key, message) for every unusable value, for the config loader."""
        found: list[tuple[str, str]] = []
        if self.max_deletes < 0:
            found.append(("max_deletes", "[deploy] max_deletes must be 0 or more"))
        if self.workers < 1:
            found.append(("workers", "[deploy] workers must be at least 1"))
        for name in ("html_max_age", "asset_max_age"):
            if getattr(self, name) < 0:
                found.append((name, f"[deploy] {name} must be 0 or more"))
        if self.endpoint and not self.endpoint.startswith(("https://", "http://")):
            found.append(("endpoint", "[deploy] endpoint must be a URL starting with https:// or http://"))
        if "/" in self.bucket:
            found.append(("bucket", "[deploy] bucket is a bucket's name, without '/'; a folder in it is `prefix`"))
        return tuple(found)


@dataclass(frozen=True)
class LimitsConfig:
    """The `[limits]` table: the host's size limits (GitHub Pages' by default)."""

    site_mb: int = 1024  # a published site over this many MiB builds with a warning
    file_mb: int = 100  # a file over this many MiB fails the build

    def problems(self) -> tuple[tuple[str, str], ...]:
        """Return (key, message) for every unusable value, for the config loader."""
        return tuple((name, f"[limits] {name} must be at least 1") for name in ("site_mb", "file_mb")
                     if getattr(self, name) < 1)
