//! Where the keys come from: the environment, or the standard shared credentials file, never
//! `site.toml`.
//!
//! Order: a `profile` named in the target reads that profile of the file; otherwise
//! `AWS_ACCESS_KEY_ID` + `AWS_SECRET_ACCESS_KEY` (+ `AWS_SESSION_TOKEN`), then the profile
//! `AWS_PROFILE` (or `default`) of `AWS_SHARED_CREDENTIALS_FILE` (or `~/.aws/credentials`).

use std::path::PathBuf;

use rusty_s3::Credentials;

/// The keys for `profile`, or a sentence saying what was looked at.
pub(crate) fn find(profile: Option<&str>) -> Result<Credentials, String> {
    if profile.is_none()
        && let Some(credentials) = from_env()
    {
        return Ok(credentials);
    }
    let env_profile = std::env::var("AWS_PROFILE").ok().filter(|p| !p.is_empty());
    let name = profile.map(str::to_string).or(env_profile).unwrap_or_else(|| "default".into());
    let Some(file) = shared_file() else {
        return Err("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set, and there is no home folder for ~/.aws/credentials".into());
    };
    let text = std::fs::read_to_string(&file).map_err(|error| {
        let env = if profile.is_none() { "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set, and " } else { "" };
        format!("{env}{} cannot be read: {error}", file.display())
    })?;
    from_ini(&text, &name).ok_or_else(|| {
        format!("{} has no profile [{name}] with aws_access_key_id and aws_secret_access_key", file.display())
    })
}

fn from_env() -> Option<Credentials> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let (key, secret) = (var("AWS_ACCESS_KEY_ID")?, var("AWS_SECRET_ACCESS_KEY")?);
    Some(match var("AWS_SESSION_TOKEN") {
        Some(token) => Credentials::new_with_token(key, secret, token),
        None => Credentials::new(key, secret),
    })
}

fn shared_file() -> Option<PathBuf> {
    if let Some(file) = std::env::var_os("AWS_SHARED_CREDENTIALS_FILE").filter(|f| !f.is_empty()) {
        return Some(PathBuf::from(file));
    }
    std::env::var_os("HOME").filter(|h| !h.is_empty()).map(|home| PathBuf::from(home).join(".aws").join("credentials"))
}

/// The keys of `[profile]` in the INI text of a shared credentials file.
fn from_ini(text: &str, profile: &str) -> Option<Credentials> {
    let (mut key, mut secret, mut token) = (None, None, None);
    let mut inside = false;
    for line in text.lines().map(str::trim) {
        if line.starts_with('#') || line.starts_with(';') || line.is_empty() {
            continue;
        }
        if let Some(section) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            inside = section.trim() == profile;
            continue;
        }
        let Some((name, value)) = line.split_once('=').filter(|_| inside) else { continue };
        let value = Some(value.trim().to_string());
        match name.trim().to_ascii_lowercase().as_str() {
            "aws_access_key_id" => key = value,
            "aws_secret_access_key" => secret = value,
            "aws_session_token" => token = value,
            _ => {}
        }
    }
    let (key, secret) = (key?, secret?);
    Some(match token {
        Some(token) => Credentials::new_with_token(key, secret, token),
        None => Credentials::new(key, secret),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_named_profile_of_a_shared_credentials_file_is_read() {
        let text = "[default]\naws_access_key_id = A\naws_secret_access_key = B\n\n# comment\n[site]\naws_access_key_id=C\naws_secret_access_key = D\naws_session_token = E\n";
        let site = from_ini(text, "site").unwrap();
        assert_eq!((site.key(), site.secret(), site.token()), ("C", "D", Some("E")));
        assert_eq!(from_ini(text, "default").unwrap().key(), "A");
        assert!(from_ini(text, "other").is_none());
        assert!(from_ini("[x]\naws_access_key_id = A\n", "x").is_none());
    }
}
