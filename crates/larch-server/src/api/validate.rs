//! Field rules shared by the resources: checked at the edge, before anything is stored.

use crate::error::ApiError;

/// The longest free-text field we store (names, titles).
const MAX_TEXT: usize = 255;

/// A required human name: trimmed, 1 to 255 characters, no control characters.
pub(crate) fn name(param: &str, raw: &str) -> Result<String, ApiError> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Err(ApiError::invalid(
            param,
            format!("{param} must not be empty"),
        ));
    }
    if trimmed.chars().count() > MAX_TEXT || trimmed.chars().any(char::is_control) {
        return Err(ApiError::invalid(
            param,
            format!("{param} is at most {MAX_TEXT} characters, without control characters"),
        ));
    }
    Ok(trimmed.to_owned())
}

/// An email address: only the shape we can check without sending mail (`local@domain`, 254 max).
pub(crate) fn email(param: &str, raw: &str) -> Result<String, ApiError> {
    let trimmed = raw.trim();
    let shaped = trimmed.len() <= 254
        && trimmed
            .split_once('@')
            .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'))
        && !trimmed.chars().any(|c| c.is_whitespace() || c.is_control());
    if shaped {
        Ok(trimmed.to_owned())
    } else {
        Err(ApiError::invalid(
            param,
            format!("{param} is not an email address"),
        ))
    }
}

/// An integrator-chosen id (`[A-Za-z0-9._:-]`, 1 to 255), or a 400 naming `param`.
pub(crate) fn client_id<T>(
    param: &str,
    raw: &str,
    parse: fn(&str) -> Result<T, larch_store::ids::InvalidId>,
) -> Result<T, ApiError> {
    parse(raw).map_err(|e| ApiError::invalid(param, e.to_string()))
}

/// An id in a path: an id that cannot be valid cannot exist, so it is a 404.
pub(crate) fn path_id<T>(
    what: &'static str,
    raw: &str,
    parse: fn(&str) -> Result<T, larch_store::ids::InvalidId>,
) -> Result<T, ApiError> {
    parse(raw).map_err(|_| ApiError::not_found(what, raw))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(name("first_name", "  Ada ").unwrap(), "Ada");
        assert!(name("first_name", "   ").is_err());
        assert!(name("first_name", &"x".repeat(256)).is_err());
        assert!(name("first_name", "a\u{0}b").is_err());
    }

    #[test]
    fn emails_need_a_local_part_and_a_dotted_domain() {
        assert!(email("email", "ada@example.com").is_ok());
        for bad in ["ada", "@example.com", "ada@localhost", "a da@example.com"] {
            assert!(email("email", bad).is_err(), "{bad}");
        }
    }
}
