package io.stratoflow.images;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The OS layer, read from the task-runner archive. */
class RootFilesystemTest {

  private static final Map<String, TarArchiveEntry> entries = new HashMap<>();
  private static final Map<String, String> texts = new HashMap<>();

  @BeforeAll
  static void readOsLayer() throws Exception {
    BuiltImages.Archive image = BuiltImages.archive("task-runner");
    byte[] layer = image.blob(image.layerDigests().get(0));
    try (TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(new ByteArrayInputStream(layer)))) {
      for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
        String name = entry.getName().replaceAll("/$", "");
        entries.put(name, entry);
        if (entry.isFile() && (name.startsWith("etc/") || name.startsWith("var/lib/dpkg/"))) {
          texts.put(name, new String(tar.readAllBytes()));
        }
      }
    }
  }

  @Test
  void holdsTheListedPackagesAndNoOther() {
    List<String> packages = new ArrayList<>();
    texts.forEach((name, text) -> {
      if (name.startsWith("var/lib/dpkg/status.d/")) {
        packages.add(name.substring("var/lib/dpkg/status.d/".length()));
        assertThat(text).startsWith("Package: " + name.substring("var/lib/dpkg/status.d/".length()) + "\n");
      }
    });
    assertThat(packages).containsExactlyInAnyOrderElementsOf(OsRootfs.PACKAGES);
    // No package manager, no other shell, no core utilities.
    for (String absent : List.of("usr/bin/apt-get", "usr/bin/dpkg", "bin/bash", "usr/bin/bash", "bin/ls",
        "usr/bin/ls", "usr/bin/env", "bin/busybox", "usr/share/man", "usr/lib/x86_64-linux-gnu/gconv")) {
      assertThat(entries).doesNotContainKey(absent);
    }
    assertThat(entries.get("bin/sh").getLinkName()).isEqualTo("dash");
  }

  @Test
  void hasTheNonRootUserAndAWritableTmp() {
    assertThat(texts.get("etc/passwd")).contains("stratoflow:x:1000:1000:");
    assertThat(texts.get("etc/group")).contains("stratoflow:x:1000:");
    assertThat(entries.get("tmp").getMode() & 07777).isEqualTo(01777);
    assertThat(entries.get("home/stratoflow").getLongUserId()).isEqualTo(1000);
    assertThat(texts.get("etc/ssl/certs/ca-certificates.crt")).contains("-----BEGIN CERTIFICATE-----");
  }

  @Test
  void everyOtherEntryBelongsToRoot() {
    entries.forEach((name, entry) -> {
      if (!name.equals("home/stratoflow")) {
        assertThat(entry.getLongUserId()).as(name).isZero();
        assertThat(entry.getLongGroupId()).as(name).isZero();
      }
    });
  }

  @Test
  void theCacheOfPackagesIsOutsideTheCheckout() {
    Path cache = BuiltImages.options().cache();
    assertThat(cache.toAbsolutePath().startsWith(BuiltImages.options().checkout())).isFalse();
    assertThat(Files.isDirectory(cache.resolve("debian"))).isTrue();
  }
}
