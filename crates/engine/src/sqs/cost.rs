//! The cost meter: SQS bills every API action as a request, and every 64 KB chunk of payload
//! as one more (aws-rules §1.14). Prices are us-east-1 list prices as defaults; the free tier is
//! left out so that small runs show what the traffic itself costs.

use serde::{Deserialize, Serialize};

pub use crate::core::aws::{billable_requests, BILLING_CHUNK_BYTES};
/// USD per million requests, standard queues, first 100 billion a month (aws-rules §1.14).
pub const PRICE_STANDARD_PER_MILLION_USD: f64 = 0.40;
/// USD per million requests, FIFO queues (aws-rules §1.14).
pub const PRICE_FIFO_PER_MILLION_USD: f64 = 0.50;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Prices {
    #[serde(default = "default_standard")]
    pub standard_per_million_usd: f64,
    #[serde(default = "default_fifo")]
    pub fifo_per_million_usd: f64,
}

fn default_standard() -> f64 {
    PRICE_STANDARD_PER_MILLION_USD
}
fn default_fifo() -> f64 {
    PRICE_FIFO_PER_MILLION_USD
}

impl Default for Prices {
    fn default() -> Self {
        Prices {
            standard_per_million_usd: PRICE_STANDARD_PER_MILLION_USD,
            fifo_per_million_usd: PRICE_FIFO_PER_MILLION_USD,
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct CostMeter {
    pub standard_requests: u64,
    pub fifo_requests: u64,
    pub prices: Prices,
}

impl CostMeter {
    pub fn charge(&mut self, fifo: bool, payload_bytes: usize) {
        let n = billable_requests(payload_bytes);
        if fifo {
            self.fifo_requests += n;
        } else {
            self.standard_requests += n;
        }
    }

    pub fn requests(&self) -> u64 {
        self.standard_requests + self.fifo_requests
    }

    pub fn usd(&self) -> f64 {
        (self.standard_requests as f64 * self.prices.standard_per_million_usd
            + self.fifo_requests as f64 * self.prices.fifo_per_million_usd)
            / 1e6
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_64_kb_chunk_is_one_request() {
        assert_eq!(billable_requests(0), 1);
        assert_eq!(billable_requests(65_536), 1);
        assert_eq!(billable_requests(65_537), 2);
        assert_eq!(billable_requests(262_144), 4);
    }
}
