package io.earthmover.model;

import java.util.Map;

/** TEMPORARY stand-in until the engine branch lands. */
public record ModelManifest(Map<String, Object> metrics) {
}
