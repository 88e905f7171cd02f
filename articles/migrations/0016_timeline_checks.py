"""Read a timeline date's day and month through a cast to date in the precision checks.

The rule is unchanged. The cast gives Django's own validation a typed NULL for undated
events, so PostgreSQL can evaluate the checks instead of erroring (and Django logging it).
"""

import django.db.models.functions.comparison
import django.db.models.functions.datetime
import django.db.models.lookups
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0015_simplify_public_reads'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='timelineevent',
            name='timeline_month_precision_first_day',
        ),
        migrations.RemoveConstraint(
            model_name='timelineevent',
            name='timeline_year_precision_first_day',
        ),
        migrations.AddConstraint(
            model_name='timelineevent',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('precision', 'month'), _negated=True), django.db.models.lookups.Exact(django.db.models.functions.datetime.ExtractDay(django.db.models.functions.comparison.Cast('date', models.DateField())), 1), _connector='OR'), name='timeline_month_precision_first_day'),
        ),
        migrations.AddConstraint(
            model_name='timelineevent',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('precision', 'year'), _negated=True), models.Q(django.db.models.lookups.Exact(django.db.models.functions.datetime.ExtractDay(django.db.models.functions.comparison.Cast('date', models.DateField())), 1), django.db.models.lookups.Exact(django.db.models.functions.datetime.ExtractMonth(django.db.models.functions.comparison.Cast('date', models.DateField())), 1)), _connector='OR'), name='timeline_year_precision_first_day'),
        ),
    ]
