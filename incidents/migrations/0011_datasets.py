"""Datasets with their licences and citations; every incident names its dataset (#13 part 5).

Existing incidents: external_source acled/ucdp -> that dataset, else from a bulletin -> bulletin,
else editor."""

import django.db.models.deletion
from django.db import migrations, models


DATASETS = [
    {
        "slug": "acled", "name": "Armed Conflict Location & Event Data (ACLED)",
        "url": "https://acleddata.com/",
        "licence_name": "ACLED Terms of Use (attribution required; raw data not to be redistributed)",
        "licence_url": "https://acleddata.com/terms-of-use/",
        "citation": "Armed Conflict Location & Event Data (ACLED); www.acleddata.com.",
        "redistribution": False, "attribution_required": True,
    },
    {
        "slug": "ucdp", "name": "UCDP Georeferenced Event Dataset (GED)",
        "url": "https://ucdp.uu.se/downloads/",
        "licence_name": "CC BY 4.0",
        "licence_url": "https://creativecommons.org/licenses/by/4.0/",
        "citation": "Uppsala Conflict Data Program, Georeferenced Event Dataset (UCDP GED). "
                    "Sundberg, Ralph and Erik Melander (2013) Introducing the UCDP Georeferenced "
                    "Event Dataset. Journal of Peace Research 50(4): 523-532.",
        "redistribution": True, "attribution_required": True,
    },
    {
        "slug": "bulletin", "name": "Security bulletins read by this project's editors",
        "url": "",
        "licence_name": "Facts reported by the bulletins' issuers (see each incident's sources)",
        "licence_url": "",
        "citation": "VRAEM conflict map, from the security bulletins cited with each incident.",
        "redistribution": True, "attribution_required": True,
    },
    {
        "slug": "editor", "name": "VRAEM conflict map editors",
        "url": "",
        "licence_name": "Entered by this project's editors (cite the sources listed)",
        "licence_url": "",
        "citation": "VRAEM conflict map editors, from the sources cited with each incident.",
        "redistribution": True, "attribution_required": True,
    },
    {
        "slug": "demo", "name": "Demo seed bulletin",
        "url": "",
        "licence_name": "Demo data shipped with the application",
        "licence_url": "",
        "citation": "VRAEM conflict map demo data (the seed bulletin).",
        "redistribution": True, "attribution_required": False,
    },
]


def create_datasets(apps, schema_editor):
    Dataset = apps.get_model("incidents", "Dataset")
    for row in DATASETS:
        Dataset.objects.update_or_create(slug=row["slug"], defaults=row)


def assign_datasets(apps, schema_editor):
    Incident = apps.get_model("incidents", "Incident")
    Incident.objects.filter(external_source="acled").update(dataset_id="acled")
    Incident.objects.filter(external_source="ucdp").update(dataset_id="ucdp")
    Incident.objects.filter(external_source="", alert__isnull=False).update(dataset_id="bulletin")


class Migration(migrations.Migration):

    dependencies = [
        ('incidents', '0010_text_search_and_published_version'),
    ]

    operations = [
        migrations.CreateModel(
            name='Dataset',
            fields=[
                ('slug', models.SlugField(max_length=20, primary_key=True, serialize=False)),
                ('name', models.CharField(max_length=200)),
                ('url', models.URLField(blank=True, max_length=500)),
                ('licence_name', models.CharField(max_length=200)),
                ('licence_url', models.URLField(blank=True, max_length=500)),
                ('citation', models.TextField(blank=True)),
                ('redistribution', models.BooleanField(default=True, help_text='The licence allows handing its rows out to anyone.')),
                ('attribution_required', models.BooleanField(default=True)),
                ('release', models.CharField(blank=True, max_length=40)),
            ],
            options={
                'ordering': ['name'],
            },
        ),
        migrations.RunPython(create_datasets, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='historicalincident',
            name='external_source',
            field=models.CharField(blank=True, help_text='Namespace of external_id: the format or dataset the record was imported from (acled, ucdp, geojson).', max_length=20),
        ),
        migrations.AlterField(
            model_name='incident',
            name='external_source',
            field=models.CharField(blank=True, help_text='Namespace of external_id: the format or dataset the record was imported from (acled, ucdp, geojson).', max_length=20),
        ),
        migrations.AddField(
            model_name='historicalincident',
            name='dataset',
            field=models.ForeignKey(blank=True, db_constraint=False, db_default='editor', default='editor', help_text="Where the incident comes from, with that dataset's licence and citation.", null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='incidents.dataset'),
        ),
        migrations.AddField(
            model_name='incident',
            name='dataset',
            field=models.ForeignKey(db_default='editor', default='editor', help_text="Where the incident comes from, with that dataset's licence and citation.", on_delete=django.db.models.deletion.PROTECT, related_name='incidents', to='incidents.dataset'),
        ),
        migrations.RunPython(assign_datasets, migrations.RunPython.noop),
    ]
