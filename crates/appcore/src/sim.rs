//! One simulation run as the page drives it: the engine world, advanced in steps of virtual
//! time, with every drained event folded into a running hash (the same fingerprint the CLI
//! computes natively, so the two can be compared).

use mqlab_engine::{Event, EventHasher, Scenario, World};

/// The longest real time one frame may account for. A tab in the background gets no animation
/// frames; when it comes back, the run resumes where it was instead of leaping ahead by the
/// whole time it was hidden.
pub const FRAME_REAL_MS_MAX: f64 = 250.0;

/// True in the full page (`full/`, the `full` feature), which links every service the engine
/// simulates; false in the first download, which links SQS, SNS, S3 events, Kinesis and
/// CloudWatch alarms and opens the full page for a scenario with anything else.
pub const FULL_PAGE: bool = cfg!(feature = "full");

/// The world of a scenario as this page builds it: every service in the full page; in the
/// first download, a scenario naming a service it does not link is refused, naming the member.
pub fn build_world(scenario: &Scenario) -> Result<World, mqlab_engine::ScenarioError> {
    if FULL_PAGE {
        World::from_scenario(scenario)
    } else {
        World::from_scenario_for_page(scenario)
    }
}

/// Whether an error (a link's, a preset's, a lesson's, an import's: any text that ends with
/// the engine's message) means "open this in the full page (`full/`)".
pub fn needs_full_page(error: &str) -> bool {
    !FULL_PAGE && error.ends_with(mqlab_engine::scenario::NEEDS_FULL_PAGE)
}

#[derive(Clone, Debug)]
pub struct Sim {
    world: World,
    hasher: EventHasher,
    events_seen: u64,
    /// Virtual time the run has been asked to reach, ms; fractional so that slow speeds and
    /// short frames still add up.
    target_ms: f64,
}

impl Sim {
    /// Build a run from scenario JSON. The error is a message for the user, naming the field.
    pub fn from_json(json: &str) -> Result<Sim, String> {
        let scenario = Scenario::from_json(json).map_err(|e| e.to_string())?;
        Sim::from_scenario(&scenario)
    }

    pub fn from_scenario(scenario: &Scenario) -> Result<Sim, String> {
        let world = build_world(scenario).map_err(|e| e.to_string())?;
        Ok(Sim {
            world,
            hasher: EventHasher::default(),
            events_seen: 0,
            target_ms: 0.0,
        })
    }

    pub fn world(&self) -> &World {
        &self.world
    }

    /// For calls and actor changes made from the page; drain events afterwards with
    /// [`Sim::drain`] so they are hashed like the rest.
    pub fn world_mut(&mut self) -> &mut World {
        &mut self.world
    }

    /// Run every event due up to `t_ms` (virtual), then drain and hash what happened.
    pub fn advance_to(&mut self, t_ms: u64) {
        self.advance_to_events(t_ms);
    }

    /// [`Sim::advance_to`], returning the events for the view to fold.
    pub fn advance_to_events(&mut self, t_ms: u64) -> Vec<Event> {
        self.world.advance_to(t_ms);
        self.target_ms = self.target_ms.max(t_ms as f64);
        self.drain()
    }

    /// Drains and hashes the events recorded since the last drain.
    pub fn drain(&mut self) -> Vec<Event> {
        let events = self.world.drain_events();
        self.hasher.update(&events);
        self.events_seen += events.len() as u64;
        events
    }

    /// Advance by `real_elapsed_ms` of wall-clock time at `speed` virtual ms per real ms.
    pub fn advance_real(&mut self, real_elapsed_ms: f64, speed: f64) {
        let t = self.target_after_real(real_elapsed_ms, speed);
        self.advance_to(t);
    }

    /// The virtual time a frame of `real_elapsed_ms` at `speed` should reach (the fractional
    /// remainder is kept for the next frame).
    pub fn target_after_real(&mut self, real_elapsed_ms: f64, speed: f64) -> u64 {
        let real_ms = real_elapsed_ms.clamp(0.0, FRAME_REAL_MS_MAX);
        self.target_ms = self.target_ms.max(self.world.now() as f64) + real_ms * speed.max(0.0);
        // Truncation is the point: the world advances in whole virtual milliseconds.
        self.target_ms as u64
    }

    /// FNV-1a fingerprint of every event drained so far (see `mqlab_engine::EventHasher`).
    pub fn events_hash(&self) -> u64 {
        self.hasher.finish()
    }

    pub fn events_seen(&self) -> u64 {
        self.events_seen
    }
}
