"""Errors of the package manager; each message names the dependency, URL or file concerned."""

from ..errors import BelayException


class PackageError(BelayException):
    """A dependency could not be resolved, downloaded, checked or installed."""


class DownloadError(PackageError):
    """A URL could not be fetched (after retries where the failure may pass)."""


class PackageNotFoundError(PackageError):
    """No index or location has the package."""


class IntegrityError(PackageError):
    """Downloaded content does not match the hash it must have (index hash or belay.lock)."""


class CircularDependencyError(PackageError):
    """package.json dependencies form a cycle."""


class InvalidSourceError(PackageError, ValueError):
    """A dependency source string has no meaning."""


class LockError(PackageError):
    """belay.lock is missing, unreadable or does not match pyproject.toml (``frozen=True``)."""
