package io.clientproxy.tigase;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Compares classes against the API signature list of real Tigase (format: shared/tigase-api/README.md):
 * kind, abstract/final, superclass, interfaces (a subset of the real ones), and every public or
 * protected field, method and constructor the class itself declares (JVM descriptor and modifiers).
 */
final class ApiSignatureChecker {

	/** Parsed signature list. */
	static final class Signatures {

		private final Map<String, ClassSig> classes = new HashMap<>();
		/** key: class \t F|M \t name \t descriptor; value: modifiers */
		private final Map<String, Set<String>> members = new HashMap<>();
		/** class -> "name descriptor" of each abstract method it declares */
		private final Map<String, Set<String>> abstractMethods = new HashMap<>();

		static Signatures load(Path tsv) throws IOException {
			return parse(Files.readAllLines(tsv, StandardCharsets.UTF_8));
		}

		static Signatures parse(List<String> lines) {
			Signatures s = new Signatures();
			int lineNo = 0;
			for (String line : lines) {
				lineNo++;
				if (line.isEmpty() || line.startsWith("#")) {
					continue;
				}
				String[] f = line.split("\t", -1);
				switch (f[0]) {
					case "C":
						require(f, 5, lineNo, line);
						s.classes.put(f[1], new ClassSig(words(f[2]), f[3], "-".equals(f[4])
						                                                    ? Set.of()
						                                                    : new TreeSet<>(Arrays.asList(f[4].split(",")))));
						break;
					case "F":
					case "M":
						require(f, 5, lineNo, line);
						s.members.put(memberKey(f[1], f[0], f[2], f[3]), words(f[4]));
						if (f[0].equals("M") && words(f[4]).contains("abstract")) {
							s.abstractMethods.computeIfAbsent(f[1], k -> new TreeSet<>()).add(f[2] + " " + f[3]);
						}
						break;
					default:
						throw new IllegalArgumentException("Line " + lineNo + ": unknown record kind: " + line);
				}
			}
			return s;
		}

		int classCount() {
			return classes.size();
		}

		private static void require(String[] f, int n, int lineNo, String line) {
			if (f.length < n) {
				throw new IllegalArgumentException("Line " + lineNo + ": expected " + n + " fields: " + line);
			}
		}
	}

	private static final class ClassSig {

		final Set<String> kindAndModifiers;
		final String superclass;
		final Set<String> interfaces;

		ClassSig(Set<String> kindAndModifiers, String superclass, Set<String> interfaces) {
			this.kindAndModifiers = kindAndModifiers;
			this.superclass = superclass;
			this.interfaces = interfaces;
		}
	}

	private final Signatures signatures;
	private int checkedMembers = 0;

	ApiSignatureChecker(Signatures signatures) {
		this.signatures = signatures;
	}

	int checkedMembers() {
		return checkedMembers;
	}

	/** All mismatches, one line each; empty if every class matches. */
	List<String> check(Collection<Class<?>> classes) {
		List<String> problems = new ArrayList<>();
		for (Class<?> c : classes) {
			checkClass(c, problems);
		}
		return problems;
	}

	/**
	 * The class and its public/protected member classes, recursively (anonymous and local classes
	 * are never members; private and package-private helpers are not part of the API).
	 */
	static List<Class<?>> withApiMemberClasses(Class<?> top) {
		List<Class<?>> result = new ArrayList<>();
		addApi(top, result);
		return result;
	}

	private static void addApi(Class<?> c, List<Class<?>> result) {
		if (!isApi(c.getModifiers())) {
			return;
		}
		result.add(c);
		for (Class<?> member : c.getDeclaredClasses()) {
			addApi(member, result);
		}
	}

	private void checkClass(Class<?> c, List<String> problems) {
		String name = c.getName();
		ClassSig sig = signatures.classes.get(name);
		if (sig == null) {
			problems.add(name + ": class not in real Tigase");
			return;
		}
		String kind = kind(c);
		if (!sig.kindAndModifiers.contains(kind)) {
			problems.add(name + ": is " + kind + ", real is " + sig.kindAndModifiers);
		}
		if (kind.equals("class") || kind.equals("enum")) {
			compareFlag(problems, name, "abstract", Modifier.isAbstract(c.getModifiers()),
			            sig.kindAndModifiers.contains("abstract"));
			compareFlag(problems, name, "final", Modifier.isFinal(c.getModifiers()),
			            sig.kindAndModifiers.contains("final"));
		}
		Class<?> sup = c.getSuperclass();
		String superName = (sup == null || sup == Object.class) ? "-" : sup.getName();
		if (!superName.equals(sig.superclass)) {
			problems.add(name + ": superclass " + superName + ", real " + sig.superclass);
		}
		for (Class<?> i : c.getInterfaces()) {
			if (!sig.interfaces.contains(i.getName())) {
				problems.add(name + ": implements " + i.getName() + ", real interfaces are " + sig.interfaces);
			}
		}
		for (Field f : c.getDeclaredFields()) {
			if (f.isSynthetic() || !isApi(f.getModifiers())) {
				continue;
			}
			Set<String> mods = access(f.getModifiers());
			flag(mods, "static", Modifier.isStatic(f.getModifiers()));
			flag(mods, "final", Modifier.isFinal(f.getModifiers()));
			checkMember(problems, name, "F", f.getName(), descriptor(f.getType()), mods);
		}
		for (Method m : c.getDeclaredMethods()) {
			if (!isApi(m.getModifiers())) {
				continue;
			}
			Set<String> mods = access(m.getModifiers());
			flag(mods, "static", Modifier.isStatic(m.getModifiers()));
			flag(mods, "final", Modifier.isFinal(m.getModifiers()));
			flag(mods, "abstract", Modifier.isAbstract(m.getModifiers()));
			flag(mods, "default", m.isDefault());
			checkMember(problems, name, "M", m.getName(), descriptor(m.getParameterTypes(), m.getReturnType()), mods);
		}
		for (Constructor<?> k : c.getDeclaredConstructors()) {
			if (k.isSynthetic() || !isApi(k.getModifiers())) {
				continue;
			}
			checkMember(problems, name, "M", "<init>", descriptor(k.getParameterTypes(), void.class),
			            access(k.getModifiers()));
		}
		if (kind.equals("interface") || (kind.equals("class") && Modifier.isAbstract(c.getModifiers()))) {
			// A class written against the declaration (a test's stand-in, say) must also implement the
			// real type: every abstract method of the real one has to be declared.
			Set<String> declared = new TreeSet<>();
			for (Method m : c.getDeclaredMethods()) {
				declared.add(m.getName() + " " + descriptor(m.getParameterTypes(), m.getReturnType()));
			}
			for (String real : signatures.abstractMethods.getOrDefault(name, Set.of())) {
				if (!declared.contains(real)) {
					problems.add(name + " abstract method " + real + ": not declared (an implementation written "
							             + "against the declaration would not implement the real type)");
				}
			}
		}
	}

	private void checkMember(List<String> problems, String cls, String kind, String name, String desc,
	                         Set<String> mods) {
		checkedMembers++;
		Set<String> real = signatures.members.get(memberKey(cls, kind, name, desc));
		String what = cls + (kind.equals("F") ? " field " : " method ") + name + " " + desc;
		if (real == null) {
			problems.add(what + ": not in real Tigase (no member with that name and descriptor)");
		} else if (!real.equals(mods)) {
			problems.add(what + ": modifiers " + mods + ", real " + real);
		}
	}

	private static void compareFlag(List<String> problems, String cls, String flag, boolean declared,
	                                boolean real) {
		if (declared != real) {
			problems.add(cls + ": " + (declared ? "is " : "is not ") + flag + ", real " + (real ? "is" : "is not"));
		}
	}

	static String kind(Class<?> c) {
		if (c.isAnnotation()) {
			return "annotation";
		}
		if (c.isInterface()) {
			return "interface";
		}
		if (c.isEnum()) {
			return "enum";
		}
		return "class";
	}

	static String descriptor(Class<?>[] params, Class<?> ret) {
		StringBuilder sb = new StringBuilder("(");
		for (Class<?> p : params) {
			sb.append(descriptor(p));
		}
		return sb.append(')').append(descriptor(ret)).toString();
	}

	static String descriptor(Class<?> c) {
		if (c.isArray()) {
			return "[" + descriptor(c.getComponentType());
		}
		if (c.isPrimitive()) {
			if (c == void.class) {
				return "V";
			}
			if (c == boolean.class) {
				return "Z";
			}
			if (c == byte.class) {
				return "B";
			}
			if (c == char.class) {
				return "C";
			}
			if (c == short.class) {
				return "S";
			}
			if (c == int.class) {
				return "I";
			}
			if (c == long.class) {
				return "J";
			}
			if (c == float.class) {
				return "F";
			}
			if (c == double.class) {
				return "D";
			}
			throw new IllegalArgumentException("Unknown primitive " + c);
		}
		return "L" + c.getName().replace('.', '/') + ";";
	}

	private static boolean isApi(int modifiers) {
		return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
	}

	private static Set<String> access(int modifiers) {
		Set<String> mods = new LinkedHashSet<>();
		mods.add(Modifier.isPublic(modifiers) ? "public" : "protected");
		return mods;
	}

	private static void flag(Set<String> mods, String flag, boolean on) {
		if (on) {
			mods.add(flag);
		}
	}

	private static Set<String> words(String s) {
		return new TreeSet<>(Arrays.asList(s.trim().split(" +")));
	}

	private static String memberKey(String cls, String kind, String name, String desc) {
		return cls + "\t" + kind + "\t" + name + "\t" + desc;
	}
}
