package io.stratoflow.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A run parameter: the field's initial value is the default and {@code run --name value}
 * overrides it. Parameters are artifacts that every step can read.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface Parameter {

    /** Name on the command line; defaults to the field's name. */
    String name() default "";

    String help() default "";

    boolean required() default false;
}
