"""The MQTT receiver behind `manage.py cameras_listen`: subscribes with a persistent session and QoS 1,
stores each batch of messages in the inbox (one INSERT) and only then acknowledges them, so a listener
killed mid-batch gets the unacknowledged messages again from the broker (and the inbox key drops repeats).
Paho reconnects by itself when the broker goes away and comes back."""

import logging
import queue
import threading
from urllib.parse import urlsplit

import paho.mqtt.client as mqtt
from django.db import close_old_connections, connection
from django.utils import timezone

from precinct.cameras.ingest import Received, inbox_store, subscriptions

logger = logging.getLogger(__name__)


def topics() -> list[str]:
    """Single-level prefixes through wildcards (new recorders need no restart); deeper ones by name."""
    return sorted({"+/events", "+/available", *(t for t in subscriptions() if t.count("/") > 1)})


def make_client(url: str, client_id: str) -> mqtt.Client:
    parts = urlsplit(url)
    client = mqtt.Client(
        callback_api_version=mqtt.CallbackAPIVersion.VERSION2,
        client_id=client_id,
        clean_session=False,  # a persistent session: the broker keeps QoS 1 messages while we are away
        protocol=mqtt.MQTTv311,
    )
    if parts.username:
        client.username_pw_set(parts.username, parts.password or "")
    if parts.scheme == "mqtts":
        client.tls_set()
    client.reconnect_delay_set(min_delay=1, max_delay=30)
    return client


def listen(
    *, url: str, client_id: str, stop: threading.Event, batch_size: int = 500, ready: threading.Event | None = None
) -> int:
    """Run until `stop` is set; answers how many messages were stored. `ready` is set once subscribed."""
    inbox: queue.Queue[tuple[Received, int]] = queue.Queue()
    client = make_client(url, client_id)
    client.manual_ack_set(True)  # acknowledge only after the inbox row is committed

    def on_connect(client: mqtt.Client, userdata: object, flags: object, reason: object, properties: object) -> None:
        client.subscribe([(topic, 1) for topic in topics()])
        logger.info("cameras_listen connected (%s)", reason)

    def on_message(client: mqtt.Client, userdata: object, message: mqtt.MQTTMessage) -> None:
        inbox.put((Received(topic=message.topic, body=message.payload, received_at=timezone.now()), message.mid))

    def on_subscribe(client: mqtt.Client, userdata: object, mid: int, reasons: object, properties: object) -> None:
        if ready is not None:
            ready.set()

    client.on_connect = on_connect
    client.on_subscribe = on_subscribe
    client.on_message = on_message
    parts = urlsplit(url)
    client.connect_async(parts.hostname or "127.0.0.1", parts.port or 1883, keepalive=30)
    client.loop_start()
    stored = 0
    try:
        while not stop.is_set():
            batch: list[tuple[Received, int]] = []
            try:
                batch.append(inbox.get(timeout=0.2))
                while len(batch) < batch_size:
                    batch.append(inbox.get_nowait())
            except queue.Empty:
                pass
            if not batch:
                continue
            close_old_connections()
            try:
                inbox_store([received for received, _mid in batch])
            except Exception:  # a database outage: do not acknowledge; the broker sends them again
                logger.exception("cameras_listen could not store %d messages", len(batch))
                continue
            for _received, mid in batch:
                client.ack(mid, 1)
            stored += len(batch)
    finally:
        client.loop_stop()
        client.disconnect()
        connection.close()
    return stored
