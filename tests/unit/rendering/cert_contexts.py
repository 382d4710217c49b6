"""Sample contexts of the certification templates, for the every-template rendering test."""

from __future__ import annotations


def cert_contexts(nasty: str) -> dict[str, dict[str, object]]:
    counts = {"pending": 3, "self_reported": 1, "to_visit": 2, "certified": 9, "suspended": 0}
    item = {"name": nasty, "masked": "2101**********123X", "elsewhere": True, "frail": True}
    return {
        "cert_reminder.html.j2": {
            "n": 1,
            "total": 5,
            "elsewhere": False,
            "upload_by": nasty,
            "office": nasty,
            "start": nasty,
            "deadline": nasty,
            "suspension": nasty,
        },
        "cert_how.html.j2": {"office": nasty, "elsewhere": True},
        "cert_status.html.j2": {
            "name": nasty,
            "status": "certified",
            "certified_on": nasty,
            "next_due": nasty,
            "deadline": nasty,
            "suspension": nasty,
            "restored": True,
            "waiting": True,
            "visit": True,
            "campaign_over": False,
            "next_start": nasty,
        },
        "cert_family.html.j2": {"name": nasty, "start": nasty, "deadline": nasty, "suspension": nasty},
        "cert_suspended.html.j2": {"name": nasty, "suspension": nasty},
        "cert_supervisor.html.j2": {
            "unit": nasty,
            "count": 40,
            "people": [(nasty, "2101**********123X", True)],
            "more": 39,
            "suspension": nasty,
        },
        "cert_result.html.j2": {
            "approved": False,
            "name": nasty,
            "how": nasty,
            "reason": nasty,
            "restored": True,
        },
        "cert_staff_notice.html.j2": {"kind": "submission", "name": nasty, "masked": "2101**********123X"},
        "cert_staff_view.html.j2": {
            "cycle": "2027",
            "counts": counts,
            "waiting": 2,
            "rolling": False,
            "start": nasty,
            "deadline": nasty,
            "suspension": nasty,
        },
        "cert_digest.html.j2": {"unit": nasty, "counts": counts, "waiting": 2},
        "cert_list.html.j2": {
            "title": nasty,
            "first": 1,
            "last": 1,
            "total": 1,
            "offset": 0,
            "items": [item],
        },
        "cert_review.html.j2": {"name": nasty, "masked": "2101**********123X", "sent": nasty},
    }
