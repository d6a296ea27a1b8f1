"""termlint in the editor: a language server (``termlint lsp``) over the library API.

:mod:`.server` speaks the protocol (pygls); :mod:`.actions` and :mod:`.hover` are plain
functions from a lint result to edits and hover text; :mod:`.positions` converts character
offsets to and from the protocol's line/character positions.
"""
