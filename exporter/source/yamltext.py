"""YAML composed as the author wrote it (`frontmatter` says how): a text's top-level `key: value` pairs as entries.

Texts are composed by libyaml (`yaml.CSafeLoader`, C) when it is installed and the text is one it reads as
the strict loader does: plain `key: value` lines without anchors, aliases, tags, flow collections, tabs or
characters YAML refuses, nested less deep than the limit. Any other text, and any text libyaml finds an error
in, goes through the strict loader (pure Python), whose messages and line numbers are the ones reported.
"""

from __future__ import annotations

import re

import yaml

from exporter.source.frontmatter import MAX_DEPTH, Entry, MetaError, folded

_NULL = "tag:yaml.org,2002:null"


class _Loader(yaml.SafeLoader):
    """Composes nodes only; refuses aliases and deep nesting."""

    def __init__(self, stream):
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            raise MetaError(mark.line + 1, "YAML aliases (*name) are not supported here: write the value out")
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise MetaError(mark.line + 1, f"values nested more than {MAX_DEPTH} levels deep: write plain "
                                               "'key: value' lines")
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


_FAST = getattr(yaml, "CSafeLoader", None)
# what sends a text to the strict loader: anchors, aliases and tags (& * !), flow collections ([ {), tabs,
# directives (%), the characters YAML refuses (the strict reader's own set) or reads differently (BOM), and a
# block scalar's header with a comment not set off by a space (`>#`: libyaml takes it, YAML refuses it)
_STRICT_ONLY = re.compile(r"[&*!\[{\t%\ufeff]|[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD"
                          r"\U00010000-\U0010ffff]|[|>][-+0-9]*#")
# every level below the top needs one of these (flow collections go to the strict loader): an indented line,
# or `- `, `? `, `: `, `-`/`:` at a line's end; fewer of them than the limit cannot nest too deep
_NESTING = re.compile(r"^[ \t]|[-?:](?: |$)", re.MULTILINE)


# an explicit key (`? key`): libyaml places a missing value on another line than the strict loader does
_EXPLICIT_KEY = re.compile(r"^[ \t-]*\?(?: |$)", re.MULTILINE)


def _fast_root(text: str):
    """The root node as libyaml composes it, or `_STRICT` when the strict loader must read the text."""
    if _FAST is None or _STRICT_ONLY.search(text) or _EXPLICIT_KEY.search(text) or \
            len(_NESTING.findall(text)) >= MAX_DEPTH - 2:
        return _STRICT
    loader = _FAST(text)
    try:
        return loader.get_single_node()
    except Exception:  # noqa: BLE001 - whatever libyaml refuses, the strict loader reports in its words
        return _STRICT
    finally:
        loader.dispose()


_STRICT = object()


def load_mapping(text: str, first_line: int = 1, *, strict: bool = False) -> dict[str, Entry]:
    """Top-level `key: value` pairs of a YAML text that starts on file line `first_line`. Raises MetaError.
    `strict`: always through the pure-Python loader (the reference the libyaml path is tested against)."""
    root = _STRICT if strict else _fast_root(text)
    if root is _STRICT:
        root = _strict_root(text, first_line)
    return _entries(root, first_line)


def _strict_root(text: str, first_line: int):
    try:
        loader = _Loader(text)
    except yaml.reader.ReaderError as exc:  # a character YAML refuses (C1 controls and the like)
        line = text.count("\n", 0, max(exc.position, 0)) + first_line
        raise MetaError(line, f"the character U+{exc.character:04X} cannot be in YAML: delete it") from None
    try:
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + first_line if mark else first_line
        what = folded(exc.problem or exc.context or "not valid YAML")
        raise MetaError(line, f"not valid YAML ({what})") from None
    except yaml.YAMLError as exc:
        raise MetaError(first_line, f"not valid YAML ({folded(exc)})") from None
    except MetaError as exc:
        raise MetaError((exc.line or 1) + first_line - 1, exc.message) from None
    finally:
        loader.dispose()
    return root


def _entries(root, first_line: int) -> dict[str, Entry]:
    if root is None or (isinstance(root, yaml.ScalarNode) and root.tag == _NULL):
        return {}
    if not isinstance(root, yaml.MappingNode):
        raise MetaError(root.start_mark.line + first_line, "it must be 'key: value' lines")
    out: dict[str, Entry] = {}
    for key, value in root.value:
        line = key.start_mark.line + first_line
        if not isinstance(key, yaml.ScalarNode):
            raise MetaError(line, "a key must be a plain word such as title: write 'key: value' lines")
        name = key.value
        if name in out:
            raise MetaError(line, f"{name!r} is set twice (lines {out[name].line} and {line}): keep one")
        at = value.start_mark.line + first_line
        if isinstance(value, yaml.ScalarNode):
            null = value.tag == _NULL and not value.style
            out[name] = Entry("null" if null else "text", "" if null else value.value, at)
        elif isinstance(value, yaml.MappingNode):
            out[name] = Entry("mapping", "", at, tuple(
                (str(k.value), v.value if isinstance(v, yaml.ScalarNode) else None, k.start_mark.line + first_line)
                for k, v in value.value if isinstance(k, yaml.ScalarNode)))
        else:
            out[name] = Entry("list", "", at)
    return out
