"""Seed the sector taxonomy and the certifications companies most often hold.

Staff extend both lists in the admin. The data is written out here, not imported from the
application, because a migration must keep doing what it did on the day it was written.
Running it again (or on a database that already has some rows) updates names in place.
"""

from django.db import migrations

# slug, French name (the reference), English, Arabic, position. Positions go by tens so that
# staff can slot a new sector between two existing ones.
SECTORS = [
    ("pharma", "Industrie pharmaceutique", "Pharmaceutical industry", "الصناعة الصيدلانية", 10),
    ("biotech", "Biotechnologies", "Biotechnology", "التكنولوجيا الحيوية", 20),
    ("vaccines", "Vaccins", "Vaccines", "اللقاحات", 30),
    ("biosimilars", "Biosimilaires", "Biosimilars", "البدائل الحيوية", 40),
    ("medical-devices", "Dispositifs médicaux", "Medical devices", "الأجهزة الطبية", 50),
    ("cosmetics", "Cosmétiques", "Cosmetics", "مستحضرات التجميل", 60),
    ("diagnostics", "Diagnostic", "Diagnostics", "التشخيص", 70),
    ("health-wellbeing", "Santé et bien-être", "Health and wellbeing", "الصحة والرفاه", 80),
]

# code, name. Certification names are international labels, kept as the industry writes them.
CERTIFICATIONS = [
    ("gmp", "GMP (Good Manufacturing Practice)"),
    ("eu-gmp", "EU GMP (European Good Manufacturing Practice)"),
    ("iso-9001", "ISO 9001 (quality management)"),
    ("iso-13485", "ISO 13485 (medical devices)"),
    ("iso-22716", "ISO 22716 (cosmetics GMP)"),
    ("iso-14001", "ISO 14001 (environmental management)"),
    ("iso-17025", "ISO/IEC 17025 (testing and calibration laboratories)"),
    ("who-pq", "WHO prequalification"),
    ("fda", "FDA approval (United States)"),
]


def seed(apps, schema_editor):
    Sector = apps.get_model("partners", "Sector")
    Certification = apps.get_model("partners", "Certification")
    for slug, name, name_en, name_ar, position in SECTORS:
        Sector.objects.update_or_create(
            slug=slug,
            defaults={"name": name, "name_en": name_en, "name_ar": name_ar, "position": position},
        )
    for code, name in CERTIFICATIONS:
        Certification.objects.update_or_create(code=code, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0001_initial"),
    ]

    operations = [
        # Reversing keeps the rows: companies may already point at them.
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
