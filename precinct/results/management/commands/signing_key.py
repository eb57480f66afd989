from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from precinct.core.errors import DomainError
from precinct.organisation.models import Unit
from precinct.results import keys, selectors, services


class Command(BaseCommand):
    help = (
        "Signing keys of units (files under PRECINCT_SIGNING_DIR, passphrase from PRECINCT_SIGNING_PASSPHRASE). "
        "`ca` creates the local certificate authority; `issue UNIT` creates or rotates a unit's key, certified by "
        "it; `import UNIT KEYFILE [CERTFILE]` registers a key from another CA (PKCS#12, or PEM key + certificate "
        "chain; the paths are relative to PRECINCT_SIGNING_DIR); `list` shows them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        ca = sub.add_parser("ca")
        ca.add_argument("--name", default="Precinct local CA")
        ca.add_argument("--organisation", default="Precinct")
        issue = sub.add_parser("issue")
        issue.add_argument("unit")
        issue.add_argument("--format", choices=["p12", "pem"], default="p12")
        issue.add_argument("--days", type=int, default=730)
        imp = sub.add_parser("import")
        imp.add_argument("unit")
        imp.add_argument("key_file")
        imp.add_argument("cert_file", nargs="?", default="")
        sub.add_parser("list")

    def handle(self, *args: Any, verb: str, **options: Any) -> None:
        try:
            if verb == "ca":
                authority = keys.ca_create(name=options["name"], organisation=options["organisation"])
                self.stdout.write(f"Local CA created: {keys.subject_text(authority.cert)} ({keys.signing_dir()})")
            elif verb == "issue":
                key = services.signing_key_issue(
                    actor=None, unit=self._unit(options["unit"]), file_format=options["format"], days=options["days"]
                )
                self.stdout.write(f"{key.unit.code}: {key.subject} {key.fingerprint} until {key.not_after:%Y-%m-%d}")
            elif verb == "import":
                key = services.signing_key_register(
                    actor=None,
                    unit=self._unit(options["unit"]),
                    key_file=options["key_file"],
                    cert_file=options["cert_file"],
                )
                self.stdout.write(f"{key.unit.code}: {key.subject} {key.fingerprint} until {key.not_after:%Y-%m-%d}")
            else:
                for key in selectors.signing_key_list():
                    state = "active " if key.is_active else "retired"
                    self.stdout.write(
                        f"{key.unit.code:<12} {state} {key.not_after:%Y-%m-%d} {key.subject}  {key.key_file}"
                    )
        except (DomainError, keys.KeyMaterialError) as exc:
            detail = getattr(exc, "fields", None) or {}
            raise CommandError(
                " ".join([str(getattr(exc, "message", exc))] + [str(m) for v in detail.values() for m in v])
            ) from exc

    def _unit(self, code: str) -> Unit:
        unit = Unit.objects.filter(code=code).first()
        if unit is None:
            raise CommandError(f"No unit with code {code!r}.")
        return unit
