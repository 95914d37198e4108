"""Forms of the agent's own console: their profile (what their shop's header shows)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from weishang.core.forms import ConsoleForm
from weishang.core.models import max_length_of

from ..models import Agent


class ProfileForm(ConsoleForm):
    """Pictures are checked by the service (core.images), which names the field it refuses."""

    name = forms.CharField(label=_("Name shown in your shop"),
                           max_length=max_length_of(Agent, "name"))
    wechat_id = forms.CharField(label=_("WeChat ID"), required=False,
                                max_length=max_length_of(Agent, "wechat_id"))
    avatar = forms.FileField(label=_("Avatar"), required=False,
                             widget=forms.ClearableFileInput(attrs={"accept": "image/*"}))
    remove_avatar = forms.BooleanField(label=_("Remove the avatar"), required=False)
    wechat_qr = forms.FileField(
        label=_("WeChat QR code"), required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
        help_text=_("Customers scan it in your shop to add you in WeChat."))
    remove_wechat_qr = forms.BooleanField(label=_("Remove the QR code"), required=False)

    @classmethod
    def for_agent(cls, agent: Agent, *args, **kwargs):
        return cls(*args, initial={"name": agent.name, "wechat_id": agent.wechat_id}, **kwargs)

    def changes(self) -> dict:
        """What to pass to ``services.update_profile``: a new picture, "" to remove one,
        nothing for a picture left as it is."""
        data = self.cleaned_data
        changes = {"name": data["name"], "wechat_id": data["wechat_id"]}
        for field in ("avatar", "wechat_qr"):
            if data.get(field):
                changes[field] = data[field]
            elif data.get(f"remove_{field}"):
                changes[field] = ""
        return changes
