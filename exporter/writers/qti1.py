"""QTI 1.2 pieces that Canvas's quizzes (`canvas_qti`) and Common Cartridge quizzes (`cc_qti`) share."""

from __future__ import annotations

from lxml import etree

from .. import xhtml
from ..model import Item
from ..xmltree import Namespace, sub

QTI = Namespace("http://www.imsglobal.org/xsd/ims_qtiasiv1p2")
RESPONSE = "response1"
GENERAL_FB = "general_fb"  # the feedback shown whatever the answer (Canvas's ident for it)
TITLE_LIMIT = 80


def item_title(item: Item) -> str:
    return xhtml.shorten(xhtml.to_text(item.statement_html), TITLE_LIMIT) or "Question"


def metadata(parent: etree._Element, fields) -> None:
    """A qtimetadata block of (label, entry) fields."""
    meta = sub(parent, QTI("qtimetadata"))
    for label, entry in fields:
        field = sub(meta, QTI("qtimetadatafield"))
        sub(field, QTI("fieldlabel"), label)
        sub(field, QTI("fieldentry"), entry)


def mattext(parent: etree._Element, text: str, texttype: str = "text/html") -> None:
    """A material holding text (HTML as characters, escaped on output)."""
    sub(sub(parent, QTI("material")), QTI("mattext"), text, texttype=texttype)


def show_general_feedback(processing: etree._Element, title: str | None = None) -> None:
    """A condition met by any answer that shows the general feedback, then lets scoring go on."""
    shown = sub(processing, QTI("respcondition"), title=title, **{"continue": "Yes"})
    sub(sub(shown, QTI("conditionvar")), QTI("other"))
    sub(shown, QTI("displayfeedback"), feedbacktype="Response", linkrefid=GENERAL_FB)
