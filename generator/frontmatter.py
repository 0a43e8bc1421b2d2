"""Split a source file into YAML front matter and body, keeping line numbers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

from generator.errors import BuildError, Diagnostic, line_of

try:  # libyaml is ~15x faster; the pure-Python loader only where it is missing
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

_TIMESTAMP = "tag:yaml.org,2002:timestamp"


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
    yaml_text = "\n".join(lines[1:end]) + "\n"
    data, key_lines = _load_mapping(yaml_text, text, path)
    return FrontMatter(data=data, lines=key_lines, body="\n".join(lines[end + 1:]), body_line=end + 2)


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
                data[key] = loader.construct_object(value_node, deep=True)
            except (yaml.YAMLError, ValueError, TypeError) as exc:
                vline = value_node.start_mark.line + 2
                diags.append(Diagnostic(path, f"invalid value for '{key}': {exc}", line=vline,
                                        source_line=line_of(text, vline)))
                continue
            key_lines[key] = line
            _record_lines(value_node, key, key_lines)
        if diags:
            raise BuildError(diags)
        return data, key_lines
    finally:
        loader.dispose()


def _record_lines(node: yaml.Node, prefix: str, out: dict[str, int]) -> None:
    """Remember the line of nested keys and list items, e.g. image.src or tags.2."""
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            name = f"{prefix}.{key_node.value}"
            out.setdefault(name, key_node.start_mark.line + 2)
            _record_lines(value_node, name, out)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            name = f"{prefix}.{index}"
            out.setdefault(name, item.start_mark.line + 2)
            _record_lines(item, name, out)


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
