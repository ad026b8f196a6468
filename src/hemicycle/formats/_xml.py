"""A small, hostile-input-safe XML reader that keeps line numbers (for messages).

Built on the standard library's expat with namespace processing. Any document type declaration
is refused outright, so no entity can be declared, let alone expanded (no "billion laughs", no
external entities); election result formats never need one.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from xml.parsers import expat

MAX_XML_BYTES = 200_000_000  # a national count with every polling station is well below this


class XmlError(Exception):
    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass
class Element:
    """An element: ``ns`` and ``local`` name, attributes (unprefixed names), text, children."""

    ns: str
    local: str
    attrs: dict[str, str]
    line: int
    parent: Element | None = field(default=None, repr=False)
    children: list[Element] = field(default_factory=list, repr=False)
    text: str = ""

    def find(self, local: str) -> Element | None:
        return next((c for c in self.children if c.local == local), None)

    def findall(self, local: str) -> list[Element]:
        return [c for c in self.children if c.local == local]

    def iter(self, local: str) -> Iterator[Element]:
        for child in self.children:
            if child.local == local:
                yield child
            yield from child.iter(local)

    @property
    def path(self) -> str:
        """``EML/Count/Election/...`` with 1-based positions where a name repeats."""
        parts: list[str] = []
        node: Element | None = self
        while node is not None:
            name = node.local
            if node.parent is not None:
                same = [c for c in node.parent.children if c.local == node.local]
                if len(same) > 1:
                    name += f"[{same.index(node) + 1}]"
            parts.append(name)
            node = node.parent
        return "/".join(reversed(parts))


def parse_xml(text: str) -> Element:
    """Parse XML text into an ``Element`` tree; ``XmlError`` (with a line) on any problem."""
    if len(text) > MAX_XML_BYTES:
        raise XmlError(f"the document is larger than {MAX_XML_BYTES:,} characters")
    parser = expat.ParserCreate(encoding="utf-8", namespace_separator=" ")  # the text is decoded
    root: list[Element] = []
    stack: list[Element] = []

    def refuse_doctype(*_: object) -> None:
        raise XmlError("the document has a DOCTYPE declaration; it is refused (election result "
                       "formats need none, and it could declare entities)", parser.CurrentLineNumber)

    def start(name: str, attrs: dict[str, str]) -> None:
        ns, _, local = name.rpartition(" ")
        clean = {k.rpartition(" ")[2]: v for k, v in attrs.items()}
        element = Element(ns, local, clean, parser.CurrentLineNumber, stack[-1] if stack else None)
        if stack:
            stack[-1].children.append(element)
        else:
            root.append(element)
        stack.append(element)

    def end(name: str) -> None:
        stack.pop()

    def chars(data: str) -> None:
        if stack:
            stack[-1].text += data

    parser.StartDoctypeDeclHandler = refuse_doctype
    parser.EntityDeclHandler = refuse_doctype
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    try:
        parser.Parse(text.encode("utf-8"), True)
    except expat.ExpatError as exc:
        raise XmlError(f"not well-formed XML: {expat.errors.messages[exc.code]}", exc.lineno) from None
    if not root:
        raise XmlError("the document has no root element")
    return root[0]
