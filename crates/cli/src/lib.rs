//! # mqlab-cli
//!
//! The command line over the engine: the same simulation as the browser, headless.
//!
//! ## Layout
//!
//! - [`args`] — the command line, parsed by hand into a [`args::Command`]; usage texts.
//! - [`duration`] — virtual durations as people write them (`90s`, `1h30m`, `14d`).
//! - [`script`] — `mqlab api`: replays JSON-lines AWS API scripts against a fresh world.
//! - [`run`] — `mqlab run` and `mqlab hash`: a scenario fast-forwarded for a duration,
//!   events out as JSON lines, metrics as CSV or JSON, the determinism fingerprint.
//! - [`bench`] — `mqlab bench`.
//!
//! ## The run loop
//!
//! `main` parses the arguments and hands them to [`main_with_args`], which dispatches to one
//! command. Each command owns a `World`, advances virtual time with `advance_to` and drains
//! what happened (completions for `api`, events for `run` and `hash`). Nothing here reads
//! the wall clock except the speed figure of `run`'s summary.

pub mod args;
pub mod bench;
mod brokers;
pub mod duration;
mod groups;
pub mod run;
pub mod script;
mod video;

pub use script::{run_script, ScriptError, ScriptRunner};

use args::{usage_of, ApiArgs, Command};
use std::io::{self, BufWriter, Read, Write};

/// Runs the command line (arguments after the program name); returns the exit status:
/// 0 on success, 2 for bad arguments or input, 1 when output cannot be written.
pub fn main_with_args(argv: &[String]) -> i32 {
    let command = match args::parse(argv) {
        Ok(c) => c,
        Err(e) => {
            let hint = match &e.topic {
                Some(t) => format!("mqlab help {t}"),
                None => "mqlab --help".to_string(),
            };
            eprintln!("mqlab: {e}\nRun `{hint}` for usage.");
            return 2;
        }
    };
    match command {
        Command::Help(Some(topic)) if topic == "bench" => bench::main(&["--help".to_string()]),
        Command::Help(topic) => {
            print!("{}", usage_of(topic.as_deref()).unwrap_or(args::USAGE));
            0
        }
        Command::Version => {
            println!("mqlab {}", env!("CARGO_PKG_VERSION"));
            0
        }
        Command::Api(a) => api_command(&a),
        Command::Run(r) => run::run_command(&r),
        Command::Hash(h) => run::hash_command(&h),
        Command::Bench(rest) => bench::main(&rest),
    }
}

/// `mqlab api`: returns the exit status.
pub fn api_command(a: &ApiArgs) -> i32 {
    let (name, bytes) = if a.script == "-" {
        let mut buf = Vec::new();
        if let Err(e) = io::stdin().lock().read_to_end(&mut buf) {
            eprintln!("<stdin>: {e}");
            return 2;
        }
        ("<stdin>".to_string(), buf)
    } else {
        match std::fs::read(&a.script) {
            Ok(b) => (a.script.clone(), b),
            Err(e) => {
                eprintln!("{}: {e}", a.script);
                return 2;
            }
        }
    };
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let line = good.iter().filter(|&&b| b == b'\n').count() + 1;
            eprintln!("{name}:{line}: json: not UTF-8 text");
            return 2;
        }
    };
    let mut out = BufWriter::new(io::stdout().lock());
    let result = run_script(&text, a.seed, &mut out);
    let flushed = out.flush();
    match (result, flushed) {
        (Ok(()), Ok(())) => 0,
        (Err(e), _) if !e.is_output_error() => {
            eprintln!("{name}:{}: {}: {}", e.line, e.field, e.message);
            2
        }
        (Err(e), _) => {
            if !e.message.contains("Broken pipe") {
                eprintln!("mqlab: cannot write the output: {}", e.message);
            }
            1
        }
        (Ok(()), Err(e)) => {
            if e.kind() != io::ErrorKind::BrokenPipe {
                eprintln!("mqlab: cannot write the output: {e}");
            }
            1
        }
    }
}
