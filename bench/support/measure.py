"""What the benches share to compare runs on a shared, noisy machine."""

import os
import time
from pathlib import Path


def floor() -> float:
    """CPU seconds of a fixed pure-Python loop (3 M iterations) in this process: the machine's speed now."""
    started = time.process_time()
    total = 0
    for i in range(3_000_000):
        total += i % 7
    return time.process_time() - started


TICK = os.sysconf("SC_CLK_TCK")


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system) so far of another process, such as a PostgreSQL backend, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK
