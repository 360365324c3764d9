//! The app's state and its reducer. The simulation is advanced only here, by `Frame` actions.

use crate::sim::Sim;
use crate::view_model::{view_model, ViewModel};
use std::cell::RefCell;
use std::rc::Rc;
use yew::Reducible;

/// Virtual milliseconds per real millisecond: ten times real time.
pub const SPEED_DEFAULT: f64 = 10.0;

pub enum Action {
    Play,
    Pause,
    /// One animation frame, `real_elapsed_ms` after the previous one.
    Frame {
        real_elapsed_ms: f64,
    },
}

#[derive(Clone)]
pub struct AppState {
    /// Shared, not cloned per frame: a world is large and only the reducer mutates it.
    pub sim: Option<Rc<RefCell<Sim>>>,
    /// Why the scenario could not be loaded.
    pub error: Option<String>,
    pub playing: bool,
    pub speed: f64,
    pub view: Option<ViewModel>,
}

impl AppState {
    /// A paused run of `scenario_json` at virtual time zero, or the reason it cannot run.
    pub fn load(scenario_json: &str) -> AppState {
        match Sim::from_json(scenario_json) {
            Ok(sim) => AppState {
                view: Some(view_model(&sim)),
                sim: Some(Rc::new(RefCell::new(sim))),
                error: None,
                playing: false,
                speed: SPEED_DEFAULT,
            },
            Err(error) => AppState {
                sim: None,
                error: Some(error),
                playing: false,
                speed: SPEED_DEFAULT,
                view: None,
            },
        }
    }
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        match action {
            Action::Play if !self.playing && self.sim.is_some() => Rc::new(AppState {
                playing: true,
                ..(*self).clone()
            }),
            Action::Pause if self.playing => Rc::new(AppState {
                playing: false,
                ..(*self).clone()
            }),
            Action::Frame { real_elapsed_ms } if self.playing => {
                let Some(sim) = &self.sim else {
                    return self;
                };
                let view = {
                    let mut sim = sim.borrow_mut();
                    sim.advance_real(real_elapsed_ms, self.speed);
                    view_model(&sim)
                };
                Rc::new(AppState {
                    view: Some(view),
                    ..(*self).clone()
                })
            }
            // Nothing changed: returning the same Rc means no re-render.
            _ => self,
        }
    }
}
