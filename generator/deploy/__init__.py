"""Publish a built site to S3-compatible object storage: `sitegen deploy`.

Takes: the output folder of a finished build and the `[deploy]` settings of site.toml.
Gives: the bucket holding exactly that folder; only files whose MD5 differs from the
object's ETag are uploaded, files gone from the output are deleted (at most
`max_deletes`), in an order that keeps the published site whole at every moment
(docs/deploy.md). No stage of the build imports it.
"""
