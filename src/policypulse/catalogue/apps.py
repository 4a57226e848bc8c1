from django.apps import AppConfig
from django.db.models.signals import pre_save

NUL = "\x00"


def drop_nul_characters(sender, instance, **kwargs) -> None:
    """Text from the web may hold NUL characters, which PostgreSQL refuses in text columns
    (SQLite keeps them): drop them from every string field of PolicyPulse's models before a
    save, so one odd page or PDF never fails a harvest on one database and not the other."""
    if not sender.__module__.startswith("policypulse."):
        return
    for field in sender._meta.concrete_fields:
        value = getattr(instance, field.attname, None)
        if isinstance(value, str) and NUL in value:
            setattr(instance, field.attname, value.replace(NUL, ""))


class CatalogueConfig(AppConfig):
    name = "policypulse.catalogue"
    label = "catalogue"

    def ready(self) -> None:
        pre_save.connect(drop_nul_characters, dispatch_uid="policypulse-drop-nul")
