"""API tokens through the API: create one with your password (HTTP Basic) or
your session, list yours, revoke one. The text is returned once."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.authentication import BasicAuthentication, SessionAuthentication
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from ..models import ApiToken
from ..services.tokens import MAX_DAYS, token_create, token_revoke
from .auth import TokenAuthentication


class ApiTokenSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at"]


class ApiTokenInput(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    days = serializers.IntegerField(min_value=1, max_value=MAX_DAYS, default=90)


class NewApiTokenSerializer(ApiTokenSerializer):
    token = serializers.CharField(read_only=True)

    class Meta(ApiTokenSerializer.Meta):
        fields = [*ApiTokenSerializer.Meta.fields, "token"]


class ApiTokenViewSet(mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """Your tokens. POST with your user name and password (HTTP Basic) — or your
    session — creates one; DELETE revokes it (it stays listed, revoked)."""

    queryset = ApiToken.objects.none()
    serializer_class = ApiTokenSerializer
    authentication_classes = [TokenAuthentication, SessionAuthentication, BasicAuthentication]
    filter_backends = []

    def get_queryset(self):
        return ApiToken.objects.filter(user=self.request.user)

    @extend_schema(
        request=ApiTokenInput,
        responses={
            201: NewApiTokenSerializer,
            403: OpenApiResponse(description="Sent with a token: a token makes no tokens"),
        },
        # What it accepts: a token is authenticated, then refused (403).
        auth=[{"basicAuth": []}, {"cookieAuth": []}],
    )
    def create(self, request):
        """A new token, its text shown this once: with your password (HTTP
        Basic) or your session, never with a token (403)."""
        if isinstance(request.successful_authenticator, TokenAuthentication):
            # A token may not make more tokens: a leaked one would outlive its expiry.
            raise PermissionDenied
        incoming = ApiTokenInput(data=request.data)
        incoming.is_valid(raise_exception=True)
        token, text = token_create(actor=request.user, **incoming.validated_data)
        data = ApiTokenSerializer(token).data | {"token": text}
        return Response(data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        token_revoke(actor=self.request.user, token_id=instance.pk)
