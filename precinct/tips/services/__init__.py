"""Writes for the crime-reporting portal, one module per concern. Each write is one transaction with its
history event and audit row. Code in the project imports from the concern module; the names below are
re-exported so `from precinct.tips.services import tip_submit` keeps working."""

from precinct.tips.services.followup import reporter_view, tip_open_by_receipt, tip_reporter_message
from precinct.tips.services.handling import (
    TRANSITIONS,
    tip_message_send,
    tip_priority_set,
    tip_reassign,
    tip_transition,
)
from precinct.tips.services.keys import report_key, unit_key_for, unit_key_rotate
from precinct.tips.services.reading import (
    Attachment,
    Content,
    FileContent,
    Message,
    Possible,
    text_similarity,
    tip_duplicates,
    tip_file_read,
    tip_read,
)
from precinct.tips.services.retention import policy_set, tip_expire, tip_retention_extend, tips_expire_due
from precinct.tips.services.submission import Filed, Report, tip_submit

__all__ = [
    "TRANSITIONS",
    "Attachment",
    "Content",
    "FileContent",
    "Filed",
    "Message",
    "Possible",
    "Report",
    "policy_set",
    "report_key",
    "reporter_view",
    "text_similarity",
    "tip_duplicates",
    "tip_expire",
    "tip_file_read",
    "tip_message_send",
    "tip_open_by_receipt",
    "tip_priority_set",
    "tip_read",
    "tip_reassign",
    "tip_reporter_message",
    "tip_retention_extend",
    "tip_submit",
    "tip_transition",
    "tips_expire_due",
    "unit_key_for",
    "unit_key_rotate",
]
