"""The escalation sweep (a timer runs `manage.py escalate_dossiers`, or the task): warns the assigned
officer one working day before a dossier's due date, marks overdue dossiers and tells the unit's
leaders, and sends the letter of apology for each extension. Idempotent: every message has a key
(notifications are queued once per key) and a dossier is marked overdue once per due date."""

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from precinct.core.calendar import calendar
from precinct.core.formats import format_date
from precinct.eservices.models import Dossier, DossierEvent
from precinct.eservices.notify import COMPOSER, dossier_url
from precinct.eservices.services import dossier_mark_overdue
from precinct.eservices.workflow import RUNNING
from precinct.notifications.selectors import notification_keys_known
from precinct.notifications.services import Message, notification_compose, notification_key, notify
from precinct.organisation.models import Role
from precinct.organisation.selectors import role_holders_nearest


@dataclass
class SweepReport:
    warned: int = 0
    marked_overdue: list[str] = field(default_factory=list)
    leaders_told: int = 0
    apologies: int = 0


def _due_soon_message(dossier: Dossier) -> Message:
    subject = _("Dossier %(code)s is due on %(date)s") % {
        "code": dossier.code,
        "date": format_date(dossier.due_date),
    }
    body = "\n".join(
        [
            _("This dossier is due on the next working day."),
            _("Procedure: %(name)s") % {"name": dossier.version.display_name},
            _("Status: %(status)s") % {"status": dossier.get_status_display()},
            dossier_url(dossier),
        ]
    )
    return Message(subject=subject, body=body, sms=subject)


def _overdue_message(dossier: Dossier) -> Message:
    subject = _("Dossier %(code)s is overdue") % {"code": dossier.code}
    body = "\n".join(
        [
            _("This dossier passed its due date (%(date)s) without a result.")
            % {"date": format_date(dossier.due_date)},
            _("Procedure: %(name)s") % {"name": dossier.version.display_name},
            _("Receiving unit: %(unit)s") % {"unit": dossier.unit.display_name},
            _("Status: %(status)s") % {"status": dossier.get_status_display()},
            dossier_url(dossier),
        ]
    )
    return Message(subject=subject, body=body, sms=subject)


def _warn_due_soon(today: datetime.date, report: SweepReport) -> None:
    next_working_day = calendar().add_working_days(today, 1)
    due_soon = Dossier.objects.filter(
        status__in=RUNNING, due_date__gt=today, due_date__lte=next_working_day
    ).select_related("version", "unit", "assignee")
    for dossier in due_soon:
        recipients = (
            [dossier.assignee]
            if dossier.assignee
            else role_holders_nearest(unit_path=dossier.unit_path, role=Role.OFFICER)
        )
        for officer in recipients:
            report.warned += notify(
                recipient=officer,
                key=notification_key("due-soon", dossier.pk, dossier.due_date),
                compose=lambda d=dossier: _due_soon_message(d),  # type: ignore[misc]
            )


def _mark_overdue(today: datetime.date, report: SweepReport) -> None:
    late = Dossier.objects.filter(status__in=RUNNING, due_date__lt=today, overdue_on__isnull=True)
    for pk in late.values_list("pk", flat=True):
        # The mark and its leaders' messages commit together: a mark is made once, so a message lost
        # after it would never be sent.
        with transaction.atomic():
            dossier = dossier_mark_overdue(dossier=Dossier(pk=pk), today=today)
            if dossier is None:
                continue  # moved on, or another sweep marked it a moment ago
            report.marked_overdue.append(dossier.code)
            for leader in role_holders_nearest(unit_path=dossier.unit_path, role=Role.LEADER):
                report.leaders_told += notify(
                    recipient=leader,
                    key=notification_key("overdue", dossier.pk, dossier.due_date),
                    compose=lambda d=dossier: _overdue_message(d),  # type: ignore[misc]
                )


def _send_apologies(today: datetime.date, report: SweepReport) -> None:
    """Extensions of the last 60 days whose letter has not been queued (the transition queues it; this
    catches up when the queue lost it or the citizen had no address then)."""
    extensions = DossierEvent.objects.filter(action="extend", at__date__gte=today - datetime.timedelta(days=60))
    keys = {notification_key(COMPOSER, pk): pk for pk in extensions.values_list("pk", flat=True)}
    queued = notification_keys_known(keys=keys)
    for key, pk in keys.items():
        if key not in queued and notification_compose(composer=COMPOSER, ref=pk):
            report.apologies += 1


def escalation_sweep(*, today: datetime.date | None = None) -> SweepReport:
    today = today or timezone.localdate()
    report = SweepReport()
    with transaction.atomic():
        _warn_due_soon(today, report)
    _mark_overdue(today, report)
    _send_apologies(today, report)
    return report
