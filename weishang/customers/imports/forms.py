"""The console form of the customer import."""

from django import forms
from django.utils.translation import gettext_lazy

from weishang.core import spreadsheets


class CustomerFileForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Excel (.xlsx) or CSV file"),
        help_text=gettext_lazy("The first row names the columns; 姓名 and 手机 are needed."),
        widget=forms.ClearableFileInput(attrs={"accept": spreadsheets.ACCEPTED_FILES}),
    )
