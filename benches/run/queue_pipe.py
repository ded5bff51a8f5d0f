# Benchmark workload (benches/run.rs): CPython's side of queue_pipe.thr.
import threading, queue
q = queue.Queue(maxsize=10)
N = 200000
def producer():
    for i in range(N):
        q.put(i)
    q.put(None)
def consumer():
    total = 0
    while True:
        x = q.get()
        if x is None: break
        total += x
    assert total == N*(N-1)//2
t1 = threading.Thread(target=producer); t2 = threading.Thread(target=consumer)
t1.start(); t2.start(); t1.join(); t2.join()
