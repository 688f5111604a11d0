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
