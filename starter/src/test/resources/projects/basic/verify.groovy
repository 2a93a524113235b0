// The generated project compiled (its graph checked by the SDK's annotation processor) and its flow ran locally:
// every task ran and the end step printed the joined result.
def project = new File(basedir, "project/my-flow")
def log = new File(project, "build.log").getText("UTF-8")

assert log.contains("Result: 14 letters in 3 words") : "the flow's result is missing from ${project}/build.log"
assert new File(project, "target/classes/com/example/flows/HelloFlow.class").isFile()
assert new File(project, "mvnw").canExecute() : "mvnw is not executable"
assert new File(project, ".mvn/wrapper/maven-wrapper.properties").getText("UTF-8").contains("mavenVersion=")
assert new File(project, ".gitignore").isFile()
def pom = new File(project, "pom.xml").getText("UTF-8")
assert pom.contains('<version>${stratoflow.version}</version>')
assert !pom.contains('$dollar')
true
