//! What the editor tests share: the binary, fixture copies, tree snapshots, JSON findings.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;
use tempfile::TempDir;
use walkdir::WalkDir;

/// The clock the fixtures are written against.
pub const CLOCK: &str = "2021-01-01T00:00:00+00:00";

pub fn gazette() -> Command {
    let mut command = assert_cmd::cargo::cargo_bin_cmd!("gazette");
    command.env_remove("NO_COLOR");
    command
}

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

/// A private copy of a fixture site, so that a command that writes cannot touch the repository.
pub fn copy_fixture(name: &str) -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    crate::support::copy_tree(&fixture(name), dir.path());
    dir
}

/// Every folder and file below `root` with its bytes (`None` for a folder).
pub fn tree(root: &Path) -> BTreeMap<PathBuf, Option<Vec<u8>>> {
    WalkDir::new(root)
        .into_iter()
        .map(|entry| {
            let entry = entry.unwrap();
            let relative = entry.path().strip_prefix(root).unwrap().to_path_buf();
            let bytes = entry.file_type().is_file().then(|| std::fs::read(entry.path()).unwrap());
            (relative, bytes)
        })
        .collect()
}

/// Runs `gazette check --format json` with `args`; returns every finding and the exit code.
pub fn json_findings(root: &Path, args: &[&str]) -> (Vec<Value>, i32) {
    let output = gazette().arg("check").arg("--root").arg(root).args(["--format", "json"]).args(args).output().unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let findings = stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}")))
        .collect();
    (findings, output.status.code().unwrap())
}

/// The finding with `code` in `file`, which must be there exactly once.
pub fn finding<'a>(findings: &'a [Value], code: &str, file: &str) -> &'a Value {
    let matching: Vec<&Value> = findings.iter().filter(|f| f["code"] == code && f["file"] == file).collect();
    assert_eq!(matching.len(), 1, "{code} in {file}: {findings:#?}");
    matching[0]
}

/// (line, column) of a finding.
pub fn place(finding: &Value) -> (u64, u64) {
    (finding["line"].as_u64().unwrap(), finding["column"].as_u64().unwrap())
}

/// Runs a command and returns its stdout and stderr, asserting the exit code.
pub fn run(command: &mut Command, code: i32) -> (String, String) {
    let output = command.output().unwrap();
    let (stdout, stderr) = (String::from_utf8(output.stdout).unwrap(), String::from_utf8(output.stderr).unwrap());
    assert_eq!(output.status.code(), Some(code), "stdout:\n{stdout}\nstderr:\n{stderr}");
    (stdout, stderr)
}
