//! The page Trunk builds: mount the app on <body>.

fn main() {
    yew::Renderer::<mqlab::App>::new().render();
}
