//! Hand-rolled argument parsing: a few subcommands with a few flags each do not need a
//! parser crate, and this keeps the error messages ours.

use crate::duration::parse_duration;
use std::fmt;

pub const USAGE: &str = "\
mqlab — a deterministic simulation of AWS messaging (SQS)

Usage:
  mqlab api SCRIPT.jsonl [--seed N]
  mqlab run SCENARIO.json --for DURATION [--seed N] [--events FILE|-] [--no-events]
            [--metrics FILE|-] [--metrics-format csv|json]
  mqlab hash SCENARIO.json --for DURATION [--seed N]
  mqlab bench
  mqlab help [COMMAND]

Commands:
  api     replay AWS API calls (JSON lines) against a fresh world; one JSON answer per call
  run     simulate a scenario for a virtual duration; write events (JSON lines) and metrics
  hash    print the determinism fingerprint of a scenario's events (a decimal u64)
  bench   measure engine throughput
  help    show this, or the details of one command

DURATION is virtual time: 90s, 15m, 1h, 14d, 1h30m, 500ms, or plain seconds.
Exit status: 0 on success, 2 for bad arguments or input, 1 when output cannot be written,
3 when `run` stops at its --memory-max.
";

pub const API_USAGE: &str = "\
Usage: mqlab api SCRIPT.jsonl [--seed N]

Replays AWS API calls against a fresh world and prints one JSON line per call, in input
order. SCRIPT may be - for standard input. Each input line is one call:

  {\"t\": 12.5, \"svc\": \"sqs\", \"op\": \"ReceiveMessage\",
   \"params\": {\"QueueUrl\": \"${url}\", \"WaitTimeSeconds\": 5},
   \"bind\": {\"rh\": \"Messages.0.ReceiptHandle\"}}

  t       virtual seconds, non-decreasing (absent: same as the line before, or 0)
  svc     the service (sqs, sns, kinesis, s3, cloudwatch, autoscaling, ec2, lambda, firehose,
          mq, kinesisanalyticsv2, kinesisvideo; mq-broker is mqlab's messaging plane of an
          Amazon MQ broker, not an AWS API)
  op      the AWS action name
  params  the AWS JSON request members (absent: {})
  bind    names to save from the response by dotted path (array indices are numbers);
          ${name} in any later string is replaced by the value, once the call has completed;
          a string that is exactly \"${name}\" becomes the value with its JSON type

Each output line is {\"t\", \"t_done\", \"op\", \"response\"} or {\"t\", \"t_done\", \"op\", \"error\":
{\"Code\", \"Message\"}}. A long poll completes later (t_done) and may overlap later lines;
at the end, time runs on until every call has completed. Blank lines are skipped.

SNS deliveries happen in virtual time (tens of ms after Publish). Simulated HTTP, email,
SMS, mobile push and Lambda endpoints keep what they receive: {\"svc\": \"sns\", \"op\":
\"ListEndpointMessages\", \"params\": {\"Endpoint\": \"https://...\"}} lists it (simulation
only), e.g. to bind the Token of a SubscriptionConfirmation for ConfirmSubscription.
As in AWS, SNS delivers to a queue only if the queue's Policy attribute lets the topic send
(principal sns.amazonaws.com or *, sqs:SendMessage, aws:SourceArn the topic); otherwise the
delivery fails and is not retried.

Kinesis blob members (Data) are base64 text and timestamps epoch seconds, as in the AWS JSON
protocol. CreateStream, resharding and UpdateStreamMode finish later in virtual time (the
stream is CREATING or UPDATING meanwhile). SubscribeToShard completes when its 5-minute
subscription ends, answering {\"EventStream\": [{\"SubscribeToShardEvent\": {..}}, ..]}.

S3 is simulated as far as it publishes events (CreateBucket, PutBucketNotificationConfiguration,
PutObject with Body as base64 text, DeleteObject, ...): a matching upload or delete publishes
the event record to its SNS topic 1 s later (virtual time).

Lambda consumes SQS queues through event source mappings (CreateFunction, then
CreateEventSourceMapping; the mapping is Creating for 1 s, then Enabled). What the function
does is read from its Environment.Variables: MQLAB_DURATION_MS (each invocation's duration,
default 100; longer than Timeout times out) and MQLAB_FAIL_IF_BODY_CONTAINS (a message whose
body contains it fails).

A malformed line stops the run with `SCRIPT:LINE: FIELD: what is wrong` and exit status 2.

Options:
  --seed N   seed of the world's random choices (default 0)
";

pub const RUN_USAGE: &str = "\
Usage: mqlab run SCENARIO.json --for DURATION [options]

Simulates the scenario for DURATION of virtual time, as fast as it can, and writes every
event as a JSON line. A summary (queues, cost, speed) goes to standard error.

Options:
  --for DURATION           virtual time to simulate: 90s, 15m, 1h, 14d, 1h30m, or seconds
  --seed N                 override the scenario's seed
  --events FILE|-          where events go (default: standard output)
  --no-events              do not record events (faster; the summary still prints)
  --metrics FILE|-         write CloudWatch-style 1-minute metrics
  --metrics-format FORMAT  csv (timestamp,namespace,name,metric,value) or json (an array of rows);
                           default: json if FILE ends in .json, else csv
  --memory-max SIZE        stop (exit status 3) when the world would hold more than SIZE by the
                           engine's own estimate: 512M, 4G, or bytes (default 4G)
";

pub const HASH_USAGE: &str = "\
Usage: mqlab hash SCENARIO.json --for DURATION [--seed N]

Runs the scenario like `mqlab run` and prints only the fingerprint of its events (FNV-1a
over their JSON lines), as a decimal number. The same scenario and seed give the same
number natively and in the browser.

Options:
  --for DURATION   virtual time to simulate
  --seed N         override the scenario's seed
";

pub const BENCH_USAGE: &str = "\
Usage: mqlab bench

Measures engine throughput against a bare in-memory baseline in the same process.
";

/// The usage text of a command, or of the whole tool. (`mqlab help bench` is answered by the
/// benchmark itself, which knows its options; this text is only its fallback.)
pub fn usage_of(topic: Option<&str>) -> Option<&'static str> {
    match topic {
        None => Some(USAGE),
        Some("api") => Some(API_USAGE),
        Some("run") => Some(RUN_USAGE),
        Some("hash") => Some(HASH_USAGE),
        Some("bench") => Some(BENCH_USAGE),
        Some("help") => Some(USAGE),
        Some(_) => None,
    }
}

/// What the command line asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// Print usage (of one command, if named) and exit 0.
    Help(Option<String>),
    Version,
    Api(ApiArgs),
    Run(RunArgs),
    Hash(HashArgs),
    Bench(Vec<String>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiArgs {
    /// Path, or `-` for standard input.
    pub script: String,
    pub seed: u64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Sink {
    Stdout,
    File(String),
    Discard,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MetricsFormat {
    Csv,
    Json,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunArgs {
    pub scenario: String,
    pub duration_ms: u64,
    pub seed: Option<u64>,
    pub events: Sink,
    pub metrics: Option<(Sink, MetricsFormat)>,
    /// The most the world may hold, bytes (its own estimate): past it the run stops.
    pub memory_max_bytes: u64,
}

/// `mqlab run`'s memory limit when none is given: well under a laptop's memory, far above
/// any preset (each holds under 100 MB after a virtual hour).
pub const MEMORY_MAX_BYTES_DEFAULT: u64 = 4 << 30;

/// `512M`, `4G`, `300MB`, `1GiB` or plain bytes.
fn parse_size(cmd: &str, flag: &str, s: &str) -> Result<u64, UsageError> {
    let t = s.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (digits, unit) = t.split_at(split);
    let shift = match unit.to_ascii_uppercase().as_str() {
        "" | "B" => 0,
        "K" | "KB" | "KIB" => 10,
        "M" | "MB" | "MIB" => 20,
        "G" | "GB" | "GIB" => 30,
        _ => 64,
    };
    match digits.parse::<u64>() {
        Ok(n) if shift < 64 && n > 0 && n.leading_zeros() >= shift => Ok(n << shift),
        _ => Err(UsageError::new(
            Some(cmd),
            format!("--{flag}: expected a size such as 512M, 4G or a number of bytes, found {s:?}"),
        )),
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HashArgs {
    pub scenario: String,
    pub duration_ms: u64,
    pub seed: Option<u64>,
}

/// A command line that cannot be obeyed. `topic` names the command whose usage would help.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UsageError {
    pub message: String,
    pub topic: Option<String>,
}

impl UsageError {
    fn new(topic: Option<&str>, message: impl Into<String>) -> Self {
        UsageError {
            message: message.into(),
            topic: topic.map(str::to_string),
        }
    }
}

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.message)
    }
}

/// Flags of one command: (name without dashes, takes a value).
type FlagSpec = &'static [(&'static str, bool)];

struct Parsed {
    positionals: Vec<String>,
    /// (flag, value) in the order given; switches have an empty value.
    flags: Vec<(&'static str, String)>,
    help: bool,
}

impl Parsed {
    fn value(&self, name: &str) -> Option<&str> {
        self.flags
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    fn has(&self, name: &str) -> bool {
        self.flags.iter().any(|(n, _)| *n == name)
    }
}

fn parse_flags(cmd: &str, args: &[String], spec: FlagSpec) -> Result<Parsed, UsageError> {
    let mut parsed = Parsed {
        positionals: Vec::new(),
        flags: Vec::new(),
        help: false,
    };
    let mut i = 0;
    let mut only_positionals = false;
    while i < args.len() {
        let arg = &args[i];
        i += 1;
        if only_positionals || arg == "-" || !arg.starts_with('-') {
            parsed.positionals.push(arg.clone());
            continue;
        }
        if arg == "--" {
            only_positionals = true;
            continue;
        }
        if arg == "-h" || arg == "--help" {
            parsed.help = true;
            continue;
        }
        let body = arg.trim_start_matches('-');
        let (name, inline) = match body.split_once('=') {
            Some((n, v)) => (n, Some(v.to_string())),
            None => (body, None),
        };
        let Some(&(flag, takes_value)) = spec.iter().find(|(n, _)| *n == name) else {
            let known: Vec<String> = spec.iter().map(|(n, _)| format!("--{n}")).collect();
            let hint = if known.is_empty() {
                format!("`mqlab {cmd}` takes no options")
            } else {
                format!("options of `mqlab {cmd}`: {}", known.join(", "))
            };
            return Err(UsageError::new(
                Some(cmd),
                format!("unknown option {arg} ({hint})"),
            ));
        };
        if parsed.has(flag) {
            return Err(UsageError::new(
                Some(cmd),
                format!("--{flag} is given more than once"),
            ));
        }
        let value = if takes_value {
            match inline {
                Some(v) => v,
                None => {
                    let Some(v) = args.get(i) else {
                        return Err(UsageError::new(
                            Some(cmd),
                            format!("--{flag} needs a value"),
                        ));
                    };
                    i += 1;
                    v.clone()
                }
            }
        } else {
            if inline.is_some() {
                return Err(UsageError::new(
                    Some(cmd),
                    format!("--{flag} takes no value"),
                ));
            }
            String::new()
        };
        parsed.flags.push((flag, value));
    }
    Ok(parsed)
}

fn one_positional(cmd: &str, parsed: &Parsed, what: &str) -> Result<String, UsageError> {
    match parsed.positionals.as_slice() {
        [one] => Ok(one.clone()),
        [] => Err(UsageError::new(Some(cmd), format!("missing {what}"))),
        [_, extra, ..] => Err(UsageError::new(
            Some(cmd),
            format!("unexpected argument {extra:?} (only one {what} is taken)"),
        )),
    }
}

fn parse_seed(cmd: &str, text: &str) -> Result<u64, UsageError> {
    text.trim().parse::<u64>().map_err(|_| {
        UsageError::new(
            Some(cmd),
            format!(
                "--seed: expected a whole number from 0 to {}, found {text:?}",
                u64::MAX
            ),
        )
    })
}

fn parse_for(cmd: &str, parsed: &Parsed) -> Result<u64, UsageError> {
    let Some(text) = parsed.value("for") else {
        return Err(UsageError::new(
            Some(cmd),
            "missing --for DURATION (e.g. --for 10m)",
        ));
    };
    parse_duration(text).map_err(|e| UsageError::new(Some(cmd), format!("--for: {e}")))
}

/// Parses the arguments after the program name.
pub fn parse(args: &[String]) -> Result<Command, UsageError> {
    let Some((cmd, rest)) = args.split_first() else {
        return Ok(Command::Help(None));
    };
    match cmd.as_str() {
        "-h" | "--help" => Ok(Command::Help(None)),
        "-V" | "--version" | "version" => Ok(Command::Version),
        "help" => match rest {
            [] => Ok(Command::Help(None)),
            [topic] if usage_of(Some(topic)).is_some() => Ok(Command::Help(Some(topic.clone()))),
            [topic] => Err(UsageError::new(
                None,
                format!("no help for {topic:?}: it is not a command"),
            )),
            [_, extra, ..] => Err(UsageError::new(
                None,
                format!("unexpected argument {extra:?}"),
            )),
        },
        "api" => {
            let p = parse_flags("api", rest, &[("seed", true)])?;
            if p.help {
                return Ok(Command::Help(Some("api".into())));
            }
            Ok(Command::Api(ApiArgs {
                script: one_positional(
                    "api",
                    &p,
                    "SCRIPT (a .jsonl file, or - for standard input)",
                )?,
                seed: p
                    .value("seed")
                    .map(|s| parse_seed("api", s))
                    .transpose()?
                    .unwrap_or(0),
            }))
        }
        "run" => {
            let p = parse_flags(
                "run",
                rest,
                &[
                    ("for", true),
                    ("seed", true),
                    ("events", true),
                    ("no-events", false),
                    ("metrics", true),
                    ("metrics-format", true),
                    ("memory-max", true),
                ],
            )?;
            if p.help {
                return Ok(Command::Help(Some("run".into())));
            }
            let memory_max_bytes = p
                .value("memory-max")
                .map(|s| parse_size("run", "memory-max", s))
                .transpose()?
                .unwrap_or(MEMORY_MAX_BYTES_DEFAULT);
            let scenario = one_positional("run", &p, "SCENARIO (a .json file)")?;
            let duration_ms = parse_for("run", &p)?;
            let seed = p.value("seed").map(|s| parse_seed("run", s)).transpose()?;
            let events = match (p.value("events"), p.has("no-events")) {
                (Some(_), true) => {
                    return Err(UsageError::new(
                        Some("run"),
                        "--events and --no-events contradict each other",
                    ))
                }
                (_, true) => Sink::Discard,
                (None, false) | (Some("-"), false) => Sink::Stdout,
                (Some(path), false) => Sink::File(path.to_string()),
            };
            let format = match p.value("metrics-format") {
                None => None,
                Some("csv") => Some(MetricsFormat::Csv),
                Some("json") => Some(MetricsFormat::Json),
                Some(other) => {
                    return Err(UsageError::new(
                        Some("run"),
                        format!("--metrics-format: expected csv or json, found {other:?}"),
                    ))
                }
            };
            let metrics = match p.value("metrics") {
                None if format.is_some() => {
                    return Err(UsageError::new(
                        Some("run"),
                        "--metrics-format needs --metrics FILE",
                    ))
                }
                None => None,
                Some(path) => {
                    let format = format.unwrap_or(if path.ends_with(".json") {
                        MetricsFormat::Json
                    } else {
                        MetricsFormat::Csv
                    });
                    let sink = if path == "-" {
                        Sink::Stdout
                    } else {
                        Sink::File(path.to_string())
                    };
                    Some((sink, format))
                }
            };
            if events == Sink::Stdout && metrics.as_ref().is_some_and(|(s, _)| *s == Sink::Stdout) {
                return Err(UsageError::new(
                    Some("run"),
                    "events and metrics cannot both go to standard output (use --events FILE or --no-events)",
                ));
            }
            Ok(Command::Run(RunArgs {
                scenario,
                duration_ms,
                seed,
                events,
                metrics,
                memory_max_bytes,
            }))
        }
        "hash" => {
            let p = parse_flags("hash", rest, &[("for", true), ("seed", true)])?;
            if p.help {
                return Ok(Command::Help(Some("hash".into())));
            }
            Ok(Command::Hash(HashArgs {
                scenario: one_positional("hash", &p, "SCENARIO (a .json file)")?,
                duration_ms: parse_for("hash", &p)?,
                seed: p.value("seed").map(|s| parse_seed("hash", s)).transpose()?,
            }))
        }
        // The benchmark parses its own options (and its own --help).
        "bench" => Ok(Command::Bench(rest.to_vec())),
        other if other.starts_with('-') => Err(UsageError::new(
            None,
            format!(
                "unknown option {other} (expected a command first: api, run, hash, bench, help)"
            ),
        )),
        other => Err(UsageError::new(
            None,
            format!("unknown command {other:?} (commands: api, run, hash, bench, help)"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn api_takes_a_script_and_a_seed() {
        assert_eq!(
            parse(&args("api s.jsonl --seed 9")),
            Ok(Command::Api(ApiArgs {
                script: "s.jsonl".into(),
                seed: 9
            }))
        );
        assert_eq!(
            parse(&args("api - --seed=3")),
            Ok(Command::Api(ApiArgs {
                script: "-".into(),
                seed: 3
            }))
        );
        assert!(parse(&args("api")).is_err());
        assert!(parse(&args("api a b")).is_err());
        assert!(parse(&args("api a --seed x")).is_err());
        assert!(parse(&args("api a --seed")).is_err());
        assert!(parse(&args("api a --sed 1"))
            .unwrap_err()
            .message
            .contains("--seed"));
    }

    #[test]
    fn run_takes_durations_sinks_and_formats() {
        let Ok(Command::Run(r)) = parse(&args(
            "run s.json --for 1h30m --events ev.jsonl --metrics m.json",
        )) else {
            panic!()
        };
        assert_eq!(r.duration_ms, 5_400_000);
        assert_eq!(r.events, Sink::File("ev.jsonl".into()));
        assert_eq!(
            r.metrics,
            Some((Sink::File("m.json".into()), MetricsFormat::Json))
        );
        assert_eq!(r.seed, None);

        let Ok(Command::Run(r)) = parse(&args(
            "run s.json --for=600 --seed 5 --no-events --metrics - --metrics-format csv",
        )) else {
            panic!()
        };
        assert_eq!(r.duration_ms, 600_000);
        assert_eq!(r.seed, Some(5));
        assert_eq!(r.events, Sink::Discard);
        assert_eq!(r.metrics, Some((Sink::Stdout, MetricsFormat::Csv)));

        assert!(parse(&args("run s.json"))
            .unwrap_err()
            .message
            .contains("--for"));
        assert!(parse(&args("run s.json --for 10q")).is_err());
        assert!(parse(&args("run s.json --for 1m --for 2m")).is_err());
        assert!(parse(&args(
            "run s.json --for 1m --metrics-format xml --metrics m"
        ))
        .is_err());
        assert!(parse(&args("run s.json --for 1m --metrics-format csv")).is_err());
        assert!(parse(&args("run s.json --for 1m --metrics -")).is_err());
        assert!(parse(&args("run s.json --for 1m --no-events=1")).is_err());
    }

    #[test]
    fn help_and_unknown_commands() {
        assert_eq!(parse(&[]), Ok(Command::Help(None)));
        assert_eq!(parse(&args("--help")), Ok(Command::Help(None)));
        assert_eq!(
            parse(&args("help run")),
            Ok(Command::Help(Some("run".into())))
        );
        assert_eq!(
            parse(&args("hash x --help")),
            Ok(Command::Help(Some("hash".into())))
        );
        assert!(parse(&args("help nope")).is_err());
        assert!(parse(&args("frobnicate"))
            .unwrap_err()
            .message
            .contains("unknown command"));
        assert!(parse(&args("--frob")).is_err());
        assert!(matches!(parse(&args("bench")), Ok(Command::Bench(_))));
    }
}
