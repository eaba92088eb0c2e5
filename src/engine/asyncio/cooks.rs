//! The cooks: a bitset of the free ones, and the busy ones by when their hands-on
//! step ends ([`BusyKeys`]).

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::model::{CookIx, StepIx};
use crate::time::Ticks;

/// The most cooks for which [`engine::run`](crate::engine::run) keeps the busy ones in
/// [`SortedKeys`] rather than [`HeapKeys`].
pub(crate) const FEW_COOKS: u16 = 64;

/// The busy cooks, each as one key, `until << 64 | seq << 16 | cook`, so that the
/// least key is the cook whose hands-on step ends first (ties by the order the steps
/// began).
///
/// Two kinds, and [`AsyncEngine`](super::AsyncEngine) is compiled for each:
/// [`SortedKeys`] for a few cooks, [`HeapKeys`] for many. The sorted list saves the heap's sifting, whose branches
/// go either way at random, on every step that ends. Engine alone, M/M/c at 90%
/// load (`cargo bench --bench mmc` and the same model with more cooks): +6% with one
/// cook, +4% with four, +9 to 13% with 8 to 32, +8% with 64; past that its
/// insertions cost more than they save (−6% with 128 cooks, −24% with 256).
pub(crate) trait BusyKeys {
    /// Empty, with room for the keys of `cooks` cooks.
    fn with_capacity(cooks: usize) -> Self;
    /// Adds a busy cook's key.
    fn push(&mut self, key: u128);
    /// The least key.
    fn first(&self) -> Option<u128>;
    /// Takes out the least key.
    fn pop_first(&mut self) -> Option<u128>;
    /// Whether no cook is busy.
    fn is_empty(&self) -> bool;
}

/// Up to this many busy cooks, [`SortedKeys`] inserts a key by comparing it all the
/// way along rather than stopping at its place. (16 made 16 cooks 13% slower.)
const SWAP_ALL: usize = 8;

/// Busy cooks' keys as a list sorted by descending key: the least is popped from its
/// end, and a new key is inserted by moving the few below it one place along.
pub(crate) struct SortedKeys(Vec<u128>);

impl BusyKeys for SortedKeys {
    fn with_capacity(cooks: usize) -> Self {
        SortedKeys(Vec::with_capacity(cooks))
    }

    #[inline(always)]
    fn push(&mut self, key: u128) {
        let keys = &mut self.0;
        keys.push(key);
        let n = keys.len();
        if n <= SWAP_ALL {
            // The new key sinks from the end by compare-and-swap along the whole list:
            // the loop runs once per busy cook whatever the keys, where one stopping
            // at the key's place (as random as the step's duration) ends at a
            // different point nearly every time. The keys are distinct, so the order
            // is the same. Measured on `cafe run --stats` of 1,000,000 M/M/c
            // customers (median CPU time, old and new binaries interleaved): −7% with
            // 4 cooks; but also −6% with 1 cook and −5% with 16, which never swap
            // here, so part of the gain is in how the compiler lays out the whole
            // engine loop around this. A branch-free swap by masks was slower than
            // `max`/`min`.
            for i in (1..n).rev() {
                let (a, b) = (keys[i - 1], keys[i]);
                keys[i - 1] = a.max(b);
                keys[i] = a.min(b);
            }
            return;
        }
        let mut i = n - 1;
        while i > 0 && keys[i - 1] < key {
            keys[i] = keys[i - 1];
            i -= 1;
        }
        keys[i] = key;
    }

    #[inline]
    fn first(&self) -> Option<u128> {
        self.0.last().copied()
    }

    #[inline]
    fn pop_first(&mut self) -> Option<u128> {
        self.0.pop()
    }

    #[inline]
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Busy cooks' keys in a binary heap.
pub(crate) struct HeapKeys(BinaryHeap<Reverse<u128>>);

impl BusyKeys for HeapKeys {
    fn with_capacity(cooks: usize) -> Self {
        HeapKeys(BinaryHeap::with_capacity(cooks))
    }

    #[inline]
    fn push(&mut self, key: u128) {
        self.0.push(Reverse(key));
    }

    #[inline]
    fn first(&self) -> Option<u128> {
        self.0.peek().map(|Reverse(k)| *k)
    }

    #[inline]
    fn pop_first(&mut self) -> Option<u128> {
        self.0.pop().map(|Reverse(k)| k)
    }

    #[inline]
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The cooks: who is free, and who is in which hands-on step until when.
pub(super) struct Cooks<B> {
    pub(super) busy: B,
    /// The step each busy cook is in, by cook.
    pub(super) step: Vec<(u32, StepIx)>,
    /// A bit per cook, set when free: the lowest free cook is the first set bit.
    pub(super) free: Vec<u64>,
    pub(super) free_count: usize,
}

impl<B: BusyKeys> Cooks<B> {
    pub(super) fn new(cooks: usize) -> Self {
        let mut free = vec![0u64; cooks.div_ceil(64)];
        for c in 0..cooks {
            free[c / 64] |= 1 << (c % 64);
        }
        Cooks { busy: B::with_capacity(cooks), step: vec![(0, 0); cooks], free, free_count: cooks }
    }

    /// The free cook with the lowest number.
    #[inline]
    pub(super) fn lowest_free(&self) -> CookIx {
        let (w, bits) = self.free.iter().enumerate().find(|(_, b)| **b != 0).expect("a cook is free");
        (w * 64 + bits.trailing_zeros() as usize) as CookIx
    }

    /// `cook` starts a hands-on step, its `seq`-th, lasting until `until`.
    #[inline(always)]
    pub(super) fn block(&mut self, cook: CookIx, until: Ticks, seq: u64, step: (u32, StepIx)) {
        // 2^48 sequence numbers would take months of simulation at full speed.
        assert!(seq < 1 << 48, "sequence numbers fit in 48 bits");
        self.busy.push(u128::from(until) << 64 | u128::from(seq) << 16 | u128::from(cook));
        self.step[cook as usize] = step;
        self.free[cook as usize / 64] &= !(1 << (cook % 64));
        self.free_count -= 1;
    }

    /// When the earliest hands-on step ends.
    #[inline]
    pub(super) fn next_end(&self) -> Option<Ticks> {
        self.busy.first().map(|k| (k >> 64) as Ticks)
    }

    /// Ends the earliest hands-on step, freeing its cook: its end and its step.
    #[inline]
    pub(super) fn unblock(&mut self) -> (Ticks, (u32, StepIx)) {
        let k = self.busy.pop_first().expect("a cook is busy");
        let cook = k as CookIx;
        self.free[cook as usize / 64] |= 1 << (cook % 64);
        self.free_count += 1;
        ((k >> 64) as Ticks, self.step[cook as usize])
    }
}
