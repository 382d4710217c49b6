"""Contexts for the activity and notice templates, for tests/unit/rendering/test_environment.py."""

from __future__ import annotations

from bot.domain.activities import AudienceCount


def activity_contexts(nasty: str) -> dict[str, dict[str, object]]:
    details: dict[str, object] = {
        "title": nasty,
        "when": nasty,
        "place": nasty,
        "deadline": nasty,
        "capacity": 5,
        "free": 1,
        "companions": True,
    }
    return {
        "activity_offer.html.j2": {**details, "until": nasty},
        "activity_offer_expired.html.j2": details,
        "activity_reminder.html.j2": {**details, "companions_coming": 1},
        "activity_changed.html.j2": details,
        "activity_cancelled.html.j2": details,
        "activity_card.html.j2": {
            **details,
            "taken": 4,
            "cancelled": False,
            "confirmed": 3,
            "offered": 1,
            "waiting": 2,
        },
        "activity_people.html.j2": {
            "title": nasty,
            "people": [
                {
                    "n": 1,
                    "name": nasty,
                    "family": True,
                    "phone": nasty,
                    "companions": 1,
                    "status": nasty,
                    "attended": True,
                }
            ],
            "first": 1,
            "last": 1,
            "total": 1,
        },
        "my_activities.html.j2": {
            "activities": [{"title": nasty, "when": nasty, "place": nasty, "status": nasty}]
        },
        "notice_panel.html.j2": {
            "unit": nasty,
            "who": nasty,
            "only": nasty,
            "count": AudienceCount(3, 1, 1, 1),
            "approval": True,
        },
        "notice_progress.html.j2": {
            "state": nasty,
            "queued": 1,
            "sent": 2,
            "failed": 0,
            "blocked": 1,
            "cancelled": 3,
        },
    }
