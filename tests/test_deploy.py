"""`sitegen deploy` against a real S3 server (rclone serve s3, started by the tests)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from generator.cli import main
from generator.config.deploy import DeployConfig
from generator.deploy.plan import IMMUTABLE, LocalFile, cache_control, content_type, upload_phase
from generator.deploy.publish import DeletesSkipped, deploy
from generator.deploy.upload import DeployFailed
from tests.conftest import build_into
from tests.s3server import S3Server, s3_credentials, s3_server  # noqa: F401 - fixtures

NEW_STORY = """---
title: "Taman Kota Dibuka untuk Umum"
date: 2023-11-08 09:00
section: kota
reporter: Sari Lestari
tags: [taman]
---

Taman kota yang baru dibuka untuk umum pada Rabu pagi.
"""


def md5s(out: Path) -> dict[str, str]:
    """{relative path: MD5} of every file of a built site."""
    return {p.relative_to(out).as_posix(): hashlib.md5(p.read_bytes()).hexdigest()
            for p in sorted(out.rglob("*")) if p.is_file()}


def settings(server: S3Server, bucket: str, **values: object) -> DeployConfig:
    return DeployConfig(bucket=bucket, endpoint=server.endpoint, region="us-east-1", **values)  # type: ignore[arg-type]


@pytest.fixture
def built(basic_site: Path) -> tuple[Path, Path]:
    """The basic site and its built output."""
    out = basic_site / "public"
    build_into(basic_site, out)
    return basic_site, out


def test_first_deploy_uploads_every_file_with_its_type_and_cache_headers(s3_server, s3_credentials, built):
    _, out = built
    bucket = s3_server.make_bucket("first")
    report = deploy(out, settings(s3_server, bucket))
    assert s3_server.objects(bucket) == md5s(out)
    assert report.uploaded == len(md5s(out)) and report.deleted == 0
    head = s3_server.client().head_object(Bucket=bucket, Key="index.html")
    assert head["ContentType"] == "text/html; charset=utf-8"
    assert head["CacheControl"] == "public, max-age=300"
    variant = next(rel for rel in md5s(out) if rel.startswith("media/_v/") and rel.endswith(".webp"))
    head = s3_server.client().head_object(Bucket=bucket, Key=variant)
    assert (head["ContentType"], head["CacheControl"]) == ("image/webp", IMMUTABLE)
    again = deploy(out, settings(s3_server, bucket))
    assert again.plan.empty and again.uploaded == 0


def test_deploy_after_one_new_story_uploads_exactly_the_files_that_changed(s3_server, s3_credentials, built):
    site, out = built
    bucket = s3_server.make_bucket("one-story")
    deploy(out, settings(s3_server, bucket))
    before = md5s(out)
    (site / "content/articles/2023/11/taman-kota-dibuka.md").write_text(NEW_STORY, encoding="utf-8")
    build_into(site, out)
    after = md5s(out)
    changed = {rel for rel, digest in after.items() if before.get(rel) != digest}
    uploaded: list[str] = []
    report = deploy(out, settings(s3_server, bucket), uploaded=lambda item: uploaded.append(item.rel))
    assert set(uploaded) == changed and len(uploaded) == len(changed)
    # The story's page, its section's listing, the feeds and sitemaps; not the other stories.
    assert {"kota/2023/11/taman-kota-dibuka/index.html", "kota/index.html", "feed.xml", "sitemap.xml"} <= changed
    assert "sains/2023/10/gerhana-bulan-terlihat/index.html" not in changed
    assert len(changed) < len(after) / 2
    assert report.deleted == 0 and s3_server.objects(bucket) == after


def test_a_story_removed_from_the_site_is_deleted_from_the_bucket(s3_server, s3_credentials, built):
    site, out = built
    bucket = s3_server.make_bucket("deletion")
    deploy(out, settings(s3_server, bucket))
    (site / "content/articles/2023/10/gerhana-bulan-terlihat.md").unlink()
    build_into(site, out)
    report = deploy(out, settings(s3_server, bucket))
    assert "sains/2023/10/gerhana-bulan-terlihat/index.html" in report.plan.deletes
    assert report.deleted == len(report.plan.deletes) > 0
    assert s3_server.objects(bucket) == md5s(out)


def test_an_interrupted_deploy_leaves_no_page_before_its_assets_and_a_rerun_converges(s3_server, s3_credentials,
                                                                                        built):
    _, out = built
    bucket = s3_server.make_bucket("interrupted")
    count = 0

    def fail_after_five(item: LocalFile) -> None:
        nonlocal count
        count += 1
        if count == 5:
            raise KeyboardInterrupt  # as Ctrl-C or a killed CI job would stop it

    with pytest.raises(KeyboardInterrupt):
        deploy(out, settings(s3_server, bucket, workers=2), uploaded=fail_after_five)
    partial = s3_server.objects(bucket)
    assert 5 <= len(partial) < len(md5s(out)) / 2  # stopped early (uploads already under way may finish)
    assert not [key for key in partial if key.endswith(".html")]  # pages go last
    order: list[int] = []
    deploy(out, settings(s3_server, bucket), uploaded=lambda item: order.append(upload_phase(item.rel)))
    assert order == sorted(order)  # every asset before the search entry files, those before every page
    assert s3_server.objects(bucket) == md5s(out)


def test_wrong_credentials_give_a_clear_error_and_delete_nothing(s3_server, s3_credentials, built, monkeypatch,
                                                                capsys):
    site, out = built
    bucket = s3_server.make_bucket("credentials")
    deploy(out, settings(s3_server, bucket))
    held = s3_server.objects(bucket)
    (out / "feed.xml").unlink()  # a file a deploy would delete
    with (site / "site.toml").open("a", encoding="utf-8") as toml:
        toml.write(f'\n[deploy]\nbucket = "{bucket}"\nendpoint = "{s3_server.endpoint}"\nregion = "us-east-1"\n')
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "not-the-secret-0123456789")
    assert main(["deploy", "--source", str(site)]) == 1
    err = capsys.readouterr().err
    assert "refused the credentials" in err and "AWS_SECRET_ACCESS_KEY" in err
    assert "the bucket was not changed" in err
    assert "Traceback" not in err
    assert s3_server.objects(bucket) == held


def test_missing_credentials_name_the_environment_variables(s3_server, s3_credentials, built, monkeypatch):
    _, out = built
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    with pytest.raises(DeployFailed) as caught:
        deploy(out, settings(s3_server, s3_server.make_bucket("no-credentials")))
    assert "no credentials" in str(caught.value) and "AWS_ACCESS_KEY_ID" in str(caught.value)


def test_more_deletes_than_max_deletes_upload_but_delete_nothing(s3_server, s3_credentials, built):
    site, out = built
    bucket = s3_server.make_bucket("guard")
    deploy(out, settings(s3_server, bucket))
    (site / "content/articles/2023/10/gerhana-bulan-terlihat.md").unlink()
    build_into(site, out)
    with pytest.raises(DeletesSkipped) as caught:
        deploy(out, settings(s3_server, bucket, max_deletes=1))
    report = caught.value.report
    assert len(report.plan.deletes) > 1 and report.deleted == 0 and report.uploaded > 0
    assert "--max-deletes" in str(caught.value)
    held = s3_server.objects(bucket)
    assert set(report.plan.deletes) <= set(held)  # nothing deleted, the uploads made
    assert all(held[rel] == digest for rel, digest in md5s(out).items())
    deploy(out, settings(s3_server, bucket), max_deletes=len(report.plan.deletes))
    assert s3_server.objects(bucket) == md5s(out)


def test_dry_run_lists_the_plan_and_changes_nothing(s3_server, s3_credentials, built):
    site, out = built
    bucket = s3_server.make_bucket("dry-run")
    s3_server.put(bucket, "old.html", b"gone")
    lines: list[str] = []
    report = deploy(out, settings(s3_server, bucket), dry_run=True, show=lines.append)
    assert report.dry_run and report.uploaded == 0
    assert "delete old.html" in lines and "upload index.html (" in "\n".join(lines)
    assert set(s3_server.objects(bucket)) == {"old.html"}


def test_a_prefix_puts_the_site_in_a_folder_of_the_bucket_and_leaves_the_rest(s3_server, s3_credentials, built):
    _, out = built
    bucket = s3_server.make_bucket("prefixed")
    s3_server.put(bucket, "other.txt", b"not the site's")
    deploy(out, settings(s3_server, bucket, prefix="/arsip/"))
    held = s3_server.objects(bucket)
    assert held.pop("other.txt")
    assert held == {f"arsip/{rel}": digest for rel, digest in md5s(out).items()}


@pytest.mark.parametrize("rel, kind, cache", [
    ("pagefind/fragment/id_136d8c9.pf_fragment", "application/octet-stream", IMMUTABLE),
    ("pagefind/2023/index/id_7eb77bd.pf_index", "application/octet-stream", IMMUTABLE),
    ("media/_v/banjir-46fb15aace-480.jpg", "image/jpeg", IMMUTABLE),
    ("kota/2023/11/pasar/_v/perahu-c4f9912725-200.png", "image/png", IMMUTABLE),
    ("feed.xml", "application/xml; charset=utf-8", "public, max-age=300"),
    ("sitemap-news.xml", "application/xml; charset=utf-8", "public, max-age=300"),
    ("kota/index.html", "text/html; charset=utf-8", "public, max-age=300"),
    ("static/style.css", "text/css; charset=utf-8", "public, max-age=300"),
    ("media/banjir.jpg", "image/jpeg", "public, max-age=86400"),
])
def test_content_type_and_cache_control_follow_how_a_file_is_named(rel, kind, cache):
    assert content_type(rel) == kind
    assert cache_control(rel, DeployConfig()) == cache


def test_pages_upload_after_the_search_entry_files_which_upload_after_the_shards():
    assert upload_phase("pagefind/fragment/id_1.pf_fragment") < upload_phase("pagefind/pagefind-entry.json") \
        < upload_phase("index.html")
    assert upload_phase("media/_v/a-1-480.webp") < upload_phase("static/style.css") < upload_phase("feed.xml")


def test_init_deploy_s3_writes_a_workflow_that_builds_and_deploys_with_the_pages_cache_steps(
        s3_server, s3_credentials, tmp_path, capsys):
    import yaml

    site = tmp_path / "kabar-kota"
    assert main(["init", str(site), "--deploy", "s3", "--requirement", "sitegen-news==0.1.0"]) == 0
    assert "AWS_ACCESS_KEY_ID" in capsys.readouterr().out
    assert not (site / ".github/workflows/pages.yml").exists()
    workflow = yaml.safe_load((site / ".github/workflows/deploy.yml").read_text())
    main(["init", str(tmp_path / "pages"), "--requirement", "sitegen-news==0.1.0"])
    pages = yaml.safe_load((tmp_path / "pages/.github/workflows/pages.yml").read_text())
    [steps] = [job["steps"] for job in workflow["jobs"].values()]
    pages_steps = {step["name"]: step for step in pages["jobs"]["build"]["steps"]}
    for name in ("Set up Python", "Install sitegen", "Restore the build cache"):
        mine = next(step for step in steps if step["name"] == name)
        theirs = dict(pages_steps[name])
        if name == "Set up Python":  # each workflow renews the pip cache when it changes itself
            mine = {**mine, "with": {**mine["with"], "cache-dependency-path": ""}}
            theirs = {**theirs, "with": {**theirs["with"], "cache-dependency-path": ""}}
        assert mine == theirs, name
    runs = [step["run"] for step in steps if "run" in step]
    assert runs[-2:] == ["sitegen build", "sitegen deploy"]
    deploy_step = steps[-1]
    assert deploy_step["env"] == {"AWS_ACCESS_KEY_ID": "${{ secrets.AWS_ACCESS_KEY_ID }}",
                                  "AWS_SECRET_ACCESS_KEY": "${{ secrets.AWS_SECRET_ACCESS_KEY }}"}
    assert workflow["permissions"] == {"contents": "read"}
    # The site as written names its bucket; pointed at the test server, the workflow's commands publish it.
    toml = (site / "site.toml").read_text()
    assert '\n[deploy]\n# The bucket\'s name.\nbucket = "kabar-kota"\n' in toml
    s3_server.make_bucket("kabar-kota")
    (site / "site.toml").write_text(toml.replace('#endpoint = ""', f'endpoint = "{s3_server.endpoint}"')
                                    .replace('#region = ""', 'region = "us-east-1"'))
    for command in runs[-2:]:
        assert main([*command.split()[1:], "--source", str(site)]) == 0, command
    assert s3_server.objects("kabar-kota") == md5s(site / "public")
