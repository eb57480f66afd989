"""Background work for statistics: fold the changes dossiers made into the summary tables."""

from typing import Any

from django.tasks import task

from precinct.stats.folding import stats_fold


@task
def stats_fold_task() -> dict[str, Any]:
    return {"folded": stats_fold()}
