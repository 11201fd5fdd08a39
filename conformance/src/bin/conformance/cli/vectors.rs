//! `conformance --vectors DIR`: writes the offline test-vector pack.

use std::path::Path;

/// Writes the pack into `out` (created; a previous pack there is replaced, any other content
/// is left alone and refused); returns the number of vectors.
pub(super) fn write(
    out: &Path,
    cases: &[conformance::Case],
    profile: &conformance::Profile,
    issuer: &str,
    now: i64,
) -> Result<usize, String> {
    let place = |e: std::io::Error, path: &Path| format!("{}: {e}", path.display());
    if out.exists() {
        let empty = std::fs::read_dir(out)
            .map_err(|e| place(e, out))?
            .next()
            .is_none();
        if !empty && !out.join("manifest.json").is_file() {
            return Err(format!(
                "{} is not empty and holds no vector pack (manifest.json): give a new folder",
                out.display()
            ));
        }
        for dir in ["tokens", "keys", "harness"] {
            let dir = out.join(dir);
            if dir.is_dir() {
                std::fs::remove_dir_all(&dir).map_err(|e| place(e, &dir))?;
            }
        }
    }
    let pack = conformance::vector_pack(cases, profile, issuer, now);
    for (name, bytes) in &pack.files {
        let path = out.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| place(e, parent))?;
        }
        std::fs::write(&path, bytes).map_err(|e| place(e, &path))?;
    }
    Ok(pack.manifest["vectors"].as_array().map_or(0, Vec::len))
}
