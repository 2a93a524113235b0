package io.stratoflow.datastore;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;

/** Captures a generic type: {@code new TypeHolder<List<String>>() { }.type()}. */
abstract class TypeHolder<T> {

    Type type() {
        return ((ParameterizedType) getClass().getGenericSuperclass()).getActualTypeArguments()[0];
    }
}
