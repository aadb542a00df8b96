"""Content negotiation without 406: an Accept header the API cannot meet gets
the API's one format (JSON, problem details for errors), which every client
can read and the schema declares, rather than an error no operation lists."""

from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import DefaultContentNegotiation


class JsonFallbackNegotiation(DefaultContentNegotiation):
    def select_renderer(self, request, renderers, format_suffix=None):
        try:
            return super().select_renderer(request, renderers, format_suffix)
        except NotAcceptable:  # (a format asked for by name that no renderer has is a 404)
            return renderers[0], renderers[0].media_type
