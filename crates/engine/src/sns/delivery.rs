//! SNS delivery retry policies (facts §3.6) and simulated endpoints. Interface placeholder.
