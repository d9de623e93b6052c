package io.configlag.mount;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * The version of a kubelet volume that a read started from: where its {@code ..data} link
 * pointed and when the link was written. A read is consistent when the link still points
 * there once it is done.
 *
 * @param link the {@code ..data} link
 * @param linkTarget what the link pointed at
 * @param target the version's directory
 * @param writtenAt when the link was written
 * @author The config-lag developers
 */
record VolumeVersion(Path link, Path linkTarget, Path target, @Nullable Instant writtenAt) {

	/**
	 * Return the version of the volume a watched path is or is in.
	 * @param path the watched path
	 * @return the version, or {@code null} if the path is not in a kubelet volume
	 */
	static @Nullable VolumeVersion of(Path path) {
		Path volume = Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS) ? path : path.getParent();
		if (volume == null || !MountedConfigReader.isKubeletVolume(volume)) {
			return null;
		}
		Path link = volume.resolve(MountedConfigReader.DATA_LINK);
		try {
			Path linkTarget = Files.readSymbolicLink(link);
			Instant writtenAt = Files.getLastModifiedTime(link, LinkOption.NOFOLLOW_LINKS).toInstant();
			return new VolumeVersion(link, linkTarget, volume.resolve(linkTarget).normalize(), writtenAt);
		}
		catch (IOException ex) {
			throw MountedConfigReader.ioFailure(link, ex);
		}
	}

	/**
	 * Tell whether the volume's {@code ..data} link still points at this version.
	 * @return whether this version is still the current one
	 */
	boolean isCurrent() {
		try {
			return this.linkTarget.equals(Files.readSymbolicLink(this.link));
		}
		catch (IOException ex) {
			return false;
		}
	}

}
