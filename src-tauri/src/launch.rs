//! How the app was started: the endpoints in force, the namespace their tokens live in, and the
//! demo stand-in when `--demo` is on. Managed on its own; read by whatever needs it.

use psn_core::vault::Namespace;
use psn_core::Endpoints;
use psn_standin::StandIn;

pub struct Launch {
    pub endpoints: Endpoints,
    pub namespace: Namespace,
    /// Keeps the demo stand-in serving while the app runs.
    pub demo: Option<StandIn>,
}

impl Launch {
    /// From the command line and environment: `--demo`, `PSN_AUTH_BASE_URL`,
    /// `PSN_API_BASE_URL`.
    pub fn from_args(args: &[String]) -> Result<Self, String> {
        if psn_desktop::processes::Invocation::demo(args) {
            let standin =
                tauri::async_runtime::block_on(StandIn::start(psn_standin::Config::demo()))
                    .map_err(|e| format!("could not start the demo stand-in: {e}"))?;
            let endpoints = Endpoints::single(&standin.url()).map_err(|e| e.to_string())?;
            return Ok(Self {
                endpoints,
                namespace: Namespace::Demo,
                demo: Some(standin),
            });
        }
        let endpoints = Endpoints::from_env().map_err(|e| e.to_string())?;
        Ok(Self {
            namespace: Namespace::for_endpoints(&endpoints),
            endpoints,
            demo: None,
        })
    }

    pub fn is_demo(&self) -> bool {
        self.demo.is_some()
    }

    pub fn demo_url(&self) -> Option<String> {
        self.demo.as_ref().map(StandIn::url)
    }
}
