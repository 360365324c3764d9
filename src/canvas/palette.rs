//! The canvases' colours live in `mqlab_appcore::palette`, where native tests check them.

pub use mqlab_appcore::palette::*;
