"""The bottom of the config layer: the error every bad input becomes, and the files a config
reads (TOML with one-line errors, and their hashes). Here, not in config.py, so that modules
config.py reads through (a calibration's parameter file) can use them without importing it."""

from __future__ import annotations

import hashlib
import tomllib
from pathlib import Path


class ConfigError(ValueError):
    """A config or override is invalid; the message is one line meant for the user."""


def read_toml(path: Path, what: str, prefix: str = "") -> dict:
    """A TOML file as a dict; a missing, unreadable or invalid file is one ``ConfigError``
    line (``prefix`` names the field that pointed at it)."""
    try:
        return tomllib.loads(path.read_text())
    except FileNotFoundError:
        raise ConfigError(f"{prefix}{path}: no such {what}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{prefix}{path}: not valid TOML: {error}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{prefix}{path}: cannot read: {error}") from None


def file_hash(path: Path) -> str:
    """sha256 of a file's bytes (first 16 hex digits), recorded with fits and manifests."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16]
