"""A raster PMTiles file for the map's tests, written with protomaps' own Python writer: the same light-blue
PNG tile at every zoom over a small box (enough for the view the map fits to the cameras)."""

import io
import math
from pathlib import Path

from PIL import Image
from pmtiles.tile import Compression, TileType, zxy_to_tileid
from pmtiles.writer import Writer


def _tile(lat: float, lon: float, z: int) -> tuple[int, int]:
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


def write_pmtiles(path: Path, *, lat: float, lon: float, max_zoom: int = 18, spread: int = 4) -> Path:
    png = io.BytesIO()
    Image.new("RGB", (256, 256), (168, 206, 230)).save(png, "PNG")
    tiles = []
    for z in range(max_zoom + 1):
        cx, cy = _tile(lat, lon, z)
        n = 2**z
        for x in range(max(cx - spread, 0), min(cx + spread, n - 1) + 1):
            for y in range(max(cy - spread, 0), min(cy + spread, n - 1) + 1):
                tiles.append(zxy_to_tileid(z, x, y))
    with path.open("wb") as f:
        writer = Writer(f)
        for tile_id in sorted(tiles):
            writer.write_tile(tile_id, png.getvalue())
        writer.finalize(
            {"tile_type": TileType.PNG, "tile_compression": Compression.NONE, "center_zoom": 14},
            {"name": "Precinct test base layer", "attribution": "test"},
        )
    return path
