"""Background work of accounts (Django tasks, run by the worker)."""

from django.tasks import task


@task
def accounts_password_reset_mail_task(*, email: str, domain: str, use_https: bool) -> None:
    """Mail a reset link to every active account with this address (usually one, often none). Run in the
    background so the request does the same work whether an account has the address or not: looking the
    account up, making the token, writing the audit row and talking to the mail server all happen here,
    not while the asker waits."""
    from precinct.accounts.forms import ResetRequestForm

    form = ResetRequestForm({"email": email})
    if form.is_valid():
        form.mail_links(domain=domain, use_https=use_https)
