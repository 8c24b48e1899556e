//! Passwords: the minimum policy, and argon2id hashing (slow on purpose: call it off the async
//! runtime, with `spawn_blocking`).

use argon2::Argon2;
use argon2::password_hash::{
    PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng,
};

/// Shortest password accepted.
pub const MIN_LENGTH: usize = 10;

/// Why a new password is refused; each has a message in the catalogs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordProblem {
    TooShort,
    NeedsLetterAndDigit,
    ContainsUsername,
}

impl PasswordProblem {
    pub fn message_key(self) -> &'static str {
        match self {
            PasswordProblem::TooShort => "password.too_short",
            PasswordProblem::NeedsLetterAndDigit => "password.letter_and_digit",
            PasswordProblem::ContainsUsername => "password.contains_username",
        }
    }
}

/// Checks a new password against the policy: at least ten characters, letters and digits, and
/// not the username.
pub fn check_policy(password: &str, username: &str) -> Result<(), PasswordProblem> {
    if password.chars().count() < MIN_LENGTH {
        return Err(PasswordProblem::TooShort);
    }
    let letters = password.chars().any(char::is_alphabetic);
    let digits = password.chars().any(|c| c.is_ascii_digit());
    if !(letters && digits) {
        return Err(PasswordProblem::NeedsLetterAndDigit);
    }
    if !username.is_empty() && password.to_lowercase().contains(&username.to_lowercase()) {
        return Err(PasswordProblem::ContainsUsername);
    }
    Ok(())
}

/// An argon2id hash in PHC format.
pub fn hash(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)?
        .to_string())
}

/// True when `password` matches `hash`. A malformed hash never matches.
pub fn verify(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// [`hash`] on a blocking thread: argon2 is slow on purpose and must not stall the async runtime.
pub async fn hash_blocking(password: String) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || hash(&password))
        .await?
        .map_err(|e| anyhow::anyhow!("hashing a password: {e}"))
}

/// [`verify`] on a blocking thread.
pub async fn verify_blocking(password: String, hash: String) -> anyhow::Result<bool> {
    Ok(tokio::task::spawn_blocking(move || verify(&password, &hash)).await?)
}

/// A hash of nothing in particular, verified against when the user does not exist, so that an
/// unknown username takes as long as a wrong password.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash("no such user, no such password").unwrap_or_default())
}

/// A temporary password for a new account or a reset: 14 characters, letters and digits.
pub fn temporary() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    loop {
        let bytes = uuid::Uuid::new_v4().into_bytes();
        let candidate: String = bytes
            .iter()
            .take(14)
            .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
            .collect();
        if check_policy(&candidate, "").is_ok() {
            return candidate;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy() {
        assert_eq!(check_policy("short1", "u"), Err(PasswordProblem::TooShort));
        assert_eq!(
            check_policy("onlyletterslong", "u"),
            Err(PasswordProblem::NeedsLetterAndDigit)
        );
        assert_eq!(
            check_policy("1234567890", "u"),
            Err(PasswordProblem::NeedsLetterAndDigit)
        );
        assert_eq!(
            check_policy("stnmt.cb1-2024x", "stnmt.cb1"),
            Err(PasswordProblem::ContainsUsername)
        );
        assert_eq!(check_policy("Mật khẩu mới 2024", "stnmt.cb1"), Ok(()));
    }

    #[test]
    fn hashes_verify() {
        let h = hash("KhacPhuc@2019").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("KhacPhuc@2019", &h));
        assert!(!verify("khacphuc@2019", &h));
        assert!(!verify("anything", "not a hash"));
        assert!(!verify("anything", dummy_hash()));
    }

    #[test]
    fn temporary_passwords_pass_the_policy() {
        for _ in 0..20 {
            let p = temporary();
            assert_eq!(p.len(), 14);
            assert!(check_policy(&p, "").is_ok());
        }
    }
}
