"""A real HTTP server standing in for a Frigate recorder in tests: it serves `/api/events/<id>/snapshot.jpg`
as Frigate does (a JPEG made with Pillow), and, for some ids, the failures a recorder can give."""

import io
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from PIL import Image, ImageDraw


def jpeg(text: str = "CAM-A2 23:30", size: tuple[int, int] = (320, 180)) -> bytes:
    image = Image.new("RGB", size, (18, 40, 64))
    draw = ImageDraw.Draw(image)
    draw.rectangle((120, 60, 170, 150), outline=(250, 200, 40), width=3)
    draw.text((8, 8), text, fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


@dataclass
class FakeRecorder:
    url: str
    image: bytes
    hits: list[str] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None
    # event id -> (status, content type, body) for answers other than the image
    answers: dict[str, tuple[int, str, bytes]] = field(default_factory=dict)

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()


def start(image: bytes | None = None) -> FakeRecorder:
    recorder = FakeRecorder(url="", image=image or jpeg())

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            recorder.hits.append(self.path)
            parts = self.path.strip("/").split("/")  # api, events, <id>, snapshot.jpg
            if len(parts) != 4 or parts[:2] != ["api", "events"] or parts[3] != "snapshot.jpg":
                self.send_error(404)
                return
            status, content_type, body = recorder.answers.get(parts[2], (200, "image/jpeg", recorder.image))
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    recorder.server = server
    recorder.url = f"http://127.0.0.1:{server.server_address[1]}"
    return recorder
