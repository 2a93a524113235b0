/**
 * Code packages: the classes and jars a flow needs, stored content-addressed in the datastore so
 * that a task's Pod runs a step on a generic Java image plus the task runner, with no image built
 * per flow.
 *
 * <p>{@link io.stratoflow.task.code.CodePackager} stores a package from a classpath on the laptop
 * (only what the datastore does not hold yet is uploaded); {@link
 * io.stratoflow.task.code.CodePackageFetcher} brings it back inside the Pod into a per-node cache
 * and gives the class loader the step runs in. A package is its manifest ({@link
 * io.stratoflow.task.code.CodeManifest}); the manifest's hash is the package id.
 */
package io.stratoflow.task.code;
