"""A workload for memory_profiler's `mprof run` (Heapscope's mprof fixtures): two nested @profile
functions that grow and release memory, and a child process that allocates on its own, so the run file
has MEM samples, FUNC spans at two depths and CHLD series.

    python3-mprof run --multiprocess --interval 0.02 --output run.dat mprof_workload.py
"""
import multiprocessing
import time

try:
    profile  # injected by `mprof run` (memory_profiler's timestamping decorator)
except NameError:  # pragma: no cover - run without mprof
    def profile(f):
        return f


@profile
def build(n):
    block = [bytearray(1024) for _ in range(n)]
    time.sleep(0.15)
    return block


@profile
def load():
    keep = build(20000)
    time.sleep(0.1)
    more = build(10000)
    time.sleep(0.1)
    del more
    time.sleep(0.1)
    return keep


def child():
    data = [bytearray(2048) for _ in range(15000)]
    time.sleep(0.4)
    return len(data)


if __name__ == "__main__":
    p = multiprocessing.Process(target=child)
    p.start()
    kept = load()
    time.sleep(0.1)
    p.join()
    del kept
    time.sleep(0.1)
