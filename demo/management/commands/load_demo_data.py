from django.utils.translation import gettext as _

from audit.commands import AuditedCommand
from bkxh.numbers import format_decimal
from demo.loading import DEMO_PASSWORD, DEMO_YEAR, load_demo_data


class Command(AuditedCommand):
    help = (
        "Load the Bắc Kạn 2024 demo (units, catalogue, figures, registers, a login) and Thái Nguyên with "
        "illustrative figures of 2025 and 2026. Safe to run again."
    )

    def handle(self, *args, **options):
        loaded = load_demo_data()
        self.stdout.write(
            _(
                "%(units)s administrative units, %(indicators)s indicators, %(values)s values for %(year)s, "
                "%(letterheads)s letterheads."
            )
            % {
                "units": format_decimal(loaded["admin_units"]),
                "indicators": format_decimal(loaded["indicators"]),
                "values": format_decimal(loaded["values"]),
                "year": DEMO_YEAR,
                "letterheads": format_decimal(len(loaded["agencies"])),
            }
        )
        self.stdout.write(
            _(
                "Thái Nguyên: %(communes)s communes from 01/07/2025; until 30/06/2025 %(old_communes)s communes "
                "in %(old_districts)s districts of %(old_provinces)s. %(values)s illustrative figures of 2024–2026 "
                "and %(dossiers)s register entries of 2025–2026, made up for the demo, never published."
            )
            % {
                "communes": format_decimal(loaded["thai_nguyen"].communes),
                "old_communes": format_decimal(loaded["thai_nguyen"].old_communes),
                "old_districts": format_decimal(loaded["thai_nguyen"].old_districts),
                "old_provinces": ", ".join(province.name for province in loaded["thai_nguyen"].old_provinces),
                "values": format_decimal(loaded["illustrative_values"]),
                "dossiers": format_decimal(loaded["reform_dossiers"]),
            }
        )
        registers = dict(loaded["registers"])
        people, households = registers.pop("people"), registers.pop("households")
        self.stdout.write(
            _("Registers for %(year)s: %(counts)s; %(people)s synthetic people in %(households)s households.")
            % {
                "year": DEMO_YEAR,
                "counts": ", ".join(f"{format_decimal(count)} {label}" for label, count in registers.items()),
                "people": format_decimal(people),
                "households": format_decimal(households),
            }
        )
        self.stdout.write(
            self.style.SUCCESS(
                _("Demo login: %(user)s / %(password)s at %(admin)s (report: %(report)s)")
                % {
                    "user": loaded["user"].username,
                    "password": DEMO_PASSWORD,
                    "admin": "http://127.0.0.1:8000/admin/",
                    "report": f"http://127.0.0.1:8000/reports/{DEMO_YEAR}/",
                }
            )
        )
        self.stdout.write(_("One login per role, same password:"))
        for user, role, area in loaded["role_users"]:
            self.stdout.write(f"  {user.username:<19} / {DEMO_PASSWORD}  {role:<10} {area.name}")
