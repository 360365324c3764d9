//! The engine's own SHA-256 (`core::sha256`) gives the `sha2` crate's digest, which it
//! replaced: content-based deduplication ids and the SNS envelope's stand-in signature are
//! visible in what `mqlab api` answers, so a difference would show.

use mqlab_engine::core::sha256::Sha256 as Ours;
use proptest::prelude::*;
use sha2::{Digest, Sha256 as Theirs};

/// Every length across the first blocks, where the padding changes shape (55, 56, 63, 64...).
#[test]
fn every_length_up_to_three_blocks() {
    let bytes: Vec<u8> = (0..200u32).map(|i| (i * 31 + 7) as u8).collect();
    for n in 0..=bytes.len() {
        let theirs: [u8; 32] = Theirs::digest(&bytes[..n]).into();
        assert_eq!(Ours::digest(&bytes[..n]), theirs, "length {n}");
    }
}

proptest! {
    /// The same digest however the bytes are split between `update` calls.
    #[test]
    fn same_digest_in_any_pieces(bytes in proptest::collection::vec(any::<u8>(), 0..600),
                                 cuts in proptest::collection::vec(0usize..600, 0..6)) {
        let theirs: [u8; 32] = Theirs::digest(&bytes).into();
        let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(bytes.len())).collect();
        cuts.sort_unstable();
        let mut h = Ours::new();
        let mut from = 0;
        for c in cuts {
            h.update(&bytes[from..c]);
            from = c;
        }
        h.update(&bytes[from..]);
        prop_assert_eq!(h.finalize(), theirs);
    }
}
