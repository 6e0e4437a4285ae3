"""A workbook shaped like one Excel saved: shared strings, a calculation chain, cached formula values
(a shared formula among them), ``mc:Ignorable`` namespaces, ``x14ac`` row attributes, and on 活动 a
comment (with its VML drawing) and a drawing. openpyxl never writes these, so the tests build the
parts by hand, the way Excel lays them out.

活动 holds 618活动 on two channels whose 销售额 are formulas with cached values:
E2 = D2*3 → 300 (广告费用 100) and E3 (the same shared formula) → 750 (广告费用 250).
Tabs: 活动, Monthly Summary (月度汇总's alias), 数据校验, 触点, 设置; no 渠道月度 yet."""

from __future__ import annotations

import zipfile
from pathlib import Path

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
X14AC = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"
XR = "http://schemas.microsoft.com/office/spreadsheetml/2014/revision"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"

SHARED = ["活动名称", "渠道", "开始日期", "广告费用", "销售额", "618活动", "抖音", "2026-06-01",
          "月份", "总成本", "备注", "2026-09", "手写备注", "标签页", "旧问题",
          "天猫", "客户ID", "时间", "是否转化", "C001", "是", "参数", "值", "目标ROI", "120%"]


def _s(text: str) -> int:
    return SHARED.index(text)


def _ws(rows: str, extra: str = "", tail: str = "") -> str:
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
            f'<worksheet xmlns="{MAIN}" xmlns:r="{R}" xmlns:mc="{MC}" mc:Ignorable="x14ac xr" '
            f'xmlns:x14ac="{X14AC}" xmlns:xr="{XR}" xr:uid="{{00000000-0001-0000-0000-000000000000}}">'
            f'<dimension ref="A1:E2"/><sheetViews><sheetView tabSelected="1" workbookViewId="0"/></sheetViews>'
            f'<sheetFormatPr defaultRowHeight="15" x14ac:dyDescent="0.25"/>'
            f'<cols><col min="1" max="1" width="20.7109375" customWidth="1"/></cols>'
            f'<sheetData>{rows}</sheetData>{extra}'
            f'<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>{tail}</worksheet>')


CAMPAIGNS = _ws(
    f'<row r="1" spans="1:5" x14ac:dyDescent="0.25">'
    f'<c r="A1" s="1" t="s"><v>{_s("活动名称")}</v></c><c r="B1" s="1" t="s"><v>{_s("渠道")}</v></c>'
    f'<c r="C1" s="1" t="s"><v>{_s("开始日期")}</v></c><c r="D1" s="1" t="s"><v>{_s("广告费用")}</v></c>'
    f'<c r="E1" s="1" t="s"><v>{_s("销售额")}</v></c></row>'
    f'<row r="2" spans="1:5" x14ac:dyDescent="0.25">'
    f'<c r="A2" t="s"><v>{_s("618活动")}</v></c><c r="B2" t="s"><v>{_s("抖音")}</v></c>'
    f'<c r="C2" t="s"><v>{_s("2026-06-01")}</v></c><c r="D2"><v>100</v></c>'
    f'<c r="E2"><f t="shared" ref="E2:E3" si="0">D2*3</f><v>300</v></c></row>'
    f'<row r="3" spans="1:5" x14ac:dyDescent="0.25">'
    f'<c r="A3" t="s"><v>{_s("618活动")}</v></c><c r="B3" t="s"><v>{_s("天猫")}</v></c>'
    f'<c r="C3" t="s"><v>{_s("2026-06-01")}</v></c><c r="D3"><v>250</v></c>'
    f'<c r="E3"><f t="shared" si="0"/><v>750</v></c></row>',
    '<conditionalFormatting sqref="E2:E3"><cfRule type="cellIs" dxfId="0" priority="1" operator="lessThan">'
    '<formula>0</formula></cfRule></conditionalFormatting>',
    '<drawing r:id="rId1"/><legacyDrawing r:id="rId2"/>')

TOUCHES = _ws(
    f'<row r="1"><c r="A1" t="s"><v>{_s("客户ID")}</v></c><c r="B1" t="s"><v>{_s("时间")}</v></c>'
    f'<c r="C1" t="s"><v>{_s("渠道")}</v></c><c r="D1" t="s"><v>{_s("是否转化")}</v></c></row>'
    f'<row r="2"><c r="A2" t="s"><v>{_s("C001")}</v></c><c r="B2" t="s"><v>{_s("2026-06-01")}</v></c>'
    f'<c r="C2" t="s"><v>{_s("抖音")}</v></c><c r="D2" t="s"><v>{_s("是")}</v></c></row>')

SETTINGS = _ws(
    f'<row r="1"><c r="A1" t="s"><v>{_s("参数")}</v></c><c r="B1" t="s"><v>{_s("值")}</v></c></row>'
    f'<row r="2"><c r="A2" t="s"><v>{_s("目标ROI")}</v></c><c r="B2" t="s"><v>{_s("120%")}</v></c></row>')

XDR = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"

SUMMARY = _ws(
    f'<row r="1" spans="1:3" x14ac:dyDescent="0.25">'
    f'<c r="A1" t="s"><v>{_s("备注")}</v></c><c r="B1" t="s"><v>{_s("月份")}</v></c>'
    f'<c r="C1" t="s"><v>{_s("总成本")}</v></c></row>'
    f'<row r="2" spans="1:3" ht="30" customHeight="1" x14ac:dyDescent="0.25">'
    f'<c r="A2" t="s"><v>{_s("手写备注")}</v></c><c r="B2" t="s"><v>{_s("2026-09")}</v></c>'
    f'<c r="C2" s="2"><v>1</v></c></row>')

DATA_CHECK = _ws(
    f'<row r="1"><c r="A1" t="s"><v>{_s("标签页")}</v></c></row>'
    f'<row r="2"><c r="A2" t="s"><v>{_s("旧问题")}</v></c><c r="B2"><f>1+1</f><v>2</v></c></row>'
    f'<row r="3"><c r="A3" t="s"><v>{_s("旧问题")}</v></c></row>')

PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{CT}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{CT}.worksheet+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet2.xml" ContentType="{CT}.worksheet+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet3.xml" ContentType="{CT}.worksheet+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{CT}.styles+xml"/>'
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{CT}.sharedStrings+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet4.xml" ContentType="{CT}.worksheet+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet5.xml" ContentType="{CT}.worksheet+xml"/>'
        '<Default Extension="vml" ContentType="application/vnd.openxmlformats-officedocument.vmlDrawing"/>'
        f'<Override PartName="/xl/comments1.xml" ContentType="{CT}.comments+xml"/>'
        '<Override PartName="/xl/drawings/drawing1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.drawing+xml"/>'
        f'<Override PartName="/xl/calcChain.xml" ContentType="{CT}.calcChain+xml"/></Types>'),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
        f'<workbook xmlns="{MAIN}" xmlns:r="{R}" xmlns:mc="{MC}" mc:Ignorable="x15 xr xr6 xr10 xr2" '
        'xmlns:x15="http://schemas.microsoft.com/office/spreadsheetml/2010/11/main" '
        f'xmlns:xr="{XR}" xmlns:xr6="http://schemas.microsoft.com/office/spreadsheetml/2016/revision6" '
        'xmlns:xr10="http://schemas.microsoft.com/office/spreadsheetml/2016/revision10" '
        'xmlns:xr2="http://schemas.microsoft.com/office/spreadsheetml/2015/revision2">'
        '<workbookPr defaultThemeVersion="166925"/><bookViews><workbookView xWindow="-120" yWindow="-120" '
        'windowWidth="29040" windowHeight="15840"/></bookViews><sheets>'
        '<sheet name="活动" sheetId="1" r:id="rId1"/><sheet name="Monthly Summary" sheetId="2" r:id="rId2"/>'
        '<sheet name="数据校验" sheetId="7" r:id="rId3"/><sheet name="触点" sheetId="8" r:id="rId7"/>'
        '<sheet name="设置" sheetId="9" r:id="rId8"/></sheets><calcPr calcId="191029"/></workbook>'),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId3" Type="{REL}/worksheet" Target="worksheets/sheet3.xml"/>'
        f'<Relationship Id="rId2" Type="{REL}/worksheet" Target="worksheets/sheet2.xml"/>'
        f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId6" Type="{REL}/calcChain" Target="calcChain.xml"/>'
        f'<Relationship Id="rId5" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
        f'<Relationship Id="rId4" Type="{REL}/styles" Target="styles.xml"/>'
        f'<Relationship Id="rId7" Type="{REL}/worksheet" Target="worksheets/sheet4.xml"/>'
        f'<Relationship Id="rId8" Type="{REL}/worksheet" Target="worksheets/sheet5.xml"/></Relationships>'),
    "xl/worksheets/_rels/sheet1.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId3" Type="{REL}/comments" Target="../comments1.xml"/>'
        f'<Relationship Id="rId2" Type="{REL}/vmlDrawing" Target="../drawings/vmlDrawing1.vml"/>'
        f'<Relationship Id="rId1" Type="{REL}/drawing" Target="../drawings/drawing1.xml"/></Relationships>'),
    "xl/comments1.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
        f'<comments xmlns="{MAIN}"><authors><author>小王</author></authors><commentList>'
        '<comment ref="E2" authorId="0"><text><r><t>按 3 倍估算</t></r></text></comment></commentList></comments>'),
    "xl/drawings/vmlDrawing1.vml": (
        '<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
        'xmlns:x="urn:schemas-microsoft-com:office:excel"><v:shape id="_x0000_s1025" type="#_x0000_t202" '
        'style="position:absolute;visibility:hidden"><x:ClientData ObjectType="Note"><x:Row>1</x:Row>'
        '<x:Column>4</x:Column></x:ClientData></v:shape></xml>'),
    "xl/drawings/drawing1.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
        f'<xdr:wsDr xmlns:xdr="{XDR}" xmlns:a="{A}"><xdr:twoCellAnchor><xdr:from><xdr:col>6</xdr:col>'
        '<xdr:colOff>0</xdr:colOff><xdr:row>1</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:to><xdr:col>9'
        '</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>4</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to><xdr:sp>'
        '<xdr:nvSpPr><xdr:cNvPr id="2" name="箭头"/><xdr:cNvSpPr/></xdr:nvSpPr><xdr:spPr><a:prstGeom prst="rightArrow">'
        '<a:avLst/></a:prstGeom></xdr:spPr></xdr:sp><xdr:clientData/></xdr:twoCellAnchor></xdr:wsDr>'),
    "xl/worksheets/sheet1.xml": CAMPAIGNS,
    "xl/worksheets/sheet2.xml": SUMMARY,
    "xl/worksheets/sheet3.xml": DATA_CHECK,
    "xl/worksheets/sheet4.xml": TOUCHES,
    "xl/worksheets/sheet5.xml": SETTINGS,
    "xl/sharedStrings.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
        f'<sst xmlns="{MAIN}" count="{len(SHARED)}" uniqueCount="{len(SHARED)}">'
        + "".join(f"<si><t>{s}</t></si>" if s != "手写备注" else
                  "<si><r><t>手写</t></r><r><rPr><b/></rPr><t>备注</t></r><rPh sb=\"0\" eb=\"1\"><t>x</t></rPh></si>"
                  for s in SHARED) + "</sst>"),
    "xl/styles.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
        f'<styleSheet xmlns="{MAIN}" xmlns:mc="{MC}" mc:Ignorable="x14ac x16r2" xmlns:x14ac="{X14AC}" '
        'xmlns:x16r2="http://schemas.microsoft.com/office/spreadsheetml/2015/02/main">'
        '<numFmts count="1"><numFmt numFmtId="164" formatCode="0.0%"/></numFmts>'
        '<fonts count="2" x14ac:knownFonts="1"><font><sz val="11"/><name val="等线"/></font>'
        '<font><b/><sz val="11"/><name val="等线"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
        '</fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
        '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="常规" xfId="0" builtinId="0"/></cellStyles>'
        '<dxfs count="1"><dxf><font><color rgb="FF9C0006"/></font></dxf></dxfs></styleSheet>'),
    "xl/calcChain.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
        f'<calcChain xmlns="{MAIN}"><c r="E2" i="1"/><c r="E3" i="1"/><c r="B2" i="3"/></calcChain>'),
}


def build(path: Path) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in PARTS.items():
            z.writestr(name, text.encode("utf-8"))
    return path
