import pytest
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from precinct.core.batching import BatchedTask
from precinct.stats.receivers import _fold_task


@pytest.mark.django_db(transaction=True)
def test_commits_within_the_interval_queue_one_run_that_long_after_and_a_rollback_queues_none(settings):
    settings.STATS_FOLD_SECONDS = 30
    batched = BatchedTask(_fold_task, seconds_setting="STATS_FOLD_SECONDS")
    with pytest.raises(RuntimeError), transaction.atomic():
        batched.after_commit()
        raise RuntimeError("rolled back")
    assert not DBTaskResult.objects.exists()
    before = timezone.now()
    for _ in range(3):
        with transaction.atomic():
            batched.after_commit()
    (queued,) = DBTaskResult.objects.all()
    assert queued.task_path.endswith("stats_fold_task")
    assert (queued.run_after - before).total_seconds() >= 30  # gathers what the next 30 s commit
    batched.forget()
    with transaction.atomic():
        batched.after_commit()
    assert DBTaskResult.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_without_an_interval_every_commit_queues_a_run(settings):
    settings.STATS_FOLD_SECONDS = 0
    batched = BatchedTask(_fold_task, seconds_setting="STATS_FOLD_SECONDS")
    for _ in range(2):
        with transaction.atomic():
            batched.after_commit()
    assert DBTaskResult.objects.count() == 2
