//! Rebuilds the binary when a migration is added or changed: `sqlx::migrate!` embeds them at
//! compile time, and cargo does not otherwise watch the directory.

fn main() {
    println!("cargo:rerun-if-changed=../migrations");
}
