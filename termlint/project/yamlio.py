"""Safe YAML loading that remembers the line of every mapping key and list item.

Validation messages must point at ``file:line``; PyYAML's safe loader forgets positions, so
this loader builds dict/list subclasses that carry them.
"""

from __future__ import annotations

from typing import Any

import yaml

from ..errors import TermlintError


class LineDict(dict):
    """A dict that knows its own line and the line of each key (1-based)."""

    line: int = 0
    key_lines: dict[Any, int]


class LineList(list):
    """A list that knows its own line and the line of each item (1-based)."""

    line: int = 0
    item_lines: list[int]


class _LineLoader(yaml.SafeLoader):
    def construct_object(self, node, deep=False):
        # A safe constructor can still fail on a bad value (``!!timestamp x`` raised an
        # AttributeError inside PyYAML): every such failure is invalid YAML, with its line.
        try:
            return super().construct_object(node, deep)
        except (yaml.YAMLError, RecursionError):
            raise
        except Exception as exc:
            tag = node.tag.rsplit(":", 1)[-1]
            raise yaml.constructor.ConstructorError(
                None, None, f"cannot read this {tag} value ({type(exc).__name__})", node.start_mark
            ) from None


class _DataLoader(_LineLoader):
    """For glossary, rules and configuration: no aliases.

    Data files are copied and cached as JSON, which expands every alias: nine aliases of
    nine aliases nested nine deep ("billion laughs") would never finish.
    """

    def compose_node(self, parent, index):
        if self.check_event(yaml.events.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None,
                None,
                f"aliases (*{event.anchor}) are not allowed in termlint data; write the value out",
                event.start_mark,
            )
        return super().compose_node(parent, index)


#: The most values front matter may hold once its aliases are expanded. Front matter is small;
#: nine aliases of nine aliases nested eight deep are 43 million values, and quoting one of
#: them in a message took 1.6 GB.
MAX_EXPANDED_VALUES = 100_000


class _AliasLoader(_LineLoader):
    """For front matter: aliases allowed, within a budget of expanded values."""

    def compose_document(self):
        node = super().compose_document()
        if node is not None and _expanded_size(node, {}) > MAX_EXPANDED_VALUES:
            raise yaml.composer.ComposerError(
                None,
                None,
                f"its aliases expand to more than {MAX_EXPANDED_VALUES:,} values; "
                "write the values out",
                node.start_mark,
            )
        return node


def _expanded_size(node, memo: dict, depth: int = 0) -> int:
    """How many values a node stands for with every alias written out (each shared node is
    counted once per use, computed once)."""
    key = id(node)
    if key in memo:
        return memo[key]
    memo[key] = MAX_EXPANDED_VALUES + 1  # a cycle (a recursive alias) is over any budget
    if isinstance(node, yaml.MappingNode):
        size = 1 + sum(_expanded_size(k, memo) + _expanded_size(v, memo) for k, v in node.value)
    elif isinstance(node, yaml.SequenceNode):
        size = 1 + sum(_expanded_size(v, memo) for v in node.value)
    else:
        size = 1
    memo[key] = min(size, MAX_EXPANDED_VALUES + 1)
    return memo[key]


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, "found an unhashable key", key_node.start_mark
            ) from None
        if key in result:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)

# Data files hold what JSON holds (they are validated by JSON Schema and cached as JSON): a
# bare date stays a string, and dates, bytes, sets and ordered pairs written with a tag are
# refused instead of crashing the cache.
_DataLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if not tag.endswith(":timestamp")]
    for first, resolvers in _LineLoader.yaml_implicit_resolvers.items()
}


def _refuse_tag(loader: _DataLoader, node: yaml.Node):
    raise yaml.constructor.ConstructorError(
        None,
        None,
        f"{node.tag.rsplit(':', 1)[-1]} values are not allowed in termlint data "
        "(strings, numbers, true/false, lists and mappings only)",
        node.start_mark,
    )


for _tag in ("timestamp", "binary", "set", "omap", "pairs"):
    _DataLoader.add_constructor(f"tag:yaml.org,2002:{_tag}", _refuse_tag)


def load_yaml(text: str, path: str, line_offset: int = 0, aliases: bool = False) -> Any:
    """Parse YAML safely; errors become TermlintError with the file and line.

    ``aliases`` allows ``*name`` references (front matter, which is never copied whole), as
    long as they expand to at most MAX_EXPANDED_VALUES values.
    """
    try:
        return yaml.load(text, Loader=_AliasLoader if aliases else _DataLoader)
    except RecursionError:
        raise TermlintError(
            "invalid YAML: nested too deeply to read",
            path,
            line_offset + 1 if line_offset else None,
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 + line_offset if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise TermlintError(f"invalid YAML: {problem}", path, line) from None


def line_of(data: Any, path: tuple | list) -> int | None:
    """The line of the deepest node of ``path`` (keys and indexes) that exists in ``data``."""
    line = getattr(data, "line", None)
    node = data
    for part in path:
        if isinstance(node, LineDict) and part in node:
            line = node.key_lines.get(part, line)
        elif isinstance(node, LineList) and isinstance(part, int) and 0 <= part < len(node):
            line = node.item_lines[part]
        else:
            break
        node = node[part]
    return line
