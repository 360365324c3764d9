//! The AWS CLI command shown beside each API call in the log.

use mqlab_appcore::cli::{aws_cli_command, aws_cli_command_for, kebab_case, shell_quote};
use serde_json::json;

const URL: &str = "https://sqs.us-east-1.amazonaws.com/123456789012/orders";

#[test]
fn receive_message_with_long_polling() {
    assert_eq!(
        aws_cli_command(
            "ReceiveMessage",
            &json!({"QueueUrl": URL, "WaitTimeSeconds": 20, "MaxNumberOfMessages": 10})
        ),
        format!(
            "aws sqs receive-message --queue-url {URL} --max-number-of-messages 10 --wait-time-seconds 20"
        )
    );
}

#[test]
fn a_list_of_names_is_space_separated_as_in_the_aws_docs() {
    assert_eq!(
        aws_cli_command(
            "ReceiveMessage",
            &json!({"QueueUrl": URL, "MessageSystemAttributeNames": ["All"], "MessageAttributeNames": ["All", "order.*"]})
        ),
        format!("aws sqs receive-message --queue-url {URL} --message-attribute-names All 'order.*' --message-system-attribute-names All")
    );
}

#[test]
fn a_body_with_spaces_or_json_is_single_quoted() {
    assert_eq!(
        aws_cli_command(
            "SendMessage",
            &json!({"QueueUrl": URL, "MessageBody": "{\"order\": 1}", "DelaySeconds": 45})
        ),
        format!(
            r#"aws sqs send-message --queue-url {URL} --delay-seconds 45 --message-body '{{"order": 1}}'"#
        )
    );
    assert_eq!(
        aws_cli_command(
            "SendMessage",
            &json!({"QueueUrl": URL, "MessageBody": "it's done"})
        ),
        format!(r#"aws sqs send-message --queue-url {URL} --message-body 'it'\''s done'"#)
    );
}

#[test]
fn a_fifo_send_names_its_group_and_deduplication_id() {
    assert_eq!(
        aws_cli_command(
            "SendMessage",
            &json!({"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/orders.fifo",
                    "MessageBody": "hello", "MessageGroupId": "group-1", "MessageDeduplicationId": "web-1"})
        ),
        "aws sqs send-message --queue-url https://sqs.us-east-1.amazonaws.com/123456789012/orders.fifo \
         --message-body hello --message-deduplication-id web-1 --message-group-id group-1"
    );
}

#[test]
fn attributes_are_json_in_single_quotes() {
    assert_eq!(
        aws_cli_command(
            "SetQueueAttributes",
            &json!({"QueueUrl": URL, "Attributes": {"VisibilityTimeout": "60"}})
        ),
        format!(
            r#"aws sqs set-queue-attributes --queue-url {URL} --attributes '{{"VisibilityTimeout":"60"}}'"#
        )
    );
    assert_eq!(
        aws_cli_command(
            "CreateQueue",
            &json!({"QueueName": "orders", "Attributes": {"RedrivePolicy": "{\"maxReceiveCount\":3}"}})
        ),
        r#"aws sqs create-queue --queue-name orders --attributes '{"RedrivePolicy":"{\"maxReceiveCount\":3}"}'"#
    );
}

#[test]
fn batch_entries_are_json() {
    assert_eq!(
        aws_cli_command(
            "DeleteMessageBatch",
            &json!({"QueueUrl": URL, "Entries": [{"Id": "m0", "ReceiptHandle": "AQE=="}]})
        ),
        format!(
            r#"aws sqs delete-message-batch --queue-url {URL} --entries '[{{"Id":"m0","ReceiptHandle":"AQE=="}}]'"#
        )
    );
}

#[test]
fn receipt_handles_and_arns_pass_unquoted_when_safe() {
    assert_eq!(
        aws_cli_command(
            "DeleteMessage",
            &json!({"QueueUrl": URL, "ReceiptHandle": "AQEB+abc/def=="})
        ),
        format!("aws sqs delete-message --queue-url {URL} --receipt-handle 'AQEB+abc/def=='")
            .replace("'AQEB+abc/def=='", "AQEB+abc/def==")
    );
    assert_eq!(
        aws_cli_command(
            "StartMessageMoveTask",
            &json!({"SourceArn": "arn:aws:sqs:us-east-1:123456789012:orders-dlq", "MaxNumberOfMessagesPerSecond": 50})
        ),
        "aws sqs start-message-move-task --source-arn arn:aws:sqs:us-east-1:123456789012:orders-dlq --max-number-of-messages-per-second 50"
    );
}

#[test]
fn booleans_numbers_nulls_and_empty_params() {
    assert_eq!(
        aws_cli_command("ListQueues", &json!({})),
        "aws sqs list-queues"
    );
    assert_eq!(
        aws_cli_command("ListQueues", &json!(null)),
        "aws sqs list-queues"
    );
    assert_eq!(
        aws_cli_command(
            "ListQueues",
            &json!({"MaxResults": 5, "NextToken": null, "Flag": true})
        ),
        "aws sqs list-queues --flag --max-results 5"
    );
    // Booleans are the CLI's switches.
    assert_eq!(
        aws_cli_command(
            "PutMetricAlarm",
            &json!({"AlarmName": "a", "ActionsEnabled": false})
        ),
        "aws cloudwatch put-metric-alarm --alarm-name a --no-actions-enabled"
    );
    assert_eq!(
        aws_cli_command("SendMessage", &json!({"MessageBody": ""})),
        "aws sqs send-message --message-body ''"
    );
    assert_eq!(
        aws_cli_command(
            "GetQueueAttributes",
            &json!({"QueueUrl": URL, "AttributeNames": []})
        ),
        format!("aws sqs get-queue-attributes --queue-url {URL} --attribute-names '[]'")
    );
}

#[test]
fn other_services_are_named_as_the_cli_names_them() {
    assert_eq!(
        aws_cli_command_for(
            "sns",
            "Publish",
            &json!({"TopicArn": "arn:aws:sns:us-east-1:123456789012:t", "Message": "hi"})
        ),
        "aws sns publish --topic-arn arn:aws:sns:us-east-1:123456789012:t --message hi"
    );
    // The SNS calls the page makes are written as `aws sns …`, the resource first.
    assert_eq!(
        aws_cli_command(
            "SetSubscriptionAttributes",
            &json!({"AttributeName": "FilterPolicy", "AttributeValue": "{\"a\":[\"b\"]}",
                    "SubscriptionArn": "arn:aws:sns:us-east-1:123456789012:t:1"})
        ),
        "aws sns set-subscription-attributes --subscription-arn arn:aws:sns:us-east-1:123456789012:t:1 \
         --attribute-name FilterPolicy --attribute-value '{\"a\":[\"b\"]}'"
    );
}

#[test]
fn names_become_kebab_case() {
    for (camel, kebab) in [
        ("ReceiveMessage", "receive-message"),
        ("SendMessageBatch", "send-message-batch"),
        ("ChangeMessageVisibility", "change-message-visibility"),
        ("QueueUrl", "queue-url"),
        ("MaxNumberOfMessages", "max-number-of-messages"),
        (
            "MessageSystemAttributeNames",
            "message-system-attribute-names",
        ),
        ("SqsManagedSseEnabled", "sqs-managed-sse-enabled"),
        ("SSEEnabled", "sse-enabled"),
        ("MD5OfBody", "md5-of-body"),
        (
            "KmsDataKeyReusePeriodSeconds",
            "kms-data-key-reuse-period-seconds",
        ),
        ("", ""),
    ] {
        assert_eq!(kebab_case(camel), kebab);
    }
}

#[test]
fn shell_metacharacters_are_quoted() {
    for (raw, quoted) in [
        ("plain", "plain"),
        ("a b", "'a b'"),
        ("$HOME", "'$HOME'"),
        ("`rm -rf`", "'`rm -rf`'"),
        ("a;b", "'a;b'"),
        ("a|b&c", "'a|b&c'"),
        ("*", "'*'"),
        ("~", "'~'"),
        ("x\ny", "'x\ny'"),
        ("don't", r"'don'\''t'"),
        ("한국어", "'한국어'"),
        ("", "''"),
    ] {
        assert_eq!(shell_quote(raw), quoted, "{raw:?}");
    }
}

#[test]
fn each_call_is_written_for_its_own_service() {
    use mqlab_appcore::cli::service_of;
    assert_eq!(service_of("ReceiveMessage"), "sqs");
    assert_eq!(service_of("SetSubscriptionAttributes"), "sns");
    assert_eq!(service_of("PublishBatch"), "sns");
    assert_eq!(service_of("UpdateShardCount"), "kinesis");
    assert_eq!(service_of("PutRecords"), "kinesis");
    assert_eq!(service_of("PutObject"), "s3api");
    assert_eq!(
        aws_cli_command(
            "UpdateShardCount",
            &json!({"StreamName": "clicks", "TargetShardCount": 2, "ScalingType": "UNIFORM_SCALING"})
        ),
        "aws kinesis update-shard-count --stream-name clicks --scaling-type UNIFORM_SCALING \
         --target-shard-count 2"
    );
}
