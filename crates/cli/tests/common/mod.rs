//! Helpers shared by the CLI's integration tests.
#![allow(dead_code)]

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};

/// A fresh path in the temp dir, unique to this test process and call.
pub fn temp_path(name: &str) -> PathBuf {
    static N: AtomicU32 = AtomicU32::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("mqlab-cli-tests-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(format!("{n}-{name}"))
}

pub fn write_temp(name: &str, text: &str) -> PathBuf {
    let p = temp_path(name);
    std::fs::write(&p, text).unwrap();
    p
}

/// Runs the `mqlab` binary with `args`, feeding `stdin`.
pub fn mqlab(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mqlab"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the mqlab binary runs");
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.as_bytes()).unwrap();
    drop(input);
    child.wait_with_output().unwrap()
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

pub const SMOKE_SCENARIO: &str = r#"{"name":"smoke","seed":7,"queues":[{"QueueName":"orders","Attributes":{"VisibilityTimeout":"30"}}],"producers":[{"name":"web","queue":"orders","rate_per_s":5}],"consumers":[{"name":"worker","queue":"orders","count":2,"wait_time_s":20,"max_messages":10,"processing":{"dist":"uniform","min_ms":100,"max_ms":400}}]}"#;

/// `mqlab api ARG` with `stdin`: one JSON answer per script line (fails the test if the
/// command does).
pub fn mqlab_api(arg: &str, stdin: &str) -> Vec<serde_json::Value> {
    let out = mqlab(&["api", arg], stdin);
    let stdout = text(&out.stdout);
    assert!(
        out.status.success(),
        "mqlab api failed: {}\n{stdout}",
        text(&out.stderr)
    );
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Runs script `lines` through `mqlab api -`: one answer per line.
pub fn run(lines: &[serde_json::Value]) -> Vec<serde_json::Value> {
    let script: String = lines.iter().map(|l| format!("{l}\n")).collect();
    let out = mqlab_api("-", &script);
    assert_eq!(out.len(), lines.len());
    out
}

/// Runs `examples/api/<name>` through the API-script runner: one answer per script line.
pub fn run_example(name: &str) -> Vec<serde_json::Value> {
    let path = format!("{}/../../examples/api/{name}", env!("CARGO_MANIFEST_DIR"));
    let script = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut out = Vec::new();
    mqlab_cli::run_script(&script, 0, &mut out).unwrap();
    String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// The answers of the calls to `op` made at `t` seconds, in script order.
pub fn all<'a>(out: &'a [serde_json::Value], t: f64, op: &str) -> Vec<&'a serde_json::Value> {
    out.iter()
        .filter(|l| l["t"] == t && l["op"] == op)
        .collect()
}

/// The answer of the first call to `op` made at `t` seconds.
pub fn at<'a>(out: &'a [serde_json::Value], t: f64, op: &str) -> &'a serde_json::Value {
    all(out, t, op)
        .first()
        .copied()
        .unwrap_or_else(|| panic!("no {op} at {t}"))
}
