from django.http import FileResponse

from precinct.eservices.models import DossierAttachment


def attachment_response(attachment: DossierAttachment) -> FileResponse:
    """The file as a download under the name the applicant gave it."""
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
