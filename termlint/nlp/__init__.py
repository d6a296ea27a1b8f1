"""The NLP stage. Only :mod:`termlint.nlp.analyzer` imports spaCy, and only when it runs;
this package imports nothing, so a file with no glossary term never loads spaCy."""
