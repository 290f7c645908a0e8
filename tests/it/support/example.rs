//! The crate's examples as programs, for the tests that run them.

use std::path::PathBuf;

/// The example `name` built by cargo (cheap: the library is built
/// already), its path read from cargo's JSON messages.
pub fn example(name: &str) -> PathBuf {
    let out = std::process::Command::new(env!("CARGO"))
        .args([
            "build",
            "--example",
            name,
            "--message-format=json",
            "--quiet",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let exe = text
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|m| m.get("executable")?.as_str().map(PathBuf::from))
        .next_back()
        .expect("cargo names the example's executable");
    assert!(exe.exists(), "{}", exe.display());
    exe
}
