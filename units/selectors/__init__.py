"""Reads for pages, exports and dashboards: a queryset or plain data, with the
user's scope and the FilterSet applied and a fixed number of queries per page."""
