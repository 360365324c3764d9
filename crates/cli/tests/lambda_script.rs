//! `mqlab api` with `"svc": "lambda"`: examples/api/lambda-sqs-mapping.jsonl, a function
//! consuming a queue through an event source mapping (aws-rules §2.1): the visibility-timeout
//! and batch-window rules refused, the mapping going from Creating to Enabled, a poison
//! message failing alone (ReportBatchItemFailures) until the queue's redrive policy moves it
//! to the DLQ, the function's AWS/Lambda metrics read through CloudWatch, and the mapping
//! disabled and deleted.

mod common;

use common::{all, at, run_example};

#[test]
fn a_mapping_consumes_the_queue_and_its_poison_message_reaches_the_dlq() {
    let out = run_example("lambda-sqs-mapping.jsonl");
    let creates = all(&out, 0.0, "CreateEventSourceMapping");
    assert_eq!(
        creates[0]["error"]["Message"],
        "Queue visibility timeout: 30 seconds is less than Function timeout: 60 seconds"
    );
    assert_eq!(
        creates[1]["error"]["Message"],
        "Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10"
    );
    assert_eq!(creates[2]["response"]["State"], "Creating");
    assert_eq!(
        at(&out, 2.0, "GetEventSourceMapping")["response"]["State"],
        "Enabled"
    );

    // The batch was processed at once but for the poison message, which waits out its
    // visibility timeout in flight.
    let attrs = |t| at(&out, t, "GetQueueAttributes")["response"]["Attributes"].clone();
    assert_eq!(attrs(5.0)["ApproximateNumberOfMessages"], "0");
    assert_eq!(attrs(5.0)["ApproximateNumberOfMessagesNotVisible"], "1");
    assert_eq!(attrs(70.0)["ApproximateNumberOfMessagesNotVisible"], "0");
    let dlq = &at(&out, 70.0, "ReceiveMessage")["response"]["Messages"];
    assert_eq!(dlq[0]["Body"], "poison order");

    // Two invocations: the batch, then the poison message alone; the third receive moved it.
    let stats = &at(&out, 120.0, "GetMetricStatistics")["response"]["Datapoints"];
    assert_eq!(stats[0]["Sum"], 2.0);

    assert_eq!(
        at(&out, 120.0, "UpdateEventSourceMapping")["response"]["State"],
        "Disabling"
    );
    let listed = &at(&out, 122.0, "ListEventSourceMappings")["response"]["EventSourceMappings"];
    assert_eq!(listed[0]["State"], "Disabled");
    assert_eq!(
        at(&out, 122.0, "DeleteEventSourceMapping")["response"]["State"],
        "Deleting"
    );
    assert_eq!(
        at(&out, 124.0, "GetEventSourceMapping")["error"]["Code"],
        "ResourceNotFoundException"
    );
}
