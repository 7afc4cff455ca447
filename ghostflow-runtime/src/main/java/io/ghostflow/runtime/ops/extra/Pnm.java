package io.ghostflow.runtime.ops.extra;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;

/** A small Netpbm reader: P2/P5 (grey) and P3/P6 (RGB), 8- or 16-bit samples scaled to 8 bits. */
final class Pnm {
    private int pos;
    private final byte[] b;

    private Pnm(byte[] b) {
        this.b = b;
    }

    static int[][] decode(byte[] b) {
        return new Pnm(b).read();
    }

    private int[][] read() {
        char kind = (char) b[1];
        if (kind == '1' || kind == '4') {
            throw new GhostFlowException(ErrorCode.NOT_IMPLEMENTED, "ImageDecoder: PBM (P" + kind + ") bitmaps are not supported");
        }
        pos = 2;
        int w = number();
        int h = number();
        int max = number();
        if (w <= 0 || h <= 0 || max <= 0 || max > 65535) {
            throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, "ImageDecoder: bad PNM header " + w + "x" + h + " max " + max);
        }
        boolean binary = kind == '5' || kind == '6';
        boolean color = kind == '3' || kind == '6';
        if (binary) {
            pos++; // exactly one whitespace byte ends the header
        }
        int[][] rows = new int[h][w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int r = sample(binary, max);
                int g = color ? sample(binary, max) : r;
                int bl = color ? sample(binary, max) : r;
                rows[y][x] = (r << 16) | (g << 8) | bl;
            }
        }
        return rows;
    }

    private int sample(boolean binary, int max) {
        int v;
        if (!binary) {
            v = number();
        } else if (max < 256) {
            v = next();
        } else {
            v = (next() << 8) | next();
        }
        return max == 255 ? v : (int) Math.round(v * 255.0 / max);
    }

    private int next() {
        if (pos >= b.length) {
            throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, "ImageDecoder: truncated PNM data");
        }
        return b[pos++] & 0xff;
    }

    /** Next ASCII decimal, skipping whitespace and # comments. */
    private int number() {
        while (pos < b.length && (Character.isWhitespace(b[pos]) || b[pos] == '#')) {
            if (b[pos] == '#') {
                while (pos < b.length && b[pos] != '\n') {
                    pos++;
                }
            } else {
                pos++;
            }
        }
        int v = 0;
        int start = pos;
        while (pos < b.length && b[pos] >= '0' && b[pos] <= '9') {
            v = v * 10 + (b[pos++] - '0');
        }
        if (pos == start) {
            throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, "ImageDecoder: malformed PNM header");
        }
        return v;
    }
}
