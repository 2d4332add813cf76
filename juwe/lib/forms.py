"""Form fields shared by the apps."""

from __future__ import annotations

from django import forms


class MoneyField(forms.DecimalField):
    """An amount in EUR as people type it in Germany: "12.500,00", "12500,5", "12 500 €" or "12500.00".

    A comma is the decimal separator; dots and spaces before it group thousands. Without a comma a
    single dot followed by one or two digits is read as the decimal point ("12500.00").
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(**kwargs)
        self.localize = True
        self.widget.is_localized = True
        self.widget.input_type = "text"
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})
        self.widget.attrs.pop("step", None)

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace("€", "").replace("\u00a0", "").replace(" ", "").strip()
            if "," in value:
                value = value.replace(".", "").replace(",", ".")
            elif value.count(".") > 1 or (value.count(".") == 1 and len(value.rsplit(".", 1)[1]) == 3):
                value = value.replace(".", "")  # "12.500" means twelve thousand five hundred
        return super().to_python(value)
