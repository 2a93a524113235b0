// An archetype's jar keeps no file modes: make the generated project's Maven wrapper executable again.
def mvnw = new File(new File(request.outputDirectory, request.artifactId), "mvnw")
if (mvnw.isFile()) {
    mvnw.setExecutable(true, false)
}
