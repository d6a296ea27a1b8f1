"""termlint: a sense-aware terminology linter and annotated glossary for alignment writing."""

__version__ = "0.1.0"
