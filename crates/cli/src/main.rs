//! `mqlab`: see `mqlab --help`. Everything lives in the library so that tests and the fuzzer
//! can reach it.

/// The system allocator, counting allocations so that `mqlab bench` can report how many a
/// simulated message costs (one relaxed atomic add per allocation).
#[global_allocator]
static ALLOCATOR: mqlab_cli::bench::CountingAlloc = mqlab_cli::bench::CountingAlloc;

fn main() {
    let args: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    std::process::exit(mqlab_cli::main_with_args(&args));
}
