//! Request parameters (already percent-decoded name/value pairs), validated the same way for
//! every resource: xAPI-Communication 3.2 rejects unknown and repeated parameters.

use crate::error::{Valid, ValidationError};

/// Query parameters, checked for repeats (Communication 3.2: a repeated parameter is a 400).
pub(crate) struct Params<'a>(&'a [(String, String)]);

impl<'a> Params<'a> {
    pub(crate) fn new(params: &'a [(String, String)]) -> Valid<Self> {
        for (i, (name, _)) in params.iter().enumerate() {
            if params[..i].iter().any(|(n, _)| n == name) {
                return Err(ValidationError::new(
                    name,
                    "must not be repeated".to_owned(),
                ));
            }
        }
        Ok(Self(params))
    }

    pub(crate) fn get(&self, name: &str) -> Option<&'a str> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Rejects the first parameter not in `allowed` (names are case-sensitive).
    pub(crate) fn only(&self, allowed: &[&str], message: &str) -> Valid<()> {
        match self.0.iter().find(|(n, _)| !allowed.contains(&n.as_str())) {
            Some((other, _)) => Err(ValidationError::new(other, message.to_owned())),
            None => Ok(()),
        }
    }
}
