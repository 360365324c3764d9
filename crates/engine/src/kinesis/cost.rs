//! The Kinesis Data Streams cost meter (aws-rules §4.11). Provisioned streams pay per shard-hour
//! and per PUT payload unit (each record rounded up to 25 KB); on-demand streams per
//! stream-hour and per GB written (each record rounded up to 1 KB) and read. Extended retention
//! and enhanced fan-out are extra. aws-rules §4.11 has no dollar figures: every price here is
//! UNCONFIRMED, a us-east-1 list price as commonly quoted, kept as a named constant.

use serde::{Deserialize, Serialize};

/// A PUT payload unit: 25 KB. Taken as 25 × 1,024 bytes (so a 1 MiB record is 41 units;
/// aws-rules §4.11's "1 MB = 40" reads MB as 1,000 KB — UNCONFIRMED which AWS bills).
pub const PUT_PAYLOAD_UNIT_BYTES: u64 = 25 * 1024;
/// On-demand writes are metered with each record rounded up to 1 KB (aws-rules §4.11).
pub const ON_DEMAND_WRITE_ROUNDING_BYTES: u64 = 1024;
pub const BYTES_PER_GB: f64 = 1024.0 * 1024.0 * 1024.0;
pub const MS_PER_HOUR: f64 = 3_600_000.0;

/// USD per shard-hour, provisioned. UNCONFIRMED.
pub const PRICE_SHARD_HOUR_USD: f64 = 0.015;
/// USD per million PUT payload units, provisioned. UNCONFIRMED.
pub const PRICE_PUT_PAYLOAD_UNITS_PER_MILLION_USD: f64 = 0.014;
/// USD per shard-hour of retention beyond 24 h (up to 7 days). UNCONFIRMED.
pub const PRICE_EXTENDED_RETENTION_SHARD_HOUR_USD: f64 = 0.020;
/// USD per stream-hour, on-demand. UNCONFIRMED.
pub const PRICE_ON_DEMAND_STREAM_HOUR_USD: f64 = 0.04;
/// USD per GB written, on-demand. UNCONFIRMED.
pub const PRICE_ON_DEMAND_WRITE_PER_GB_USD: f64 = 0.08;
/// USD per GB read, on-demand. UNCONFIRMED.
pub const PRICE_ON_DEMAND_READ_PER_GB_USD: f64 = 0.04;
/// USD per consumer-shard-hour of enhanced fan-out. UNCONFIRMED.
pub const PRICE_EFO_CONSUMER_SHARD_HOUR_USD: f64 = 0.015;
/// USD per GB delivered by enhanced fan-out. UNCONFIRMED.
pub const PRICE_EFO_RETRIEVAL_PER_GB_USD: f64 = 0.013;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct KinesisPrices {
    pub shard_hour_usd: f64,
    pub put_payload_units_per_million_usd: f64,
    pub extended_retention_shard_hour_usd: f64,
    pub on_demand_stream_hour_usd: f64,
    pub on_demand_write_per_gb_usd: f64,
    pub on_demand_read_per_gb_usd: f64,
    pub efo_consumer_shard_hour_usd: f64,
    pub efo_retrieval_per_gb_usd: f64,
}

impl Default for KinesisPrices {
    fn default() -> Self {
        KinesisPrices {
            shard_hour_usd: PRICE_SHARD_HOUR_USD,
            put_payload_units_per_million_usd: PRICE_PUT_PAYLOAD_UNITS_PER_MILLION_USD,
            extended_retention_shard_hour_usd: PRICE_EXTENDED_RETENTION_SHARD_HOUR_USD,
            on_demand_stream_hour_usd: PRICE_ON_DEMAND_STREAM_HOUR_USD,
            on_demand_write_per_gb_usd: PRICE_ON_DEMAND_WRITE_PER_GB_USD,
            on_demand_read_per_gb_usd: PRICE_ON_DEMAND_READ_PER_GB_USD,
            efo_consumer_shard_hour_usd: PRICE_EFO_CONSUMER_SHARD_HOUR_USD,
            efo_retrieval_per_gb_usd: PRICE_EFO_RETRIEVAL_PER_GB_USD,
        }
    }
}

/// PUT payload units of one record of `bytes` (data plus partition key): at least one.
pub fn put_payload_units(bytes: u64) -> u64 {
    bytes.div_ceil(PUT_PAYLOAD_UNIT_BYTES).max(1)
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct KinesisCostMeter {
    /// Open shards × time, provisioned streams.
    pub shard_ms: u64,
    pub put_payload_units: u64,
    /// Open shards × time of provisioned or on-demand streams retaining data beyond 24 h.
    pub extended_retention_shard_ms: u64,
    pub on_demand_stream_ms: u64,
    /// Written bytes with each record rounded up to 1 KB.
    pub on_demand_write_bytes: u64,
    pub on_demand_read_bytes: u64,
    /// Registered consumers × open shards × time.
    pub efo_consumer_shard_ms: u64,
    pub efo_bytes: u64,
    pub prices: KinesisPrices,
}

impl KinesisCostMeter {
    pub fn usd(&self) -> f64 {
        let p = &self.prices;
        self.shard_ms as f64 / MS_PER_HOUR * p.shard_hour_usd
            + self.put_payload_units as f64 / 1e6 * p.put_payload_units_per_million_usd
            + self.extended_retention_shard_ms as f64 / MS_PER_HOUR
                * p.extended_retention_shard_hour_usd
            + self.on_demand_stream_ms as f64 / MS_PER_HOUR * p.on_demand_stream_hour_usd
            + self.on_demand_write_bytes as f64 / BYTES_PER_GB * p.on_demand_write_per_gb_usd
            + self.on_demand_read_bytes as f64 / BYTES_PER_GB * p.on_demand_read_per_gb_usd
            + self.efo_consumer_shard_ms as f64 / MS_PER_HOUR * p.efo_consumer_shard_hour_usd
            + self.efo_bytes as f64 / BYTES_PER_GB * p.efo_retrieval_per_gb_usd
    }
}
