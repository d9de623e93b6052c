package io.configlag.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;

/**
 * A throwaway PostgreSQL cluster for tests that need a real database: {@code initdb} into
 * a temporary directory with a password for the superuser (SCRAM authentication), then
 * {@code pg_ctl start} on a free port of {@code 127.0.0.1} with its socket in that
 * directory. {@link #close()} stops it ({@code pg_ctl stop -m immediate}) and deletes the
 * directory.
 * <p>
 * The binaries are looked for on the {@code PATH}, then under
 * {@code /usr/lib/postgresql/<version>/bin} (Debian's {@code postgresql} package). When
 * they are absent the calling test is skipped. PostgreSQL refuses to run as root, so as
 * root the cluster runs as the {@code postgres} user ({@code runuser}), which owns the
 * temporary directory.
 */
public final class PostgresServer implements AutoCloseable {

	private static final String SUPERUSER = "postgres";

	private static final long TIMEOUT_SECONDS = 60;

	private final Path binaries;

	private final Path directory;

	private final List<String> runAs;

	private final String password = UUID.randomUUID().toString();

	private final int port;

	private PostgresServer(Path binaries, Path directory, List<String> runAs, int port) {
		this.binaries = binaries;
		this.directory = directory;
		this.runAs = runAs;
		this.port = port;
	}

	/**
	 * Start a new cluster, or skip the calling test when PostgreSQL is not installed.
	 * @return the running cluster
	 */
	public static PostgresServer start() {
		Path binaries = findBinaries();
		Assumptions.assumeTrue(binaries != null, "PostgreSQL is not installed (no initdb and pg_ctl on the PATH "
				+ "or under /usr/lib/postgresql/*/bin): test skipped; install the 'postgresql' package to run it");
		List<String> runAs = List.of();
		try {
			Path directory = Files.createTempDirectory("config-lag-postgres-");
			if (isRoot()) {
				Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/sbin/runuser")) && userExists(SUPERUSER),
						"Running as root without a 'postgres' user and runuser: PostgreSQL test skipped");
				runAs = List.of("/usr/sbin/runuser", "-u", SUPERUSER, "--");
				Files.setOwner(directory, owner(directory, SUPERUSER));
			}
			PostgresServer server = new PostgresServer(binaries, directory, runAs, freePort());
			server.initializeAndStart();
			return server;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private void initializeAndStart() throws IOException {
		Path passwordFile = this.directory.resolve("password");
		Files.writeString(passwordFile, this.password + "\n", StandardCharsets.UTF_8);
		if (!this.runAs.isEmpty()) {
			Files.setOwner(passwordFile, owner(passwordFile, SUPERUSER));
		}
		run(List.of(this.binaries.resolve("initdb").toString(), "-D", data(), "-U", SUPERUSER, "--auth=scram-sha-256",
				"--pwfile=" + passwordFile, "-E", "UTF8", "--locale=C", "--no-sync"));
		Files.delete(passwordFile);
		run(List.of(this.binaries.resolve("pg_ctl").toString(), "-D", data(), "-l",
				this.directory.resolve("server.log").toString(), "-w", "-t", String.valueOf(TIMEOUT_SECONDS), "-o",
				"-p " + this.port + " -k " + this.directory + " -c listen_addresses=127.0.0.1 -c fsync=off", "start"));
	}

	/**
	 * Return the JDBC URL of a database of this cluster.
	 * @param database the database name
	 * @return the URL
	 */
	public String jdbcUrl(String database) {
		return "jdbc:postgresql://127.0.0.1:" + this.port + "/" + database;
	}

	/**
	 * Create a login role and a database it owns.
	 * @param database the database name
	 * @param user the role name
	 * @param password the role's password
	 */
	public void createDatabase(String database, String user, String password) {
		execute("CREATE ROLE \"" + user + "\" LOGIN PASSWORD '" + password.replace("'", "''") + "'");
		execute("CREATE DATABASE \"" + database + "\" OWNER \"" + user + "\"");
	}

	/**
	 * Run a statement as the superuser, in the {@code postgres} database.
	 * @param sql the statement
	 */
	public void execute(String sql) {
		try (Connection connection = DriverManager.getConnection(jdbcUrl("postgres"), SUPERUSER, this.password);
				Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Failed to execute '" + sql + "'", ex);
		}
	}

	/**
	 * Stop the cluster and delete its directory.
	 */
	@Override
	public void close() {
		try {
			if (Files.exists(this.directory.resolve("data").resolve("postmaster.pid"))) {
				run(List.of(this.binaries.resolve("pg_ctl").toString(), "-D", data(), "-m", "immediate", "-w", "stop"));
			}
		}
		finally {
			delete(this.directory);
		}
	}

	private String data() {
		return this.directory.resolve("data").toString();
	}

	private void run(List<String> command) {
		List<String> full = new ArrayList<>(this.runAs);
		full.addAll(command);
		try {
			Process process = new ProcessBuilder(full).directory(this.directory.toFile())
				.redirectErrorStream(true)
				.start();
			byte[] output = process.getInputStream().readAllBytes();
			if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS) || process.exitValue() != 0) {
				process.destroyForcibly();
				throw new IllegalStateException(
						"'" + String.join(" ", full) + "' failed:\n" + new String(output, StandardCharsets.UTF_8));
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static Path findBinaries() {
		String path = System.getenv("PATH");
		if (path != null) {
			for (String entry : path.split(java.io.File.pathSeparator)) {
				Path directory = Path.of(entry);
				if (hasBinaries(directory)) {
					return directory;
				}
			}
		}
		Path installed = Path.of("/usr/lib/postgresql");
		if (Files.isDirectory(installed)) {
			try (Stream<Path> versions = Files.list(installed)) {
				return versions.map((version) -> version.resolve("bin"))
					.filter(PostgresServer::hasBinaries)
					.max(Comparator.comparing(PostgresServer::majorVersion))
					.orElse(null);
			}
			catch (IOException ex) {
				return null;
			}
		}
		return null;
	}

	private static int majorVersion(Path bin) {
		try {
			return Integer.parseInt(bin.getParent().getFileName().toString());
		}
		catch (NumberFormatException ex) {
			return 0;
		}
	}

	private static boolean hasBinaries(Path directory) {
		return Files.isExecutable(directory.resolve("initdb")) && Files.isExecutable(directory.resolve("pg_ctl"));
	}

	private static boolean isRoot() throws IOException {
		return "0".equals(output("id", "-u"));
	}

	private static boolean userExists(String user) throws IOException {
		return !output("id", "-u", user).isEmpty();
	}

	private static String output(String... command) throws IOException {
		Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
		try {
			return (process.waitFor() == 0) ? output : "";
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return "";
		}
	}

	private static UserPrincipal owner(Path path, String user) throws IOException {
		return path.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(user);
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

	private static void delete(Path directory) {
		try (Stream<Path> paths = Files.walk(directory)) {
			paths.sorted(Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
