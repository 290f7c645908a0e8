//! A fixed-size set of item indices, one bit each, for counting met items of
//! a set with a few word operations instead of a walk over the items.

/// A set of indices below the length it was made with.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct BitSet {
    words: Vec<u64>,
}

impl BitSet {
    /// An empty set able to hold indices below `len`.
    pub(crate) fn new(len: usize) -> Self {
        Self {
            words: vec![0; len.div_ceil(64)],
        }
    }

    /// The set of the given indices, each below `len`.
    pub(crate) fn of(len: usize, indices: &[usize]) -> Self {
        let mut set = Self::new(len);
        for &i in indices {
            set.insert(i);
        }
        set
    }

    /// The set of every index below `len`.
    pub(crate) fn full(len: usize) -> Self {
        let mut set = Self {
            words: vec![u64::MAX; len.div_ceil(64)],
        };
        if let (Some(last), rem @ 1..) = (set.words.last_mut(), len % 64) {
            *last = (1u64 << rem) - 1;
        }
        set
    }

    /// Whether `i` is in the set.
    pub(crate) fn contains(&self, i: usize) -> bool {
        self.words
            .get(i / 64)
            .is_some_and(|w| w & (1 << (i % 64)) != 0)
    }

    /// Removes `i`.
    pub(crate) fn remove(&mut self, i: usize) {
        if let Some(w) = self.words.get_mut(i / 64) {
            *w &= !(1 << (i % 64));
        }
    }

    /// Adds `i`; an index past the length is ignored.
    pub(crate) fn insert(&mut self, i: usize) {
        if let Some(w) = self.words.get_mut(i / 64) {
            *w |= 1 << (i % 64);
        }
    }

    /// How many indices are in both sets.
    pub(crate) fn and_count(&self, other: &BitSet) -> usize {
        self.words
            .iter()
            .zip(&other.words)
            .map(|(a, b)| (a & b).count_ones() as usize)
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_the_intersection() {
        let a = BitSet::of(130, &[0, 1, 63, 64, 129]);
        let b = BitSet::of(130, &[1, 64, 65, 129]);
        assert_eq!(a.and_count(&b), 3);
        assert_eq!(a.and_count(&BitSet::of(130, &[129, 65])), 1);
        let mut full = BitSet::full(130);
        assert_eq!(full.and_count(&BitSet::full(200)), 130);
        full.remove(64);
        assert!(!full.contains(64) && full.contains(129) && !full.contains(130));
        let mut c = BitSet::new(10);
        c.insert(500);
        assert_eq!(c, BitSet::new(10));
    }
}
