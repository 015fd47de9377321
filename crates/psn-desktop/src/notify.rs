//! The desktop's own notifications: freedesktop notifications on Linux (clicks reported), the
//! platform's on Windows and macOS, through notify-rust. Callers pass words only; nothing here
//! sees a token.

/// Shows a notification from "PSN Auth". `on_click` runs (on a thread of its own) when the
/// user activates it, where the platform reports that (Linux). An error when the desktop has
/// no notification service.
pub fn show(
    title: &str,
    body: &str,
    on_click: Option<Box<dyn FnOnce() + Send>>,
) -> Result<(), String> {
    let mut notification = notify_rust::Notification::new();
    notification
        .appname("PSN Auth")
        .summary(title)
        .body(body)
        .icon("psn-auth-app");
    let shown = show_and_watch(notification, on_click);
    match &shown {
        Ok(()) => tracing::info!(title, "notification shown"),
        Err(e) => tracing::warn!("no notification could be shown: {e}"),
    }
    shown
}

/// The D-Bus connection that showed the notification waits for its action (or its closing).
#[cfg(all(unix, not(target_os = "macos")))]
fn show_and_watch(
    mut notification: notify_rust::Notification,
    on_click: Option<Box<dyn FnOnce() + Send>>,
) -> Result<(), String> {
    if on_click.is_some() {
        notification.action("default", "Open PSN Auth");
    }
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let handle = match notification.show() {
            Ok(handle) => {
                let _ = tx.send(Ok(()));
                handle
            }
            Err(e) => {
                let _ = tx.send(Err(e.to_string()));
                return;
            }
        };
        if let Some(on_click) = on_click {
            let once = std::sync::Mutex::new(Some(on_click));
            handle.wait_for_action(|action| {
                if action == "default" {
                    if let Some(f) = once.lock().unwrap().take() {
                        f();
                    }
                }
            });
        }
    });
    rx.recv()
        .unwrap_or_else(|_| Err("the notification thread ended".into()))
}

#[cfg(not(all(unix, not(target_os = "macos"))))]
fn show_and_watch(
    notification: notify_rust::Notification,
    _on_click: Option<Box<dyn FnOnce() + Send>>,
) -> Result<(), String> {
    notification.show().map(|_| ()).map_err(|e| e.to_string())
}
