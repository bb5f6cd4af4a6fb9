package io.uptake.testsupport;

import io.micronaut.core.type.Argument;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Typed views of JSON bodies read as maps, so tests read a nested object or list without unchecked casts (test code
 * compiles with {@code -Xlint:all -Werror}, ADR 0016). Each view checks the shape it claims: a field that is not an
 * object or a list of the type asked for fails the test with a ClassCastException, not later with a wrong answer.
 */
public final class Json {
    /** A JSON object body: {@code http.retrieve(request, Json.OBJECT)}. */
    public static final Argument<Map<String, Object>> OBJECT = Argument.mapOf(String.class, Object.class);
    /** A JSON array of objects. */
    public static final Argument<List<Map<String, Object>>> OBJECTS = Argument.listOf(OBJECT);

    private Json() {
    }

    /** The value (a field of a body) as a JSON object. */
    public static Map<String, Object> object(Object value) {
        if (value == null) {
            return null;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        ((Map<?, ?>) value).forEach((k, v) -> out.put((String) k, v));
        return out;
    }

    /** The value as a JSON array of objects. */
    public static List<Map<String, Object>> objects(Object value) {
        return value == null ? null : ((List<?>) value).stream().map(Json::object).toList();
    }

    /** The value as a JSON array of elements of that type (Number for numbers, String, Boolean). */
    public static <T> List<T> list(Object value, Class<T> type) {
        return value == null ? null : ((List<?>) value).stream().map(type::cast).toList();
    }
}
