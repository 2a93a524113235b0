package io.stratoflow.datastore;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;

/**
 * The text form of a parameter's value, as a Run, a task's spec and an exported Flow carry it: JSON of the
 * parameter's type, except that a string without a leading quote is the string itself, so that a Run says
 * {@code greeting: hello}, not {@code greeting: '"hello"'}. The operator, which types a parameter by the
 * name the Flow declares, and the task runner, which types it by the flow's field, read a value alike through here.
 */
public final class ParameterCodec {

    private static final String QUOTE = "\"";

    private ParameterCodec() {
    }

    /**
     * The value a parameter's text stands for.
     *
     * @param text the text form; null stands for no value
     * @throws JsonProcessingException the text is not JSON of the type
     */
    public static Object decode(String text, JavaType type) throws JsonProcessingException {
        if (text == null) {
            return null;
        }
        if (type.getRawClass() == String.class && !text.startsWith(QUOTE)) {
            return text;
        }
        return Json.ARTIFACTS.readValue(text, type);
    }

    /**
     * The text form of a parameter's value, which {@link #decode} reads back: a string as itself (quoted as JSON only
     * when it starts with a quote, which would otherwise be read as JSON), anything else as JSON of the type.
     *
     * @param value the value; null stands for no value
     * @throws JsonProcessingException the value cannot be written as JSON of the type
     */
    public static String encode(Object value, JavaType type) throws JsonProcessingException {
        if (value == null) {
            return null;
        }
        if (value instanceof String text) {
            return text.startsWith(QUOTE) ? Json.ARTIFACTS.writeValueAsString(text) : text;
        }
        return Json.ARTIFACTS.writerFor(type).writeValueAsString(value);
    }
}
