from django import forms

from . import json_input

# A response is a few kilobytes; the site's body limit (64 KiB) applies to the upload too.
MAX_UPLOAD_BYTES = 64 * 1024


class ImportForm(forms.Form):
    """A QuestionnaireResponse as a JSON file."""

    file = forms.FileField(
        label="QuestionnaireResponse (FHIR JSON)",
        help_text="A response to the Vertebro Questionnaire; it becomes a new draft of yours.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"The file is larger than {MAX_UPLOAD_BYTES // 1024} KiB; "
                "a QuestionnaireResponse is a few kilobytes."
            )
        try:
            self.cleaned_data["resource"] = json_input.loads(upload.read())
        except json_input.BadJson as refused:
            raise forms.ValidationError(f"The file was refused. {refused}") from None
        return upload
