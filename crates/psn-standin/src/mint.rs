//! Secrets the stand-in hands out, shaped like Sony's: a 64-character NPSSO, `v3.` codes, and
//! JWT-shaped tokens of realistic length.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

pub(crate) fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).expect("random");
    bytes
}

pub(crate) fn npsso() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    random_bytes::<64>()
        .iter()
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect()
}

pub(crate) fn code() -> String {
    format!("v3.{}", URL_SAFE_NO_PAD.encode(random_bytes::<6>()))
}

pub(crate) fn cid() -> String {
    URL_SAFE_NO_PAD.encode(random_bytes::<9>())
}

/// A JWT-shaped token (`header.payload.signature`) of about `len` characters, unique each time.
pub(crate) fn jwt(kind: &str, len: usize) -> String {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"RS256","typ":"JWT","kid":"standin"}"#);
    let jti = URL_SAFE_NO_PAD.encode(random_bytes::<16>());
    let mut payload = format!(r#"{{"iss":"standin","typ":"{kind}","jti":"{jti}","pad":""#);
    let target = len.saturating_sub(header.len() + 2 + 86) * 3 / 4;
    while payload.len() + 2 < target {
        payload.push('x');
    }
    payload.push_str("\"}");
    let signature = URL_SAFE_NO_PAD.encode(random_bytes::<64>());
    format!(
        "{header}.{}.{signature}",
        URL_SAFE_NO_PAD.encode(payload.as_bytes())
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_have_sonys_shapes() {
        let n = npsso();
        assert_eq!(n.len(), 64);
        assert!(n.chars().all(|c| c.is_ascii_alphanumeric()));
        assert!(code().starts_with("v3."));
        let token = jwt("access", 1200);
        assert_eq!(token.split('.').count(), 3);
        assert!((1000..1400).contains(&token.len()), "{}", token.len());
        assert_ne!(jwt("access", 1200), token);
    }
}
