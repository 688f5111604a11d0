"""Building XML files as lxml trees: every writer's manifests, items and question files go through here."""

from __future__ import annotations

from lxml import etree

from exporter.links import encode_path


def sub(parent: etree._Element, tag: str, text: str | None = None, **attrib) -> etree._Element:
    """A child element with optional text; attribute names may be Clark names ({ns}name); None values are left out."""
    if None in attrib.values():
        attrib = {k: v for k, v in attrib.items() if v is not None}
    el = etree.SubElement(parent, tag, attrib)
    if text is not None:
        el.text = text
    return el


def serialize(root: etree._Element) -> bytes:
    """UTF-8 with an XML declaration, raw characters (never numeric references: Moodle stores those literally)."""
    return etree.tostring(root, encoding="UTF-8", xml_declaration=True, pretty_print=True)


def cp_resource(parent: etree._Element, ns: str, identifier: str, kind: str, files, href: str | None = None,
                depends=(), **attrib) -> etree._Element:
    """An IMS Content Packaging `<resource>` (in every package's manifest): its files, then its dependencies.
    File names are package paths; the manifest holds them as URIs (a space or '#' percent-encoded)."""
    q = f"{{{ns}}}"
    res = sub(parent, q + "resource", identifier=identifier, type=kind, href=encode_path(href) if href else None,
              **attrib)
    for name in files:
        sub(res, q + "file", href=encode_path(name))
    for ref in depends:
        sub(res, q + "dependency", identifierref=ref)
    return res


class Namespace:
    """Clark names in one namespace: `CP = Namespace(uri)`, then `CP("manifest")`."""

    def __init__(self, uri: str):
        self.uri = uri

    def __call__(self, tag: str) -> str:
        return f"{{{self.uri}}}{tag}"

    def __str__(self) -> str:
        return self.uri


class ChildStream:
    """A document of one root element whose children are written as they are made (lxml's incremental writer),
    byte-identical to the whole tree serialized with its children indented by `space` (what `serialize` and
    the backup's `document` write): build children into `root` as usual, call `flush()` to write the ones made
    so far and drop them from the tree, and `close()` at the end. `declaration` opens the file."""

    def __init__(self, stream, root: etree._Element, declaration: bytes, space: str = "  "):
        self.stream, self.root, self.declaration, self.space = stream, root, declaration, space
        self._file = self._writer = self._element = None

    def start(self) -> None:
        """The declaration and the root's start tag, once (the first `flush` or `raw` writes them)."""
        if self._writer is None:
            self.stream.write(self.declaration)
            self._file = etree.xmlfile(self.stream, encoding="UTF-8")
            self._writer = self._file.__enter__()
            self._element = self._writer.element(self.root.tag, dict(self.root.attrib), nsmap=self.root.nsmap)
            self._element.__enter__()
            self._writer.flush()  # the start tag written now, ahead of any child

    def sync(self) -> None:
        """Everything written so far handed to the stream (lxml's writer buffers)."""
        if self._writer is not None:
            self._writer.flush()

    def raw(self, data: bytes) -> None:
        """Children as `flush` wrote them before (kept bytes), put in as they are."""
        self.start()
        self._writer.flush()
        self.stream.write(data)

    def flush(self) -> None:
        children = list(self.root)
        if not children:
            return
        self.start()
        for child in children:
            self.root.remove(child)
            etree.indent(child, space=self.space, level=1)
            child.tail = None
            self._writer.write("\n" + self.space)
            self._writer.write(child)

    def close(self) -> None:
        self.flush()
        if self._writer is None:  # no children: the root alone, as the whole tree is written
            self.stream.write(self.declaration + etree.tostring(self.root, encoding="UTF-8") + b"\n")
            return
        self._writer.write("\n")
        self._element.__exit__(None, None, None)
        self._file.__exit__(None, None, None)
        self.stream.write(b"\n")


DECLARATION = b"<?xml version='1.0' encoding='UTF-8'?>\n"  # what `serialize` writes (lxml's own)
