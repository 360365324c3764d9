//! Simulated producers and consumers.
