"""Demo statistics: a few thousand synthetic dossiers over two years, so the dashboards have figures.
(`manage.py generate_dossiers --count 1000000` makes a realistic volume.) seed_demo runs this after every
other app's demo (devdata is the last installed app): the dossiers need the units and the catalogue."""

from typing import Any

from precinct.accounts.models import User
from precinct.core.demo import DemoAccount
from precinct.devdata.dossiers import SYNTHETIC_DOMAIN, generate_dossiers
from precinct.stats.rebuild import stats_rebuild

DEMO_DOSSIERS = 3000


def seed(*, stdout: Any) -> list[DemoAccount]:
    if User.objects.filter(email__endswith=f"@{SYNTHETIC_DOMAIN}").exists():
        stdout.write("Statistics: synthetic dossiers already there.")
        return []
    # No synthetic ratings here: the demo's ratings page shows only what demo citizens really rated.
    result = generate_dossiers(count=DEMO_DOSSIERS, years=2, seed=2026, ratings=False, progress=lambda _message: None)
    stats_rebuild()
    stdout.write(f"Statistics: {result['dossiers']:,} synthetic dossiers, summaries rebuilt.")
    return []
