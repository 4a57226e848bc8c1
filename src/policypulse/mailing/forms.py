from django import forms


class SubscribeForm(forms.Form):
    email = forms.CharField(max_length=320, label="Email address")
    name = forms.CharField(max_length=200, required=False, label="Name (optional)")
    organisation = forms.CharField(max_length=200, required=False, label="Organisation (optional)")
    sectors = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Sectors (none ticked: all of them)",
    )
    consent = forms.BooleanField(required=True)
    # A field people never see: bots that fill every field are turned away quietly.
    website = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, config, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sectors"].choices = [(s.key, s.label) for s in config.sectors]
        self.fields["consent"].label = config.site.consent_wording


class PreferencesForm(forms.Form):
    sectors = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Sectors (none ticked: all of them)",
    )
    paused = forms.BooleanField(required=False, label="Pause the digest for now")

    def __init__(self, *args, config, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sectors"].choices = [(s.key, s.label) for s in config.sectors]
