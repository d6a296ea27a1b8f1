"""The glossary: terms and senses from YAML, and their plain-text rendering."""
