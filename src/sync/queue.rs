//! `queue`, `lifo queue` and `priority queue`, with Python's `maxsize`, blocking and timed
//! `put`/`get`, `task_done` and `join`.
//!
//! FIFO items travel through a crossbeam channel (bounded by `maxsize`, or unbounded);
//! LIFO and priority items live in a vector. Waiting is the usual poll/wake protocol: a
//! blocked `get` registers in `not_empty` and retries; a `put` wakes it.

use std::sync::atomic::{
    AtomicI64, AtomicU32, AtomicUsize, Ordering::Relaxed, Ordering::SeqCst, fence,
};

use crossbeam_channel::{Receiver, Sender, TrySendError};
use crossbeam_utils::CachePadded;
use parking_lot::Mutex;

use super::wait::{Poll, Tid, WaitList, Waker};
use crate::vm::exc::{Exc, bare, kind, value_error};
use crate::vm::value::Value;

/// Which order items come out in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// First in, first out (`queue`).
    Fifo,
    /// Last in, first out (`lifo queue`).
    Lifo,
    /// Lowest first (`priority queue`).
    Priority,
}

/// Orders two items of a priority queue (`a < b`), or fails like Python's `<`.
pub type LessThan = fn(&Value, &Value) -> Result<bool, Exc>;

#[derive(Default)]
struct Waits {
    not_empty: WaitList,
    not_full: WaitList,
    all_done: WaitList,
}

/// The two sides of a queue, as they wait for each other.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// A `put` waiting for room.
    Put,
    /// A `get` waiting for an item.
    Get,
}

/// A queue.
pub struct Queue {
    /// Item order.
    pub order: Order,
    /// `maxsize` as given (`<= 0`: unbounded).
    pub maxsize: i64,
    channel: Option<(Sender<Value>, Receiver<Value>)>,
    items: Mutex<Vec<Value>>,
    /// Written by every `put`: on its own cache line, so the consumer's reads of the rest
    /// do not keep taking it from the producer.
    unfinished: CachePadded<AtomicI64>,
    waits: Mutex<Waits>,
    /// Read by every `put` and `get`, written only when a waiter comes or goes.
    nwaiters: CachePadded<AtomicUsize>,
    /// The CPU each [`Side`] last started waiting on (see [`Queue::other_side_here`]).
    wait_cpus: CachePadded<[AtomicU32; 2]>,
    less: LessThan,
}

impl Queue {
    /// A queue of `order` holding at most `maxsize` items (`<= 0`: no limit).
    pub fn new(order: Order, maxsize: i64, less: LessThan) -> Queue {
        let channel = (order == Order::Fifo).then(|| {
            if maxsize > 0 {
                crossbeam_channel::bounded(maxsize as usize)
            } else {
                crossbeam_channel::unbounded()
            }
        });
        Queue {
            order,
            maxsize,
            channel,
            items: Mutex::new(Vec::new()),
            unfinished: CachePadded::new(AtomicI64::new(0)),
            waits: Mutex::new(Waits::default()),
            nwaiters: CachePadded::new(AtomicUsize::new(0)),
            wait_cpus: CachePadded::new([AtomicU32::new(u32::MAX), AtomicU32::new(u32::MAX)]),
            less,
        }
    }

    /// `qsize()`.
    pub fn qsize(&self) -> usize {
        match &self.channel {
            Some((_, rx)) => rx.len(),
            None => self.items.lock().len(),
        }
    }

    /// `full()`.
    pub fn full(&self) -> bool {
        self.maxsize > 0 && self.qsize() as i64 >= self.maxsize
    }

    /// A snapshot of the items in the order they would come out (for reports).
    pub fn snapshot(&self) -> Vec<Value> {
        match &self.channel {
            // A channel can't be looked into; its length is what reports show.
            Some(_) => Vec::new(),
            None => {
                let mut v = self.items.lock().clone();
                if self.order == Order::Lifo {
                    v.reverse();
                }
                v
            }
        }
    }

    fn with_waits(&self, f: impl FnOnce(&mut Waits)) {
        let mut w = self.waits.lock();
        f(&mut w);
        let n = w.not_empty.len() + w.not_full.len() + w.all_done.len();
        self.nwaiters.store(n, SeqCst);
    }

    /// Wakes threads after a change, if any are waiting.
    fn notify(&self, f: impl FnOnce(&mut Waits)) {
        fence(SeqCst);
        if self.nwaiters.load(SeqCst) > 0 {
            self.with_waits(f);
        }
    }

    /// Notes that side `side` starts waiting on the current CPU, and tells whether the other
    /// side last waited on this same CPU. If so, the thread it waits
    /// for probably cannot run until this one gives up the CPU, so spinning would only
    /// delay it (adaptive locks spin only while the holder runs elsewhere, for the same
    /// reason).
    pub fn other_side_here(&self, side: Side) -> bool {
        let cpu = super::wait::current_cpu();
        let [put, get] = &*self.wait_cpus;
        let (mine, theirs) = match side {
            Side::Put => (put, get),
            Side::Get => (get, put),
        };
        if mine.load(Relaxed) != cpu {
            mine.store(cpu, Relaxed);
        }
        cpu != u32::MAX && theirs.load(Relaxed) == cpu
    }

    /// `put` of a FIFO queue when there is room now; gives the item back otherwise (and
    /// for the other orders). The interpreter's fast path, and the channel case of every
    /// `put`.
    pub fn put_now(&self, item: Value) -> Result<(), Value> {
        let Some((tx, _)) = &self.channel else {
            return Err(item);
        };
        self.unfinished.fetch_add(1, SeqCst);
        match tx.try_send(item) {
            Ok(()) => {
                self.notify(|w| w.not_empty.wake_one());
                Ok(())
            }
            Err(TrySendError::Full(v) | TrySendError::Disconnected(v)) => {
                self.unfinished.fetch_sub(1, SeqCst);
                Err(v)
            }
        }
    }

    /// `get` of a FIFO queue when an item is there now (`None` otherwise, and for the
    /// other orders): the interpreter's fast path, and the channel case of every `get`.
    pub fn get_now(&self) -> Option<Value> {
        self.take_now(|item| item)
    }

    /// [`Self::get_now`] straight onto `stack`; true if there was an item. The item goes
    /// from the channel to the stack without an `Option` in between: each copy of a value
    /// written in parts stalls (see `crate::vm::value::push_int`).
    pub fn get_onto(&self, stack: &mut Vec<Value>) -> bool {
        self.take_now(|item| stack.push(item)).is_some()
    }

    /// Takes an item now, if there is one, and hands it to `f`.
    #[inline(always)]
    fn take_now<R>(&self, f: impl FnOnce(Value) -> R) -> Option<R> {
        match self.channel.as_ref()?.1.try_recv() {
            Ok(item) => {
                let r = f(item);
                self.notify(|w| w.not_full.wake_one());
                Some(r)
            }
            Err(_) => None,
        }
    }

    fn try_put(&self, item: Value) -> Result<Result<(), Value>, Exc> {
        if self.channel.is_some() {
            return Ok(self.put_now(item));
        }
        self.unfinished.fetch_add(1, SeqCst);
        let result = {
            let mut items = self.items.lock();
            if self.maxsize > 0 && items.len() as i64 >= self.maxsize {
                Err(item)
            } else {
                if self.order == Order::Priority {
                    heap_push(&mut items, item, self.less)?;
                } else {
                    items.push(item);
                }
                Ok(())
            }
        };
        if result.is_err() {
            self.unfinished.fetch_sub(1, SeqCst);
        } else {
            self.notify(|w| w.not_empty.wake_one());
        }
        Ok(result)
    }

    fn try_get(&self) -> Result<Option<Value>, Exc> {
        if self.channel.is_some() {
            return Ok(self.get_now());
        }
        let item = {
            let mut items = self.items.lock();
            match self.order {
                Order::Priority => heap_pop(&mut items, self.less)?,
                _ => items.pop(),
            }
        };
        if item.is_some() {
            self.notify(|w| w.not_full.wake_one());
        }
        Ok(item)
    }

    /// One poll of `put`. The item stays in `slot` until it is accepted.
    pub fn poll_put(
        &self,
        tid: Tid,
        waker: Option<&Waker>,
        slot: &mut Option<Value>,
        block: bool,
        now: f64,
        deadline: Option<f64>,
    ) -> Poll<Result<(), Exc>> {
        let Some(item) = slot.take() else {
            return Poll::Ready(Ok(()));
        };
        match self.try_put(item) {
            Err(e) => return Poll::Ready(Err(e)),
            Ok(Ok(())) => {
                self.unregister(tid);
                return Poll::Ready(Ok(()));
            }
            Ok(Err(back)) => *slot = Some(back),
        }
        if !block || deadline.is_some_and(|d| now >= d) {
            self.unregister(tid);
            return Poll::Ready(Err(bare(kind::Full)));
        }
        if let Some(w) = waker {
            self.with_waits(|ws| ws.not_full.register(tid, w));
            fence(SeqCst);
            if !self.full() {
                return self.poll_put(tid, None, slot, block, now, deadline);
            }
        }
        Poll::Pending
    }

    /// One poll of `get`.
    pub fn poll_get(
        &self,
        tid: Tid,
        waker: Option<&Waker>,
        block: bool,
        now: f64,
        deadline: Option<f64>,
    ) -> Poll<Result<Value, Exc>> {
        match self.try_get() {
            Err(e) => return Poll::Ready(Err(e)),
            Ok(Some(v)) => {
                self.unregister(tid);
                return Poll::Ready(Ok(v));
            }
            Ok(None) => {}
        }
        if !block || deadline.is_some_and(|d| now >= d) {
            self.unregister(tid);
            return Poll::Ready(Err(bare(kind::Empty)));
        }
        if let Some(w) = waker {
            self.with_waits(|ws| ws.not_empty.register(tid, w));
            fence(SeqCst);
            if self.qsize() > 0 {
                return self.poll_get(tid, None, block, now, deadline);
            }
        }
        Poll::Pending
    }

    fn unregister(&self, tid: Tid) {
        if self.nwaiters.load(SeqCst) > 0 {
            self.with_waits(|w| {
                w.not_empty.remove(tid);
                w.not_full.remove(tid);
                w.all_done.remove(tid);
            });
        }
    }

    /// Forgets `tid`'s abandoned `get`, `put` or `join` (see
    /// [`super::wait::WaitList::forget`]).
    pub fn forget(&self, tid: Tid) {
        self.with_waits(|w| {
            w.not_empty.forget(tid);
            w.not_full.forget(tid);
            w.all_done.forget(tid);
        });
    }

    /// `task_done()`.
    pub fn task_done(&self) -> Result<(), Exc> {
        let left = self.unfinished.fetch_sub(1, SeqCst) - 1;
        if left < 0 {
            self.unfinished.fetch_add(1, SeqCst);
            return Err(value_error("task_done() called too many times"));
        }
        if left == 0 {
            self.notify(|w| w.all_done.wake_all());
        }
        Ok(())
    }

    /// One poll of `join()`: ready when every item put has been marked done.
    pub fn poll_join(&self, tid: Tid, waker: Option<&Waker>) -> Poll<()> {
        if self.unfinished.load(SeqCst) <= 0 {
            self.unregister(tid);
            return Poll::Ready(());
        }
        if let Some(w) = waker {
            self.with_waits(|ws| ws.all_done.register(tid, w));
            fence(SeqCst);
            if self.unfinished.load(SeqCst) <= 0 {
                self.unregister(tid);
                return Poll::Ready(());
            }
        }
        Poll::Pending
    }

    /// Items put but not yet marked done.
    pub fn unfinished(&self) -> i64 {
        self.unfinished.load(SeqCst)
    }
}

/// Validates a blocking call's timeout as `queue` does.
pub fn check_timeout(block: bool, timeout: Option<f64>) -> Result<(), Exc> {
    match timeout {
        Some(t) if block && t < 0.0 => Err(value_error("'timeout' must be a non-negative number")),
        _ => Ok(()),
    }
}

/// `heapq.heappush`: append, then move the item up (CPython's `_siftdown`).
fn heap_push(heap: &mut Vec<Value>, item: Value, less: LessThan) -> Result<(), Exc> {
    heap.push(item);
    let last = heap.len() - 1;
    sift_down(heap, 0, last, less)
}

/// `heapq.heappop`: the last item replaces the first, then CPython's `_siftup`.
fn heap_pop(heap: &mut Vec<Value>, less: LessThan) -> Result<Option<Value>, Exc> {
    let Some(last) = heap.pop() else {
        return Ok(None);
    };
    if heap.is_empty() {
        return Ok(Some(last));
    }
    let top = std::mem::replace(&mut heap[0], last);
    sift_up(heap, 0, less)?;
    Ok(Some(top))
}

/// CPython's `heapq._siftdown`: move `heap[pos]` up towards `start` while it is smaller
/// than its parent.
fn sift_down(heap: &mut [Value], start: usize, mut pos: usize, less: LessThan) -> Result<(), Exc> {
    while pos > start {
        let parent = (pos - 1) >> 1;
        if less(&heap[pos], &heap[parent])? {
            heap.swap(pos, parent);
            pos = parent;
        } else {
            break;
        }
    }
    Ok(())
}

/// CPython's `heapq._siftup`: move the smaller child up until `pos` is a leaf, then put
/// the item there and sift it down.
fn sift_up(heap: &mut [Value], mut pos: usize, less: LessThan) -> Result<(), Exc> {
    let (end, start) = (heap.len(), pos);
    let mut child = 2 * pos + 1;
    while child < end {
        let right = child + 1;
        if right < end && !less(&heap[child], &heap[right])? {
            child = right;
        }
        heap.swap(pos, child);
        pos = child;
        child = 2 * pos + 1;
    }
    sift_down(heap, start, pos, less)
}

#[cfg(test)]
mod tests {
    use super::super::wait::current_cpu;
    use super::*;

    /// A side that starts waiting on the CPU where the other side last waited learns so;
    /// one on another CPU does not.
    #[test]
    fn a_waiter_learns_when_the_other_side_waited_on_its_cpu() {
        let q = Queue::new(Order::Fifo, 1, |_, _| Ok(false));
        assert!(
            !q.other_side_here(Side::Put),
            "the getter has not waited yet"
        );
        // Both calls from one thread: the same CPU unless the thread moves in between,
        // which a few tries rule out.
        let same = (0..100).any(|_| {
            q.other_side_here(Side::Put);
            q.other_side_here(Side::Get)
        });
        assert!(same || current_cpu() == u32::MAX);
        let apart = (0..100).any(|_| {
            q.wait_cpus[0].store(current_cpu().wrapping_add(1), Relaxed);
            !q.other_side_here(Side::Get)
        });
        assert!(apart);
    }
}
