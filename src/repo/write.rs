//! Writing files so that a reader never sees half of one and a crash leaves
//! none: a temporary file with a unique name in the target folder, synced
//! to disk, given the permissions of the file it replaces, then renamed
//! over it (`tempfile::NamedTempFile::persist`). A killed run leaves at
//! most a temporary file, which the next run into that folder removes.

use std::io::Write as _;
use std::path::Path;

use anyhow::{Context, Result};

/// The prefix of cpo's temporary files (and of v0.1's `.NAME.cpo-tmp-PID`
/// marker, recognised by [`remove_stale_temporaries`]).
const TEMP_PREFIX: &str = ".cpo-tmp-";
const OLD_TEMP_MARKER: &str = ".cpo-tmp-";

/// Write `bytes` to `path` atomically, creating its folder if needed and
/// keeping the permissions of the file it replaces.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let mut builder = tempfile::Builder::new();
    builder.prefix(TEMP_PREFIX);
    // A new file gets what any program's would (0666 less the umask), not
    // the owner-only 0600 of temporary files: rendered pages are published.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut tmp = builder
        .tempfile_in(dir)
        .with_context(|| format!("creating a temporary file in {}", dir.display()))?;
    tmp.write_all(bytes)
        .and_then(|_| tmp.as_file().sync_all())
        .with_context(|| format!("writing {}", path.display()))?;
    // The file keeps the permissions of the one it replaces.
    if let Ok(meta) = std::fs::metadata(path) {
        std::fs::set_permissions(tmp.path(), meta.permissions())
            .with_context(|| format!("setting the permissions of {}", path.display()))?;
    }
    tmp.persist(path)
        .map_err(|e| anyhow::Error::new(e.error).context(format!("writing {}", path.display())))?;
    // The rename itself is durable once the folder is synced (best effort:
    // not every platform can open a folder).
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Remove the temporary files a killed or failed run left in `dir` (not
/// recursively). Two runs writing into the same folder at the same time
/// are not supported.
pub fn remove_stale_temporaries(dir: &Path) -> Result<usize> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(e).with_context(|| format!("listing {}", dir.display())),
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let ours = name.starts_with(TEMP_PREFIX)
            || (name.starts_with('.') && name.contains(OLD_TEMP_MARKER));
        if ours && entry.file_type().is_ok_and(|t| t.is_file()) {
            std::fs::remove_file(entry.path())
                .with_context(|| format!("removing {}", entry.path().display()))?;
            removed += 1;
        }
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_keeps_permissions_and_cleans_up() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.toml");
        std::fs::write(&path, "old").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        }
        write_atomic(&path, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o640);
        }
        // A new file gets the permissions any program's would (0666 less
        // the umask), not a temporary file's 0600.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            let (fresh, plain) = (dir.path().join("new.html"), dir.path().join("plain.html"));
            write_atomic(&fresh, b"<p>").unwrap();
            std::fs::write(&plain, b"<p>").unwrap();
            assert_eq!(mode(&fresh), mode(&plain));
            std::fs::remove_file(fresh).unwrap();
            std::fs::remove_file(plain).unwrap();
        }
        std::fs::write(dir.path().join(".a.pdf.cpo-tmp-123"), "x").unwrap();
        std::fs::write(dir.path().join(".cpo-tmp-abc"), "x").unwrap();
        assert_eq!(remove_stale_temporaries(dir.path()).unwrap(), 2);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
