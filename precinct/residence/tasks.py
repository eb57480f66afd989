"""Background work: the inbox of guests' stays turned into stays."""

from django.tasks import task

from precinct.residence.services import stay_notices_process


@task
def stay_notices_process_task() -> int:
    return stay_notices_process()


@task
def quality_snapshots_task() -> int:
    from precinct.residence.services.snapshots import quality_snapshots_take

    return quality_snapshots_take()
