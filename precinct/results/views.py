from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from precinct.core.errors import DomainError, ValidationFailed
from precinct.core.forms import add_validation_errors, flash_error
from precinct.results import selectors, services
from precinct.results.forms import VerifyForm
from precinct.results.public import MAX_BYTES, verify_upload


def verify(request: HttpRequest, code: str = "") -> HttpResponse:
    """Anyone checks a signed result: scan the QR code (the code is in the address) and upload the file."""
    code = code.strip()[:64]  # the token the QR code carries (or, from older links, a dossier code)
    posted = request.method == "POST"
    form = VerifyForm(request.POST, request.FILES) if posted else VerifyForm(initial={"code": code})
    verdict, status, error = None, 200, ""
    if posted and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            data = upload.read(MAX_BYTES + 1)  # one byte more than allowed, so "too large" is seen
            verdict = verify_upload(request=request, data=data, code=form.cleaned_data["code"] or code)
        except ValidationFailed as exc:
            add_validation_errors(form, exc)
        except DomainError as exc:
            error, status = str(exc.message), exc.status
    on_record = selectors.result_public(token=code) if code else None
    return render(
        request,
        "results/verify.html",
        {"form": form, "code": code, "verdict": verdict, "on_record": on_record, "error": error},
        status=422 if form.errors else status,
    )


@login_required
def result_download(request: HttpRequest, code: str) -> FileResponse:
    document = selectors.result_get(actor=request.user, code=code)
    return FileResponse(
        document.file.open("rb"), as_attachment=True, filename=f"ket-qua-{code}.pdf", content_type="application/pdf"
    )


@login_required
@require_POST
def result_revoke(request: HttpRequest, code: str) -> HttpResponse:
    document = selectors.result_get(actor=request.user, code=code)
    try:
        services.result_revoke(actor=request.user, document=document, reason=request.POST.get("reason", ""))
    except DomainError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, _("The result has been revoked."))
    return redirect("eservices:dossier", code=document.dossier.code)
