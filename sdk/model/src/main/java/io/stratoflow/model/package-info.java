/**
 * The custom resources of Stratoflow ({@code stratoflow.io/v1alpha1}): Flow, Run and
 * ComputePool. Plain data with schema annotations; the CRDs in {@code crds/} are generated from
 * these classes.
 */
package io.stratoflow.model;
