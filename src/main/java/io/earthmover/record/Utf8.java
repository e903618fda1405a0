package io.earthmover.record;

/**
 * Allocation-free UTF-8 validation (RFC 3629: no overlongs, no surrogates, at most U+10FFFF), and
 * recognition of UTF-16/UTF-32 text, which is valid UTF-8 byte for byte when it holds only ASCII.
 */
final class Utf8 {
    private Utf8() {
    }

    static boolean isValid(byte[] b) {
        int i = 0;
        int n = b.length;
        while (i < n) {
            int c = b[i] & 0xFF;
            if (c < 0x80) {
                i++;
                continue;
            }
            int extra;
            int min;
            if (c >= 0xC2 && c <= 0xDF) {
                extra = 1;
                min = 0x80;
            } else if (c >= 0xE0 && c <= 0xEF) {
                extra = 2;
                min = 0x800;
            } else if (c >= 0xF0 && c <= 0xF4) {
                extra = 3;
                min = 0x10000;
            } else {
                return false;
            }
            if (i + extra >= n) {
                return false;
            }
            int cp = c & (0x3F >> extra);
            for (int k = 1; k <= extra; k++) {
                int cc = b[i + k] & 0xFF;
                if ((cc & 0xC0) != 0x80) {
                    return false;
                }
                cp = (cp << 6) | (cc & 0x3F);
            }
            if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
                return false;
            }
            i += extra + 1;
        }
        return true;
    }

    /**
     * The UTF-16 or UTF-32 encoding the bytes are in, or null. JSON text starts with an ASCII
     * character, so in those encodings one of the first two bytes is NUL (RFC 4627, section 3),
     * never in UTF-8 JSON; a byte-order mark is not valid UTF-8 and is refused before this.
     */
    static String wideEncoding(byte[] b) {
        if (b.length < 2 || (b[0] != 0 && b[1] != 0)) {
            return null;
        }
        if (b[0] == 0) {
            return b[1] == 0 ? "UTF-32BE" : "UTF-16BE";
        }
        return b.length >= 4 && b[2] == 0 && b[3] == 0 ? "UTF-32LE" : "UTF-16LE";
    }
}
