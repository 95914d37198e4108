"""Spreadsheet files for tests: an .xlsx as some tools write it."""

import io
import re
import zipfile


def with_dimension(content: bytes, ref: str) -> bytes:
    """The .xlsx ``content`` whose first sheet claims its data spans ``ref`` (e.g. "A1:C2"),
    as files written by some tools do, wrongly."""
    source = zipfile.ZipFile(io.BytesIO(content))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<dimension ref="[^"]*"\s*/>', f'<dimension ref="{ref}"/>'.encode(),
                              data)
                assert f'<dimension ref="{ref}"/>'.encode() in data
            target.writestr(item, data)
    return output.getvalue()
