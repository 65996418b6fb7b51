"""Examples of every form component, as GOV.UK Frontend keeps them next to each component:
(name, macro, arguments). Each is rendered with and without an error, in Dutch and in
English, by tests/components/test_form_components.py."""

from __future__ import annotations

ITEMS = (("ja", "Yes"), ("nee", "No"))

EXAMPLES: list[tuple[str, str, str, dict]] = [
    (
        "text-field",
        "components/form_field.html",
        "text_field",
        {
            "name": "telefoon",
            "label": "Phone number",
            "hint": "For example 06 12345678.",
            "type": "tel",
            "autocomplete": "tel",
            "required": True,
        },
    ),
    ("text-field-no-hint", "components/form_field.html", "text_field", {"name": "naam", "label": "Name"}),
    (
        "textarea",
        "components/form_field.html",
        "textarea",
        {"name": "vraag", "label": "What is your question? (optional)", "hint": "At most 2000 characters."},
    ),
    (
        "radios",
        "components/form_field.html",
        "radios",
        {"name": "geholpen", "legend": "Did we help you?", "items": ITEMS, "checked": "ja"},
    ),
    (
        "checkboxes",
        "components/form_field.html",
        "checkboxes",
        {
            "name": "kanaal",
            "legend": "How may we reach you?",
            "items": (("mail", "E-mail"), ("sms", "Text message")),
            "hint": "Choose one or more.",
        },
    ),
    (
        "select",
        "components/form_field.html",
        "select",
        {
            "name": "type",
            "label": "Type of case",
            "options": (("OMG", "Environmental permit"), ("WMO", "Wmo support")),
            "empty": "All types",
            "hint": "Only the types you have cases of.",
        },
    ),
    (
        "checkbox",
        "components/form_field.html",
        "checkbox",
        {"name": "bevestig", "label": "I know the decision date has passed.", "hint": "The extension is marked late."},
    ),
    (
        "file-input",
        "components/form_field.html",
        "file_input",
        {
            "name": "bestand",
            "label": "Send: proof of income",
            "hint": "A PDF, JPG or PNG file of at most 10 MB.",
            "accept": ".pdf,.jpg,.png",
            "required": True,
        },
    ),
]

ERROR = "Enter a phone number of 10 to 15 digits, for example 06 12345678."
