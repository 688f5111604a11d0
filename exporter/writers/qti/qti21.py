"""`qti21`: a QTI 2.1 content package for item banks and assessment platforms (TAO, Inspera, ...).

One assessmentItem per item (the quiz's stimulus leading its body, so each item stands alone), one
assessmentTest per quiz whose section selects `data-n` of its items, and an IMS CP 1.1 manifest.
"""

from __future__ import annotations

from exporter.writers.qti.package2x import Dialect, QtiWriter

QTI21 = Dialect("http://www.imsglobal.org/xsd/imsqti_v2p1",
                "http://www.imsglobal.org/xsd/imsqti_v2p1 http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1.xsd",
                kebab=False)
CP = "http://www.imsglobal.org/xsd/imscp_v1p1"


class Qti21Writer(QtiWriter):
    name = "qti21"
    title = "QTI 2.1 content package (item banks and assessment platforms; draw N per quiz)"
    carries = "each item, each quiz as a test selecting N; images in quiz text"
    drops = "the pages"
    dialect = QTI21
    manifest_ns = CP
    manifest_location = f"{CP} http://www.imsglobal.org/xsd/imscp_v1p1.xsd"
    manifest_schema = "QTIv2.1 Package"
    manifest_version = "1.0.0"
    item_type = "imsqti_item_xmlv2p1"
    test_type = "imsqti_test_xmlv2p1"
