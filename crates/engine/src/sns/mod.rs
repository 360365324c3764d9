//! Amazon SNS: topics, subscriptions, filter policies, fan-out and delivery retries.
//!
//! - [`filter`] — filter policies: parsing with AWS's validation errors, and matching.
//! - [`delivery`] — the delivery retry policies of each endpoint class and the simulated
//!   endpoints (Lambda functions, HTTP/S servers, email/SMS/push sinks).

pub mod delivery;
pub mod filter;
