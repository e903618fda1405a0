package io.earthmover.config;

/** Bad configuration: the message names the key, the value and what is allowed. */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String key;

    public ConfigException(String key, String message) {
        super("configuration key '" + key + "': " + message);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
