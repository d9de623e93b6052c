package io.configlag.mount;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.origin.Origin;
import org.springframework.boot.origin.OriginTrackedValue;
import org.springframework.boot.origin.TextResourceOrigin;
import org.springframework.boot.origin.TextResourceOrigin.Location;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;

/**
 * Re-parses only the lines of a {@code .properties} file that changed since it was last
 * read. A ConfigMap edit usually changes one line of one file, yet parsing the whole file
 * with Spring Boot's loader was the largest single cost of a reload. The changed lines are
 * still parsed by Spring Boot's loader; the other entries are taken from the snapshot the
 * previous read produced, with their line numbers shifted.
 * <p>
 * It only takes the short path when the result is provably the one a full parse gives,
 * and returns {@code null} otherwise so that the caller parses the whole file:
 * <ul>
 * <li>the previous version of the file was read by this reader and every one of its keys
 * came from a line of its own (no duplicate keys, no {@code key[]} lists, no line that
 * starts with a delimiter, a backslash or a control character, no
 * {@code spring.config.activate.on-profile}), and each is still in the snapshot with
 * an origin in that file (no other file overrode it);</li>
 * <li>neither version has a document separator ({@code #---} or {@code !---}) or a
 * carriage return;</li>
 * <li>the changed lines, widened to whole logical lines (a line ending with a backslash
 * continues on the next), parse to one entry per key line, none of which is also defined
 * outside them.</li>
 * </ul>
 * It keeps the last content of each {@code .properties} file it read (about as many bytes
 * as those files), two line numbers per key, and the snapshot of the last read.
 *
 * @author config-lag
 */
final class ChangedLinesParser {

	private final Map<Path, Parsed> parsed = new ConcurrentHashMap<>();

	private final AtomicLong partialParses = new AtomicLong();

	/**
	 * Return how many times a file was parsed from its previous version.
	 * @return the count
	 */
	long partialParses() {
		return this.partialParses.get();
	}

	/**
	 * Return how many files a later read may parse from their previous version.
	 * @return the number of files
	 */
	int remembered() {
		return this.parsed.size();
	}

	/**
	 * Start remembering the files of one read.
	 * @return the batch to commit once the read produced its snapshot
	 */
	Batch batch() {
		return new Batch();
	}

	/**
	 * Parse a new version of a file from its previous version, if that is provably the
	 * same as parsing it whole, and remember it in the batch.
	 * @param visible the file
	 * @param content its new content, already checked to be UTF-8 text
	 * @param resource the resource the entries' origins name
	 * @param loader parses part of the file (a sequence of whole logical lines) with
	 * Spring Boot's loader, or returns {@code null} if that part has more than one
	 * document or fails to parse
	 * @param batch the batch of the read
	 * @return the file's properties, or {@code null} to parse the whole file
	 */
	@Nullable Map<String, Object> parse(Path visible, byte[] content, Resource resource,
			Function<byte[], @Nullable Map<String, Object>> loader, Batch batch) {
		Parsed previous = this.parsed.get(visible);
		if (previous == null || previous.snapshot() == null || !isEligibleContent(content)) {
			return null;
		}
		Region region = Region.between(previous.content(), content);
		Map<String, Object> changed = Map.of();
		int[] changedKeyLines = new int[0];
		int startLine = Integer.MAX_VALUE;
		int oldEndLine = Integer.MAX_VALUE;
		int shift = 0;
		if (region != null) {
			changed = loader.apply(Arrays.copyOfRange(content, region.start(), region.newEnd()));
			changedKeyLines = keyLines(content, region.start(), region.newEnd());
			if (changed == null || changedKeyLines == null || changed.size() != changedKeyLines.length) {
				return null;
			}
			startLine = countLines(content, 0, region.start());
			int oldLines = countLines(previous.content(), region.start(), region.oldEnd());
			oldEndLine = (region.oldEnd() == previous.content().length) ? Integer.MAX_VALUE : startLine + oldLines;
			shift = countLines(content, region.start(), region.newEnd()) - oldLines;
		}
		CompactProperties properties = previous.snapshot().properties();
		Entries entries = new Entries(previous.keys().length + changed.size());
		boolean changedAdded = false;
		for (int i = 0; i < previous.keys().length; i++) {
			int keyLine = previous.keyLines()[i];
			if (keyLine >= startLine && keyLine < oldEndLine) {
				continue;
			}
			if (keyLine >= oldEndLine && !changedAdded) {
				if (!entries.addChanged(changed, changedKeyLines, resource, startLine)) {
					return null;
				}
				changedAdded = true;
			}
			String key = previous.keys()[i];
			int index = properties.indexOf(key);
			if (index < 0) {
				return null;
			}
			Object value = properties.valueAt(index);
			Origin origin = properties.originAt(index);
			if (value == null || !(origin instanceof TextResourceOrigin text)
					|| !isFile(text.getResource(), visible) || text.getLocation() == null
					|| text.getLocation().getLine() != previous.originLines()[i]) {
				return null;
			}
			int moved = (keyLine >= oldEndLine) ? shift : 0;
			if (!entries.add(key, value, resource, keyLine + moved, text.getLocation().getLine() + moved,
					text.getLocation().getColumn())) {
				return null;
			}
		}
		if (!changedAdded && !entries.addChanged(changed, changedKeyLines, resource, startLine)) {
			return null;
		}
		batch.put(visible,
				new Parsed(content, entries.keys(), entries.keyLines(), entries.originLines(), null));
		this.partialParses.incrementAndGet();
		return entries.properties();
	}

	/**
	 * Tell whether an origin's resource is the given file: an entry taken from a snapshot
	 * must come from this very file, not from another file that overrode its key.
	 */
	private static boolean isFile(@Nullable Resource resource, Path file) {
		return resource instanceof FileSystemResource fileResource && fileResource.getFilePath().equals(file);
	}

	/**
	 * Content the short path can handle: no carriage returns, which Spring Boot's loader
	 * reads as line ends too, and no document separators.
	 */
	private static boolean isEligibleContent(byte[] content) {
		for (int i = 0; i < content.length; i++) {
			byte b = content[i];
			if (b == '\r') {
				return false;
			}
			if (b == '-' && i >= 1 && content[i - 1] == '-' && i >= 3 && content[i - 2] == '-'
					&& (content[i - 3] == '#' || content[i - 3] == '!')) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Return the lines that start a logical line defining a key, the way Spring Boot's
	 * loader reads them: leading spaces, tabs and form feeds are skipped, a line starting
	 * with {@code #} or {@code !} is a comment (never continued), a blank line defines
	 * nothing, and a key line ending with an odd number of backslashes continues on the
	 * next line. Lines that may define no key or several are not handled: a line starting
	 * with a delimiter, a backslash or a control character (its key may be empty once
	 * trimmed), and a line containing {@code []} (a list, one key per element).
	 * @param content the content
	 * @param start where to start, at the start of a logical line
	 * @param end where to stop, at the end of a logical line
	 * @return the line numbers, counted from {@code start}, or {@code null} if a line may
	 * not define exactly one key
	 */
	static int @Nullable [] keyLines(byte[] content, int start, int end) {
		int[] lines = new int[16];
		int count = 0;
		int line = 0;
		int i = start;
		while (i < end) {
			while (i < end && (content[i] == ' ' || content[i] == '\t' || content[i] == '\f')) {
				i++;
			}
			if (i >= end) {
				break;
			}
			byte first = content[i];
			boolean keyLine = first != '\n' && first != '#' && first != '!';
			if (keyLine) {
				if (first == '=' || first == ':' || first == '\\' || (first >= 0 && first < ' ')) {
					return null;
				}
				if (count == lines.length) {
					lines = Arrays.copyOf(lines, count * 2);
				}
				lines[count++] = line;
			}
			while (true) {
				int lineEnd = indexOf(content, '\n', i, end);
				int next = (lineEnd < 0) ? end : lineEnd + 1;
				if (keyLine && contains(content, i, next, '[', ']')) {
					return null;
				}
				i = next;
				if (lineEnd >= 0) {
					line++;
				}
				if (!keyLine || lineEnd < 0 || !endsWithOddBackslashes(content, lineEnd, start)) {
					break;
				}
			}
		}
		return Arrays.copyOf(lines, count);
	}

	private static boolean contains(byte[] content, int from, int to, char first, char second) {
		for (int i = from; i + 1 < to; i++) {
			if (content[i] == first && content[i + 1] == second) {
				return true;
			}
		}
		return false;
	}

	private static boolean endsWithOddBackslashes(byte[] content, int newline, int start) {
		int backslashes = 0;
		for (int j = newline - 1; j >= start && content[j] == '\\'; j--) {
			backslashes++;
		}
		return backslashes % 2 == 1;
	}

	private static int indexOf(byte[] content, char c, int from, int to) {
		for (int i = from; i < to; i++) {
			if (content[i] == c) {
				return i;
			}
		}
		return -1;
	}

	static int countLines(byte[] content, int start, int end) {
		int lines = 0;
		for (int i = start; i < end; i++) {
			if (content[i] == '\n') {
				lines++;
			}
		}
		return lines;
	}

	/**
	 * The bytes that differ between two versions, widened to whole logical lines: a
	 * region that starts at the start of a line whose previous line does not end with a
	 * backslash, and ends (in both versions) just after such a line.
	 *
	 * @param start where the region starts, the same in both versions
	 * @param oldEnd where it ends in the previous version
	 * @param newEnd where it ends in the new version
	 */
	record Region(int start, int oldEnd, int newEnd) {

		/**
		 * Return the changed region, or {@code null} if the versions are the same.
		 * @param previous the previous version
		 * @param content the new version
		 * @return the region or {@code null}
		 */
		static @Nullable Region between(byte[] previous, byte[] content) {
			int prefix = Arrays.mismatch(previous, content);
			if (prefix < 0) {
				return null;
			}
			int limit = Math.min(previous.length, content.length) - prefix;
			int suffix = 0;
			while (suffix < limit
					&& previous[previous.length - 1 - suffix] == content[content.length - 1 - suffix]) {
				suffix++;
			}
			int start = prefix;
			while (!isLogicalLineStart(content, start)) {
				start--;
			}
			int shift = content.length - previous.length;
			int end = content.length - suffix;
			while (end < content.length
					&& !(isLogicalLineStart(content, end) && isLogicalLineStart(previous, end - shift))) {
				end++;
			}
			return new Region(start, end - shift, end);
		}

		private static boolean isLogicalLineStart(byte[] content, int index) {
			if (index == 0) {
				return true;
			}
			if (content[index - 1] != '\n') {
				return false;
			}
			// Conservative: any backslash before the line end may continue the line
			return index < 2 || content[index - 2] != '\\';
		}

	}

	/**
	 * The files parsed by one read, remembered once the read produced its snapshot.
	 */
	final class Batch {

		private final Map<Path, Parsed> files = new HashMap<>();

		/**
		 * Remember how a file was parsed, if a later version may be parsed from it.
		 * @param visible the file
		 * @param content its content
		 * @param properties what parsing it gave
		 */
		void add(Path visible, byte[] content, Map<String, Object> properties) {
			Parsed parsed = Parsed.of(visible, content, properties);
			if (parsed != null) {
				this.files.put(visible, parsed);
			}
			else {
				this.files.remove(visible);
				ChangedLinesParser.this.parsed.remove(visible);
			}
		}

		private void put(Path visible, Parsed parsed) {
			this.files.put(visible, parsed);
		}

		/**
		 * The read produced this snapshot: later reads may take entries from it. A read
		 * reads every watched path, so files it did not parse (deleted ones, or no longer
		 * {@code .properties}) are forgotten, and with them older snapshots.
		 * @param snapshot the snapshot
		 */
		void commit(ConfigSnapshot snapshot) {
			Map<Path, Parsed> parsed = ChangedLinesParser.this.parsed;
			parsed.keySet().retainAll(this.files.keySet());
			for (Map.Entry<Path, Parsed> entry : this.files.entrySet()) {
				parsed.put(entry.getKey(), entry.getValue().in(snapshot));
			}
		}

	}

	/**
	 * The entries of a new version, in line order, as they are put together.
	 */
	private static final class Entries {

		private final Map<String, Object> properties;

		private final String[] keys;

		private final int[] keyLines;

		private final int[] originLines;

		private int size;

		Entries(int capacity) {
			this.properties = new LinkedHashMap<>((int) (capacity / 0.75f) + 1);
			this.keys = new String[capacity];
			this.keyLines = new int[capacity];
			this.originLines = new int[capacity];
		}

		boolean add(String key, Object value, Resource resource, int keyLine, int originLine, int column) {
			Object entry = OriginTrackedValue.of(value,
					new TextResourceOrigin(resource, new Location(originLine, column)));
			if (this.properties.put(key, entry) != null) {
				return false;
			}
			this.keys[this.size] = key;
			this.keyLines[this.size] = keyLine;
			this.originLines[this.size] = originLine;
			this.size++;
			return true;
		}

		boolean addChanged(Map<String, Object> changed, int[] changedKeyLines, Resource resource, int startLine) {
			int i = 0;
			for (Map.Entry<String, Object> entry : changed.entrySet()) {
				Object value = MountedValue.unwrap(entry.getValue());
				if (value == null || !(MountedValue.originOf(entry.getValue()) instanceof TextResourceOrigin text)
						|| text.getLocation() == null) {
					return false;
				}
				Location location = text.getLocation();
				if (!add(entry.getKey(), value, resource, changedKeyLines[i++] + startLine,
						location.getLine() + startLine, location.getColumn())) {
					return false;
				}
			}
			return true;
		}

		Map<String, Object> properties() {
			return this.properties;
		}

		String[] keys() {
			return Arrays.copyOf(this.keys, this.size);
		}

		int[] keyLines() {
			return Arrays.copyOf(this.keyLines, this.size);
		}

		int[] originLines() {
			return Arrays.copyOf(this.originLines, this.size);
		}

	}

	/**
	 * How one version of a file was parsed: its content and, in line order, its keys,
	 * the lines that define them and the lines of their origins (where their values
	 * start, or the next line for an empty value).
	 *
	 * @param content the content
	 * @param keys the keys, in line order
	 * @param keyLines the line each key's logical line starts on
	 * @param originLines the line of each key's origin
	 * @param snapshot the snapshot holding the entries
	 */
	private record Parsed(byte[] content, String[] keys, int[] keyLines, int[] originLines,
			@Nullable ConfigSnapshot snapshot) {

		static @Nullable Parsed of(Path visible, byte[] content, Map<String, Object> properties) {
			if (!isEligibleContent(content)) {
				return null;
			}
			int[] keyLines = ChangedLinesParser.keyLines(content, 0, content.length);
			if (keyLines == null || properties.size() != keyLines.length || keyLines.length == 0) {
				return null;
			}
			String[] keys = new String[properties.size()];
			int[] originLines = new int[properties.size()];
			int i = 0;
			for (Map.Entry<String, Object> entry : properties.entrySet()) {
				Origin origin = MountedValue.originOf(entry.getValue());
				if (!(origin instanceof TextResourceOrigin text) || text.getLocation() == null
						|| !isFile(text.getResource(), visible)) {
					return null;
				}
				keys[i] = entry.getKey();
				originLines[i] = text.getLocation().getLine();
				// Each entry's origin lies in its own logical line (or just after it)
				if (originLines[i] < keyLines[i] || (i + 1 < keyLines.length && originLines[i] > keyLines[i + 1])) {
					return null;
				}
				i++;
			}
			return new Parsed(content, keys, keyLines, originLines, null);
		}

		Parsed in(ConfigSnapshot snapshot) {
			return new Parsed(this.content, this.keys, this.keyLines, this.originLines, snapshot);
		}

	}

}
