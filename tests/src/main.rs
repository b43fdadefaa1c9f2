//! `edgedev-under-test`: the real `edgedev` CLI, built beside the black-box tests so they can start
//! real server processes (`CARGO_BIN_EXE_edgedev-under-test`).

fn main() -> std::process::ExitCode {
    api::cli::main()
}
