"""What each figure is called, on the page, in the export and in the drill-down lists alike."""

from django.utils.translation import gettext_lazy as _

FIGURE_LABELS = {
    "received": _("Received"),
    "received_online": _("Received online"),
    "received_counter": _("Received at the counter"),
    "received_post": _("Received by post"),
    "share_received_online": _("Received online (%)"),
    "resolved": _("Resolved"),
    "resolved_early": _("Resolved early"),
    "resolved_on_time": _("Resolved on time"),
    "resolved_late": _("Resolved late"),
    "resolved_online": _("Resolved online"),
    "share_resolved_online": _("Resolved online (%)"),
    "share_on_time": _("Resolved early or on time (%)"),
    "average_days": _("Average working days to resolve"),
    "median_days": _("Median working days to resolve"),
    "supplemented": _("Asked for a supplement"),
    "refused": _("Refused"),
    "returned": _("Returned as incomplete"),
    "withdrawn": _("Withdrawn"),
    "open_not_due": _("In progress, not yet due"),
    "overdue": _("Overdue now"),
    "paused": _("Waiting for a supplement"),
    "billed_count": _("Fees billed"),
    "paid_count": _("Fees paid online"),
    "paid_vnd": _("Fees collected online (VND)"),
    "share_paid_online": _("Fees paid online (%)"),
    "average_rating": _("Average rating"),
    "ratings": _("Ratings"),
}
