"""The book's PDF made to meet PDF/UA-1 (ISO 14289-1), and checked for it, with pikepdf.

    python -m tools.pdf_ua dist/pod-practice-principles-VERSION.pdf

lists, in plain words and with the Matterhorn Protocol's checkpoint, every PDF/UA problem
these checks find (exit status 1), or says that there is none.

`finish` is the last step of `make pdf` (tools/pdf.py). Chromium prints a tagged PDF, and
this adds what it leaves out:

* the page furniture: Chromium draws the page background first and the running footer last,
  outside the structure tree; those runs are marked as artifacts, the footer as a pagination
  artifact of subtype Footer. Any other text outside the structure tree stops the book: it is
  real content that the HTML should carry (see `print_ready` in tools/pdf.py);
* links: every link annotation gets /Contents saying where it goes (the reference, the
  chapter, the glossary entry or the web address), and its /Link element /Alt with the
  link's own words and that destination; a link Chromium tagged as /NonStruct (it does so
  for ARIA roles such as doc-biblioref) becomes /Link;
* structure types from PDF 2.0 that Chromium writes (/Em, /Strong, /Aside) are role-mapped
  to PDF 1.7's standard types, as PDF/UA-1 requires;
* document language, title, "show the title", the bookmarks' titles, the information
  dictionary and XMP metadata (dc:title, dc:language, pdfuaid:part 1), dated from the
  build's date (SOURCE_DATE_EPOCH), saved with a document ID computed from the content, so
  the same sources give the same file; small objects packed into object streams.
"""

from __future__ import annotations

import datetime
import io
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name, NumberTree, Operator, String

TEXT_SHOWING = {"Tj", "TJ", "'", '"'}
PAINTING = TEXT_SHOWING | {"Do", "sh", "f", "F", "f*", "B", "B*", "b", "b*", "S", "s", "INLINE IMAGE"}
# PDF 1.7's standard structure types (ISO 32000-1, 14.8.4): PDF/UA-1 requires every other type
# to be role-mapped to one of these.
STANDARD_TYPES = set("""Document Part Art Sect Div BlockQuote Caption TOC TOCI Index NonStruct Private
P H H1 H2 H3 H4 H5 H6 L LI Lbl LBody Table TR TH TD THead TBody TFoot Span Quote Note Reference
BibEntry Code Link Annot Ruby RB RT RP Warichu WT WP Figure Formula Form""".split())
# The PDF 2.0 types Chromium writes, and the PDF 1.7 type each is read as.
ROLE_MAP = {"Em": "Span", "Strong": "Span", "Aside": "Div", "Sub": "Span", "Title": "P",
            "FENote": "Note", "DocumentFragment": "Div"}
# What table elements may hold (ISO 32000-1, Table 337).
TABLE_KIDS = {"Table": {"TR", "THead", "TBody", "TFoot", "Caption"}, "THead": {"TR"}, "TBody": {"TR"},
              "TFoot": {"TR"}, "TR": {"TH", "TD"}}
FOOTER = Dictionary(Type=Name.Pagination, Subtype=Name.Footer)


class PdfUaError(Exception):
    """Something the finishing step cannot make right: said with the page and what to do."""


@dataclass
class Book:
    """What the finishing step writes into the PDF."""

    title: str
    author: str
    description: str
    keywords: str
    language: str
    built: datetime.datetime
    creator: str
    bookmarks: list[str]  # every bookmark's title, in order
    links: list[tuple[str, str, str]]  # (href, link text, where it goes) of every printed link, in order


# Finishing

def finish(pdf_bytes: bytes, book: Book) -> bytes:
    """The printed PDF with everything PDF/UA-1 asks for that Chromium leaves out."""
    pdf = pikepdf.open(io.BytesIO(pdf_bytes))
    retitle_outline(pdf, book.bookmarks)
    mark_artifacts(pdf)
    role_map(pdf)
    describe_links(pdf, book.links)
    catalog_and_metadata(pdf, book)
    out = io.BytesIO()
    # Object streams pack the many small objects of the structure tree: the file is less than half the size.
    pdf.save(out, deterministic_id=True, force_version="1.7", object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return out.getvalue()


def retitle_outline(pdf: pikepdf.Pdf, titles: list[str]) -> None:
    """Chromium drops the space where a heading wraps ("Open Dialoguepractice") in bookmark
    titles; give each bookmark its heading's text (the outline holds every heading, in order)."""
    with pdf.open_outline() as outline:
        items = list(walk_outline(outline.root))
        if len(items) != len(titles):
            raise PdfUaError(f"the printed outline has {len(items)} bookmarks for {len(titles)} headings: "
                             "has Chromium changed how it builds the outline?")
        for item, title in zip(items, titles):
            item.title = title


def walk_outline(items) -> Iterator:
    for item in items:
        yield item
        yield from walk_outline(item.children)


def content_runs(instructions: list) -> list[tuple[int, int]]:
    """(start, end) of each run of instructions drawn outside any marked-content sequence."""
    runs, depth, start = [], 0, 0
    for index, instruction in enumerate(instructions):
        name = name_of(instruction)
        if name in ("BDC", "BMC"):
            if depth == 0 and index > start:
                runs.append((start, index))
            depth += 1
        elif name == "EMC":
            depth = max(0, depth - 1)
            if depth == 0:
                start = index + 1
    if depth == 0 and start < len(instructions):
        runs.append((start, len(instructions)))
    return runs


def name_of(instruction) -> str:
    if isinstance(instruction, pikepdf.ContentStreamInlineImage):
        return "INLINE IMAGE"
    return str(instruction.operator)


def mark_artifacts(pdf: pikepdf.Pdf) -> None:
    """Wrap what Chromium draws outside the structure tree in /Artifact sequences: the page
    background and decoration, and the running footer (the last run) as a pagination artifact."""
    for number, page in enumerate(pdf.pages, 1):
        instructions = list(pikepdf.parse_content_stream(page))
        runs = [(start, end) for start, end in content_runs(instructions)
                if any(name_of(i) in PAINTING for i in instructions[start:end])]
        if not runs:
            continue
        last = runs[-1]
        for start, end in runs[:-1]:
            text = sum(name_of(i) in TEXT_SHOWING for i in instructions[start:end])
            if text:
                raise PdfUaError(f"page {number}: {text} pieces of text are drawn outside the structure tree, "
                                 "before the footer: text made by CSS (content: in ::before or ::after) reaches "
                                 "no screen reader; put it in the HTML instead (tools/pdf.py, print_ready)")
        out = []
        marks = {start: end for start, end in runs}
        index = 0
        while index < len(instructions):
            if index in marks:
                end = marks[index]
                if (index, end) == last and any(name_of(i) in TEXT_SHOWING for i in instructions[index:end]):
                    out.append(pikepdf.ContentStreamInstruction([Name.Artifact, FOOTER], Operator("BDC")))
                else:
                    out.append(pikepdf.ContentStreamInstruction([Name.Artifact], Operator("BMC")))
                out.extend(instructions[index:end])
                out.append(pikepdf.ContentStreamInstruction([], Operator("EMC")))
                index = end
            else:
                out.append(instructions[index])
                index += 1
        page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(out))


def struct_elements(node) -> Iterator[Dictionary]:
    """Every structure element under `node`, in document order."""
    if isinstance(node, Array):
        for kid in node:
            yield from struct_elements(kid)
    elif isinstance(node, Dictionary):
        if node.get("/Type") in (Name.MCR, Name.OBJR):
            return
        if "/S" in node:
            yield node
        kids = node.get("/K")
        if kids is not None:
            yield from struct_elements(kids)


def kids_of(element: Dictionary) -> list:
    kids = element.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, Array) else [kids]


def role_map(pdf: pikepdf.Pdf) -> None:
    used = {str(e.S)[1:] for e in struct_elements(pdf.Root.StructTreeRoot.get("/K"))}
    roles = pdf.Root.StructTreeRoot.get("/RoleMap") or Dictionary()
    for role in sorted(used - STANDARD_TYPES):
        if role in ROLE_MAP and Name("/" + role) not in roles:
            roles[Name("/" + role)] = Name("/" + ROLE_MAP[role])
    if len(roles):
        pdf.Root.StructTreeRoot.RoleMap = roles


def annotation_target(annotation: Dictionary) -> str:
    """Where a link annotation goes: '#name' inside the book, or the URI."""
    action = annotation.get("/A")
    if action is not None and action.get("/S") == Name.URI:
        return str(action.URI)
    dest = annotation.get("/Dest", action.get("/D") if action is not None else None)
    if isinstance(dest, (Name, String)):
        return "#" + str(dest).lstrip("/")
    raise PdfUaError(f"a link annotation with neither an address nor a named destination: {annotation!r}"[:300])


def link_elements(pdf: pikepdf.Pdf) -> list[tuple[Dictionary, list[Dictionary]]]:
    """Every structure element holding link annotations, with those annotations, in order."""
    found = []
    for element in struct_elements(pdf.Root.StructTreeRoot.get("/K")):
        annotations = [kid.Obj for kid in kids_of(element)
                       if isinstance(kid, Dictionary) and kid.get("/Type") == Name.OBJR
                       and kid.Obj.get("/Subtype") == Name.Link]
        if annotations:
            found.append((element, annotations))
    return found


def describe_links(pdf: pikepdf.Pdf, links: list[tuple[str, str, str]]) -> None:
    """/Contents on each link annotation and /Alt on its /Link element, from the HTML's links,
    which Chromium tags in document order (each printed link is one structure element)."""
    elements = link_elements(pdf)
    if len(elements) != len(links):
        raise PdfUaError(f"the PDF has {len(elements)} tagged links for {len(links)} printed links in the HTML: "
                         "is a link hidden in print but left in the book's HTML (tools/pdf.py, DROP)?")
    for number, ((element, annotations), (href, text, where)) in enumerate(zip(elements, links), 1):
        for annotation in annotations:
            if annotation_target(annotation) != href:
                raise PdfUaError(f"link {number} ('{text}') goes to {annotation_target(annotation)} in the PDF "
                                 f"but to {href} in the HTML: the tagged links are not in the HTML's order")
            annotation.Contents = String(where)
        if element.S == Name.NonStruct:
            element.S = Name.Link
        element.Alt = String(where if text.lower() in where.lower() else f"{text} ({where})")


def pdf_date(moment: datetime.datetime) -> str:
    return moment.strftime("D:%Y%m%d%H%M%S+00'00'")


def catalog_and_metadata(pdf: pikepdf.Pdf, book: Book) -> None:
    root = pdf.Root
    root.Lang = String(book.language)
    prefs = root.get("/ViewerPreferences") or Dictionary()
    prefs.DisplayDocTitle = True
    root.ViewerPreferences = prefs
    root.MarkInfo = Dictionary(Marked=True)
    info = pdf.docinfo
    stamp = pdf_date(book.built)
    for key, value in (("/Title", book.title), ("/Author", book.author), ("/Subject", book.description),
                       ("/Keywords", book.keywords), ("/Creator", book.creator),
                       ("/CreationDate", stamp), ("/ModDate", stamp)):
        info[Name(key)] = String(value)
    when = book.built.isoformat()
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
        meta["dc:title"] = book.title
        meta["dc:creator"] = [book.author]
        meta["dc:description"] = book.description
        meta["dc:language"] = {book.language}
        meta["dc:format"] = "application/pdf"
        meta["pdf:Keywords"] = book.keywords
        meta["pdf:Producer"] = str(info.get("/Producer", ""))
        meta["xmp:CreatorTool"] = book.creator
        meta["xmp:CreateDate"] = when
        meta["xmp:ModifyDate"] = when
        meta["xmp:MetadataDate"] = when
        meta["pdfuaid:part"] = "1"


# Checking

def check(path: Path | str) -> list[str]:
    """Every PDF/UA-1 problem these checks find, each in plain words with its Matterhorn checkpoint."""
    problems: list[str] = []
    with pikepdf.open(path) as pdf:
        root = pdf.Root
        tree = root.get("/StructTreeRoot")
        if tree is None or not root.get("/MarkInfo", {}).get("/Marked"):
            return ["01-005: the PDF is not tagged (no structure tree, or /MarkInfo /Marked is not true)"]
        if root.MarkInfo.get("/Suspects"):
            problems.append("01-007: the tagging is declared suspect (/MarkInfo /Suspects true)")
        problems += check_content(pdf)
        problems += check_metadata(pdf)
        problems += check_structure(pdf)
        problems += check_annotations(pdf)
        problems += check_fonts(pdf)
    return problems


def check_content(pdf: pikepdf.Pdf) -> list[str]:
    problems = []
    forms: dict[tuple[int, int], int] = {}  # how often each form XObject is drawn
    for number, page in enumerate(pdf.pages, 1):
        stack: list[str] = []  # "artifact", "tagged" or "other", innermost last
        untagged = nested = footer = 0
        for instruction in pikepdf.parse_content_stream(page):
            name = name_of(instruction)
            if name in ("BDC", "BMC"):
                properties = instruction.operands[1] if len(instruction.operands) > 1 else None
                kind = ("artifact" if instruction.operands[0] == Name.Artifact else
                        "tagged" if isinstance(properties, Dictionary) and "/MCID" in properties else "other")
                if (kind == "artifact" and "tagged" in stack) or (kind == "tagged" and "artifact" in stack):
                    nested += 1
                if kind == "artifact" and isinstance(properties, Dictionary) and \
                        properties.get("/Type") == Name.Pagination and properties.get("/Subtype") == Name.Footer:
                    footer += 1
                stack.append(kind)
            elif name == "EMC":
                if stack:
                    stack.pop()
            elif name in PAINTING and not stack:
                untagged += 1
            if name == "Do":
                xobject = page.obj.Resources.XObject[instruction.operands[0]]
                if xobject.get("/Subtype") == Name.Form:
                    forms[xobject.objgen] = forms.get(xobject.objgen, 0) + 1
        if untagged:
            problems.append(f"01-005: page {number}: {untagged} drawing operations (text, lines or images) are "
                            "neither tagged nor marked as an artifact, so a screen reader meets them with no role")
        if nested:
            problems.append(f"01-003/01-004: page {number}: {nested} tagged and artifact sequences nested in each other")
        if footer != 1:
            problems.append(f"18-001/18-002: page {number}: {footer} running footers marked as a pagination "
                            "artifact of subtype Footer (expected 1)")
    for objgen, uses in forms.items():
        form = pdf.get_object(objgen)
        if "/Ref" in form:
            problems.append(f"30-001: a reference XObject (object {objgen[0]}) is drawn")
        if uses > 1 and any(name_of(i) == "BDC" and isinstance(i.operands[1], Dictionary) and "/MCID" in i.operands[1]
                            for i in pikepdf.parse_content_stream(form)):
            problems.append(f"30-002: a form XObject with tagged content (object {objgen[0]}) is drawn {uses} times")
    return problems


def check_metadata(pdf: pikepdf.Pdf) -> list[str]:
    problems = []
    root = pdf.Root
    if "/Metadata" not in root:
        return ["06-001: the PDF has no XMP metadata"]
    meta = pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False)
    if str(meta.get("pdfuaid:part", "")) != "1":
        problems.append("06-002: the XMP metadata does not declare PDF/UA-1 (pdfuaid:part is not 1)")
    if not str(meta.get("dc:title", "")).strip():
        problems.append("06-003: the XMP metadata has no title (dc:title)")
    lang = root.get("/Lang")
    if lang is None or not str(lang).strip():
        problems.append("11-001: the document's language (/Lang in the catalog) is missing")
    elif {str(lang)} != set(meta.get("dc:language") or ()):
        problems.append(f"11-006: the XMP metadata's language (dc:language) is not the document's, {lang}")
    prefs = root.get("/ViewerPreferences")
    if prefs is None or "/DisplayDocTitle" not in prefs:
        problems.append("07-001: readers are not asked to show the title (no /DisplayDocTitle)")
    elif not bool(prefs.DisplayDocTitle):
        problems.append("07-002: readers are asked to show the file name, not the title (/DisplayDocTitle false)")
    return problems


def check_structure(pdf: pikepdf.Pdf) -> list[str]:
    problems = []
    tree = pdf.Root.StructTreeRoot
    roles = tree.get("/RoleMap") or Dictionary()
    for key in roles.keys():
        if key[1:] in STANDARD_TYPES:
            problems.append(f"02-004: the standard structure type {key} is role-mapped")
    levels: list[int] = []
    unmapped: set[str] = set()
    for element in struct_elements(tree.get("/K")):
        role = str(element.S)[1:]
        seen = set()
        while role not in STANDARD_TYPES and Name("/" + role) in roles and role not in seen:
            seen.add(role)
            role = str(roles[Name("/" + role)])[1:]
        if role not in STANDARD_TYPES:
            unmapped.add(str(element.S))
        if role == "Figure" and not str(element.get("/Alt", element.get("/ActualText", ""))).strip():
            problems.append(f"13-004: a figure{page_of(pdf, element)} has no alternative text (/Alt)")
        if role == "Link" and not str(element.get("/Alt", "")).strip():
            problems.append(f"28-012: a link{page_of(pdf, element)} has no alternative text (/Alt) on its /Link element")
        if role == "Note" and "/ID" not in element:
            problems.append(f"19-003: a note{page_of(pdf, element)} has no /ID")
        if re.fullmatch(r"H[1-6]", role):
            levels.append(int(role[1]))
            if not marks_content(element):
                problems.append(f"headings: an empty {role}{page_of(pdf, element)}, listed blank by screen readers")
        kids = {str(kid.S)[1:] for kid in kids_of(element) if isinstance(kid, Dictionary) and "/S" in kid}
        allowed = TABLE_KIDS.get(role)
        if allowed is not None and kids - allowed:
            problems.append(f"09-004: a {role}{page_of(pdf, element)} holds {', '.join(sorted(kids - allowed))}, "
                            f"which it may not (ISO 32000-1, Table 337)")
    for role in sorted(unmapped):
        problems.append(f"02-001: the structure type {role} is not standard and not role-mapped to a standard type")
    if levels and levels[0] != 1:
        problems.append(f"14-002: the first heading is H{levels[0]}, not H1")
    for before, after in zip(levels, levels[1:]):
        if after > before + 1:
            problems.append(f"14-003: an H{after} follows an H{before}: a heading level is skipped")
    return problems


def marks_content(element: Dictionary) -> bool:
    """Whether the element, or an element inside it, holds any page content."""
    for kid in kids_of(element):
        if isinstance(kid, Dictionary):
            if kid.get("/Type") == Name.MCR or ("/S" in kid and marks_content(kid)):
                return True
        elif isinstance(kid, int):
            return True
    return False


def page_of(pdf: pikepdf.Pdf, element: Dictionary) -> str:
    page = element.get("/Pg")
    for kid in kids_of(element):
        if page is None and isinstance(kid, Dictionary):
            page = kid.get("/Pg")
    if page is None:
        return ""
    for number, candidate in enumerate(pdf.pages, 1):
        if candidate.obj.objgen == page.objgen:
            return f" on page {number}"
    return ""


def check_annotations(pdf: pikepdf.Pdf) -> list[str]:
    problems = []
    parents = NumberTree(pdf.Root.StructTreeRoot.ParentTree)
    for number, page in enumerate(pdf.pages, 1):
        annotations = list(page.obj.get("/Annots") or [])
        if annotations and page.obj.get("/Tabs") != Name.S:
            problems.append(f"28-008/28-009: page {number} has annotations but its tab order is not the "
                            "structure order (/Tabs /S)")
        missing_contents = not_in_link = 0
        for annotation in annotations:
            if annotation.get("/Subtype") != Name.Link:
                problems.append(f"28-002: page {number} has an annotation of type {annotation.get('/Subtype')}, "
                                "which the book does not expect")
                continue
            if not str(annotation.get("/Contents", "")).strip():
                missing_contents += 1
            parent = parents.get(int(annotation.get("/StructParent", -1))) if "/StructParent" in annotation else None
            if parent is None or parent.get("/S") != Name.Link or not any(
                    isinstance(kid, Dictionary) and kid.get("/Type") == Name.OBJR and kid.Obj.objgen == annotation.objgen
                    for kid in kids_of(parent)):
                not_in_link += 1
        if missing_contents:
            problems.append(f"28-012: page {number}: {missing_contents} links do not say where they go (no /Contents)")
        if not_in_link:
            problems.append(f"28-011: page {number}: {not_in_link} links are not inside a /Link structure element")
    return problems


def check_fonts(pdf: pikepdf.Pdf) -> list[str]:
    problems = set()
    for number, page in enumerate(pdf.pages, 1):
        fonts = (page.obj.get("/Resources") or Dictionary()).get("/Font") or Dictionary()
        for key in fonts.keys():
            font = fonts[key]
            name = str(font.get("/BaseFont", key))
            descendant = font.DescendantFonts[0] if "/DescendantFonts" in font else font
            descriptor = descendant.get("/FontDescriptor")
            if font.get("/Subtype") != Name.Type3 and (descriptor is None or not any(
                    k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))):
                problems.add(f"31-009: the font {name} is not embedded")
            if "/ToUnicode" not in font:
                problems.add(f"31-027: the font {name} does not map its characters to Unicode (no /ToUnicode)")
    return sorted(problems)


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    problems = check(sys.argv[1])
    for problem in problems:
        print(f"{sys.argv[1]}: {problem}")
    if not problems:
        print(f"{sys.argv[1]}: no PDF/UA-1 problem found by these checks (see README.md for those checked by hand)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
