"""Scoring termlint against labelled sets: ``termlint evaluate``."""
