"""The project: configuration, termlint's data files, YAML reading, ``termlint init``."""
