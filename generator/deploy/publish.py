"""`sitegen deploy`: plan, upload, delete, in the order that keeps the published site whole."""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable

from generator.config.deploy import DeployConfig
from generator.deploy.plan import DeployPlan, LocalFile, local_files, make_plan
from generator.deploy.upload import DeployFailed, Target, delete_all, make_client, remote_objects, upload_all
from generator.errors import Diagnostic
from generator.output.limits import format_size
from generator.output.lock import output_lock
from generator.progress import Progress


@dataclass(frozen=True)
class DeployReport:
    """What a deploy did (or, with --dry-run, would do)."""

    plan: DeployPlan
    uploaded: int
    deleted: int
    seconds: float
    dry_run: bool
    skipped_deletes: bool  # more deletes than max_deletes: none was made

    def summary(self, where: str) -> str:
        """One paragraph for the terminal."""
        plan = self.plan
        verb = "Would upload" if self.dry_run else "Uploaded"
        deleted = len(plan.deletes) if self.dry_run else self.deleted
        text = (f"{verb} {len(plan.uploads)} files ({format_size(plan.upload_bytes)}) to {where}, "
                f"{'would delete' if self.dry_run else 'deleted'} {deleted}, {plan.unchanged} unchanged "
                f"({self.seconds:.2f}s).")
        if plan.empty:
            text = f"Nothing to deploy: {where} holds the {plan.unchanged} files of the output ({self.seconds:.2f}s)."
        return text


def where(config: DeployConfig) -> str:
    """s3://bucket/prefix as people read it."""
    prefix = config.prefix.strip("/")
    return f"s3://{config.bucket}/{prefix + '/' if prefix else ''}"


def deploy(out: Path, config: DeployConfig, *, dry_run: bool = False, max_deletes: int | None = None,
           force: bool = False, progress: Progress | None = None, client: Any = None,
           uploaded: Callable[[LocalFile], None] | None = None,
           show: Callable[[str], None] = lambda line: None) -> DeployReport:
    """Make the bucket hold exactly the output folder `out`.

    Uploads come first (assets, then search entry files, then pages, feeds and sitemaps),
    deletes last, so that at every moment each published page finds what it names; an
    interrupted deploy run again uploads what is still missing and then deletes.
    More deletes than `max_deletes` (default: the config's) are skipped and raise DeployFailed
    after the uploads.
    """
    start = time.perf_counter()
    progress = progress or Progress()
    limit = config.max_deletes if max_deletes is None else max_deletes
    if not config.bucket:
        raise DeployFailed([Diagnostic("site.toml", "[deploy] bucket is not set",
                                       hint="add [deploy] with bucket (and endpoint, region, prefix); "
                                            "see docs/deploy.md")])
    if not (out / "index.html").is_file():
        raise DeployFailed([Diagnostic(str(out), "no built site here (no index.html)",
                                       hint="run sitegen build first, or pass --out")])
    # Held so that a build cannot switch files while they are being read and uploaded.
    with output_lock(out):
        target = Target(config, client if client is not None else make_client(config, config.workers))
        remote = remote_objects(target)  # first: wrong credentials stop here, before any change
        files = local_files(out, config)
        plan = make_plan(files, remote, force=force)
        if dry_run:
            for item in plan.uploads:
                show(f"upload {item.key} ({format_size(item.size)}, {item.content_type}, {item.cache_control})")
            for key in plan.deletes:
                show(f"delete {key}")
            return DeployReport(plan, 0, 0, time.perf_counter() - start, True, len(plan.deletes) > limit)
        done = upload_all(target, out, plan.uploads, config.workers, progress, uploaded)
        skipped = len(plan.deletes) > limit
        if not skipped:
            delete_all(target, list(plan.deletes))
    report = DeployReport(plan, done, 0 if skipped else len(plan.deletes), time.perf_counter() - start,
                          False, skipped)
    if skipped:
        raise DeletesSkipped(report, limit)
    return report


class DeletesSkipped(DeployFailed):
    """The uploads were made but the deletes were not: more than max_deletes."""

    def __init__(self, report: DeployReport, limit: int):
        count = len(report.plan.deletes)
        super().__init__([Diagnostic("site.toml", f"{count} files would be deleted from the bucket, more than "
                                                  f"max_deletes ({limit}): none was deleted "
                                                  f"({report.uploaded} files were uploaded)",
                                     hint=f"if that is expected, run again with --max-deletes {count} "
                                          "(--dry-run lists them)")])
        self.report = report


def with_overrides(config: DeployConfig, **values: Any) -> DeployConfig:
    """The config with the command line's values (None: keep the config's)."""
    return replace(config, **{k: v for k, v in values.items() if v is not None})
