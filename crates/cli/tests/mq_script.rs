//! `mqlab api` with `"svc": "mq"` (and the non-AWS `"mq-broker"` messaging plane):
//! examples/api/mq-broker-lifecycle.jsonl, an ActiveMQ active/standby broker from
//! CREATION_IN_PROGRESS to RUNNING, AWS's validation errors, UpdateBroker's pending instance
//! type applied by a reboot that fails over (a persistent message survives, a non-persistent
//! one is lost), and deletion (aws-rules §7.6–§7.9).

mod common;

use common::{at, run_example};

#[test]
fn a_broker_is_created_updated_rebooted_over_a_failover_and_deleted() {
    let out = run_example("mq-broker-lifecycle.jsonl");
    let id = at(&out, 0.0, "CreateBroker")["response"]["BrokerId"]
        .as_str()
        .unwrap()
        .to_string();
    let d = &at(&out, 0.0, "DescribeBroker")["response"];
    assert_eq!(d["BrokerState"], "CREATION_IN_PROGRESS");
    assert_eq!(d["BrokerInstances"].as_array().unwrap().len(), 0);

    let e = &at(&out, 1.0, "CreateBroker")["error"];
    assert_eq!(e["Code"], "BadRequestException");
    assert!(e["Message"].as_str().unwrap().contains("deploymentMode"));
    assert_eq!(
        at(&out, 2.0, "CreateBroker")["error"]["Code"],
        "ConflictException"
    );
    assert_eq!(
        at(&out, 60.0, "RebootBroker")["error"]["Code"],
        "BadRequestException"
    );

    let d = &at(&out, 120.0, "DescribeBroker")["response"];
    assert_eq!(d["BrokerState"], "RUNNING");
    assert_eq!(d["BrokerInstances"].as_array().unwrap().len(), 2);
    assert_eq!(
        at(&out, 121.0, "ListBrokers")["response"]["BrokerSummaries"][0]["BrokerId"],
        id.as_str()
    );
    let d = &at(&out, 123.0, "DescribeBroker")["response"];
    assert_eq!(
        (
            d["HostInstanceType"].as_str(),
            d["PendingHostInstanceType"].as_str()
        ),
        (Some("mq.m5.large"), Some("mq.m5.xlarge"))
    );

    assert_eq!(
        at(&out, 125.0, "DescribeBroker")["response"]["BrokerState"],
        "REBOOT_IN_PROGRESS"
    );
    // During the failover nobody takes the message; after it, only the persistent one is left.
    assert_eq!(
        at(&out, 126.0, "Publish")["error"]["Code"],
        "BrokerUnavailable"
    );
    let q = &at(&out, 131.0, "ListQueues")["response"];
    assert_eq!(q["Queues"][0]["Messages"], 1);
    assert_eq!(q["OpenConnections"], 1);

    let d = &at(&out, 155.0, "DescribeBroker")["response"];
    assert_eq!(d["BrokerState"], "RUNNING");
    assert_eq!(d["HostInstanceType"], "mq.m5.xlarge");
    assert!(d.get("PendingHostInstanceType").is_none());

    assert_eq!(
        at(&out, 157.0, "DescribeBroker")["response"]["BrokerState"],
        "DELETION_IN_PROGRESS"
    );
    let e = &at(&out, 216.0, "DescribeBroker")["error"];
    assert_eq!(e["Code"], "NotFoundException");
    assert_eq!(
        e["Message"],
        format!("Can't find requested broker [{id}]. Make sure your broker exists.")
    );
}
