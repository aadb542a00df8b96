"""The report form as the view tests post it."""


def report_form(unit, **recommendation) -> dict:
    """Report 12/BC of 01/03/2024 with one finding and one recommendation to
    `unit`, due 04/03/2024; `recommendation` replaces the recommendation's fields
    (`id`, `text`, `due`…)."""
    data = {
        "report_number": "12/BC",
        "report_date": "01/03/2024",
        "findings-TOTAL_FORMS": "1",
        "findings-INITIAL_FORMS": "0",
        "findings-0-kind": "achievement",
        "findings-0-text": "Giảm 06 đầu mối.",
        "recommendations-TOTAL_FORMS": "1",
        "recommendations-INITIAL_FORMS": "0",
        "recommendations-0-unit": unit.pk,
        "recommendations-0-text": "Gửi báo cáo bổ sung.",
        "recommendations-0-due": "04/03/2024",
    }
    data.update({f"recommendations-0-{field}": v for field, v in recommendation.items()})
    return data
