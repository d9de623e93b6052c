package io.configlag.mount;

import java.nio.file.Path;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.origin.Origin;
import org.springframework.boot.origin.OriginTrackedValue;
import org.springframework.boot.origin.TextResourceOrigin;
import org.springframework.boot.origin.TextResourceOrigin.Location;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;
import org.springframework.util.Assert;
import org.springframework.util.StringUtils;

/**
 * The properties of one {@link ConfigSnapshot}, in insertion order, laid out in a few
 * arrays instead of a map entry, a value string and an origin per key:
 * <ul>
 * <li>the keys, in order, and an open-addressing table of their indexes;</li>
 * <li>the string values as slices of one shared string, each ending where the next
 * begins, so that a value is one {@code int} and its characters;</li>
 * <li>values that are not strings (typed YAML scalars, values whose origin is not a plain
 * text position) in a side array that exists only when there are any;</li>
 * <li>the position each value was read at as one packed {@code int}, and the file it was
 * read from as an index into a table of files (no index at all for a single file).</li>
 * </ul>
 * A value and its origin are created when they are asked for: {@link #value(String)}
 * creates the value's string, {@link #origin(String)} the origin.
 * <p>
 * A file read under a watched path is held as that path and its name relative to it, the
 * instances the snapshot's {@code PathState} holds anyway, and its {@link Resource} is
 * created again when an origin is asked for: a {@link FileSystemResource} with its
 * {@code Path} and two copies of the path string costs over 300 bytes, as much as ten
 * keys. The last one created is kept for the next origin.
 * <p>
 * The store is a read-only {@link Map} too, whose values are {@link MountedValue}s for
 * values read at a text position and the values themselves otherwise, created on each
 * access; readers that care about allocation use {@link #value(String)},
 * {@link #origin(String)} and {@link #names()} instead.
 *
 * @author config-lag
 */
public final class CompactProperties extends AbstractMap<String, Object> {

	static final CompactProperties EMPTY = new Builder().build();

	/**
	 * The position of a value that has no text position: its origin, if any, is that of
	 * the object kept for it in the side array.
	 */
	private static final int NO_POSITION = -1;

	private static final int COLUMN_BITS = 11;

	private static final int MAX_COLUMN = (1 << COLUMN_BITS) - 1;

	private static final int MAX_LINE = (1 << (31 - COLUMN_BITS)) - 1;

	/**
	 * The longest run of occupied slots the index table may have. Well-spread keys stay
	 * far below it (at most 70% of the slots are used); keys crafted to collide are
	 * indexed by a {@link HashMap} instead, whose bins degrade to trees rather than to a
	 * linear scan.
	 */
	private static final int MAX_RUN = 1024;

	private static final int GOLDEN_RATIO = 0x9E3779B9;

	private final String[] keys;

	/**
	 * The index of each key plus one in the low {@link #indexBits} bits, bits of its hash
	 * above them (so that a probe reads a key only when they match), at the slot its hash
	 * leads to or the next free one; {@code null} when {@link #collidingKeys} is used
	 * instead.
	 */
	private final int @Nullable [] slots;

	private final int shift;

	private final int indexBits;

	private final @Nullable Map<String, Integer> collidingKeys;

	/**
	 * The string values, one after the other.
	 */
	private final String pool;

	/**
	 * Where each value ends in {@link #pool}; it starts where the previous one ends. A
	 * value kept in {@link #objects} has an empty slice.
	 */
	private final int[] valueEnds;

	private final Object @Nullable [] objects;

	/**
	 * The line and column of each value packed in one {@code int}, {@link #NO_POSITION},
	 * or {@code -2 - i} for the {@code i}th of the {@link #farPositions} that do not fit.
	 */
	private final int[] positions;

	private final long @Nullable [] farPositions;

	/**
	 * The file of each value read at a text position, as a {@code byte[]},
	 * {@code char[]} or {@code int[]} depending on the number of files, {@code null}
	 * when there is at most one.
	 */
	private final @Nullable Object fileIndexes;

	/**
	 * The files values were read from: a {@link Path} to re-create the resource from (with
	 * the name at the same index of {@link #fileNames}, if any), or the {@link Resource}
	 * itself.
	 */
	private final Object[] files;

	private final String @Nullable [] fileNames;

	/**
	 * The resource last created for an origin. Threads may race to replace it: each
	 * sees a whole {@link CreatedResource} (its fields are final), and any of them is
	 * right.
	 */
	private @Nullable CreatedResource lastResource;

	private CompactProperties(String[] keys, String pool, int[] valueEnds, Object @Nullable [] objects,
			int[] positions, long @Nullable [] farPositions, @Nullable Object fileIndexes, Object[] files,
			String @Nullable [] fileNames) {
		this.keys = keys;
		this.pool = pool;
		this.valueEnds = valueEnds;
		this.objects = objects;
		this.positions = positions;
		this.farPositions = farPositions;
		this.fileIndexes = fileIndexes;
		this.files = files;
		this.fileNames = fileNames;
		int capacity = 2;
		while (capacity * 7L < keys.length * 10L) {
			capacity <<= 1;
		}
		this.shift = Integer.numberOfLeadingZeros(capacity) + 1;
		this.indexBits = 32 - Integer.numberOfLeadingZeros(keys.length);
		int[] slots = index(keys, capacity, this.shift, this.indexBits);
		this.slots = slots;
		this.collidingKeys = (slots != null) ? null : hashIndex(keys);
	}

	private static int @Nullable [] index(String[] keys, int capacity, int shift, int indexBits) {
		int[] slots = new int[capacity];
		int mask = capacity - 1;
		for (int i = 0; i < keys.length; i++) {
			int hash = keys[i].hashCode();
			int slot = home(hash, shift);
			for (int probes = 0; slots[slot] != 0; probes++) {
				if (probes >= MAX_RUN) {
					return null;
				}
				slot = (slot + 1) & mask;
			}
			slots[slot] = tag(hash, indexBits) | (i + 1);
		}
		int run = 0;
		for (int slot = 0; slot < 2 * capacity; slot++) {
			run = (slots[slot & mask] != 0) ? run + 1 : 0;
			if (run > MAX_RUN) {
				return null;
			}
		}
		return slots;
	}

	private static Map<String, Integer> hashIndex(String[] keys) {
		Map<String, Integer> index = new HashMap<>((int) (keys.length / 0.75f) + 1);
		for (int i = 0; i < keys.length; i++) {
			index.put(keys[i], i);
		}
		return index;
	}

	private static int home(int hash, int shift) {
		return (hash * GOLDEN_RATIO) >>> shift;
	}

	private static int tag(int hash, int indexBits) {
		return (hash ^ (hash >>> 16)) << indexBits;
	}

	/**
	 * Return the index of a key in insertion order.
	 * @param key the key
	 * @return its index or {@code -1}
	 */
	int indexOf(@Nullable Object key) {
		if (!(key instanceof String name)) {
			return -1;
		}
		int[] slots = this.slots;
		if (slots == null) {
			Integer index = Objects.requireNonNull(this.collidingKeys).get(name);
			return (index != null) ? index : -1;
		}
		int hash = name.hashCode();
		int indexBits = this.indexBits;
		int tag = tag(hash, indexBits);
		int tagMask = -1 << indexBits;
		int mask = slots.length - 1;
		for (int slot = home(hash, this.shift);; slot = (slot + 1) & mask) {
			int entry = slots[slot];
			if (entry == 0) {
				return -1;
			}
			if ((entry & tagMask) == tag) {
				int index = (entry & ~tagMask) - 1;
				String candidate = this.keys[index];
				if (candidate == name || candidate.equals(name)) {
					return index;
				}
			}
		}
	}

	/**
	 * Return the key at an index.
	 * @param index the index in insertion order
	 * @return the key
	 */
	String keyAt(int index) {
		return this.keys[index];
	}

	/**
	 * Return the keys in insertion order, as a new array.
	 * @return the keys
	 */
	String[] names() {
		return this.keys.clone();
	}

	/**
	 * Return the plain value of a key, as Spring Boot's loader gave it (a string for a
	 * properties file or a config-tree entry, a typed object for a YAML scalar).
	 * @param name the key
	 * @return the value or {@code null}
	 */
	@Nullable Object value(String name) {
		int index = indexOf(name);
		return (index >= 0) ? valueAt(index) : null;
	}

	/**
	 * Return the value of a key as a string, as it is compared between versions.
	 * @param name the key
	 * @return the value as a string or {@code null}
	 */
	@Nullable String getString(String name) {
		int index = indexOf(name);
		if (index < 0) {
			return null;
		}
		Object object = objectAt(index);
		return (object != null) ? ConfigSnapshot.asString(object) : slice(index);
	}

	/**
	 * Return where the value of a key was read.
	 * @param name the key
	 * @return its origin or {@code null}
	 */
	@Nullable Origin origin(String name) {
		int index = indexOf(name);
		return (index >= 0) ? originAt(index) : null;
	}

	/**
	 * Return the keys whose value, as text, contains the given text, without creating a
	 * string for every value.
	 * @param text the text to look for
	 * @return the keys, string values first
	 */
	List<String> keysWithValueContaining(String text) {
		List<String> keys = new ArrayList<>();
		int from = 0;
		int found;
		while (!text.isEmpty() && (found = this.pool.indexOf(text, from)) >= 0) {
			int index = valueIndexAt(found);
			if (found + text.length() <= this.valueEnds[index]) {
				keys.add(this.keys[index]);
				from = this.valueEnds[index];
			}
			else {
				// A match across two values
				from = found + 1;
			}
		}
		Object[] objects = this.objects;
		if (objects != null) {
			for (int i = 0; i < objects.length; i++) {
				if (objects[i] != null && String.valueOf(valueAt(i)).contains(text)) {
					keys.add(this.keys[i]);
				}
			}
		}
		return keys;
	}

	/**
	 * Return the index of the string value whose slice of the pool holds the given
	 * offset: the first whose end is after it.
	 */
	private int valueIndexAt(int offset) {
		int low = 0;
		int high = this.valueEnds.length - 1;
		while (low < high) {
			int middle = (low + high) >>> 1;
			if (this.valueEnds[middle] > offset) {
				high = middle;
			}
			else {
				low = middle + 1;
			}
		}
		return low;
	}

	/**
	 * Return the plain value at an index.
	 * @param index an index from {@link #indexOf(Object)}
	 * @return the value
	 */
	@Nullable Object valueAt(int index) {
		Object object = objectAt(index);
		return (object != null) ? MountedValue.unwrap(object) : slice(index);
	}

	/**
	 * Return the origin of the value at an index.
	 * @param index an index from {@link #indexOf(Object)}
	 * @return the origin or {@code null}
	 */
	@Nullable Origin originAt(int index) {
		int position = this.positions[index];
		if (position == NO_POSITION) {
			return MountedValue.originOf(objectAt(index));
		}
		return new TextResourceOrigin(resource(fileAt(index)), new Location(line(position), column(position)));
	}

	private @Nullable Object objectAt(int index) {
		Object[] objects = this.objects;
		return (objects != null) ? objects[index] : null;
	}

	private String slice(int index) {
		return this.pool.substring(start(index), this.valueEnds[index]);
	}

	private int start(int index) {
		return (index != 0) ? this.valueEnds[index - 1] : 0;
	}

	private Resource resource(int file) {
		Object entry = this.files[file];
		if (entry instanceof Resource resource) {
			return resource;
		}
		CreatedResource last = this.lastResource;
		if (last != null && last.file() == file) {
			return last.resource();
		}
		String name = (this.fileNames != null) ? this.fileNames[file] : null;
		Path root = (Path) entry;
		Resource resource = new FileSystemResource((name != null) ? root.resolve(name) : root);
		this.lastResource = new CreatedResource(file, resource);
		return resource;
	}

	private int fileAt(int index) {
		Object fileIndexes = this.fileIndexes;
		if (fileIndexes == null) {
			return 0;
		}
		if (fileIndexes instanceof byte[] bytes) {
			return bytes[index] & 0xFF;
		}
		if (fileIndexes instanceof char[] chars) {
			return chars[index];
		}
		return ((int[]) fileIndexes)[index];
	}

	private int line(int position) {
		return (position >= 0) ? position >>> COLUMN_BITS : (int) (farPosition(position) >> 32);
	}

	private int column(int position) {
		return (position >= 0) ? position & MAX_COLUMN : (int) farPosition(position);
	}

	private long farPosition(int position) {
		return Objects.requireNonNull(this.farPositions)[-2 - position];
	}

	/**
	 * Tell whether the value at an index reads as the same string as the value at an
	 * index of another store, without creating either string when both are slices.
	 * @param index the index in this store
	 * @param other the other store
	 * @param otherIndex the index in the other store
	 * @return whether both values have the same string form
	 */
	boolean sameString(int index, CompactProperties other, int otherIndex) {
		Object object = objectAt(index);
		Object otherObject = other.objectAt(otherIndex);
		if (object == null && otherObject == null) {
			int start = start(index);
			int length = this.valueEnds[index] - start;
			int otherStart = other.start(otherIndex);
			return length == other.valueEnds[otherIndex] - otherStart
					&& this.pool.regionMatches(start, other.pool, otherStart, length);
		}
		if (object != null && otherObject != null) {
			Object value = MountedValue.unwrap(object);
			Object otherValue = MountedValue.unwrap(otherObject);
			return Objects.equals(value, otherValue)
					|| Objects.equals(ConfigSnapshot.asString(value), ConfigSnapshot.asString(otherValue));
		}
		if (object != null) {
			return other.sliceEquals(otherIndex, ConfigSnapshot.asString(object));
		}
		return sliceEquals(index, ConfigSnapshot.asString(otherObject));
	}

	private boolean sliceEquals(int index, @Nullable String value) {
		int start = start(index);
		int length = this.valueEnds[index] - start;
		return value != null && value.length() == length && this.pool.regionMatches(start, value, 0, length);
	}

	/**
	 * Return the value at an index as this map gives it: a {@link MountedValue} when it
	 * was read with a text position, the value (or the object carrying its own origin)
	 * otherwise.
	 */
	private Object mapValue(int index) {
		Object object = objectAt(index);
		int position = this.positions[index];
		if (position == NO_POSITION) {
			return (object != null) ? object : slice(index);
		}
		return MountedValue.of((object != null) ? object : slice(index), resource(fileAt(index)), line(position),
				column(position));
	}

	@Override
	public int size() {
		return this.keys.length;
	}

	@Override
	public boolean isEmpty() {
		return this.keys.length == 0;
	}

	@Override
	public boolean containsKey(@Nullable Object key) {
		return indexOf(key) >= 0;
	}

	@Override
	public @Nullable Object get(@Nullable Object key) {
		int index = indexOf(key);
		return (index >= 0) ? mapValue(index) : null;
	}

	@Override
	public Set<String> keySet() {
		return new AbstractSet<>() {

			@Override
			public Iterator<String> iterator() {
				return new IndexIterator<>() {

					@Override
					String at(int index) {
						return keyAt(index);
					}

				};
			}

			@Override
			public int size() {
				return CompactProperties.this.size();
			}

			@Override
			public boolean contains(@Nullable Object key) {
				return containsKey(key);
			}

		};
	}

	@Override
	public Set<Entry<String, Object>> entrySet() {
		return new AbstractSet<>() {

			@Override
			public Iterator<Entry<String, Object>> iterator() {
				return new IndexIterator<>() {

					@Override
					Entry<String, Object> at(int index) {
						return new SimpleImmutableEntry<>(keyAt(index), mapValue(index));
					}

				};
			}

			@Override
			public int size() {
				return CompactProperties.this.size();
			}

			@Override
			public boolean contains(@Nullable Object entry) {
				if (entry instanceof Entry<?, ?> candidate) {
					int index = indexOf(candidate.getKey());
					return index >= 0 && mapValue(index).equals(candidate.getValue());
				}
				return false;
			}

		};
	}

	/**
	 * A read-only iterator over the indexes of the store.
	 */
	private abstract class IndexIterator<T> implements Iterator<T> {

		private int next;

		@Override
		public boolean hasNext() {
			return this.next < CompactProperties.this.keys.length;
		}

		@Override
		public T next() {
			if (!hasNext()) {
				throw new NoSuchElementException();
			}
			return at(this.next++);
		}

		abstract T at(int index);

	}

	/**
	 * Collects properties with {@link LinkedHashMap#putAll} semantics (a later value of a
	 * key replaces an earlier one and keeps its position) and lays them out once.
	 */
	static final class Builder {

		private final Map<String, Object> properties = new LinkedHashMap<>();

		private final List<ReadPath> paths = new ArrayList<>(1);

		/**
		 * Add properties as Spring Boot's loaders give them: values are
		 * {@link OriginTrackedValue}s or plain values.
		 * @param properties the properties to add
		 * @return this builder
		 */
		Builder putAll(Map<String, ?> properties) {
			properties.forEach((key, value) -> {
				Assert.notNull(key, "Key must not be null");
				Assert.notNull(value, () -> "Value of '" + key + "' must not be null");
				this.properties.put(key, value);
			});
			return this;
		}

		/**
		 * Add properties read under a watched path. The resource of a value read from the
		 * path itself or from one of the given files under it is kept as the path and
		 * the file's name, the very instances given here, and created again when it is
		 * asked for; any other resource is kept as it is.
		 * @param properties the properties to add
		 * @param root the watched path
		 * @param files the files read under it, relative to it
		 * @return this builder
		 */
		Builder putAll(Map<String, ?> properties, Path root, Collection<String> files) {
			putAll(properties);
			this.paths.add(new ReadPath(root, files));
			return this;
		}

		CompactProperties build() {
			int size = this.properties.size();
			String[] keys = new String[size];
			Object[] values = new Object[size];
			int[] positions = new int[size];
			int[] fileIndexes = new int[size];
			FileTable files = new FileTable(this.paths);
			List<Long> farPositions = new ArrayList<>(0);
			long poolLength = 0;
			boolean objects = false;
			int index = 0;
			for (Map.Entry<String, Object> entry : this.properties.entrySet()) {
				Object value = entry.getValue();
				int position = NO_POSITION;
				TextResourceOrigin origin = textOrigin(value);
				if (origin != null && origin.getResource() != null && origin.getLocation() != null) {
					value = ((OriginTrackedValue) value).getValue();
					Location location = origin.getLocation();
					position = position(location.getLine(), location.getColumn(), farPositions);
					fileIndexes[index] = files.indexOf(origin.getResource());
				}
				if (value instanceof String string) {
					poolLength += string.length();
				}
				else {
					objects = true;
				}
				keys[index] = entry.getKey();
				values[index] = value;
				positions[index] = position;
				index++;
			}
			Assert.state(poolLength <= Integer.MAX_VALUE - 8, "Property values are too large to be held");
			StringBuilder pool = new StringBuilder((int) poolLength);
			int[] valueEnds = new int[size];
			Object[] sideValues = objects ? new Object[size] : null;
			for (int i = 0; i < size; i++) {
				if (values[i] instanceof String string) {
					pool.append(string);
				}
				else {
					Objects.requireNonNull(sideValues)[i] = values[i];
				}
				valueEnds[i] = pool.length();
			}
			return new CompactProperties(keys, pool.toString(), valueEnds, sideValues, positions,
					farPositions.isEmpty() ? null : farPositions.stream().mapToLong(Long::longValue).toArray(),
					narrow(fileIndexes, files.size()), files.roots(), files.names());
		}

		/**
		 * Return the origin of a value read at a text position, as a plain
		 * {@link TextResourceOrigin} (a subclass may carry more than a snapshot keeps).
		 */
		private static @Nullable TextResourceOrigin textOrigin(Object value) {
			if (value instanceof OriginTrackedValue tracked && tracked.getOrigin() instanceof TextResourceOrigin origin
					&& origin.getClass() == TextResourceOrigin.class) {
				return origin;
			}
			return null;
		}

		private static int position(int line, int column, List<Long> farPositions) {
			if (line >= 0 && line <= MAX_LINE && column >= 0 && column <= MAX_COLUMN) {
				return (line << COLUMN_BITS) | column;
			}
			farPositions.add(((long) line << 32) | (column & 0xFFFFFFFFL));
			return -1 - farPositions.size();
		}

		private static @Nullable Object narrow(int[] fileIndexes, int files) {
			if (files <= 1) {
				return null;
			}
			if (files <= 256) {
				byte[] bytes = new byte[fileIndexes.length];
				for (int i = 0; i < bytes.length; i++) {
					bytes[i] = (byte) fileIndexes[i];
				}
				return bytes;
			}
			if (files <= 65536) {
				char[] chars = new char[fileIndexes.length];
				for (int i = 0; i < chars.length; i++) {
					chars[i] = (char) fileIndexes[i];
				}
				return chars;
			}
			return fileIndexes;
		}

	}

	/**
	 * A watched path and the files read under it.
	 */
	private static final class ReadPath {

		private final Path root;

		private final Collection<String> files;

		private @Nullable String prefix;

		private @Nullable Map<String, String> names;

		ReadPath(Path root, Collection<String> files) {
			this.root = root;
			this.files = files;
		}

		/**
		 * Return the root and the name (the instance given for it) to create a resource
		 * equal to the given one from, or {@code null} if it was not read under this path.
		 */
		@Nullable FileName nameOf(FileSystemResource resource) {
			String path = resource.getPath();
			String name = null;
			if (!resource.getFilePath().equals(this.root)) {
				if (this.prefix == null) {
					this.prefix = StringUtils.cleanPath(this.root.toString()) + "/";
				}
				if (!path.startsWith(this.prefix)) {
					return null;
				}
				name = names().get(path.substring(this.prefix.length()));
				if (name == null) {
					return null;
				}
			}
			Path file = (name != null) ? this.root.resolve(name) : this.root;
			return new FileSystemResource(file).getPath().equals(path) ? new FileName(this.root, name) : null;
		}

		private Map<String, String> names() {
			Map<String, String> names = this.names;
			if (names == null) {
				names = new HashMap<>((int) (this.files.size() / 0.75f) + 1);
				for (String name : this.files) {
					names.put(name, name);
				}
				this.names = names;
			}
			return names;
		}

	}

	/**
	 * The files values were read from, each held once: as a watched path and a file name
	 * when it was read under one of the {@link ReadPath}s, as its resource otherwise.
	 */
	private static final class FileTable {

		private final List<ReadPath> paths;

		private final Map<Resource, Integer> indexes = new IdentityHashMap<>();

		private final List<Object> roots = new ArrayList<>();

		private final List<@Nullable String> names = new ArrayList<>();

		private boolean named;

		private @Nullable Resource last;

		private int lastIndex;

		FileTable(List<ReadPath> paths) {
			this.paths = paths;
		}

		int indexOf(Resource resource) {
			if (resource != this.last) {
				Integer index = this.indexes.get(resource);
				if (index == null) {
					index = add(resource);
					this.indexes.put(resource, index);
				}
				this.lastIndex = index;
				this.last = resource;
			}
			return this.lastIndex;
		}

		private int add(Resource resource) {
			FileName name = null;
			if (resource instanceof FileSystemResource fileResource) {
				for (int i = 0; i < this.paths.size() && name == null; i++) {
					name = this.paths.get(i).nameOf(fileResource);
				}
			}
			this.roots.add((name != null) ? name.root() : resource);
			this.names.add((name != null) ? name.name() : null);
			this.named |= name != null && name.name() != null;
			return this.roots.size() - 1;
		}

		int size() {
			return this.roots.size();
		}

		Object[] roots() {
			return this.roots.toArray();
		}

		String @Nullable [] names() {
			return this.named ? this.names.toArray(new String[0]) : null;
		}

	}

	/**
	 * A file under a watched path.
	 *
	 * @param root the watched path
	 * @param name the file's name relative to it, {@code null} when the path is the file
	 */
	private record FileName(Path root, @Nullable String name) {

	}

	/**
	 * A resource created for an origin, with the index of its file.
	 *
	 * @param file the index of the file
	 * @param resource the resource
	 */
	private record CreatedResource(int file, Resource resource) {

	}

}
