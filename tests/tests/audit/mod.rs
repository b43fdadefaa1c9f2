//! The audit tooling (docs/audit.md): histories with the state change of each event, states as
//! of a version or a time, who did what; the tamper-evident chain and its verifier; the projections verifier; upcasting; blue-green rebuilds.

mod blue_green;
mod chain;
mod history;
mod upcasting;
mod verify;

/// Runs `edgedev verify ARGS --json` on `url`: (succeeded, the JSON report).
pub(crate) fn verify_cli(url: &str, args: &[&str]) -> (bool, serde_json::Value) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_edgedev-under-test"))
        .arg("verify")
        .args(args)
        .arg("--json")
        .env("DATABASE_URL", url)
        .output()
        .expect("verify runs");
    let report = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("a JSON report ({e}): {output:?}"));
    (output.status.success(), report)
}
