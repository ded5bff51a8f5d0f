# Benchmark workload (benches/run.rs): CPython's side of counter_lock.thr.
import threading
count = 0
guard = threading.Lock()
def count_up(n):
    global count
    for i in range(n):
        with guard:
            count += 1
t1 = threading.Thread(target=count_up, args=(100000,))
t2 = threading.Thread(target=count_up, args=(100000,))
t1.start(); t2.start(); t1.join(); t2.join()
assert count == 200000
