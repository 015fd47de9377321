//! Keeping secrets out of what is shown: response excerpts for error messages.

/// A short, single-line excerpt of a response body with anything token-like replaced by
/// `[redacted]`: any run of 20 or more characters that could belong to a JWT, a code or an
/// NPSSO. Error messages may show it; it can never carry a secret.
pub fn redact_excerpt(body: &str) -> String {
    const LIMIT: usize = 160;
    let mut out = String::new();
    let mut run = String::new();
    let token_char = |c: char| c.is_ascii_alphanumeric() || "-_.~+/=".contains(c);
    let flush = |run: &mut String, out: &mut String| {
        if run.chars().count() >= 20 {
            out.push_str("[redacted]");
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in body.chars() {
        if token_char(c) {
            run.push(c);
            continue;
        }
        flush(&mut run, &mut out);
        if c.is_whitespace() {
            if !out.ends_with(' ') {
                out.push(' ');
            }
        } else if !c.is_control() {
            out.push(c);
        }
        if out.chars().count() > LIMIT * 2 {
            break;
        }
    }
    flush(&mut run, &mut out);
    let out = out.trim();
    if out.is_empty() {
        return "(empty)".to_owned();
    }
    if out.chars().count() > LIMIT {
        format!("{}…", out.chars().take(LIMIT).collect::<String>())
    } else {
        out.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpt_redacts_token_like_runs() {
        let body =
            r#"{"access_token":"eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.sig_nature-xyz","x":1}"#;
        let excerpt = redact_excerpt(body);
        assert_eq!(excerpt, r#"{"access_token":"[redacted]","x":1}"#);
    }

    #[test]
    fn excerpt_is_short_and_single_line() {
        let body = "<html>\n<body>\n".to_owned() + &"word ".repeat(200);
        let excerpt = redact_excerpt(&body);
        assert!(!excerpt.contains('\n'));
        assert!(excerpt.chars().count() <= 161);
        assert!(excerpt.ends_with('…'));
    }
}
