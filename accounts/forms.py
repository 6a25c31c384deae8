from django import forms


class ApiKeyForm(forms.Form):
    name = forms.CharField(max_length=100, label="What is the key for?", help_text="e.g. 'HR system' or 'notebook'.")
