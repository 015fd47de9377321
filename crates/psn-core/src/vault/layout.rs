//! How one account's token set is laid out in keychain entries: a head, inline or naming the
//! chunks of one generation (see the [vault's documentation](super)).

use crate::digest::hex_sha256;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

/// Characters per chunk: well under Windows' 1280 UTF-16 units, with room for nothing else.
pub const CHUNK_CHARS: usize = 1000;

#[derive(Serialize, Deserialize, PartialEq, Eq)]
pub(super) struct Head {
    pub v: u32,
    pub gen: String,
    pub chunks: usize,
    pub sha256: String,
    /// The whole set, where one entry may hold it (then `chunks` is 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inline: Option<String>,
    /// Earlier generations whose chunks may be left (their deletion is best effort): removed
    /// again at each save and at logout, so no old token stays in the keychain.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stale: Vec<(String, usize)>,
}

impl Head {
    /// True when `json`, the set put together from this head, is the set its save wrote.
    pub fn matches(&self, json: &str) -> bool {
        hex_sha256(json.as_bytes()) == self.sha256
    }

    /// True for an inline head whose set matches its digest: what a save wrote, given back whole.
    pub fn is_intact(&self) -> bool {
        self.inline
            .as_deref()
            .is_some_and(|json| self.matches(json))
    }
}

/// How many earlier generations a head remembers.
const STALE_KEPT: usize = 4;

/// By hand: `inline` is the whole token set.
impl std::fmt::Debug for Head {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Head")
            .field("v", &self.v)
            .field("gen", &self.gen)
            .field("chunks", &self.chunks)
            .field("inline", &self.inline.as_ref().map(|_| "[redacted]"))
            .finish_non_exhaustive()
    }
}

impl Drop for Head {
    fn drop(&mut self) {
        use zeroize::Zeroize;
        if let Some(inline) = self.inline.as_mut() {
            inline.zeroize();
        }
    }
}

/// The generations a new head must remember after `old`: `old` itself (when it had chunks) and
/// the most recent of those it remembered.
pub(super) fn stale_after(old: &Head) -> Vec<(String, usize)> {
    std::iter::once((old.gen.clone(), old.chunks))
        .chain(old.stale.iter().cloned())
        .filter(|(_, chunks)| *chunks > 0)
        .take(STALE_KEPT)
        .collect()
}

pub(super) fn head_key(account: &str) -> String {
    format!("{account}/head")
}

pub(super) fn chunk_key(account: &str, gen: &str, i: usize) -> String {
    format!("{account}/{gen}/{i}")
}

pub(super) fn split(json: &str) -> Vec<Zeroizing<String>> {
    let chars: Vec<char> = json.chars().collect();
    chars
        .chunks(CHUNK_CHARS)
        .map(|c| Zeroizing::new(c.iter().collect()))
        .collect()
}

pub(super) fn new_generation() -> String {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).expect("OS random source");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
