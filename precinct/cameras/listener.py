"""The MQTT receiver behind `manage.py cameras_listen`: subscribes with a persistent session and QoS 1,
stores each batch of messages in the inbox (one INSERT) and only then acknowledges them, so a listener
killed mid-batch gets the unacknowledged messages again from the broker (and the inbox key drops repeats).
Paho reconnects by itself when the broker goes away and comes back.

MQTT 5 (ADR 0035): the session outlives the connection (Session Expiry Interval: never, as MQTT 3.1.1's
clean_session=False did) and the listener's Receive Maximum lets the broker keep a whole batch unacknowledged
in flight (MQTT 3.1.1 leaves that to the broker's max_inflight_messages, 20 in Mosquitto: batches of 20)."""

import logging
import queue
import threading
import time
from urllib.parse import urlsplit

import paho.mqtt.client as mqtt
from django.db import DatabaseError, close_old_connections, connection
from django.utils import timezone
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from precinct.cameras.ingest import Received, _recorders_by_prefix, inbox_store, subscriptions

logger = logging.getLogger(__name__)
RECORDERS_TTL = 10.0  # seconds a listener trusts its map of topic prefixes (a new recorder waits this long)
NEVER = 0xFFFFFFFF  # MQTT 5's session expiry "never"


def topics() -> list[str]:
    """Single-level prefixes through wildcards (new recorders need no restart); deeper ones by name."""
    wild = {"+/events", "+/reviews", "+/available", "+/+/status/+"}
    return sorted({*wild, *(t for t in subscriptions() if t.count("/") > (3 if "/status/" in t else 1))})


def make_client(url: str, client_id: str) -> mqtt.Client:
    parts = urlsplit(url)
    client = mqtt.Client(
        callback_api_version=mqtt.CallbackAPIVersion.VERSION2,
        client_id=client_id,
        protocol=mqtt.MQTTv5,
    )
    if parts.username:
        client.username_pw_set(parts.username, parts.password or "")
    if parts.scheme == "mqtts":
        client.tls_set()
    client.reconnect_delay_set(min_delay=1, max_delay=30)
    return client


def connect_properties(batch_size: int) -> Properties:
    properties = Properties(PacketTypes.CONNECT)
    properties.SessionExpiryInterval = NEVER  # a persistent session: the broker keeps QoS 1 messages for us
    properties.ReceiveMaximum = min(max(batch_size, 20), 65535)
    return properties


class _Recorders:
    """The topic prefix → recorder map, read again every RECORDERS_TTL seconds instead of once per batch."""

    def __init__(self) -> None:
        self.at = -RECORDERS_TTL
        self.map: dict = {}

    def get(self) -> dict:
        if time.monotonic() - self.at >= RECORDERS_TTL:
            self.map, self.at = _recorders_by_prefix(), time.monotonic()
        return self.map


def listen(
    *, url: str, client_id: str, stop: threading.Event, batch_size: int = 1000, ready: threading.Event | None = None
) -> int:
    """Run until `stop` is set; answers how many messages were stored. `ready` is set once subscribed."""
    inbox: queue.SimpleQueue[tuple[Received, int]] = queue.SimpleQueue()
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
    client.connect_async(
        parts.hostname or "127.0.0.1",
        parts.port or 1883,
        keepalive=30,
        clean_start=False,
        properties=connect_properties(batch_size),
    )
    client.loop_start()
    recorders = _Recorders()
    stored = 0
    batch: list[tuple[Received, int]] = []
    try:
        while not stop.is_set():
            try:
                if not batch:
                    batch.append(inbox.get(timeout=0.2))
                while len(batch) < batch_size:
                    batch.append(inbox.get_nowait())
            except queue.Empty:
                pass
            if not batch:
                continue
            try:
                close_old_connections()
                inbox_store([received for received, _mid in batch], by_prefix=recorders.get())
            except DatabaseError:
                # The database is away: keep the batch (unacknowledged) and try it again shortly.
                logger.exception("cameras_listen could not store %d messages; retrying", len(batch))
                connection.close()
                stop.wait(1.0)
                continue
            for _received, mid in batch:
                client.ack(mid, 1)
            stored += len(batch)
            batch = []
    finally:
        client.loop_stop()
        client.disconnect()
        connection.close()
    return stored
