//! `ui/js/contract.js`: the values the page needs from Rust, generated from the Rust constants
//! (as the README's error table is), never restated by hand. The test fails when the file is out
//! of date; `PSN_AUTH_UPDATE_UI=1 cargo test -p psn-auth-app page_contract` rewrites it.

use crate::ipc::{COMMANDS, EVENTS};
use crate::sign_in_window::GIVE_UP_AFTER;

/// `save_calendar_reminder` → `saveCalendarReminder`.
fn camel(snake: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

fn contract() -> String {
    let commands: Vec<String> = COMMANDS
        .iter()
        .map(|name| format!("  {}: '{name}',", camel(name)))
        .collect();
    let events: Vec<String> = EVENTS
        .iter()
        .map(|(key, name)| format!("  {key}: '{name}',"))
        .collect();
    let remedies: Vec<String> = psn_core::Remedy::ALL
        .iter()
        .map(|r| format!("'{}'", r.as_str()))
        .collect();
    let week_ms = psn_core::reminders::WEEK.num_milliseconds();
    let day_ms = psn_core::reminders::DAY.num_milliseconds();
    let give_up_ms = GIVE_UP_AFTER.as_millis();
    format!(
        "// Generated from the Rust constants by src-tauri/src/page_contract.rs: do not edit.\n\
         // `PSN_AUTH_UPDATE_UI=1 cargo test -p psn-auth-app page_contract` writes it anew.\n\
         \n\
         /** Every command the page may call (src-tauri/src/ipc.rs). */\n\
         export const COMMANDS = Object.freeze({{\n{}\n}});\n\
         \n\
         /** Every event the app sends the page (src-tauri/src/ipc.rs). */\n\
         export const EVENTS = Object.freeze({{\n{}\n}});\n\
         \n\
         /** Every remedy an error can carry (psn-core's Remedy). */\n\
         export const REMEDIES = Object.freeze([{}]);\n\
         \n\
         /** A refresh token this close to its end gets the first reminder (psn-core's reminders::WEEK). */\n\
         export const REFRESH_WARN_MS = {week_ms};\n\
         \n\
         /** How long before a refresh token's end each expiry reminder comes (reminders::WEEK, DAY). */\n\
         export const REMINDER_LEADS_MS = Object.freeze([{week_ms}, {day_ms}]);\n\
         \n\
         /** The sign-in window gives up after this long without an NPSSO (sign_in_window::GIVE_UP_AFTER). */\n\
         export const SIGN_IN_WINDOW_TIMEOUT_MS = {give_up_ms};\n",
        commands.join("\n"),
        events.join("\n"),
        remedies.join(", "),
    )
}

#[test]
fn the_page_contract_is_generated_from_the_rust_constants() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../ui/js/contract.js");
    let expected = contract();
    let current = std::fs::read_to_string(path).unwrap_or_default();
    if current != expected {
        if std::env::var_os("PSN_AUTH_UPDATE_UI").is_some() {
            std::fs::write(path, &expected).unwrap();
        } else {
            panic!(
                "ui/js/contract.js is out of date (rerun with PSN_AUTH_UPDATE_UI=1):\n{expected}"
            );
        }
    }
}

#[test]
fn command_names_become_camel_case_keys() {
    assert_eq!(camel("save_calendar_reminder"), "saveCalendarReminder");
    assert_eq!(camel("screen"), "screen");
}

/// `ipc::COMMANDS` (what build.rs grants and the page calls) names exactly the commands
/// `generate_handler!` registers.
#[test]
fn every_command_named_is_the_one_registered() {
    let lib = include_str!("lib.rs");
    let start = lib.find("generate_handler![").expect("the handler list");
    let end = start + lib[start..].find(']').expect("its end");
    let mut registered: Vec<&str> = lib[start..end]
        .split(',')
        .filter_map(|entry| entry.trim().rsplit("::").next())
        .filter(|name| !name.is_empty() && !name.contains('['))
        .collect();
    let mut named: Vec<&str> = COMMANDS.to_vec();
    registered.sort_unstable();
    named.sort_unstable();
    assert_eq!(registered, named);
}
