"""Roster spreadsheets for tests, built in memory."""

import csv
import io

from openpyxl import Workbook

HEADERS = ["编号", "姓名", "性别", "出生日期", "单位", "单位类别", "上级单位", "职级", "职务", "角色"]


def row(
    code,
    name="张三",
    *,
    gender="男",
    birth="1985-06-15",
    unit="区发改局",
    category="区直单位",
    parent="",
    rank="一般干部",
    post="科员",
    role="一般干部",
):
    return [code, name, gender, birth, unit, category, parent, rank, post, role]


def valid_rows():
    return [
        row("FG001", "钱局长", unit="区发改局", rank="正科级", post="局长", role="主要领导"),
        row("FG002", "孙副局长", gender="女", birth="1980-01-02", rank="副科级", post="副局长", role="班子成员"),
        row("FG003", "李科员", post="规划科科员"),
        row(
            "JG001",
            "周主任",
            unit="区价格认定中心",
            category="区直下属单位",
            parent="区发改局",
            rank="副科级",
            post="主任",
            role="主要领导",
        ),
        row("QS001", "吴书记", unit="青石镇", category="乡镇街道", rank="正科级", post="党委书记", role="主要领导"),
    ]


def xlsx(rows, headers=HEADERS) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for r in rows:
        sheet.append(r)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(rows, headers=HEADERS, encoding="utf-8-sig") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def many_rows(count: int, *, units: int = 50):
    return [
        row(
            f"B{i:06d}",
            f"干部{i}",
            gender="女" if i % 3 else "男",
            birth=f"19{70 + i % 25}-0{1 + i % 9}-1{i % 9}",
            unit=f"批量单位{i % units}",
            category=("乡镇街道", "区直单位", "区直下属单位")[i % units % 3],
            parent="" if i % units % 3 != 2 else "批量单位1",
            rank=("正科级", "副科级", "一般干部")[i % 3],
            post="科员",
            role="一般干部",
        )
        for i in range(count)
    ]
