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

    /// The indices in this set and in `with` but not in `without`, in
    /// order: a walk over words, not over indices, for sparse results.
    pub(crate) fn and_not<'a>(
        &'a self,
        with: &'a BitSet,
        without: &'a BitSet,
    ) -> impl Iterator<Item = usize> + 'a {
        self.words
            .iter()
            .zip(&with.words)
            .enumerate()
            .flat_map(move |(w, (a, b))| {
                let mut word = a & b & !without.words.get(w).copied().unwrap_or(0);
                std::iter::from_fn(move || {
                    (word != 0).then(|| {
                        let bit = word.trailing_zeros() as usize;
                        word &= word - 1;
                        w * 64 + bit
                    })
                })
            })
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
        let none = BitSet::new(130);
        let got: Vec<usize> = a.and_not(&full, &none).collect();
        assert_eq!(got, [0, 1, 63, 129]);
        let got: Vec<usize> = a.and_not(&b, &BitSet::of(130, &[1])).collect();
        assert_eq!(got, [64, 129]);
        let mut c = BitSet::new(10);
        c.insert(500);
        assert_eq!(c, BitSet::new(10));
    }
}
