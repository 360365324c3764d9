//! Every UI string in English and Korean. Korean is a first-class language here: written in the
//! register of a learner's study notes (가시성 타임아웃, 롱 폴링, 데드레터 큐 …), not translated
//! word for word. AWS names (VisibilityTimeout, ReceiveMessage, MessageGroupId …) stay as they
//! are in both languages, so a word learned here is the word met in the AWS console and docs.
//!
//! Texts with `{name}` placeholders are filled with [`tf`].
//!
//! The texts are two files beside the page, of one shape ([`Texts`]): [`ENGLISH_FILE`]
//! (`texts/en.json`), fetched before the app is drawn (the page's `main`), and [`KOREAN_FILE`]
//! (`texts/ko.json`), fetched when Korean is chosen or was the saved language; until it arrives
//! Korean asks get English, never a raw key. Keeping them out of the wasm keeps the first
//! download inside its ceiling. Natively (and in the wasm tests, feature `bundled-texts`) both
//! files are compiled in, so the tests read the same texts the page fetches.

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    En,
    Ko,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Ko];

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ko => "ko",
        }
    }

    /// Reads "en"/"ko", also a browser's tag such as "ko-KR" or "en_US" (any case).
    pub fn from_code(s: &str) -> Option<Lang> {
        let primary = s.trim().split(['-', '_']).next().unwrap_or("");
        match primary.to_ascii_lowercase().as_str() {
            "en" => Some(Lang::En),
            "ko" => Some(Lang::Ko),
            _ => None,
        }
    }
}

/// Keys whose Korean text is rightly the same as the English: proper names and language names
/// (each language is named in itself).
pub const SAME_IN_BOTH: &[&str] = &["app.title", "lang.en", "lang.ko"];

/// The text of `key` in `lang`. An unknown key comes back as itself, so a missing text shows
/// up on screen instead of breaking the page.
pub fn t(lang: Lang, key: &str) -> &'static str {
    let Some(en) = english().and_then(|e| e.ui.get(key)) else {
        return unknown_key(key);
    };
    match lang {
        Lang::En => en,
        Lang::Ko => korean().and_then(|k| k.ui.get(key)).unwrap_or(en),
    }
}

/// Where the page fetches the English texts (`texts/` is copied beside the page by Trunk).
pub const ENGLISH_FILE: &str = "texts/en.json";

/// Where the page fetches the Korean texts.
pub const KOREAN_FILE: &str = "texts/ko.json";

/// The texts of one language: `ui` by key, `titles` by preset id (`presets::title`). (The
/// settings' help is its own file, in both languages: `params::HELP_FILE`.)
#[derive(Debug, Default)]
pub struct Texts {
    pub ui: std::collections::BTreeMap<String, String>,
    pub titles: std::collections::BTreeMap<String, String>,
}

impl Texts {
    /// Reads a texts file (`file` names it in errors); an error names the file and the member.
    pub fn from_json(file: &str, text: &str) -> Result<Texts, String> {
        let v: serde_json::Value =
            serde_json::from_str(text).map_err(|e| format!("{file}: not JSON: {e}"))?;
        let section = |name: &str| -> Result<std::collections::BTreeMap<String, String>, String> {
            let obj = v
                .get(name)
                .and_then(|s| s.as_object())
                .ok_or_else(|| format!("{file}: {name}: missing or not an object"))?;
            // Inserted one by one: `collect()` into a map links a copy of the sort.
            let mut out = std::collections::BTreeMap::new();
            for (k, text) in obj {
                let s = text
                    .as_str()
                    .ok_or_else(|| format!("{file}: {name}.{k}: not a string"))?;
                out.insert(k.clone(), s.to_string());
            }
            Ok(out)
        };
        Ok(Texts {
            ui: section("ui")?,
            titles: section("titles")?,
        })
    }
}

static ENGLISH: std::sync::OnceLock<Texts> = std::sync::OnceLock::new();
static KOREAN: std::sync::OnceLock<Texts> = std::sync::OnceLock::new();

/// Whether this build has the texts compiled in (natively and in the wasm tests).
const BUNDLED: bool = cfg!(any(not(target_arch = "wasm32"), feature = "bundled-texts"));

/// A file of texts beside the page (these and the settings' help, `params::HELP_FILE`):
/// where this build compiles texts in, `bundled` read on first use; in the page, what
/// [`keep_fetched`] kept once the file arrived.
pub(crate) fn bundled_or_fetched<T>(
    cell: &'static std::sync::OnceLock<T>,
    file: &str,
    bundled: &str,
    parse: fn(&str, &str) -> Result<T, String>,
) -> Option<&'static T> {
    if BUNDLED {
        Some(cell.get_or_init(|| parse(file, bundled).expect("a bundled texts file is valid")))
    } else {
        cell.get()
    }
}

/// Keeps a texts file the page fetched; a second call changes nothing.
pub(crate) fn keep_fetched<T>(
    cell: &'static std::sync::OnceLock<T>,
    file: &str,
    text: &str,
    parse: fn(&str, &str) -> Result<T, String>,
) -> Result<(), String> {
    let _ = cell.set(parse(file, text)?);
    Ok(())
}

/// The text of a file where this build compiles texts in, else nothing (the page fetches it).
macro_rules! bundled_text {
    ($path:literal) => {{
        #[cfg(any(not(target_arch = "wasm32"), feature = "bundled-texts"))]
        let text = include_str!($path);
        #[cfg(all(target_arch = "wasm32", not(feature = "bundled-texts")))]
        let text = "";
        text
    }};
}
pub(crate) use bundled_text;

/// The English texts: compiled in natively and in the wasm tests; in the page once fetched
/// ([`load_english`], before the app is drawn).
pub fn english() -> Option<&'static Texts> {
    let text = bundled_text!("../../../texts/en.json");
    bundled_or_fetched(&ENGLISH, ENGLISH_FILE, text, Texts::from_json)
}

/// The Korean texts: compiled in natively and in the wasm tests; in the page once fetched
/// ([`load_korean`]).
pub fn korean() -> Option<&'static Texts> {
    let text = bundled_text!("../../../texts/ko.json");
    bundled_or_fetched(&KOREAN, KOREAN_FILE, text, Texts::from_json)
}

/// Keeps the English texts the page fetched ([`ENGLISH_FILE`]); a second call changes nothing.
pub fn load_english(text: &str) -> Result<(), String> {
    keep_fetched(&ENGLISH, ENGLISH_FILE, text, Texts::from_json)
}

/// Keeps the Korean texts the page fetched ([`KOREAN_FILE`]); a second call changes nothing.
pub fn load_korean(text: &str) -> Result<(), String> {
    keep_fetched(&KOREAN, KOREAN_FILE, text, Texts::from_json)
}

/// Whether Korean can be shown as Korean now (else it shows as English until the file arrives).
pub fn korean_loaded() -> bool {
    korean().is_some()
}

/// Every key of the English texts (empty in the page until they are fetched).
pub fn keys() -> Vec<&'static str> {
    english().map_or_else(Vec::new, |e| e.ui.keys().map(String::as_str).collect())
}

/// The title of a preset (`presets::title`) in `lang`: Korean falls back to English until its
/// file arrives; `None` for an unknown id.
pub fn title(lang: Lang, id: &str) -> Option<&'static str> {
    let en = english()?.titles.get(id)?;
    Some(match lang {
        Lang::En => en,
        Lang::Ko => korean().and_then(|k| k.titles.get(id)).unwrap_or(en),
    })
}

/// Distinct unknown keys kept (each is a programming error; the cap bounds memory anyway).
const UNKNOWN_KEYS_MAX: usize = 256;

/// A `'static` copy of an unknown key: each distinct key is allocated once and kept, so a key
/// missing from the table costs one small allocation, not one per frame.
fn unknown_key(key: &str) -> &'static str {
    use std::cell::RefCell;
    use std::collections::BTreeSet;
    thread_local! {
        static UNKNOWN: RefCell<BTreeSet<&'static str>> = const { RefCell::new(BTreeSet::new()) };
    }
    UNKNOWN.with(|cell| {
        let mut set = cell.borrow_mut();
        if let Some(k) = set.get(key) {
            return *k;
        }
        if set.len() >= UNKNOWN_KEYS_MAX {
            return "?";
        }
        let k: &'static str = Box::leak(key.to_string().into_boxed_str());
        set.insert(k);
        k
    })
}

/// Whether `key` has a text.
pub fn has(key: &str) -> bool {
    english().is_some_and(|e| e.ui.contains_key(key))
}

/// [`t`] with `{name}` placeholders replaced: `tf(Lang::En, "param.out_of_range",
/// &[("name", "VisibilityTimeout"), ("min", "0"), ("max", "43200")])`.
pub fn tf(lang: Lang, key: &str, args: &[(&str, &str)]) -> String {
    let mut s = t(lang, key).to_string();
    for (name, value) in args {
        s = s.replace(&format!("{{{name}}}"), value);
    }
    s
}
