//! A `requestAnimationFrame` loop held as a handle: it calls back once per frame with the real
//! time elapsed since the previous frame, until the handle is dropped.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

pub struct FrameLoop {
    // The only strong reference: the closure holds a `Weak`, so dropping the handle frees both.
    inner: Rc<Inner>,
}

/// The JS-callable per-frame callback; its argument is the frame's timestamp, ms.
type FrameCallback = Closure<dyn FnMut(f64)>;

struct Inner {
    /// The id of the requested frame, to cancel it.
    pending: Cell<Option<i32>>,
    closure: RefCell<Option<FrameCallback>>,
}

impl FrameLoop {
    /// Start calling `on_frame(real_elapsed_ms)` on every animation frame; the first call
    /// reports 0 ms, so starting (or resuming) never jumps.
    pub fn start(mut on_frame: impl FnMut(f64) + 'static) -> FrameLoop {
        let inner = Rc::new(Inner {
            pending: Cell::new(None),
            closure: RefCell::new(None),
        });
        let weak: Weak<Inner> = Rc::downgrade(&inner);
        let mut last_ms: Option<f64> = None;
        let closure = FrameCallback::new(move |now_ms: f64| {
            let elapsed_ms = last_ms.map_or(0.0, |last| (now_ms - last).max(0.0));
            last_ms = Some(now_ms);
            if let Some(inner) = weak.upgrade() {
                inner.pending.set(None);
                on_frame(elapsed_ms);
            }
            // `on_frame` may have dropped the handle; then the loop ends here.
            if let Some(inner) = weak.upgrade() {
                inner.request();
            }
        });
        *inner.closure.borrow_mut() = Some(closure);
        inner.request();
        FrameLoop { inner }
    }
}

impl Inner {
    fn request(&self) {
        let Some(window) = web_sys::window() else {
            return;
        };
        let closure = self.closure.borrow();
        let Some(closure) = closure.as_ref() else {
            return;
        };
        let id = window.request_animation_frame(closure.as_ref().unchecked_ref());
        self.pending.set(id.ok());
    }
}

impl Drop for FrameLoop {
    fn drop(&mut self) {
        if let (Some(id), Some(window)) = (self.inner.pending.take(), web_sys::window()) {
            let _ = window.cancel_animation_frame(id);
        }
    }
}
