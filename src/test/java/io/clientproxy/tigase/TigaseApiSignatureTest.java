package io.clientproxy.tigase;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

/**
 * Checks the project's compile-time declaration of the Tigase API (src/tigase-api/java) against the
 * signatures of the real Tigase 8.4.0 jars, so that the component links against a real server.
 * The signature file comes from system property {@code tigase.api.signatures} (set by surefire to
 * ../shared/tigase-api/tigase-8.4.0.api.tsv). A clone without it skips this check with one line
 * saying so (plain {@code mvn verify} must pass there); with environment variable
 * {@code TIGASE_API_REQUIRED=1} (CI, .ci/run) a missing list fails it.
 */
class TigaseApiSignatureTest {

	private static final String SIGNATURES_PROPERTY = "tigase.api.signatures";
	/** "1": a missing signature list fails the check instead of skipping it (CI). */
	private static final String REQUIRED_ENV = "TIGASE_API_REQUIRED";

	@Test
	void declaredTigaseApiMatchesRealTigase() throws IOException {
		ApiSignatureChecker.Signatures signatures = ApiSignatureChecker.Signatures.load(signatureFile());
		List<Class<?>> declared = declaredTigaseClasses();
		assertTrue(declared.size() >= 20, "Expected the Tigase API declaration (20+ classes), found only " +
				declared.stream().map(Class::getName).collect(Collectors.toList()));

		ApiSignatureChecker checker = new ApiSignatureChecker(signatures);
		List<String> problems = checker.check(declared);
		if (!problems.isEmpty()) {
			fail(problems.size() + " mismatch(es) between src/tigase-api/java and real Tigase 8.4.0 (" +
					     signatureFile() + "):\n  " + String.join("\n  ", problems));
		}
		assertTrue(checker.checkedMembers() > 100, "Checked suspiciously few members: " + checker.checkedMembers());
		System.out.println("Tigase API declaration: " + declared.size() + " classes, " + checker.checkedMembers() +
				                   " public/protected members match real Tigase 8.4.0 (" + signatures.classCount() +
				                   " real classes listed)");
	}

	/** Guards the checker itself: a wrong descriptor, kind, modifier or unknown class must be reported. */
	@Test
	void checkerReportsMismatches() {
		List<String> fake = List.of(
				// tigase.xml.CData as real, except: class declared final, one descriptor changed,
				// one member missing, and setCdata made static.
				"C\ttigase.xml.CData\tclass final\t-\ttigase.xml.XMLNodeIfc",
				"M\ttigase.xml.CData\t<init>\t(Ljava/lang/String;)V\tpublic",
				"M\ttigase.xml.CData\tclone\t()Ltigase/xml/CData;\tpublic",
				"M\ttigase.xml.CData\tgetCData\t()Ljava/lang/Object;\tpublic",
				"M\ttigase.xml.CData\tsetCdata\t(Ljava/lang/String;)V\tpublic static",
				"M\ttigase.xml.CData\ttoString\t()Ljava/lang/String;\tpublic",
				"M\ttigase.xml.CData\ttoStringPretty\t()Ljava/lang/String;\tpublic",
				"M\ttigase.xml.CData\tcompareTo\t(Ltigase/xml/CData;)I\tpublic",
				"M\ttigase.xml.CData\tclone\t()Ljava/lang/Object;\tpublic",
				"M\ttigase.xml.CData\tclone\t()Ltigase/xml/XMLNodeIfc;\tpublic",
				"M\ttigase.xml.CData\tcompareTo\t(Ljava/lang/Object;)I\tpublic",
				// tigase.xml.XMLNodeIfc declared as a class instead of an interface.
				"C\ttigase.xml.XMLNodeIfc\tclass abstract\t-\tjava.lang.Comparable,java.lang.Cloneable");
		ApiSignatureChecker checker = new ApiSignatureChecker(ApiSignatureChecker.Signatures.parse(fake));

		List<String> problems = checker.check(List.of(tigase.xml.CData.class, tigase.xml.XMLNodeIfc.class,
		                                              tigase.xmpp.jid.JID.class));

		List<String> expected = List.of(
				"tigase.xml.CData: is not final, real is",
				"tigase.xml.CData method getCData ()Ljava/lang/String;: not in real Tigase (no member with that name and descriptor)",
				"tigase.xml.CData method setCdata (Ljava/lang/String;)V: modifiers [public], real [public, static]",
				"tigase.xml.CData method toStringSecure ()Ljava/lang/String;: not in real Tigase (no member with that name and descriptor)",
				"tigase.xml.XMLNodeIfc: is interface, real is [abstract, class]",
				"tigase.xml.XMLNodeIfc method clone ()Ltigase/xml/XMLNodeIfc;: not in real Tigase (no member with that name and descriptor)",
				"tigase.xml.XMLNodeIfc method toStringPretty ()Ljava/lang/String;: not in real Tigase (no member with that name and descriptor)",
				"tigase.xml.XMLNodeIfc method toStringSecure ()Ljava/lang/String;: not in real Tigase (no member with that name and descriptor)",
				"tigase.xmpp.jid.JID: class not in real Tigase");
		assertEquals(expected.stream().sorted().collect(Collectors.toList()),
		             problems.stream().sorted().collect(Collectors.toList()));
	}

	@Test
	void descriptorsAreBuiltLikeTheJvm() throws NoSuchMethodException {
		assertEquals("([Ljava/lang/String;Ljava/lang/String;)Ljava/lang/String;", ApiSignatureChecker.descriptor(
				tigase.xml.Element.class.getMethod("getAttributeStaticStr", String[].class, String.class)
						.getParameterTypes(), String.class));
		assertEquals("(Ljava/lang/String;Ljava/lang/String;JLjava/util/logging/Level;)Z",
		             ApiSignatureChecker.descriptor(new Class<?>[]{String.class, String.class, long.class,
				             java.util.logging.Level.class}, boolean.class));
		assertEquals("[[I", ApiSignatureChecker.descriptor(int[][].class));
		assertEquals("Ljava/util/Map$Entry;", ApiSignatureChecker.descriptor(java.util.Map.Entry.class));
	}

	private static Path signatureFile() {
		String value = System.getProperty(SIGNATURES_PROPERTY);
		if (value == null || value.isBlank()) {
			fail("System property '" + SIGNATURES_PROPERTY + "' is not set: it must name the real Tigase 8.4.0 " +
					     "signature list (surefire sets it to ../shared/tigase-api/tigase-8.4.0.api.tsv)");
		}
		Path path = Paths.get(value);
		if (!Files.isRegularFile(path)) {
			String missing = "Real Tigase API signature list not found at " + path.toAbsolutePath().normalize() +
					" (shared/tigase-api/ beside the clone; -D" + SIGNATURES_PROPERTY + "=<file> names a copy)";
			if (!"1".equals(System.getenv(REQUIRED_ENV))) {
				System.out.println("TigaseApiSignatureTest skipped: " + missing + "; everything else runs");
				abort(missing);
			}
			fail(missing + ", and " + REQUIRED_ENV + "=1 requires it");
		}
		return path;
	}

	/**
	 * Every top-level class under src/tigase-api/java (or, if the sources are not at hand, under the
	 * compiled classes' tigase/ directory) with its public/protected member classes.
	 */
	private static List<Class<?>> declaredTigaseClasses() {
		Path root = Paths.get(System.getProperty("basedir", System.getProperty("user.dir")), "src", "tigase-api",
		                      "java");
		String suffix = ".java";
		if (!Files.isDirectory(root)) {
			root = compiledClassesRoot();
			suffix = ".class";
		}
		List<Class<?>> result = new ArrayList<>();
		final Path base = root;
		final String ext = suffix;
		try (Stream<Path> files = Files.walk(base.resolve("tigase"))) {
			for (Path file : files.filter(p -> p.toString().endsWith(ext)).sorted().collect(Collectors.toList())) {
				String rel = base.relativize(file).toString();
				String className = rel.substring(0, rel.length() - ext.length()).replace(file.getFileSystem()
						                                                                         .getSeparator(), ".");
				if (className.contains("$")) {
					continue; // member classes are reached through their top-level class
				}
				try {
					Class<?> c = Class.forName(className, false, TigaseApiSignatureTest.class.getClassLoader());
					result.addAll(ApiSignatureChecker.withApiMemberClasses(c));
				} catch (ClassNotFoundException e) {
					fail("Declared Tigase class " + className + " (" + file + ") is not on the test class path");
				}
			}
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
		return result;
	}

	private static Path compiledClassesRoot() {
		try {
			return Paths.get(tigase.xml.Element.class.getProtectionDomain().getCodeSource().getLocation().toURI());
		} catch (URISyntaxException | NullPointerException e) {
			throw new IllegalStateException("Cannot locate the compiled Tigase API declaration", e);
		}
	}
}
