package io.configlag.mount;

import java.io.StringReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Rejects a YAML file whose aliases would make Spring Boot's YAML loader expand it
 * without bound. Boot's loader allows any number of aliases and flattens them eagerly, so
 * a few hundred bytes of nested aliases expand to billions of properties, and it flattens
 * recursively, so a long alias chain overflows the stack. The size and depth of each
 * document, as if its aliases were expanded, are measured on the composed node graph
 * without expanding it. Nodes are visited in document order, so an alias refers either to
 * a node already measured or, when it is recursive, to one still being measured.
 *
 * @author The config-lag developers
 */
final class YamlAliasCheck {

	/**
	 * Most nodes a document may expand to (or its own size, if larger).
	 */
	static final long MAX_EXPANDED_NODES = 100_000;

	/**
	 * Deepest nesting of a document once its aliases are expanded.
	 */
	static final int MAX_EXPANDED_DEPTH = 100;

	private final Path visible;

	private final Map<Node, long[]> measured = new IdentityHashMap<>();

	private final Map<Node, Boolean> inProgress = new IdentityHashMap<>();

	private YamlAliasCheck(Path visible) {
		this.visible = visible;
	}

	/**
	 * Check every document of a YAML file.
	 * @param visible the file, for messages
	 * @param text its content
	 * @throws ConfigLoadException if a document expands beyond the limits
	 */
	static void check(Path visible, String text) {
		// An alias is written '*name': without a '*' there is nothing to expand
		if (text.indexOf('*') < 0) {
			return;
		}
		LoaderOptions options = new LoaderOptions();
		options.setMaxAliasesForCollections(Integer.MAX_VALUE);
		options.setAllowRecursiveKeys(true);
		options.setCodePointLimit(Integer.MAX_VALUE);
		for (Node document : new Yaml(options).composeAll(new StringReader(text))) {
			if (document != null) {
				new YamlAliasCheck(visible).checkDocument(document);
			}
		}
	}

	private void checkDocument(Node document) {
		long size = measure(document)[0];
		if (size > Math.max(MAX_EXPANDED_NODES, this.measured.size())) {
			throw new ConfigLoadException(this.visible, "Invalid YAML in '" + this.visible
					+ "': its aliases expand it to more than " + MAX_EXPANDED_NODES + " nodes");
		}
	}

	private long[] measure(Node node) {
		long[] known = this.measured.get(node);
		if (known != null) {
			return known;
		}
		if (this.inProgress.put(node, Boolean.TRUE) != null) {
			throw new ConfigLoadException(this.visible, "Invalid YAML in '" + this.visible + "' at line "
					+ (node.getStartMark().getLine() + 1) + ": an anchor contains an alias to itself");
		}
		long size = 1;
		long depth = 0;
		for (Node child : children(node)) {
			long[] measuredChild = measure(child);
			size = Math.min(size + measuredChild[0], Long.MAX_VALUE / 2);
			depth = Math.max(depth, measuredChild[1]);
		}
		depth++;
		if (depth > MAX_EXPANDED_DEPTH) {
			throw new ConfigLoadException(this.visible, "Invalid YAML in '" + this.visible
					+ "': its aliases nest it deeper than " + MAX_EXPANDED_DEPTH + " levels");
		}
		this.inProgress.remove(node);
		long[] result = { size, depth };
		this.measured.put(node, result);
		return result;
	}

	private static List<Node> children(Node node) {
		if (node instanceof SequenceNode sequence) {
			return sequence.getValue();
		}
		if (node instanceof MappingNode mapping) {
			List<Node> children = new ArrayList<>(mapping.getValue().size() * 2);
			for (NodeTuple tuple : mapping.getValue()) {
				children.add(tuple.getKeyNode());
				children.add(tuple.getValueNode());
			}
			return children;
		}
		return List.of();
	}

}
