"""The REST API (/api/v1/): one module per resource, serializers beside their
views; writes go through the same services as the pages."""
