"""`qti30`: a QTI 3.0 content package: the QTI 2.1 package's structure in 3.0 names, with each quiz's
stimulus as one shared `qti-assessment-stimulus` that the quiz's items reference.
"""

from __future__ import annotations

from exporter.writers.qti.package2x import Dialect, QtiWriter

QTI30 = Dialect("http://www.imsglobal.org/xsd/imsqtiasi_v3p0",
                "http://www.imsglobal.org/xsd/imsqtiasi_v3p0 "
                "https://purl.imsglobal.org/spec/qti/v3p0/schema/xsd/imsqti_asiv3p0_v1p0.xsd",
                kebab=True)
CP = "http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1"


class Qti30Writer(QtiWriter):
    name = "qti30"
    title = "QTI 3.0 content package (assessment platforms; shared stimuli, draw N per quiz)"
    carries = "each item, each quiz as a test selecting N, its shared text one stimulus; images in quiz text"
    drops = "the pages"
    dialect = QTI30
    manifest_ns = CP
    manifest_location = f"{CP} https://purl.imsglobal.org/spec/qti/v3p0/schema/xsd/imsqtiv3p0_imscpv1p2_v1p0.xsd"
    manifest_schema = "QTI Package"
    manifest_version = "3.0.0"
    item_type = "imsqti_item_xmlv3p0"
    test_type = "imsqti_test_xmlv3p0"
    stimulus_type = "imsqti_stimulus_xmlv3p0"
    shared_stimulus = True
