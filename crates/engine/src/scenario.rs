//! Scenarios: the serde unit that declares queues, actors, parameters and seed.
