//! Pagefind's browser side (its JS, WASM and UI styles) for the `search` feature, taken from
//! the source of the pinned `pagefind` crate without compiling that crate.
//!
//! gazette writes Pagefind's index itself (`src/search/`) and needs from Pagefind only the files
//! its crate keeps in `vendor/`. Compiling the crate to get them cost 76 crates of its own
//! (an HTML rewriter, a CSS parser, a configuration loader, ...) in every build, clippy run and
//! test build. So `Cargo.toml` names `pagefind` for a platform that never exists: cargo resolves
//! and locks the exact version but never compiles it, and this script asks `cargo metadata`
//! where its source is (which fetches it, like any dependency, if it is not there yet).
//!
//! Out comes `$OUT_DIR/pagefind_client.rs`, included by `src/search/client.rs`: the file names
//! Pagefind gives its client files, with their contents included from the crate's folder, and
//! `pagefind.js` and `pagefind-worker.js` put together and minified as Pagefind itself does.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::{env, fs};

/// The version `Cargo.toml` pins; the conformance test in `.ci/run` checks the index against it.
const PAGEFIND_VERSION: &str = "1.6.0";

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=Cargo.lock");
    if env::var_os("CARGO_FEATURE_SEARCH").is_none() {
        return;
    }
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR for build scripts"));
    let vendor = pagefind_source().join("vendor");
    let code = client_code(&vendor, &out).unwrap_or_else(|error| fail(&format!("{}: {error}", vendor.display())));
    fs::write(out.join("pagefind_client.rs"), code)
        .unwrap_or_else(|error| fail(&format!("cannot write to OUT_DIR: {error}")));
}

/// The folder of the pinned `pagefind` crate's source, from `cargo metadata`.
fn pagefind_source() -> PathBuf {
    let cargo = env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let manifest =
        Path::new(&env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR")).join("Cargo.toml");
    let metadata = |offline: bool| {
        let mut command = Command::new(&cargo);
        command.args(["metadata", "--format-version", "1", "--locked", "--manifest-path"]).arg(&manifest);
        if offline {
            command.arg("--offline");
        }
        command.output()
    };
    // Offline first: on a machine that has built gazette before, the source is already here.
    let output = match metadata(true) {
        Ok(output) if output.status.success() => output,
        _ => metadata(false).unwrap_or_else(|error| fail(&format!("cannot run `cargo metadata`: {error}"))),
    };
    if !output.status.success() {
        fail(&format!("`cargo metadata` failed:\n{}", String::from_utf8_lossy(&output.stderr)));
    }
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|error| fail(&format!("`cargo metadata` printed no JSON: {error}")));
    let packages = metadata["packages"].as_array().map(Vec::as_slice).unwrap_or_default();
    let pagefind = packages.iter().find(|p| p["name"] == "pagefind" && p["version"] == PAGEFIND_VERSION);
    let Some(manifest_path) = pagefind.and_then(|p| p["manifest_path"].as_str()) else {
        fail(&format!("`cargo metadata` lists no pagefind {PAGEFIND_VERSION}: is it still pinned in Cargo.toml?"))
    };
    Path::new(manifest_path).parent().map(Path::to_path_buf).unwrap_or_default()
}

/// The Rust source of `src/search/client.rs`'s tables, writing the minified scripts beside it.
fn client_code(vendor: &Path, out: &Path) -> Result<String, String> {
    let read = |name: &str| {
        let path = vendor.join(name.replace("VERSION", PAGEFIND_VERSION));
        fs::read_to_string(&path).map_err(|error| format!("cannot read {}: {error}", path.display()))
    };
    let version = format!("const pagefind_version = \"{PAGEFIND_VERSION}\";");
    let web = read("pagefind_web.VERSION.js")?;
    let scripts = [
        ("pagefind.js", format!("{version}\n{web}\n{}", read("pagefind_public_search_api.VERSION.js")?)),
        ("pagefind-worker.js", format!("{version}\n{web}\n{}", read("pagefind_worker.VERSION.js")?)),
    ];
    let mut code = format!(
        "/// The Pagefind version these files come from.\npub(super) const VERSION: &str = {PAGEFIND_VERSION:?};\n\n"
    );
    code.push_str("/// Pagefind's client files other than the WASM, by the names Pagefind gives them.\npub(super) const FILES: &[(&str, &[u8])] = &[\n");
    for (name, source) in scripts {
        let path = out.join(name);
        let mut minified = Vec::new();
        minifier::js::minify(&source)
            .map_err(|error| format!("cannot minify {name}: {error}"))?
            .write(&mut minified)
            .map_err(|error| error.to_string())?;
        fs::write(&path, minified).map_err(|error| format!("cannot write {}: {error}", path.display()))?;
        entry(&mut code, name, &path);
    }
    for (name, file) in [
        ("pagefind-highlight.js", "pagefind_highlight"),
        ("pagefind-ui.js", "pagefind_ui"),
        ("pagefind-ui.css", "pagefind_ui"),
        ("pagefind-modular-ui.js", "pagefind_modular_ui"),
        ("pagefind-modular-ui.css", "pagefind_modular_ui"),
        ("pagefind-component-ui.js", "pagefind_component_ui"),
        ("pagefind-component-ui.css", "pagefind_component_ui"),
    ] {
        let extension = name.rsplit('.').next().unwrap_or_default();
        entry(&mut code, name, &vendor.join(format!("{file}.{PAGEFIND_VERSION}.{extension}")));
    }
    code.push_str("];\n\n/// The search WASM by base language (`unknown`: no stemming), already gzipped as served.\npub(super) const WASM: &[(&str, &[u8])] = &[\n");
    let wasm = vendor.join("wasm");
    let mut languages = Vec::new();
    for item in fs::read_dir(&wasm).map_err(|error| format!("cannot list {}: {error}", wasm.display()))? {
        let name = item.map_err(|error| error.to_string())?.file_name().to_string_lossy().into_owned();
        let suffix = format!(".{PAGEFIND_VERSION}.wasm.gz");
        if let Some(language) = name.strip_prefix("pagefind_web_bg.").and_then(|rest| rest.strip_suffix(&suffix)) {
            languages.push(language.to_string());
        }
    }
    languages.sort();
    for language in languages {
        entry(&mut code, &language, &wasm.join(format!("pagefind_web_bg.{language}.{PAGEFIND_VERSION}.wasm.gz")));
    }
    code.push_str("];\n");
    Ok(code)
}

fn entry(code: &mut String, name: &str, path: &Path) {
    let _ = writeln!(code, "    ({name:?}, include_bytes!({:?})),", path.display().to_string());
}

fn fail(message: &str) -> ! {
    eprintln!("gazette's search feature needs Pagefind's client files: {message}");
    eprintln!("(to build without search: cargo build --no-default-features --features deploy)");
    std::process::exit(1)
}
