package io.stratoflow.task.code;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.jar.JarOutputStream;
import java.util.zip.ZipEntry;

/** Classes, directories and jars for the tests, compiled and written on the spot. */
final class TestCode {

    private TestCode() {
    }

    /** Compiles one class from source into the classes directory. */
    static void compile(Path classesDir, String className, String source) throws IOException {
        Path sources = Files.createTempDirectory("sources");
        Path file = sources.resolve(className.replace('.', '/') + ".java");
        Files.createDirectories(file.getParent());
        Files.writeString(file, source);
        Files.createDirectories(classesDir);
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int status = compiler.run(null, null, errors, "--release", "17", "-d", classesDir.toString(), file.toString());
        if (status != 0) {
            throw new IllegalStateException("javac failed: " + errors.toString(StandardCharsets.UTF_8));
        }
    }

    /** A greeter class whose greeting says the given word. */
    static String greeter(String word) {
        return "package demo;\n"
                + "public class Greeter {\n"
                + "    public String greet(String name) { return \"" + word + ", \" + name; }\n"
                + "}\n";
    }

    /** Writes a jar with the given entries (name → text). */
    static Path jar(Path file, Map<String, String> entries) throws IOException {
        Files.createDirectories(file.getParent());
        try (OutputStream out = Files.newOutputStream(file); JarOutputStream jar = new JarOutputStream(out)) {
            for (Map.Entry<String, String> entry : entries.entrySet()) {
                jar.putNextEntry(new ZipEntry(entry.getKey()));
                jar.write(entry.getValue().getBytes(StandardCharsets.UTF_8));
                jar.closeEntry();
            }
        }
        return file;
    }

    /** Writes a text file under a directory. */
    static void file(Path dir, String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    /** Sets the modification time of every file under the directory. */
    static void touchAll(Path dir, long epochMillis) throws IOException {
        try (var walk = Files.walk(dir)) {
            for (Path path : walk.toList()) {
                Files.setLastModifiedTime(path, FileTime.fromMillis(epochMillis));
            }
        }
    }
}
