//! A live database must be on a local file system. WAL mode keeps its
//! shared index in memory that only processes on one host share, and
//! SQLite's file locks are unreliable over NFS, SMB/CIFS and FUSE mounts
//! (sshfs among them): two coordinators on two hosts could each write and
//! damage the file. So stroom refuses those, naming the file system.

use std::path::Path;

use nix::sys::statfs::statfs;

use super::Result;
use crate::domain::Msg;

/// The network and user-space file systems by their `statfs` magic number
/// (linux/magic.h and the file systems' own sources).
const NETWORK: [(i64, &str); 8] = [
    (0x6969, "NFS"),
    (0x517B, "SMB"),
    (0xFE53_4D42, "SMB2"),
    (0xFF53_4D42, "CIFS"),
    (0x6573_5546, "FUSE (sshfs, …)"),
    (0x0102_1997, "9P"),
    (0x5346_414F, "AFS"),
    (0x0BD0_0BD0, "Lustre"),
];

/// The name of a network file system for a `statfs` type, if it is one.
pub fn network_name(f_type: i64) -> Option<&'static str> {
    NETWORK
        .iter()
        .find(|(magic, _)| *magic == f_type)
        .map(|(_, name)| *name)
}

/// Refuses a database folder on a network or FUSE file system.
pub fn refuse_network(folder: &Path) -> Result<()> {
    // A folder that cannot be examined is left to the open that follows.
    let Ok(stat) = statfs(folder) else {
        return Ok(());
    };
    #[allow(clippy::unnecessary_cast)] // the type differs per platform
    let f_type = stat.filesystem_type().0 as i64;
    match network_name(f_type) {
        Some(name) => Err(Msg::new("team.network_fs")
            .arg("path", folder.display())
            .arg("fs", name)),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn network_file_systems_are_named_and_local_ones_pass() {
        assert_eq!(network_name(0x6969), Some("NFS"));
        assert_eq!(network_name(0xFF53_4D42), Some("CIFS"));
        assert_eq!(network_name(0x6573_5546), Some("FUSE (sshfs, …)"));
        // ext4, tmpfs, btrfs, xfs, overlayfs
        for local in [0xEF53, 0x0102_1994, 0x9123_683E, 0x5846_5342, 0x794C_7630] {
            assert_eq!(network_name(local), None, "{local:x}");
        }
        let dir = tempfile::tempdir().unwrap();
        refuse_network(dir.path()).unwrap();
    }
}
