//! Desktop plumbing that PSN Auth's two processes share: the window (`psn-auth-app`, Tauri) and
//! the watcher (`psn-auth-watcher`: tray, background refresh and reminders, no WebKit). Nothing
//! here knows Tauri or Sony: PSN rules live in `psn_core`.
//!
//! - [`clipboard`]: copying a token, marked secret and cleared later;
//! - [`logfile`]: the daily log file in the platform's log folder;
//! - [`processes`]: the contract between the two (binaries, arguments, start at login);
//! - [`watcher_lock`]: the watcher's lock, one per settings folder;
//! - [`notify`]: the desktop's own notifications.

pub mod clipboard;
pub mod logfile;
pub mod notify;
pub mod processes;
pub use psn_core::watcher_lock;
