//! The engine's own base64 (`core::base64`) answers exactly as the `base64` crate's
//! `STANDARD` and `URL_SAFE_NO_PAD` engines it replaced: the same text for every input, the
//! same bytes or the same error (variant, offset and message) for every text. API answers
//! quote the error, so a difference would show in what `mqlab api` says.

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use mqlab_engine::core::base64 as ours;
use proptest::prelude::*;

fn same_decoding(text: &[u8]) {
    let theirs = STANDARD.decode(text).map_err(|e| e.to_string());
    let mine = ours::decode(text).map_err(|e| e.to_string());
    assert_eq!(
        mine,
        theirs,
        "standard, {:?}",
        String::from_utf8_lossy(text)
    );
    let theirs = URL_SAFE_NO_PAD.decode(text).map_err(|e| e.to_string());
    let mine = ours::decode_url(text).map_err(|e| e.to_string());
    assert_eq!(
        mine,
        theirs,
        "url-safe, {:?}",
        String::from_utf8_lossy(text)
    );
}

/// Every text of up to 6 characters over symbols that cover each case: characters of both
/// alphabets, ones with trailing bits set or not, padding, and bytes of neither.
#[test]
fn every_short_text_decodes_or_fails_the_same_way() {
    const SYMBOLS: &[u8] = b"AQgw+/-_=!";
    let mut text = Vec::new();
    fn walk(text: &mut Vec<u8>, left: usize) {
        same_decoding(text);
        if left == 0 {
            return;
        }
        for &s in SYMBOLS {
            text.push(s);
            walk(text, left - 1);
            text.pop();
        }
    }
    walk(&mut text, 6);
}

proptest! {
    #[test]
    fn bytes_encode_to_the_same_text_and_back(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        prop_assert_eq!(ours::encode(&bytes), STANDARD.encode(&bytes));
        prop_assert_eq!(ours::encode_url(&bytes), URL_SAFE_NO_PAD.encode(&bytes));
        prop_assert_eq!(ours::decode(ours::encode(&bytes)).unwrap(), bytes.clone());
        prop_assert_eq!(ours::decode_url(ours::encode_url(&bytes)).unwrap(), bytes);
    }

    #[test]
    fn any_text_decodes_or_fails_the_same_way(text in proptest::collection::vec(
        prop_oneof![Just(b'='), Just(b'A'), Just(b'/'), Just(b'_'), any::<u8>()], 0..40)) {
        same_decoding(&text);
    }
}
