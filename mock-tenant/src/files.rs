//! Files other processes wait for (the CA, the environment): written whole or not at all, so a
//! reader polling for the file never sees it half written.

use std::path::Path;

/// Writes `text` to a temporary file beside `path`, then renames it into place.
pub fn write_atomic(path: &Path, text: &str) -> Result<(), crate::Error> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    std::fs::write(&temp, text)
        .and_then(|()| std::fs::rename(&temp, path))
        .map_err(|source| {
            let _ = std::fs::remove_file(&temp);
            crate::Error::Write {
                path: path.to_owned(),
                source,
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_file_whole_and_leaves_no_temporary_file() {
        let dir = std::env::temp_dir().join(format!("mt-files-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("tenant.env");
        std::fs::write(&path, "OLD=1\n").unwrap();
        write_atomic(&path, "NEW=2\n").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "NEW=2\n");
        let names: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().collect();
        assert_eq!(names.len(), 1, "{names:?}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_missing_directory_is_a_clear_error() {
        let err = write_atomic(Path::new("/nonexistent-dir-xyz/tenant.env"), "A=1")
            .unwrap_err()
            .to_string();
        assert!(err.contains("/nonexistent-dir-xyz/tenant.env"), "{err}");
    }
}
