"""Edits to documents: ``termlint fix``."""
