package io.earthmover.testutil;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;

/** Collects what this JVM logs under a logger name, at WARN (or a given level) and above, while open. */
public final class LogCapture extends AbstractAppender implements AutoCloseable {
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final String loggerName;

    private LogCapture(String loggerName) {
        super("capture-" + loggerName, null, null, true, Property.EMPTY_ARRAY);
        this.loggerName = loggerName;
    }

    public static LogCapture warnings(String loggerName) {
        return at(Level.WARN, loggerName);
    }

    /** What is logged at {@code level} and above under the logger's configuration (its nearest configured parent). */
    public static LogCapture at(Level level, String loggerName) {
        LogCapture c = new LogCapture(loggerName);
        c.start();
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        ctx.getConfiguration().getLoggerConfig(loggerName).addAppender(c, level, null);
        ctx.updateLoggers();
        return c;
    }

    @Override
    public void append(LogEvent event) {
        lines.add(event.getLevel() + " " + event.getLoggerName() + " " + event.getMessage().getFormattedMessage());
    }

    public List<String> lines() {
        return List.copyOf(lines);
    }

    @Override
    public void close() {
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        ctx.getConfiguration().getLoggerConfig(loggerName).removeAppender(getName());
        ctx.updateLoggers();
        stop();
    }
}
