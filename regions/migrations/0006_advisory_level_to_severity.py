from django.db import migrations


class Migration(migrations.Migration):
    """`level` becomes `severity` (normalised across issuers; the API documents the rename)."""

    dependencies = [("regions", "0005_regions_data_version")]

    operations = [
        migrations.RemoveConstraint(model_name="advisoryzone", name="advisoryzone_level_1_to_4"),
        migrations.RenameField(model_name="advisoryzone", old_name="level", new_name="severity"),
        migrations.RenameField(model_name="historicaladvisoryzone", old_name="level", new_name="severity"),
    ]
