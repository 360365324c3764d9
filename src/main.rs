//! The page Trunk builds: a panic hook that leaves a way out, then the app on <body>.

fn main() {
    mqlab::browser::install_panic_hook(
        "Something went wrong inside the page · 페이지 안에서 예상하지 못한 오류가 났습니다",
        "Reload the last saved state · 마지막으로 저장된 상태 다시 불러오기",
    );
    yew::Renderer::<mqlab::App>::new().render();
}
