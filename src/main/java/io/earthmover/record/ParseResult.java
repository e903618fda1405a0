package io.earthmover.record;

import java.util.Objects;

/** The one outcome of parsing a record: accepted with its values, or rejected with a code. */
public sealed interface ParseResult permits ParseResult.Accepted, ParseResult.Rejected {

    record Accepted(ParsedRecord record) implements ParseResult {
        public Accepted {
            Objects.requireNonNull(record, "record");
        }
    }

    record Rejected(ErrorCode code, String message) implements ParseResult {
        public Rejected {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(message, "message");
        }
    }

    static ParseResult rejected(ErrorCode code, String message) {
        return new Rejected(code, message);
    }
}
