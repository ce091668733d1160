"""The package version, in a module of its own so that every layer can record it without
importing the package root (whose ``run`` and ``compare`` sit above everything)."""

__version__ = "0.1.0"
