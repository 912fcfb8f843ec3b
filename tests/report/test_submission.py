"""Part 3: `make archive` writes the archive under the handout's name, and the report's Part 3
section names it and says how to rebuild it."""

import re

from reports.archive import ARCHIVE_NAME, ROOT
from reports.submission import submission_section


def test_make_archive_writes_the_handouts_archive_name():
    makefile = (ROOT / "Makefile").read_text()
    recipe = re.search(r"^archive:.*\n((?:\t.*\n)+)", makefile, flags=re.M).group(1)
    assert ARCHIVE_NAME == "lab3_archive.tgz"
    assert f"cnnacc archive {ARCHIVE_NAME}" in recipe
    assert ARCHIVE_NAME in re.search(r"^clean:.*\n((?:\t.*\n)+)", makefile, flags=re.M).group(1)


def test_the_part_3_section_names_the_pdf_the_archive_and_how_to_rebuild_them():
    section = submission_section(["Dataset and FP32 baseline", "Part 1 Step 1: quantization"])
    body = section.body
    assert body.strip().startswith("**Part 3 (submission)")
    for text in ("report.pdf", ARCHIVE_NAME, "MANIFEST.json", "make report", "make archive", "Part 1 Step 1"):
        assert text in body, text
    assert f"aws s3 cp {ARCHIVE_NAME} s3://" in body
    assert section.results["archive"] == ARCHIVE_NAME
