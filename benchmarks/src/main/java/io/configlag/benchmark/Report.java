package io.configlag.benchmark;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The results table: one row per measured number, with its target and verdict where the
 * issue sets one, plus notes on how each section measured.
 *
 * @author The config-lag developers
 */
public final class Report {

	private final List<String> environment = new ArrayList<>();

	private final List<Row> rows = new ArrayList<>();

	private final List<String> notes = new ArrayList<>();

	void environment(String line) {
		this.environment.add(line);
	}

	void row(String section, String metric, String measured) {
		this.rows.add(new Row(section, metric, measured, "", Verdict.NONE));
	}

	void row(String section, String metric, String measured, String target, boolean pass) {
		this.rows.add(new Row(section, metric, measured, target, pass ? Verdict.PASS : Verdict.MISS));
	}

	void note(String note) {
		this.notes.add(note);
	}

	/**
	 * Return the rows.
	 * @return the rows, in order
	 */
	public List<Row> rows() {
		List<Row> rows = new ArrayList<>(this.rows);
		// Sections are numbered; some are measured in a different order (idle reuses the
		// lag
		// applications)
		rows.sort(Comparator.comparing(Row::section, Comparator.comparing((section) -> section.split(" ")[0])));
		return List.copyOf(rows);
	}

	/**
	 * Render the report as Markdown.
	 * @return the Markdown text
	 */
	public String toMarkdown() {
		StringBuilder out = new StringBuilder();
		for (String line : this.environment) {
			out.append("- ").append(line).append('\n');
		}
		out.append('\n');
		out.append("| Section | Metric | Measured | Target | Result |\n");
		out.append("|---|---|---|---|---|\n");
		for (Row row : rows()) {
			out.append("| ")
				.append(row.section())
				.append(" | ")
				.append(row.metric())
				.append(" | ")
				.append(row.measured())
				.append(" | ")
				.append(row.target())
				.append(" | ")
				.append(row.verdict().text)
				.append(" |\n");
		}
		if (!this.notes.isEmpty()) {
			out.append('\n');
			for (String note : this.notes) {
				out.append("- ").append(note).append('\n');
			}
		}
		return out.toString();
	}

	/**
	 * One measured number.
	 *
	 * @param section the benchmark section
	 * @param metric what was measured
	 * @param measured the measured value, with its unit
	 * @param target the target, if any
	 * @param verdict whether the target was met
	 */
	public record Row(String section, String metric, String measured, String target, Verdict verdict) {

	}

	/**
	 * Whether a target was met.
	 */
	public enum Verdict {

		/**
		 * No target for this number.
		 */
		NONE(""),

		/**
		 * The target was met.
		 */
		PASS("pass"),

		/**
		 * The target was missed.
		 */
		MISS("**MISS**");

		private final String text;

		Verdict(String text) {
			this.text = text;
		}

	}

}
