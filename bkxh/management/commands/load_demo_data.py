from audit.commands import AuditedCommand
from bkxh.demo import DEMO_PASSWORD, DEMO_YEAR, load_demo_data


class Command(AuditedCommand):
    help = "Load the Bắc Kạn 2024 demo (units, catalogue, figures, registers, a login). Safe to run again."

    def handle(self, *args, **options):
        loaded = load_demo_data()
        self.stdout.write(
            f"{loaded['admin_units']} administrative units, {loaded['indicators']} indicators, "
            f"{loaded['values']} values for {DEMO_YEAR}, {len(loaded['agencies'])} letterheads."
        )
        registers = dict(loaded["registers"])
        people, households = registers.pop("people"), registers.pop("households")
        self.stdout.write(
            f"Registers for {DEMO_YEAR}: "
            + ", ".join(f"{count} {label}" for label, count in registers.items())
            + f"; {people} synthetic people in {households} households."
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo login: {loaded['user'].username} / {DEMO_PASSWORD} at http://127.0.0.1:8000/admin/ "
                f"(report: http://127.0.0.1:8000/reports/{DEMO_YEAR}/)"
            )
        )
        self.stdout.write("One login per role, same password:")
        for user, role, area in loaded["role_users"]:
            self.stdout.write(f"  {user.username:<16} / {DEMO_PASSWORD}  {role:<10} {area.name}")
