from django.utils.translation import gettext as _

from audit.commands import AuditedCommand
from bkxh.numbers import format_decimal
from demo.loading import DEMO_PASSWORD, DEMO_YEAR, load_demo_data


class Command(AuditedCommand):
    help = "Load the Bắc Kạn 2024 demo (units, catalogue, figures, registers, a login). Safe to run again."

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
            self.stdout.write(f"  {user.username:<16} / {DEMO_PASSWORD}  {role:<10} {area.name}")
