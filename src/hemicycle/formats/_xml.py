"""A small, hostile-input-safe XML reader that keeps line numbers (for messages).

Built on the standard library's expat with namespace processing. Any document type declaration
is refused outright, so no entity can be declared, let alone expanded (no "billion laughs", no
external entities); election result formats never need one.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from xml.parsers import expat

# Elements in one document: a national count with every polling station is well below this.
MAX_XML_ELEMENTS = 1_000_000


class XmlError(Exception):
    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass(slots=True)
class Element:
    """An element: ``ns`` and ``local`` name, attributes (unprefixed names), text, children."""

    ns: str
    local: str
    attrs: dict[str, str]
    line: int
    parent: Element | None = field(default=None, repr=False)
    children: list[Element] = field(default_factory=list, repr=False)
    text: str = ""
    # where the element sits among its parent's children of the same name (1-based), and how many
    # there are: set once the parent is complete (``path`` is then O(depth), not O(children))
    position: int = field(default=0, repr=False)
    siblings: int = field(default=1, repr=False)

    def find(self, local: str) -> Element | None:
        return next((c for c in self.children if c.local == local), None)

    def findall(self, local: str) -> list[Element]:
        return [c for c in self.children if c.local == local]

    def iter(self, local: str) -> Iterator[Element]:
        stack = list(reversed(self.children))
        while stack:  # no recursion: a document may nest deeply
            child = stack.pop()
            if child.local == local:
                yield child
            stack.extend(reversed(child.children))

    @property
    def path(self) -> str:
        """``EML/Count/Election/...`` with 1-based positions where a name repeats."""
        parts: list[str] = []
        node: Element | None = self
        while node is not None:
            name = node.local
            if node.siblings > 1:
                name += f"[{node.position}]"
            parts.append(name)
            node = node.parent
        return "/".join(reversed(parts))


def parse_xml(text: str) -> Element:
    """Parse XML text into an ``Element`` tree; ``XmlError`` (with a line) on any problem. The
    work is linear in the size of the text (text arrives in pieces, joined once per element)."""
    parser = expat.ParserCreate(encoding="utf-8", namespace_separator=" ")  # the text is decoded
    root: list[Element] = []
    stack: list[Element] = []
    pieces: list[list[str]] = []  # the text pieces of each open element
    count = 0

    def refuse_doctype(*_: object) -> None:
        raise XmlError("the document has a DOCTYPE declaration; it is refused (election result "
                       "formats need none, and it could declare entities)", parser.CurrentLineNumber)

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal count
        count += 1
        if count > MAX_XML_ELEMENTS:
            raise XmlError(f"the document has more than {MAX_XML_ELEMENTS:,} elements, more than a count "
                           "holds", parser.CurrentLineNumber)
        ns, _, local = name.rpartition(" ")
        clean = {k.rpartition(" ")[2]: v for k, v in attrs.items()}
        element = Element(ns, local, clean, parser.CurrentLineNumber, stack[-1] if stack else None)
        if stack:
            stack[-1].children.append(element)
        else:
            root.append(element)
        stack.append(element)
        pieces.append([])

    def end(name: str) -> None:
        element = stack.pop()
        element.text = "".join(pieces.pop())
        seen: dict[str, int] = {}
        for child in element.children:
            seen[child.local] = seen.get(child.local, 0) + 1
            child.position = seen[child.local]
        for child in element.children:
            child.siblings = seen[child.local]

    def chars(data: str) -> None:
        if pieces:
            pieces[-1].append(data)

    parser.StartDoctypeDeclHandler = refuse_doctype
    parser.EntityDeclHandler = refuse_doctype
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    parser.buffer_text = True
    try:
        parser.Parse(text.encode("utf-8"), True)
    except expat.ExpatError as exc:
        raise XmlError(f"not well-formed XML: {expat.errors.messages[exc.code]}", exc.lineno) from None
    except RecursionError:  # pragma: no cover - expat does not recurse; kept for safety
        raise XmlError("the document nests too deeply") from None
    if not root:
        raise XmlError("the document has no root element")
    return root[0]
