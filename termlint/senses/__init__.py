"""Senses: term occurrences, and which sense each one carries."""
