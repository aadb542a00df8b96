"""The user's API tokens: create (shown once), see when each was last used,
revoke."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from ..forms.common import add_service_errors
from ..forms.tokens import TokenForm
from ..models import ApiToken
from ..services.tokens import token_create, token_revoke


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def tokens(request):
    form = TokenForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            token, created = token_create(
                actor=request.user, name=form.cleaned_data["name"], days=form.cleaned_data["days"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Copy the token now: it will not be shown again."))
            form = TokenForm()
    context = {
        "form": form,
        "created": created,
        "tokens": ApiToken.objects.filter(user=request.user),
    }
    return render(request, "units/tokens.html", context)


@login_required
@require_POST
def token_revoke_view(request, pk: int):
    if not ApiToken.objects.filter(pk=pk, user=request.user).exists():
        raise Http404
    token_revoke(actor=request.user, token_id=pk)
    messages.success(request, _("The token is revoked."))
    return redirect("units:tokens")
