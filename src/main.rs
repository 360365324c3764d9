//! The page Trunk builds: a panic hook that leaves a way out, the English texts (a file beside
//! the page, `texts/en.json`: not compiled in, to keep the download small), then the app on
//! <body>. The boot shell in index.html shows until the app draws its header.

use mqlab_appcore::i18n;

fn main() {
    const RELOAD: &str = "Reload the last saved state · 마지막으로 저장된 상태 다시 불러오기";
    mqlab::browser::install_panic_hook(
        "Something went wrong inside the page · 페이지 안에서 예상하지 못한 오류가 났습니다",
        RELOAD,
    );
    wasm_bindgen_futures::spawn_local(async {
        let loaded = mqlab::browser::fetch_text(i18n::ENGLISH_FILE)
            .await
            .and_then(|text| i18n::load_english(&text));
        match loaded {
            Ok(()) => {
                yew::Renderer::<mqlab::App>::new().render();
            }
            Err(e) => mqlab::browser::error_banner(
                &format!(
                    "The page's texts could not be loaded · 페이지의 글을 불러오지 못했습니다: {e}"
                ),
                RELOAD,
            ),
        }
    });
}
