from django.db import migrations, models


class Migration(migrations.Migration):
    """The throttles' counters (security.throttling): one row per client and scope, updated by
    one upsert per check. UNLOGGED: no WAL for a counter (it is emptied after a crash, which only
    forgives the clients' current windows, and standbys never hold it)."""

    dependencies = [
        ('security', '0003_spanish_labels'),
    ]

    operations = [
        migrations.CreateModel(
            name='RateCounter',
            fields=[
                ('key', models.TextField(help_text='throttle_<scope>_<client or user id>', primary_key=True, serialize=False)),
                ('window_end', models.DateTimeField(help_text='The window ends (and the count restarts) then.')),
                ('count', models.PositiveIntegerField(help_text='Requests allowed in this window (at most the rate + 1).')),
            ],
            options={
                'db_table': 'security_rate_counter',
                'indexes': [models.Index(fields=['window_end'], name='security_ratecounter_end')],
            },
        ),
        migrations.RunSQL("ALTER TABLE security_rate_counter SET UNLOGGED",
                          "ALTER TABLE security_rate_counter SET LOGGED"),
    ]
