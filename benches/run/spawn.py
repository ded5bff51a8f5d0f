# Benchmark workload (benches/run.rs): CPython's side of spawn.thr.
import threading
count = 0
guard = threading.Lock()
def add():
    global count
    with guard:
        count += 1
ts = [threading.Thread(target=add) for _ in range(10000)]
for t in ts: t.start()
for t in ts: t.join()
assert count == 10000
