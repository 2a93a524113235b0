package io.stratoflow.processor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/** Compiles Java sources held in strings with {@link FlowGraphProcessor}, as a user's build would. */
final class InMemoryCompiler {

    /** One compilation: whether javac succeeded and what it said. */
    record Result(boolean success, List<Diagnostic<? extends JavaFileObject>> diagnostics, String source) {

        List<Diagnostic<? extends JavaFileObject>> errors() {
            return diagnostics.stream().filter(d -> d.getKind() == Diagnostic.Kind.ERROR).toList();
        }

        List<Diagnostic<? extends JavaFileObject>> warnings() {
            return diagnostics.stream().filter(d -> d.getKind() == Diagnostic.Kind.WARNING
                    || d.getKind() == Diagnostic.Kind.MANDATORY_WARNING).toList();
        }

        /** The source line a diagnostic points at. */
        String lineOf(Diagnostic<?> diagnostic) {
            return source.lines().skip(diagnostic.getLineNumber() - 1).findFirst().orElse("");
        }

        @Override
        public String toString() {
            return diagnostics.stream().map(d -> d.getKind() + " line " + d.getLineNumber() + ": " + d.getMessage(Locale.ROOT))
                    .collect(Collectors.joining("\n"));
        }
    }

    private InMemoryCompiler() {
    }

    /** Compiles one top-level class named {@code className} (no package) into {@code out}. */
    static Result compile(String className, String source, Path out) {
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = compiler.getStandardFileManager(diagnostics, Locale.ROOT, null)) {
            List<String> options = List.of("-classpath", System.getProperty("java.class.path"), "-d", out.toString(),
                    "--release", "17", "-Xlint:-options");
            JavaCompiler.CompilationTask task = compiler.getTask(null, files, diagnostics, options, null,
                    List.of(new Source(className, source)));
            task.setProcessors(List.of(new FlowGraphProcessor()));
            boolean success = task.call();
            return new Result(success, diagnostics.getDiagnostics(), source);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final class Source extends SimpleJavaFileObject {
        private final String code;

        Source(String className, String code) {
            super(URI.create("string:///" + className.replace('.', '/') + Kind.SOURCE.extension), Kind.SOURCE);
            this.code = code;
        }

        @Override
        public CharSequence getCharContent(boolean ignoreEncodingErrors) {
            return code;
        }
    }
}
