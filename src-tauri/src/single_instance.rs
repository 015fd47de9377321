//! One window process per user: a second launch hands its arguments to the running one and exits
//! (the watcher's `--quit` and `--wizard-for` travel this way too).
//!
//! On Linux this is a D-Bus name on the session bus, through the libdbus binding the keychain
//! already links. The name, object path and method are tauri-plugin-single-instance's, so a running
//! window of an earlier version still answers a new one, and the other way round. The plugin
//! itself brings an async D-Bus stack (zbus and its executors, about 1.5 MB of the binary) for
//! this one call. On Windows and macOS the plugin is used as it is.

use tauri::plugin::TauriPlugin;
use tauri::{AppHandle, Runtime};

/// The plugin: `on_second_launch` runs in the first process with the second one's arguments
/// (`argv[0]` first) and working folder; the second process exits once they were accepted.
pub fn init<R, F>(on_second_launch: F) -> TauriPlugin<R>
where
    R: Runtime,
    F: FnMut(&AppHandle<R>, Vec<String>, String) + Send + Sync + 'static,
{
    #[cfg(target_os = "linux")]
    return session_bus::init(on_second_launch);
    #[cfg(not(target_os = "linux"))]
    return tauri_plugin_single_instance::init(on_second_launch);
}

#[cfg(target_os = "linux")]
mod session_bus {
    use std::sync::mpsc::TryRecvError;
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    use dbus::blocking::stdintf::org_freedesktop_dbus::RequestNameReply;
    use dbus::blocking::Connection;
    use dbus::channel::{default_reply, MatchingReceiver, Sender};
    use dbus::message::MatchRule;
    use tauri::plugin::{Builder, TauriPlugin};
    use tauri::{AppHandle, Manager, RunEvent, Runtime};

    /// tauri-plugin-single-instance's interface and method.
    const INTERFACE: &str = "org.SingleInstance.DBus";
    const METHOD: &str = "ExecuteCallback";
    /// How long a second launch waits for the first to take its arguments.
    const HAND_OVER_TIMEOUT: Duration = Duration::from_secs(10);

    /// How often the serving thread looks up from the bus: the most an exit waits for the name.
    const POLL: Duration = Duration::from_millis(100);

    /// The serving thread, told at exit to release the name (so that a launch right after starts
    /// a new window instead of handing over to one on its way out) and waited for. The release
    /// is the serving thread's own: a call from another thread would wait on its blocking read.
    struct Owned {
        stop: Mutex<Option<std::sync::mpsc::Sender<()>>>,
        released: Mutex<std::sync::mpsc::Receiver<()>>,
    }

    pub(super) fn init<R, F>(on_second_launch: F) -> TauriPlugin<R>
    where
        R: Runtime,
        F: FnMut(&AppHandle<R>, Vec<String>, String) + Send + Sync + 'static,
    {
        let on_second_launch = Arc::new(Mutex::new(on_second_launch));
        Builder::new("single-instance")
            .setup(move |app, _api| {
                let name = format!("{}.SingleInstance", app.config().identifier);
                let path = object_path(&name);
                let connection = match Connection::new_session() {
                    Ok(connection) => connection,
                    Err(e) => {
                        // No session bus: no other instance can be found either.
                        tracing::warn!("single instance: no D-Bus session bus, starting anyway: {e}");
                        return Ok(());
                    }
                };
                match connection.request_name(name.as_str(), false, false, true) {
                    Ok(RequestNameReply::PrimaryOwner | RequestNameReply::AlreadyOwner) => {}
                    Ok(RequestNameReply::Exists | RequestNameReply::InQueue) => {
                        hand_over(&connection, &name, &path)?;
                        app.cleanup_before_exit();
                        std::process::exit(0);
                    }
                    Err(e) => {
                        tracing::warn!("single instance: the D-Bus name could not be asked for, starting anyway: {e}");
                        return Ok(());
                    }
                }
                let handle = app.clone();
                let on_second_launch = on_second_launch.clone();
                connection.start_receive(
                    MatchRule::new_method_call(),
                    Box::new(move |message, connection| {
                        let ours = message.path().as_deref() == Some(path.as_str())
                            && message.interface().as_deref() == Some(INTERFACE)
                            && message.member().as_deref() == Some(METHOD);
                        let reply = match message.read2::<Vec<String>, String>() {
                            Ok((argv, cwd)) if ours => {
                                (on_second_launch.lock().unwrap())(&handle, argv, cwd);
                                Some(message.method_return())
                            }
                            _ => default_reply(&message),
                        };
                        if let Some(reply) = reply {
                            let _ = connection.send(reply);
                        }
                        true
                    }),
                );
                let (stop, stopped) = std::sync::mpsc::channel();
                let (release, released) = std::sync::mpsc::channel();
                std::thread::Builder::new()
                    .name("single-instance".into())
                    .spawn(move || {
                        while stopped.try_recv() == Err(TryRecvError::Empty)
                            && connection.process(POLL).is_ok()
                        {}
                        let _ = connection.release_name(name.as_str());
                        let _ = release.send(());
                    })?;
                app.manage(Owned {
                    stop: Mutex::new(Some(stop)),
                    released: Mutex::new(released),
                });
                Ok(())
            })
            .on_event(|app, event| {
                if let RunEvent::Exit = event {
                    if let Some(owned) = app.try_state::<Owned>() {
                        if let Some(stop) = owned.stop.lock().unwrap().take() {
                            let _ = stop.send(());
                            let _ = owned.released.lock().unwrap().recv_timeout(POLL * 10);
                        }
                    }
                }
            })
            .build()
    }

    /// Hands this process's arguments and working folder to the running one.
    fn hand_over(
        connection: &Connection,
        name: &str,
        path: &str,
    ) -> Result<(), Box<dyn std::error::Error>> {
        let argv: Vec<String> = std::env::args_os()
            .map(|arg| arg.to_string_lossy().into_owned())
            .collect();
        let cwd = std::env::current_dir()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        connection
            .with_proxy(name, path, HAND_OVER_TIMEOUT)
            .method_call::<(), _, _, _>(INTERFACE, METHOD, (argv, cwd))
            .map_err(|e| format!("the running PSN Auth window did not take the arguments: {e}"))?;
        Ok(())
    }

    /// The plugin's object path for a name: `dev.psnauth.desktop.SingleInstance` is
    /// `/dev/psnauth/desktop/SingleInstance`.
    fn object_path(name: &str) -> String {
        format!("/{}", name.replace('.', "/").replace('-', "_"))
    }

    #[cfg(test)]
    mod tests {
        #[test]
        fn the_object_path_is_the_plugins() {
            assert_eq!(
                super::object_path("dev.psn-auth.SingleInstance"),
                "/dev/psn_auth/SingleInstance"
            );
        }
    }
}
