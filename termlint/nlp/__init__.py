"""The NLP stage. Only :mod:`termlint.nlp.analyzer` imports spaCy, and only when it runs;
this package imports nothing, so a file with no glossary term never loads spaCy."""

#: Set by the ``termlint`` command, whose process never runs spaCy's own command line (see
#: :func:`termlint.nlp.analyzer.import_spacy`); here so that setting it imports nothing.
SKIP_SPACY_CLI = False
