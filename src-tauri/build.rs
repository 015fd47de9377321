//! Generates one permission per app command, so the capability in `capabilities/main.json` can
//! grant the main window exactly these and nothing else; and joins the page's modules into the
//! one script the window loads (`build/ui_bundle.rs`).

#[path = "build/ui_bundle.rs"]
mod ui_bundle;

/// The command and event names the page and the app share (`src/ipc.rs`).
#[path = "src/ipc.rs"]
#[allow(dead_code)]
mod ipc;

fn main() {
    let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let ui = std::path::Path::new("../ui");
    let bundle = ui_bundle::bundle(ui).unwrap_or_else(|e| panic!("joining ui/js: {e}"));
    std::fs::write(out.join("index.html"), &bundle.index_html).expect("write index.html");
    let script = std::path::Path::new(ui_bundle::BUNDLE_PATH);
    std::fs::write(
        out.join(script.file_name().expect("a file")),
        &bundle.script,
    )
    .expect("write the joined script");
    println!("cargo:rerun-if-changed=../ui/js");
    println!("cargo:rerun-if-changed=build/ui_bundle.rs");
    println!("cargo:rerun-if-changed=src/ipc.rs");
    for input in &bundle.inputs {
        println!("cargo:rerun-if-changed={}", input.display());
    }
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(ipc::COMMANDS)),
    )
    .expect("tauri-build failed");
}
