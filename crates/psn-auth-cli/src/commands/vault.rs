//! `psn-auth vault init` and `psn-auth vault status`: the encrypted file vault for machines
//! without a keychain. The rules (where it lives, how it is unlocked) are the library's
//! (`psn_core::vault::location`); this says them to a person.

use psn_core::vault::location::{self, Backend};
use psn_core::vault::{file, FileStore, Namespace, Unlock, VaultError};
use serde::Serialize;
use zeroize::Zeroizing;

use crate::context;
use crate::exit::{Exit, Failure};

/// Creates the vault, with a new key file (or a passphrase); refuses to replace either.
pub fn init(
    namespace: &Namespace,
    key_file: Option<std::path::PathBuf>,
    passphrase: bool,
) -> Result<Exit, Failure> {
    let path = location::vault_path(namespace)?;
    if path.exists() {
        return Err(VaultError::FileWrite {
            path: path.display().to_string(),
            reason: "a vault is there already (it was left as it is; `psn-auth vault status` \
                     says how it is unlocked)"
                .into(),
        }
        .into());
    }
    let unlock = if passphrase {
        let from_file =
            location::unlock_from_env(&path)?.filter(|u| matches!(u, Unlock::Passphrase(_)));
        match from_file {
            Some(unlock) => unlock,
            None => Unlock::Passphrase(new_passphrase()?),
        }
    } else {
        let key = key_file.unwrap_or_else(|| location::default_key_path(&path));
        file::generate_key_file(&key)?;
        eprintln!("psn-auth: made the key file {} (owner-only)", key.display());
        Unlock::KeyFile(key)
    };
    let how = unlock.describe();
    let store = FileStore::create(&path, unlock)?;
    eprintln!(
        "psn-auth: created the vault {}, locked with {how}. Run psn-auth with PSN_AUTH_VAULT=file \
         to use it, then sign in (`psn-auth login`, or `psn-auth import`).",
        store.path().display()
    );
    if !passphrase {
        eprintln!(
            "psn-auth: keep a copy of the key somewhere safe: without it the vault cannot be \
             opened (a new sign-in then starts over)."
        );
    }
    Ok(Exit::Ok)
}

/// A new passphrase: `PSN_AUTH_PASSPHRASE_FILE`'s first line, or typed twice on a terminal.
fn new_passphrase() -> Result<Zeroizing<String>, Failure> {
    let first = context::ask_passphrase().ok_or_else(|| VaultError::FileKey {
        reason: format!(
            "no passphrase: set {} to a file holding it, or run this on a terminal",
            location::ENV_PASSPHRASE_FILE
        ),
    })?;
    let again = context::ask_passphrase().unwrap_or_default();
    if first.is_empty() || *first != *again {
        return Err(VaultError::FileKey {
            reason: "the two passphrases typed differ (or are empty); nothing was created".into(),
        }
        .into());
    }
    Ok(first)
}

/// `vault status --json`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Status {
    vault: &'static str,
    path: Option<String>,
    exists: bool,
    unlocked_with: Option<String>,
}

/// Which vault is in use, where, and how it is unlocked; opening the file vault proves the key.
pub fn status(namespace: &Namespace, json: bool) -> Result<Exit, Failure> {
    let status = match Backend::from_env()? {
        Backend::Keychain => Status {
            vault: "keychain",
            path: None,
            exists: true,
            unlocked_with: None,
        },
        Backend::File => {
            let path = location::vault_path(namespace)?;
            let exists = path.exists();
            let unlocked_with = if exists {
                let unlock = location::unlock(&path, context::ask_passphrase)?;
                let how = unlock.describe();
                FileStore::open(&path, unlock)?;
                Some(how)
            } else {
                None
            };
            Status {
                vault: "file",
                path: Some(path.display().to_string()),
                exists,
                unlocked_with,
            }
        }
    };
    if json {
        crate::output::json(&status)?;
    } else {
        let line = match (&status.path, &status.unlocked_with) {
            (None, _) => "vault: the OS keychain (PSN_AUTH_VAULT=file chooses the encrypted file \
                          vault)\n"
                .to_owned(),
            (Some(path), Some(how)) => {
                format!("vault: the encrypted file {path}, unlocked with {how}\n")
            }
            (Some(path), None) => format!(
                "vault: the encrypted file {path}, not created yet (`psn-auth vault init`)\n"
            ),
        };
        crate::output::stdout(&line)?;
    }
    if status.vault == "file" && !status.exists {
        return Ok(Exit::Keychain);
    }
    Ok(Exit::Ok)
}
