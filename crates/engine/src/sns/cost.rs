//! The SNS cost meter (aws-rules §3.10): publishes are billed per 64 KB chunk of payload,
//! deliveries by protocol. Prices are us-east-1 list prices from a third-party summary; the
//! free tier is left out so that small runs show what the traffic itself costs.

use serde::{Deserialize, Serialize};

pub use crate::core::aws::{billable_requests, BILLING_CHUNK_BYTES};

/// USD per million publish requests (64 KB chunks), standard topics (aws-rules §3.10).
pub const PRICE_PUBLISH_PER_MILLION_USD: f64 = 0.50;
/// USD per million publish requests, FIFO topics. Sources quote FIFO differently
/// (aws-rules §3.10): UNCONFIRMED, the standard price is used.
pub const PRICE_FIFO_PUBLISH_PER_MILLION_USD: f64 = 0.50;
/// USD per million HTTP/S deliveries (aws-rules §3.10).
pub const PRICE_HTTP_PER_MILLION_USD: f64 = 0.60;
/// USD per million email / email-json deliveries: $2.00 per 100,000 (aws-rules §3.10).
pub const PRICE_EMAIL_PER_MILLION_USD: f64 = 20.00;
/// USD per million mobile push deliveries (aws-rules §3.10).
pub const PRICE_MOBILE_PUSH_PER_MILLION_USD: f64 = 0.50;
/// USD per million SMS: priced per destination country; UNCONFIRMED, a US-like $0.00645 per
/// message.
pub const PRICE_SMS_PER_MILLION_USD: f64 = 6_450.0;
/// USD per million deliveries to SQS and Lambda: no delivery charge (aws-rules §3.10, UNCONFIRMED).
pub const PRICE_SQS_LAMBDA_PER_MILLION_USD: f64 = 0.0;
/// USD per million Firehose deliveries: UNCONFIRMED (not in aws-rules §3.10); a small
/// per-delivery price like HTTP/S minus the endpoint cost.
pub const PRICE_FIREHOSE_PER_MILLION_USD: f64 = 0.03;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SnsPrices {
    pub publish_per_million_usd: f64,
    pub fifo_publish_per_million_usd: f64,
    pub http_per_million_usd: f64,
    pub email_per_million_usd: f64,
    pub mobile_push_per_million_usd: f64,
    pub sms_per_million_usd: f64,
    pub sqs_lambda_per_million_usd: f64,
    pub firehose_per_million_usd: f64,
}

impl Default for SnsPrices {
    fn default() -> Self {
        SnsPrices {
            publish_per_million_usd: PRICE_PUBLISH_PER_MILLION_USD,
            fifo_publish_per_million_usd: PRICE_FIFO_PUBLISH_PER_MILLION_USD,
            http_per_million_usd: PRICE_HTTP_PER_MILLION_USD,
            email_per_million_usd: PRICE_EMAIL_PER_MILLION_USD,
            mobile_push_per_million_usd: PRICE_MOBILE_PUSH_PER_MILLION_USD,
            sms_per_million_usd: PRICE_SMS_PER_MILLION_USD,
            sqs_lambda_per_million_usd: PRICE_SQS_LAMBDA_PER_MILLION_USD,
            firehose_per_million_usd: PRICE_FIREHOSE_PER_MILLION_USD,
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct SnsCostMeter {
    pub publish_requests: u64,
    pub fifo_publish_requests: u64,
    pub http_deliveries: u64,
    pub email_deliveries: u64,
    pub mobile_push_deliveries: u64,
    pub sms_deliveries: u64,
    pub sqs_lambda_deliveries: u64,
    pub firehose_deliveries: u64,
    pub prices: SnsPrices,
}

impl SnsCostMeter {
    /// One publish (or one PublishBatch entry) carrying `payload_bytes`.
    pub fn charge_publish(&mut self, fifo: bool, payload_bytes: usize) {
        let n = billable_requests(payload_bytes);
        if fifo {
            self.fifo_publish_requests += n;
        } else {
            self.publish_requests += n;
        }
    }

    /// One successful delivery to a subscriber of `protocol`.
    pub fn charge_delivery(&mut self, protocol: &str) {
        let counter = match protocol {
            "http" | "https" => &mut self.http_deliveries,
            "email" | "email-json" => &mut self.email_deliveries,
            "application" => &mut self.mobile_push_deliveries,
            "sms" => &mut self.sms_deliveries,
            "firehose" => &mut self.firehose_deliveries,
            _ => &mut self.sqs_lambda_deliveries,
        };
        *counter += 1;
    }

    pub fn usd(&self) -> f64 {
        let p = &self.prices;
        (self.publish_requests as f64 * p.publish_per_million_usd
            + self.fifo_publish_requests as f64 * p.fifo_publish_per_million_usd
            + self.http_deliveries as f64 * p.http_per_million_usd
            + self.email_deliveries as f64 * p.email_per_million_usd
            + self.mobile_push_deliveries as f64 * p.mobile_push_per_million_usd
            + self.sms_deliveries as f64 * p.sms_per_million_usd
            + self.sqs_lambda_deliveries as f64 * p.sqs_lambda_per_million_usd
            + self.firehose_deliveries as f64 * p.firehose_per_million_usd)
            / 1e6
    }
}
