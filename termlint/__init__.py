"""termlint: a sense-aware terminology linter and annotated glossary for alignment writing.

The library API, imported on first use so that ``import termlint`` stays cheap::

    import termlint
    result = termlint.lint_text("Models may be scheming.")   # a FileResult
    for d in result.diagnostics:
        print(d.line, d.column, d.rule, d.message)

``lint_text``, ``lint_paths`` and ``load_project`` come from :mod:`termlint.pipeline`,
``load_glossary`` from :mod:`termlint.glossary.entries`.
"""

__version__ = "0.1.0"

_API = {
    "lint_text": "pipeline",
    "lint_paths": "pipeline",
    "lint_source": "pipeline",
    "load_project": "pipeline",
    "load_glossary": "glossary.entries",
}

__all__ = ["__version__", *_API]


def __getattr__(name: str):
    if name in _API:
        from importlib import import_module

        return getattr(import_module(f"{__name__}.{_API[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
