package io.earthmover.inspect;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * Keys are opaque bytes. In a path they are percent-encoded UTF-8 ({@code /api/keys/{key}}) or
 * hex ({@code ?hex=}, for any bytes); shown, they are UTF-8 decoded with U+FFFD for what is not.
 */
public final class KeyText {
    /** Longest key accepted, in bytes: longer ones are refused rather than looked up. */
    public static final int MAX_KEY_BYTES = 1024;

    private KeyText() {
    }

    public static String display(byte[] key) {
        return new String(key, StandardCharsets.UTF_8);
    }

    /** The bytes of a percent-encoded path segment that must be UTF-8. */
    static byte[] fromPathSegment(String raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) {
                    throw new BadRequest("malformed percent-encoding in the key");
                }
                out.write(hexByte(raw, i + 1));
                i += 2;
            } else if (c > 0x7E || c < 0x21) {
                throw new BadRequest("the key must be percent-encoded UTF-8");
            } else {
                out.write(c);
            }
            checkLength(out.size());
        }
        byte[] key = out.toByteArray();
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(key));
        } catch (CharacterCodingException e) {
            throw new BadRequest("the key is not UTF-8; ask by its bytes with /api/keys?hex=...");
        }
        return key;
    }

    static byte[] fromHex(String hex) {
        checkLength(hex.length() / 2);
        try {
            return HexFormat.of().parseHex(hex);
        } catch (IllegalArgumentException e) {
            throw new BadRequest("hex must be an even number of hex digits");
        }
    }

    private static int hexByte(String s, int at) {
        try {
            return HexFormat.fromHexDigits(s, at, at + 2);
        } catch (IllegalArgumentException e) {
            throw new BadRequest("malformed percent-encoding in the key");
        }
    }

    private static void checkLength(int bytes) {
        if (bytes > MAX_KEY_BYTES) {
            throw new BadRequest("the key is longer than " + MAX_KEY_BYTES + " bytes");
        }
    }
}
