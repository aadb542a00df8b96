"""Decision files: only real PDFs are kept, stored under MEDIA_ROOT by the apply
service and removed again if its transaction does not commit."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.utils.text import slugify
from django.utils.translation import gettext as _

from ..models import Restructuring
from ..text import fold
from ..uploads import is_pdf

MAX_DECISION_FILE_MB = 20


def decision_file_check(upload: UploadedFile) -> None:
    """Refuse anything but a PDF of at most 20 MB, judged by its content: the name
    and the type the browser sends are the sender's to choose."""
    if upload.size > MAX_DECISION_FILE_MB * 1024 * 1024:
        raise ValidationError(
            _("The file is larger than %(mb)s MB.") % {"mb": MAX_DECISION_FILE_MB},
            code="too_large",
        )
    if not is_pdf(upload):
        raise ValidationError(
            _("This file is not a PDF document. Attach the decision as a PDF file."),
            code="not_pdf",
        )


# Long enough to recognise the upload, short enough for the column with the
# folder and the suffix the storage adds when a name is taken.
NAME_CHARS = 80


def decision_file_store(restructuring: Restructuring, upload: UploadedFile) -> str:
    """Write the file where the model's field says and return its stored name:
    the upload's name without accents or odd characters, shortened."""
    field = Restructuring._meta.get_field("decision_file")
    stem = slugify(fold(Path(upload.name or "").stem))[:NAME_CHARS].strip("-") or "quyet-dinh"
    name = field.generate_filename(restructuring, f"{stem}.pdf")
    return default_storage.save(name, upload, max_length=field.max_length)


def decision_file_delete(name: str) -> None:
    default_storage.delete(name)
