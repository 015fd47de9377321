//! PSN Auth's window. Everything lives in the library so tests can build the app too.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    psn_auth_app::run();
}
