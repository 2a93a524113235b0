package io.stratoflow.images;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command inside an unpacked image as its user, the way a container would: in new mount and PID namespaces,
 * chrooted into the image's root, with only the image's environment. Optionally with the root filesystem read-only
 * and a fresh tmpfs on /tmp (the chart's readOnlyRootFilesystem and emptyDir /tmp).
 */
final class Chroot {

  record Result(int exit, String output) {
  }

  private Chroot() {
  }

  static boolean available() {
    return "root".equals(System.getProperty("user.name")) && new java.io.File("/usr/bin/unshare").canExecute()
        && new java.io.File("/usr/sbin/chroot").canExecute();
  }

  static Result run(Path root, Map<String, String> env, boolean readOnly, String shellCommand)
      throws IOException, InterruptedException {
    String r = quote(root.toString());
    StringBuilder script = new StringBuilder("set -e\n");
    if (readOnly) {
      script.append("/usr/bin/mount --bind ").append(r).append(' ').append(r).append('\n')
          .append("/usr/bin/mount -o remount,bind,ro ").append(r).append('\n')
          .append("/usr/bin/mount -t tmpfs -o mode=1777 tmpfs ").append(r).append("/tmp\n");
    }
    script.append("/usr/bin/mount -t proc proc ").append(r).append("/proc\n")
        .append("exec /usr/sbin/chroot --userspec=").append(OsRootfs.USER).append(' ').append(r)
        .append(" /bin/sh -c ").append(quote(shellCommand)).append('\n');
    List<String> command = new ArrayList<>(List.of("/usr/bin/unshare", "--mount", "--pid", "--fork",
        "--propagation", "private", "/bin/sh", "-c", script.toString()));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().clear();
    builder.environment().putAll(env);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IOException("timed out: " + shellCommand + "\n" + output);
    }
    return new Result(process.exitValue(), output);
  }

  private static String quote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }
}
