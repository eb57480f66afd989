"""The pages as every actor: the registry, the duty console (and its live fragment), the alert actions, and
the household's own cameras with the consent withdrawal."""

from precinct.cameras.models import Alert, AlertStatus, Consent
from precinct.cameras.tests.conftest import alert_for, feed, frigate
from precinct.testing import Expect, assert_matrix

A, B = "CAM-A1", "CAM-B1"
ONLY_A = Expect(200, shows=(A,), hides=(B,))
ONLY_B = Expect(200, shows=(B,), hides=(A,))
NEITHER = Expect(200, hides=(A, B))
BOTH = Expect(200, shows=(A, B))


def test_registry_page(world, cams):
    assert_matrix(
        world,
        lambda c: c.get("/cameras/"),
        {
            "anonymous": 302,
            "citizen": 403,
            "officer_a": ONLY_A,
            "duty_a": ONLY_A,
            "leader_a": ONLY_A,
            "officer_b": ONLY_B,
            "officer_dept": NEITHER,
            "leader_p": BOTH,
            "admin_p": BOTH,
            "superuser": BOTH,
        },
    )


def test_console_and_its_live_fragment(world, cams):
    feed("rec-a", frigate("new", "a-1"))
    feed("rec-b", frigate("new", "b-1"))
    for url in ("/cameras/console/", "/cameras/console/alerts/"):
        assert_matrix(
            world,
            lambda c, url=url: c.get(url),
            {
                "anonymous": 302,
                "citizen": 403,
                "officer_a": ONLY_A,
                "duty_a": Expect(200, shows=(A, "Tiếp nhận"), hides=(B,)),
                "leader_a": ONLY_A,
                "officer_b": ONLY_B,
                "officer_dept": NEITHER,
                "leader_p": BOTH,
                "admin_p": 403,
                "superuser": BOTH,
            },
        )
    assert 'data-stream="/cameras/console/stream"' in world.client("duty_a").get("/cameras/console/").content.decode()


def test_alert_actions_on_the_console(world, cams):
    for action, status in (
        ("acknowledge", AlertStatus.ACKNOWLEDGED),
        ("hand-on", AlertStatus.HANDED_ON),
        ("dismiss", AlertStatus.DISMISSED),
    ):
        made = []

        def act(client, action=action, made=made):
            alert = alert_for(world, cams)
            made.append(alert.pk)
            return client.post(f"/cameras/alerts/{alert.pk}/{action}/", {"note": "ra hiện trường, không có gì"})

        assert_matrix(
            world,
            act,
            {
                "anonymous": 302,
                "citizen": 404,
                "officer_a": 302,
                "duty_a": 302,
                "leader_a": 302,
                "officer_b": 404,
                "officer_dept": 404,
                "leader_p": 302,
                "admin_p": 404,
                "superuser": 302,
            },
        )
        changed = dict(Alert.objects.filter(pk__in=made).values_list("pk", "status"))
        # In the order of ACTORS: anonymous, citizen, officer_a, duty_a, leader_a, officer_b,
        # officer_dept, leader_p, admin_p, superuser.
        acted = [changed[pk] == status for pk in made]
        assert acted == [False, False, True, True, True, False, False, True, False, True], action


def test_own_cameras_page_and_withdrawal(world, cams):
    none = Expect(200, hides=(A,))
    assert_matrix(
        world,
        lambda c: c.get("/cameras/mine/"),
        {
            "anonymous": 302,
            "citizen": Expect(200, shows=(A, "Rút lại đồng ý"), hides=("CAM-A2", B)),
            "officer_a": none,
            "duty_a": none,
            "leader_a": none,
            "officer_b": none,
            "officer_dept": none,
            "leader_p": none,
            "admin_p": none,
            "superuser": none,
        },
    )
    consent = cams.a1.consents.get()
    assert_matrix(
        world,
        lambda c: c.post(f"/cameras/consents/{consent.pk}/withdraw/"),
        {
            "anonymous": 302,
            "citizen": 302,
            "officer_a": 404,
            "duty_a": 404,
            "leader_a": 404,
            "officer_b": 404,
            "officer_dept": 404,
            "leader_p": 404,
            "admin_p": 404,
            "superuser": 404,
        },
    )
    assert Consent.objects.get(pk=consent.pk).withdrawn_at is not None
    page = world.client("citizen").get("/cameras/mine/").content.decode()
    main = page[page.index("<main") :]
    assert "<strong>Đã rút lại đồng ý" in main and "<button" not in main
