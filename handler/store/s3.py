"""A store backed by an S3 bucket (optionally under a key prefix): what the Lambda reads.

The caller (a composition root) builds the client, normally with :func:`make_s3_client`, and
passes it in. Versions are ETags with the quotes stripped. Every key goes through ``clean_key`` and
is then put under the prefix, so no key can read outside it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import botocore.session
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
)
from botocore.loaders import Loader

from handler.errors import Forbidden, NotFound, PreconditionFailed, StoreUnavailable, TooLarge
from handler.store import ObjectInfo, StoredObject
from handler.store.keys import clean_key
from handler.store.local import guess_content_type, is_safe_prefix

if TYPE_CHECKING:
    from boto3.s3.transfer import TransferConfig
    from mypy_boto3_s3 import S3Client

__all__ = ["S3Store", "make_s3_client"]

# A render Lambda has 10 s, and a page that cannot be read should fail over to a stale copy or a
# 503 well inside it. A healthy small GET takes tens of milliseconds, so a 1 s connect and a 2 s
# read timeout only cut off attempts that are already lost; "standard" retries with 2 attempts in
# all absorb one dropped connection or a 500/503 with jittered backoff. Worst case, two attempts
# that both stall to their timeouts: 2 x 3 s plus under 1 s of backoff, about 7 s, inside 10 s.
CLIENT_CONFIG = Config(
    connect_timeout=1,
    read_timeout=2,
    retries={"mode": "standard", "max_attempts": 2},
    # Presigned URLs (large files) must be SigV4: S3 refuses SigV2 for buckets made since 2020.
    signature_version="s3v4",
)

PART_SIZE = 8 * 1024 * 1024  # boto3's default multipart threshold and part size

_MISSING = frozenset({"NoSuchKey", "404", "NotFound"})
# S3 answers 403 rather than 404 for a missing key when the role lacks s3:ListBucket.
_DENIED = frozenset({"AccessDenied", "403"})
_CREDENTIALS = frozenset(
    {"InvalidAccessKeyId", "SignatureDoesNotMatch", "ExpiredToken", "InvalidToken"}
)
_LOST_RACE = frozenset({"PreconditionFailed", "412", "ConditionalRequestConflict", "409"})


def make_s3_client(region: str | None = None, *, transfers: bool = True) -> S3Client:
    """One S3 client with bounded timeouts and retries.

    The endpoint comes from botocore's own configuration: ``AWS_ENDPOINT_URL_S3`` or
    ``AWS_ENDPOINT_URL`` (honoured by botocore since 1.31/boto3 1.28), which is how tests and
    ``sam local`` point it at a local S3.

    ``transfers=False`` makes it with botocore alone: the same client without boto3's managed
    transfer methods (``upload_file``...), which the render function never calls, and without
    importing boto3 and s3transfer, which a cold start would pay for (~40 ms of CPU measured).
    :meth:`S3Store.put_file` works with either.
    """
    # A session of its own: the default session caches credentials process-wide and is not
    # safe to create clients from concurrently.
    if transfers:
        import boto3

        return boto3.session.Session(region_name=region).client("s3", config=CLIENT_CONFIG)
    session = botocore.session.get_session()
    if region is not None:
        session.set_config_variable("region", region)
    session.register_component("data_loader", _S3Loader(session.get_config_variable("data_path")))
    return cast("S3Client", session.create_client("s3", config=CLIENT_CONFIG))


class _S3Loader(Loader):
    """botocore's data loader (``AWS_DATA_PATH`` included), for a session that makes S3 clients
    only: the service's name is taken as known, where botocore would list the ~400 service
    folders it ships and look into each for the model (~17 ms of CPU in a cold start)."""

    def __init__(self, data_path: str | None) -> None:
        extra = data_path.split(os.pathsep) if data_path else []
        super().__init__(
            extra_search_paths=[str(Path(os.path.expandvars(p)).expanduser()) for p in extra]
        )

    def list_available_services(self, type_name: str) -> list[str]:
        return ["s3"]


def transfer_config() -> TransferConfig:
    """boto3's managed transfer settings for :meth:`S3Store.put_file` (and ``publish``)."""
    from boto3.s3.transfer import TransferConfig

    return TransferConfig(
        multipart_threshold=PART_SIZE,
        multipart_chunksize=PART_SIZE,
        preferred_transfer_client="classic",  # the CRT client picks its own part sizes
    )


class S3Store:
    """Content in ``s3://bucket/prefix``. Satisfies :class:`handler.store.WritableStore`."""

    def __init__(
        self, client: S3Client, bucket: str, prefix: str = "", *, page_size: int = 1000
    ) -> None:
        trimmed = prefix.strip("/")
        if trimmed and not is_safe_prefix(trimmed):
            raise ValueError(f"unsafe S3 key prefix {prefix!r}: check CONTENT_PREFIX")
        self.client = client
        self.bucket = bucket
        self.prefix = f"{trimmed}/" if trimmed else ""
        self.page_size = page_size  # keys per ListObjectsV2 call; S3's maximum is 1000

    def describe(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}"

    def reset_connections(self) -> None:
        """Drop the client's pooled connections; the next call opens new ones. For a process
        restored from a snapshot, whose sockets belonged to the snapshotted process."""
        self.client.close()

    def get(self, key: str, *, max_bytes: int | None = None) -> StoredObject:
        return self._get(key, None, max_bytes)

    def head(self, key: str, size: int) -> bytes:
        return self._get(key, None, None, first=max(size, 1)).body[:size]

    def get_if_changed(self, key: str, version: str) -> StoredObject | None:
        try:
            return self._get(key, f'"{version}"', None)
        except _NotModified:
            return None

    def get_version(self, key: str, version: str, *, max_bytes: int | None = None) -> StoredObject:
        """The newest kept version of ``key`` whose ETag is ``version`` (the bucket is versioned:
        an overwrite keeps the object it replaced). One ListObjectVersions of the exact key and
        one GetObject of that version: needs s3:ListBucketVersions and s3:GetObjectVersion."""
        full = self._full_key(key)
        pages = self.client.get_paginator("list_object_versions").paginate(
            Bucket=self.bucket, Prefix=full, PaginationConfig={"PageSize": self.page_size}
        )
        try:
            for page in pages:
                for item in page.get("Versions", []):
                    if item["Key"] == full and _version(item["ETag"]) == version:
                        return self._get(key, None, max_bytes, version_id=item["VersionId"])
        except ClientError as err:
            if _code(err) in _DENIED or _code(err) in _MISSING:
                raise NotFound(key) from None
            raise self._unavailable(f"listing the versions of {key!r}", err) from err
        except BotoCoreError as err:
            raise self._unavailable(f"listing the versions of {key!r}", err) from err
        raise NotFound(key)

    def list(self, prefix: str = "") -> Iterator[ObjectInfo]:
        if not is_safe_prefix(prefix):
            return
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket,
            Prefix=self.prefix + prefix,
            PaginationConfig={"PageSize": self.page_size},
        )
        try:
            for page in pages:
                for item in page.get("Contents", []):
                    info = self._info(item)
                    if info is not None:
                        yield info
        except (ClientError, BotoCoreError) as err:
            raise self._unavailable(f"listing {prefix!r}", err) from err

    def put(
        self,
        key: str,
        body: bytes,
        *,
        content_type: str | None = None,
        if_match: str | None = None,
        if_none_match: bool = False,
    ) -> str:
        full = self._full_key(key)
        conditions: dict[str, Any] = {}
        if if_match is not None:
            conditions["IfMatch"] = f'"{if_match}"'
        if if_none_match:
            conditions["IfNoneMatch"] = "*"
        try:
            response = self.client.put_object(
                Bucket=self.bucket,
                Key=full,
                Body=body,
                ContentType=content_type or guess_content_type(key),
                **conditions,
            )
        except ClientError as err:
            code = _code(err)
            if code in _LOST_RACE or (if_match is not None and code in _MISSING):
                raise PreconditionFailed(
                    f"{self.describe()}{key}: {code} on conditional put"
                ) from err
            raise self._unavailable(f"writing {key!r}", err) from err
        except BotoCoreError as err:
            raise self._unavailable(f"writing {key!r}", err) from err
        return _version(response["ETag"])

    def url_for(self, key: str, seconds: int) -> str:
        """A presigned GET URL for ``key``, valid ``seconds`` (a file too large for a Lambda
        response is sent this way: the reader's browser fetches it from S3 itself)."""
        url: str = self.client.generate_presigned_url(
            "get_object",
            Params={"Bucket": self.bucket, "Key": self._full_key(key)},
            ExpiresIn=seconds,
        )
        return url

    def put_file(self, key: str, path: Path, *, content_type: str, cache_control: str) -> None:
        """Upload the file at ``path`` with boto3's managed transfer (multipart past
        :data:`PART_SIZE`, in parts of that size, so its ETag is predictable: see
        ``handler.publish.etag_of``)."""
        from boto3.exceptions import S3UploadFailedError
        from boto3.s3.inject import upload_file

        extra = {"ContentType": content_type, "CacheControl": cache_control}
        try:
            # boto3's function, not the client's method: a client made without boto3 has none.
            upload_file(
                self.client,
                str(path),
                self.bucket,
                self._full_key(key),
                ExtraArgs=extra,
                Config=transfer_config(),
            )
        except (S3UploadFailedError, ClientError, BotoCoreError) as err:
            raise StoreUnavailable(
                f"{self.describe()}: uploading {key!r} failed: {err}. Check the credentials, "
                "the bucket name and that the role may s3:PutObject; running again resumes."
            ) from err

    def delete(self, key: str) -> None:
        full = self._full_key(key)
        try:
            self.client.delete_object(Bucket=self.bucket, Key=full)
        except ClientError as err:
            if _code(err) not in _MISSING:
                raise self._unavailable(f"deleting {key!r}", err) from err
        except BotoCoreError as err:
            raise self._unavailable(f"deleting {key!r}", err) from err

    # -- helpers -------------------------------------------------------------------------------

    def _full_key(self, key: str) -> str:
        return self.prefix + clean_key(key)

    def _get(
        self,
        key: str,
        if_none_match: str | None,
        max_bytes: int | None,
        *,
        first: int | None = None,
        version_id: str | None = None,
    ) -> StoredObject:
        """GET ``key``; ``max_bytes`` refuses larger objects (one ranged GET: the range asks for
        one byte past the limit and the answer's ``Content-Range`` tells the whole size);
        ``first`` reads only that many leading bytes."""
        full = self._full_key(key)
        args: dict[str, Any] = {"Bucket": self.bucket, "Key": full}
        if if_none_match is not None:
            args["IfNoneMatch"] = if_none_match
        if version_id is not None:
            args["VersionId"] = version_id
        if first is not None:
            args["Range"] = f"bytes=0-{first - 1}"
        elif max_bytes is not None:
            args["Range"] = f"bytes=0-{max_bytes}"
        try:
            response = self.client.get_object(**args)
            total = _total_size(response)
            if max_bytes is not None and first is None and total > max_bytes:
                response["Body"].close()
                raise TooLarge(key, total, max_bytes)
            body = response["Body"].read()
        except ClientError as err:
            code = _code(err)
            if code == "304":
                raise _NotModified from None
            if code in _MISSING:
                raise NotFound(key) from None
            if code in _DENIED:
                raise Forbidden(key) from None
            if code == "InvalidRange":  # a ranged GET of an empty object
                return self._get(key, if_none_match, None, version_id=version_id)
            raise self._unavailable(f"reading {key!r}", err) from err
        except BotoCoreError as err:
            raise self._unavailable(f"reading {key!r}", err) from err
        return StoredObject(
            key=key,
            body=body,
            version=_version(response["ETag"]),
            last_modified=response["LastModified"].astimezone(UTC),
            content_type=response.get("ContentType"),
        )

    def _info(self, item: Any) -> ObjectInfo | None:
        """An ``ObjectInfo`` relative to the prefix, or ``None`` for a key ``get`` would refuse."""
        key = str(item["Key"])[len(self.prefix) :]
        try:
            clean_key(key)
        except NotFound:
            return None  # folder markers ("a/"), "a//b" and the like
        modified: datetime = item["LastModified"]
        return ObjectInfo(key, _version(item["ETag"]), int(item["Size"]), modified.astimezone(UTC))

    def _unavailable(self, doing: str, err: Exception) -> StoreUnavailable:
        return StoreUnavailable(f"{self.describe()}: {doing} failed: {err}. {_advice(err)}")


class _NotModified(Exception):
    """Internal: S3 answered 304 to a conditional GET."""


def _total_size(response: Any) -> int:
    """The object's whole size: from ``Content-Range`` (``bytes 0-9/1234``) for a ranged GET."""
    content_range = response.get("ContentRange")
    if content_range and "/" in content_range:
        total = content_range.rsplit("/", 1)[1]
        if total.isdigit():
            return int(total)
    return int(response.get("ContentLength") or 0)


def _code(err: ClientError) -> str:
    return str(err.response.get("Error", {}).get("Code", ""))


def _version(etag: str) -> str:
    return etag.strip('"')


def _advice(err: Exception) -> str:
    """What to check next, by kind of failure."""
    if isinstance(err, EndpointConnectionError | ConnectTimeoutError):
        return "Check that the S3 endpoint is reachable (network, VPC endpoint, AWS_ENDPOINT_URL)."
    if isinstance(err, NoCredentialsError):
        return "Check the credentials: the function's role, or AWS_PROFILE / AWS_ACCESS_KEY_ID."
    if isinstance(err, ClientError):
        code = _code(err)
        if code == "NoSuchBucket":
            return "Check the bucket name (CONTENT_BUCKET) and its region."
        if code in _CREDENTIALS or code in _DENIED:
            return "Check the credentials and that the role may s3:GetObject/ListBucket/PutObject."
    return "Check the endpoint, the credentials and the bucket name; the request may be retried."
