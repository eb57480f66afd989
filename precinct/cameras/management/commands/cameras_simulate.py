"""Publish Frigate-shaped messages for a registered recorder's cameras: to the MQTT broker (MQTT_URL or
--url), or signed to the webhook (--webhook http://127.0.0.1:8000) when there is no broker. For `make run`."""

import hashlib
import hmac
import json
import random
import time
import urllib.request
import uuid
from typing import Any
from urllib.parse import urlsplit

import paho.mqtt.client as mqtt
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from precinct.cameras.models import Camera, Recorder


class Command(BaseCommand):
    help = (
        "Simulate a Frigate recorder: detections (new → update → end) with their reviews, availability, camera status."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--recorder", default="haan-1", help="the recorder's MQTT topic prefix")
        parser.add_argument("--url", default="", help="mqtt://host:1883 (default: MQTT_URL)")
        parser.add_argument("--webhook", default="", help="post to this site's webhook instead of MQTT")
        parser.add_argument("--count", type=int, default=5, help="how many detections")
        parser.add_argument("--interval", type=float, default=2.0, help="seconds between detections")
        parser.add_argument("--offline", action="store_true", help="publish `offline` on <prefix>/available")
        parser.add_argument(
            "--camera-status",
            nargs=2,
            metavar=("CAMERA", "STATUS"),
            help="publish STATUS (online, offline, disabled) on <prefix>/<CAMERA>/status/detect",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        recorder = Recorder.objects.filter(mqtt_prefix=options["recorder"]).first()
        if recorder is None:
            raise CommandError(f"No recorder has the topic prefix {options['recorder']!r} (run seed_demo first).")
        cameras = list(Camera.objects.filter(recorder=recorder).values_list("source_name", flat=True))
        send = self._webhook(recorder, options["webhook"]) if options["webhook"] else self._mqtt(options["url"])
        prefix = recorder.mqtt_prefix
        if options["offline"]:
            send(f"{prefix}/available", b"offline")
            self.stdout.write(f"{prefix}/available: offline")
            return
        if options["camera_status"]:
            name, status = options["camera_status"]
            send(f"{prefix}/{name}/status/detect", status.encode())
            self.stdout.write(f"{prefix}/{name}/status/detect: {status}")
            return
        send(f"{prefix}/available", b"online")
        rng = random.Random()  # noqa: S311  (which camera sees what: not a secret)
        for n in range(options["count"]):
            event_id = f"{time.time():.6f}-{uuid.uuid4().hex[:6]}"
            camera, label = rng.choice(cameras), rng.choice(["person", "boat", "person", "bird"])
            start = time.time()
            for kind, score in (("new", 0.72), ("update", 0.88), ("end", 0.88)):
                after = {
                    "id": event_id, "camera": camera, "label": label, "sub_label": None, "score": score,
                    "top_score": score, "start_time": start, "end_time": time.time() if kind == "end" else None,
                    "current_zones": ["cages"], "entered_zones": ["cages"], "has_snapshot": True,
                    "has_clip": kind == "end", "false_positive": False,
                }  # fmt: skip
                send(f"{prefix}/events", json.dumps({"type": kind, "before": after, "after": after}).encode())
                if kind != "update":  # Frigate's review of the same situation (ADR 0035)
                    send(f"{prefix}/reviews", self._review(kind, event_id, camera, label, start))
            self.stdout.write(f"{n + 1}: {label} on {camera} ({event_id})")
            time.sleep(options["interval"])

    @staticmethod
    def _review(kind: str, event_id: str, camera: str, label: str, start: float) -> bytes:
        after = {
            "id": f"r-{event_id}", "camera": camera, "start_time": start,
            "end_time": time.time() if kind == "end" else None,
            "severity": "alert" if label in ("person", "boat") else "detection",
            "data": {"detections": [event_id], "objects": [label], "sub_labels": [], "zones": ["cages"], "audio": []},
        }  # fmt: skip
        return json.dumps({"type": kind, "before": after, "after": after}).encode()

    def _mqtt(self, url: str) -> Any:
        url = url or settings.MQTT_URL
        if not url:
            raise CommandError("No broker: set MQTT_URL or --url, or use --webhook http://127.0.0.1:8000.")
        parts = urlsplit(url)
        client = mqtt.Client(callback_api_version=mqtt.CallbackAPIVersion.VERSION2, client_id=f"sim-{uuid.uuid4()}")
        if parts.username:
            client.username_pw_set(parts.username, parts.password or "")
        client.connect(parts.hostname or "127.0.0.1", parts.port or 1883)
        client.loop_start()

        def send(topic: str, body: bytes) -> None:
            client.publish(topic, body, qos=1, retain=topic.endswith("/available")).wait_for_publish(timeout=10)

        return send

    def _webhook(self, recorder: Recorder, base: str) -> Any:
        def send(topic: str, body: bytes) -> None:
            if not topic.endswith("/events"):
                return  # availability travels over MQTT only
            signature = hmac.new(recorder.webhook_secret.encode(), body, hashlib.sha256).hexdigest()
            request = urllib.request.Request(  # noqa: S310  (a URL the operator gives)
                base.rstrip("/") + "/api/v1/cameras/events",
                data=body,
                headers={
                    "Content-Type": "application/json",
                    "X-Recorder-Id": str(recorder.pk),
                    "X-Signature": f"sha256={signature}",
                },
            )
            urllib.request.urlopen(request, timeout=10).close()  # noqa: S310

        return send
