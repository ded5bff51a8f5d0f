# Benchmark workload (benches/run.rs): CPython's side of hello.thr.
print("hello")
