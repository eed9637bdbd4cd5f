"""The PDF renders to real pages: not blank, on the configured paper size."""

import io
import shutil
import subprocess

import pytest
from PIL import Image
from pypdf import PdfReader

from assessments.reports import pdf
from tests.pdf_helpers import finalized_assessment

# Points (1/72 in) of the two paper sizes VERTEBRO_PAGE_SIZE allows.
A4 = (595, 842)
LETTER = (612, 792)


def page_sizes(document: bytes) -> set[tuple[int, int]]:
    reader = PdfReader(io.BytesIO(document))
    return {(round(page.mediabox.width), round(page.mediabox.height)) for page in reader.pages}


def test_page_one_renders_to_a_picture_that_is_not_blank(alice, tmp_path):
    assert shutil.which("pdftoppm"), "pdftoppm (Debian's poppler-utils) is needed"
    source = tmp_path / "report.pdf"
    source.write_bytes(pdf.assessment_pdf(finalized_assessment(alice)))
    subprocess.run(
        ["pdftoppm", "-f", "1", "-l", "1", "-r", "50", "-gray", "-png", source, tmp_path / "page"],
        check=True,
        timeout=60,
    )
    (picture,) = tmp_path.glob("page*.png")
    histogram = Image.open(picture).convert("L").histogram()
    dark = sum(histogram[:128])
    assert 0.01 < dark / sum(histogram) < 0.5


def test_the_paper_is_a4_by_default(alice, settings):
    settings.VERTEBRO_PAGE_SIZE = "A4"
    assert page_sizes(pdf.assessment_pdf(finalized_assessment(alice))) == {A4}


def test_the_paper_can_be_letter(alice, settings):
    settings.VERTEBRO_PAGE_SIZE = "Letter"
    assert page_sizes(pdf.assessment_pdf(finalized_assessment(alice))) == {LETTER}


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/style.css",
        "file:///etc/passwd",
        pdf.BASE_URL + "static/../../settings.py",
        pdf.BASE_URL + "elsewhere/report.css",
    ],
)
def test_the_renderer_fetches_nothing_but_its_own_static_files(url):
    with pytest.raises(ValueError):
        pdf.static_file_fetcher().fetch(url)


def test_the_renderer_reads_its_stylesheet_from_disk():
    response = pdf.static_file_fetcher().fetch(pdf.BASE_URL + "static/pdf/report.css")
    assert b"@page" in response.read()
    assert response.content_type == "text/css"


def test_it_embeds_one_font_family_dejavu_sans_as_subsets(alice):
    reader = PdfReader(io.BytesIO(pdf.assessment_pdf(finalized_assessment(alice))))
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert fonts
    for name in fonts:
        subset_tag, family = name.lstrip("/").split("+", 1)
        assert len(subset_tag) == 6
        assert family.startswith("DejaVu-Sans")
