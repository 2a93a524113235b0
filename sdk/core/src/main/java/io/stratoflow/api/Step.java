package io.stratoflow.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method of a {@link FlowSpec} as a step and declares where the flow goes next.
 *
 * <p>A flow starts at the step named {@code start} and ends at the step named {@code end}.
 * Several {@link #next()} steps make a static branch; {@link #foreach()} fans the single next
 * step out over the elements of a list artifact. Both are closed by a join step: a step method
 * that takes one {@link Inputs} parameter.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Step {

    /** The steps that run after this one; empty only for {@code end}. */
    String[] next() default {};

    /** Name of a {@code List} field whose elements each get their own task of the next step. */
    String foreach() default "";
}
