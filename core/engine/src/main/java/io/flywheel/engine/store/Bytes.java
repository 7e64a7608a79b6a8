package io.flywheel.engine.store;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A growable byte buffer and a reader over one, with varints and length-prefixed UTF-8 strings. */
final class Bytes {
    private byte[] buf;
    private int len;

    Bytes(int capacity) {
        buf = new byte[Math.max(16, capacity)];
    }

    int length() {
        return len;
    }

    void reset() {
        len = 0;
    }

    byte[] toArray() {
        return Arrays.copyOf(buf, len);
    }

    byte[] array() {
        return buf;
    }

    private void ensure(int more) {
        if (len + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
        }
    }

    Bytes u8(int b) {
        ensure(1);
        buf[len++] = (byte) b;
        return this;
    }

    Bytes varlong(long v) {
        ensure(10);
        while ((v & ~0x7FL) != 0) {
            buf[len++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[len++] = (byte) v;
        return this;
    }

    Bytes varint(int v) {
        return varlong(v & 0xFFFFFFFFL);
    }

    Bytes zigzag(long v) {
        return varlong((v << 1) ^ (v >> 63));
    }

    Bytes i64(long v) {
        ensure(8);
        for (int i = 7; i >= 0; i--) {
            buf[len++] = (byte) (v >>> (i * 8));
        }
        return this;
    }

    Bytes f64(double d) {
        return i64(Double.doubleToLongBits(d));
    }

    Bytes raw(byte[] b, int off, int n) {
        ensure(n);
        System.arraycopy(b, off, buf, len, n);
        len += n;
        return this;
    }

    Bytes blob(byte[] b) {
        varint(b.length);
        return raw(b, 0, b.length);
    }

    Bytes str(String s) {
        return blob(s.getBytes(StandardCharsets.UTF_8));
    }

    /** A string that may be null: length + 1, 0 for null. */
    Bytes nstr(String s) {
        if (s == null) {
            return varint(0);
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        varint(b.length + 1);
        return raw(b, 0, b.length);
    }

    /** Reads what {@link Bytes} wrote; throws {@link StoreException} on truncated input. */
    static final class Reader {
        private final byte[] buf;
        private int pos;
        private final int end;

        Reader(byte[] buf) {
            this(buf, 0, buf.length);
        }

        Reader(byte[] buf, int off, int len) {
            this.buf = buf;
            this.pos = off;
            this.end = off + len;
        }

        boolean hasMore() {
            return pos < end;
        }

        int position() {
            return pos;
        }

        private void need(int n) {
            if (pos + n > end) {
                throw new StoreException("stored value is truncated (needs " + n + " more bytes at offset " + pos + " of " + end + ")");
            }
        }

        int u8() {
            need(1);
            return buf[pos++] & 0xFF;
        }

        long varlong() {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                need(1);
                byte b = buf[pos++];
                v |= (long) (b & 0x7F) << shift;
                if (b >= 0) {
                    return v;
                }
            }
            throw new StoreException("malformed varint in stored value at offset " + pos);
        }

        int varint() {
            long v = varlong();
            if (v > 0xFFFFFFFFL) {
                throw new StoreException("malformed varint in stored value at offset " + pos);
            }
            return (int) v;
        }

        long zigzag() {
            long v = varlong();
            return (v >>> 1) ^ -(v & 1);
        }

        long i64() {
            need(8);
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | (buf[pos++] & 0xFF);
            }
            return v;
        }

        double f64() {
            return Double.longBitsToDouble(i64());
        }

        byte[] blob() {
            int n = varint();
            need(n);
            byte[] b = Arrays.copyOfRange(buf, pos, pos + n);
            pos += n;
            return b;
        }

        String str() {
            int n = varint();
            need(n);
            String s = new String(buf, pos, n, StandardCharsets.UTF_8);
            pos += n;
            return s;
        }

        String nstr() {
            int n = varint();
            if (n == 0) {
                return null;
            }
            need(n - 1);
            String s = new String(buf, pos, n - 1, StandardCharsets.UTF_8);
            pos += n - 1;
            return s;
        }

        void skipStr() {
            int n = varint();
            need(n);
            pos += n;
        }
    }
}
