//! Any bytes as an API script: the runner must answer or refuse, never panic or hang.
//! Run with `cargo +nightly fuzz run api_script` from the repository root.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = mqlab_cli::run_script(&text, 0, &mut std::io::sink());
});
