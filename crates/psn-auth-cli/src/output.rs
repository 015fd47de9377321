//! Writing data to stdout: all at once, flushed, and quietly done when the reader has gone away
//! (`psn-auth status | head -1`), instead of the panic `println!` gives on a closed pipe.

use std::io::Write;

use crate::exit::Failure;

/// Writes `text` to stdout as is. The caller owns the buffer, so it can wipe a secret after.
pub fn stdout(text: &str) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.map_err(Failure::io("write to standard output")),
    }
}

/// Writes `value` as pretty JSON and a newline: the `--json` form of a command's result.
pub fn json(value: &impl serde::Serialize) -> Result<(), Failure> {
    let mut text = serde_json::to_string_pretty(value).expect("plain data serializes");
    text.push('\n');
    stdout(&text)
}
