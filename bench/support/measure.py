"""What the benches share to compare runs on a shared, noisy machine."""

import time


def floor() -> float:
    """CPU seconds of a fixed pure-Python loop (3 M iterations) in this process: the machine's speed now."""
    started = time.process_time()
    total = 0
    for i in range(3_000_000):
        total += i % 7
    return time.process_time() - started
