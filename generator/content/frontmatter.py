"""Split a source file into YAML front matter and body, keeping line numbers."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

import yaml

from generator.errors import BuildError, Diagnostic, line_of, wide_encoding_diagnostic

try:  # libyaml is ~15x faster; the pure-Python loader only where it is missing
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

_TIMESTAMP = "tag:yaml.org,2002:timestamp"
# Characters YAML refuses (C0/C1 controls, lone surrogates, non-characters) and the ones it
# reads as a line break although the file's lines do not end there, which would shift
# every line number after them. Both are invisible in most editors.
_UNACCEPTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
_HIDDEN_BREAKS = re.compile("[\r\x85\u2028\u2029]")
# Controls that reorder the text around them (a headline can be made to read backwards).
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
# All three in a value YAML read: written as escapes in double quotes ("\e", "\x1b", "\u2028",
# "\u202e") they are not in the raw text that _check_characters reads.
_UNSAFE_VALUE = re.compile(f"{_UNACCEPTABLE.pattern}|{_HIDDEN_BREAKS.pattern}|{_BIDI_CONTROLS.pattern}")
# Unicode gives controls no name, only aliases: these are the C0 ones, DEL and NEL.
_CONTROL_NAMES = dict(enumerate((
    "NULL,START OF HEADING,START OF TEXT,END OF TEXT,END OF TRANSMISSION,ENQUIRY,ACKNOWLEDGE,BELL,"
    "BACKSPACE,CHARACTER TABULATION,LINE FEED,LINE TABULATION,FORM FEED,CARRIAGE RETURN,SHIFT OUT,"
    "SHIFT IN,DATA LINK ESCAPE,DEVICE CONTROL ONE,DEVICE CONTROL TWO,DEVICE CONTROL THREE,"
    "DEVICE CONTROL FOUR,NEGATIVE ACKNOWLEDGE,SYNCHRONOUS IDLE,END OF TRANSMISSION BLOCK,CANCEL,"
    "END OF MEDIUM,SUBSTITUTE,ESCAPE,FILE SEPARATOR,GROUP SEPARATOR,RECORD SEPARATOR,UNIT SEPARATOR").split(",")))
_CONTROL_NAMES.update({0x7F: "DELETE", 0x85: "NEXT LINE", 0x9B: "CONTROL SEQUENCE INTRODUCER",
                       0x9D: "OPERATING SYSTEM COMMAND"})
# Most values one key may stand for once YAML aliases (*name) are expanded: a few nested
# aliases can otherwise stand for billions of values ("billion laughs").
MAX_VALUES = 10_000


class _Loader(_BaseLoader):  # type: ignore[misc,valid-type]
    """Safe loader that leaves timestamps as text, so the schema parses every date one way."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True)
class FrontMatter:
    """Parsed front matter, the line of every key, and the body that follows."""

    data: dict[str, Any]
    lines: dict[str, int]  # "title", "image.src", "tags.1" -> 1-based line in the file
    body: str
    body_line: int


def decode_source(raw: bytes, path: str) -> str:
    """Decode a source file as UTF-8 (BOM allowed) with LF line endings."""
    wide = wide_encoding_diagnostic(path, raw)
    if wide is not None:  # before the test for binary files: UTF-16 text is full of NUL bytes
        raise BuildError([wide])
    if b"\0" in raw[:8192]:
        raise BuildError([Diagnostic(path, "binary file, not Markdown text", line=1)])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise BuildError([Diagnostic(path, f"not valid UTF-8 (byte 0x{raw[exc.start]:02x})",
                                     line=line, column=column,
                                     hint="save the file as UTF-8")]) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def parse_front_matter(text: str, path: str) -> FrontMatter:
    """Parse `---` delimited YAML front matter at the top of `text`."""
    if not text.strip():
        raise BuildError([Diagnostic(path, "file is empty", line=1,
                                     hint="an article starts with '---', its front matter, then '---'")])
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        raise BuildError([Diagnostic(path, "missing front matter: the first line must be '---'", line=1,
                                     source_line=lines[0])])
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if end is None:
        raise BuildError([Diagnostic(path, "front matter is not closed: no '---' line after the first",
                                     line=1, hint="add a line with '---' between the front matter and the body")])
    _check_characters(lines[1:end], path)
    yaml_text = "\n".join(lines[1:end]) + "\n"
    data, key_lines = _load_mapping(yaml_text, text, path)
    return FrontMatter(data=data, lines=key_lines, body="\n".join(lines[end + 1:]), body_line=end + 2)


def _check_characters(lines: list[str], path: str) -> None:
    """Refuse characters YAML cannot read, naming their line and column (the front matter starts on line 2)."""
    diags = []
    for number, line in enumerate(lines, 2):
        for pattern, what, hint in (
                (_UNACCEPTABLE, "control character", "delete it; it is invisible in most editors"),
                (_HIDDEN_BREAKS, "invisible line break",
                 "YAML reads it as the end of a line; delete it (it often comes with pasted text)"),
                (_BIDI_CONTROLS, "bidirectional control",
                 "it reverses or reorders the text around it; delete it (it is invisible in most editors)")):
            match = pattern.search(line)
            if match:
                diags.append(Diagnostic(path, f"{what} {_label(match.group())} in the front matter", line=number,
                                        column=match.start() + 1, hint=hint))
                break
    if diags:
        raise BuildError(diags)


def _label(char: str) -> str:
    """U+001B ESCAPE, U+2028 LINE SEPARATOR."""
    code = ord(char)
    name = "SURROGATE" if 0xD800 <= code <= 0xDFFF else _CONTROL_NAMES.get(code) or unicodedata.name(char, "")
    return f"U+{code:04X}" + (f" {name}" if name else "")


def _escaped_characters(nodes: list[yaml.Node], path: str) -> list[Diagnostic]:
    """The characters _check_characters refuses, found in the keys and values YAML read (at
    any depth): there they come from escapes in double quotes, which the raw check cannot see."""
    diags, seen, stack = [], set(), list(nodes)
    while stack:  # not recursive: YAML can nest deeper than Python's stack
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            match = _UNSAFE_VALUE.search(node.value) if isinstance(node.value, str) else None
            if match:
                char = match.group()
                what = ("control character" if _UNACCEPTABLE.match(char) or char == "\r" else
                        "invisible line break" if _HIDDEN_BREAKS.match(char) else "bidirectional control")
                diags.append(Diagnostic(path, f"{what} {_label(char)} in the front matter",
                                        line=node.start_mark.line + 2, column=node.start_mark.column + 1,
                                        hint="it is written as an escape in quotes (such as \\e, \\x1b or \\u202e); "
                                             "delete the escape"))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            stack.extend(item for pair in node.value for item in pair)
    return sorted(diags, key=lambda d: (d.line or 0, d.column or 0))


class _RecursiveAlias(Exception):
    """A node that contains itself through an alias."""


def _expanded_size(node: yaml.Node, memo: dict[int, int]) -> int:
    """How many values `node` stands for with every alias expanded, capped past MAX_VALUES."""
    key = id(node)
    if key in memo:
        if memo[key] < 0:  # met again while being counted
            raise _RecursiveAlias()
        return memo[key]
    memo[key] = -1
    size = 1
    if isinstance(node, yaml.SequenceNode):
        for item in node.value:
            size += _expanded_size(item, memo)
            if size > MAX_VALUES:
                break
    elif isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            size += _expanded_size(key_node, memo) + _expanded_size(value_node, memo)
            if size > MAX_VALUES:
                break
    memo[key] = min(size, MAX_VALUES + 1)
    return memo[key]


def _load_mapping(yaml_text: str, text: str, path: str) -> tuple[dict[str, Any], dict[str, int]]:
    loader = _Loader(yaml_text)
    try:
        try:
            node = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            raise BuildError([_yaml_diagnostic(exc, text, path)]) from None
        except yaml.YAMLError as exc:
            raise BuildError([Diagnostic(path, f"invalid YAML: {exc}", line=2)]) from None
        if node is None:
            raise BuildError([Diagnostic(path, "front matter is empty", line=2)])
        if not isinstance(node, yaml.MappingNode):
            raise BuildError([Diagnostic(path, "front matter must be a mapping of 'key: value' lines",
                                         line=node.start_mark.line + 2,
                                         source_line=line_of(text, node.start_mark.line + 2))])
        data: dict[str, Any] = {}
        key_lines: dict[str, int] = {}
        diags: list[Diagnostic] = []
        memo: dict[int, int] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 2
            if not isinstance(key_node, yaml.ScalarNode):
                diags.append(Diagnostic(path, "front matter keys must be plain words", line=line,
                                        source_line=line_of(text, line)))
                continue
            key = str(key_node.value)
            if key in data:
                diags.append(Diagnostic(path, f"duplicate key '{key}' (first on line {key_lines[key]})",
                                        line=line, column=key_node.start_mark.column + 1,
                                        source_line=line_of(text, line)))
                continue
            try:
                too_big = _expanded_size(value_node, memo) > MAX_VALUES
                problem = f"'{key}' stands for more than {MAX_VALUES:,} values once its YAML aliases (*name) are expanded"
            except _RecursiveAlias:
                too_big, problem = True, f"'{key}' contains itself through a YAML alias (*name)"
            if too_big:
                diags.append(Diagnostic(path, problem, line=line, source_line=line_of(text, line),
                                        hint="write the values out instead of repeating aliases"))
                continue
            escaped = _escaped_characters([key_node, value_node], path)
            if escaped:
                diags += [d for d in escaped if d not in diags]  # an alias repeats its anchor's value
                continue
            try:
                data[key] = loader.construct_object(value_node, deep=True)
            except (yaml.YAMLError, ValueError, TypeError) as exc:
                vline = value_node.start_mark.line + 2
                reason = (exc.problem if isinstance(exc, yaml.MarkedYAMLError) else None) or str(exc)
                hint = ("front matter takes plain text, numbers, true/false, lists and mappings; "
                        "remove the '!' tag") if "constructor for the tag" in reason else None
                diags.append(Diagnostic(path, f"invalid value for '{key}': {reason}", line=vline,
                                        source_line=line_of(text, vline), hint=hint))
                continue
            key_lines[key] = line
            _record_lines(value_node, key, key_lines, diags, text, path)
        if diags:
            raise BuildError(diags)
        return data, key_lines
    finally:
        loader.dispose()


def _record_lines(node: yaml.Node, prefix: str, out: dict[str, int], diags: list[Diagnostic],
                  text: str, path: str) -> None:
    """Remember the line of nested keys and list items, e.g. image.src or tags.2;
    a key written twice in one nested mapping is an error, as at the top level."""
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            name = f"{prefix}.{key_node.value}"
            line = key_node.start_mark.line + 2
            if isinstance(key_node, yaml.ScalarNode):
                if key_node.value in seen:
                    diags.append(Diagnostic(path, f"duplicate key '{name}' (first on line {seen[key_node.value]})",
                                            line=line, column=key_node.start_mark.column + 1,
                                            source_line=line_of(text, line)))
                    continue
                seen[key_node.value] = line
            out.setdefault(name, line)
            _record_lines(value_node, name, out, diags, text, path)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            name = f"{prefix}.{index}"
            out.setdefault(name, item.start_mark.line + 2)
            _record_lines(item, name, out, diags, text, path)


def _yaml_diagnostic(exc: yaml.MarkedYAMLError, text: str, path: str) -> Diagnostic:
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or "invalid YAML"
    if exc.context:
        problem = f"{exc.context}, {problem}"
    hint = None
    source = line_of(text, mark.line + 2) if mark else None
    if "\t" in problem or (source is not None and "\t" in source):
        hint = "YAML does not allow tabs for indentation; use spaces"
    elif "mapping values are not allowed" in problem:
        hint = "put quotes around a value that contains ': '"
    if mark is None:
        return Diagnostic(path, f"invalid YAML: {problem}", line=2, hint=hint)
    line = mark.line + 2
    return Diagnostic(path, f"invalid YAML: {problem}", line=line, column=mark.column + 1,
                      source_line=line_of(text, line), hint=hint)
