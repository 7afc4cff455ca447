package io.ghostflow.runtime.ops.extra;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.ops.OpConfig;
import io.ghostflow.runtime.ops.OpKernel;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import javax.imageio.ImageIO;

/**
 * ImageDecoder (opset 20): decodes an encoded image (1-D uint8) into (H, W, 3) uint8 in RGB or
 * BGR order, or (H, W, 1) for pixel_format "Grayscale" (luma with the ITU-R 601 weights in the
 * 16-bit fixed point Pillow uses, as the reference implementation does). BMP, PNG, JPEG, TIFF
 * and GIF go through javax.imageio; binary and ASCII PNM (P2, P3, P5, P6) are parsed here.
 * WebP and JPEG 2000 have no JDK decoder and fail with NOT_IMPLEMENTED naming the format.
 * JPEG decoding is not bit-exact across decoders (IDCT and chroma upsampling are not
 * standardised); the JDK's libjpeg-derived decoder matches the node tests' Pillow output.
 */
final class ImageDecoderOp {
    private ImageDecoderOp() {
    }

    static OpKernel create(Node node, OpConfig cfg) {
        String format = node.getString("pixel_format", "RGB");
        if (!format.equals("RGB") && !format.equals("BGR") && !format.equals("Grayscale")) {
            throw new GhostFlowException(ErrorCode.NOT_IMPLEMENTED, "ImageDecoder: pixel_format '" + format + "'");
        }
        return (ctx, in) -> {
            Tensor data = (Tensor) in[0];
            if (data.dtype() != DType.UINT8) {
                throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, "ImageDecoder: encoded_stream must be uint8, is " + data.dtype());
            }
            byte[] bytes = new byte[data.size()];
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = (byte) data.getLong(i);
            }
            int[][] rgb = decode(bytes);
            int h = rgb.length;
            int w = h == 0 ? 0 : rgb[0].length;
            boolean gray = format.equals("Grayscale");
            int ch = gray ? 1 : 3;
            byte[] out = new byte[h * w * ch];
            int o = 0;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int p = rgb[y][x];
                    int r = (p >> 16) & 0xff;
                    int g = (p >> 8) & 0xff;
                    int b = p & 0xff;
                    if (gray) {
                        out[o++] = (byte) ((r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16);
                    } else if (format.equals("RGB")) {
                        out[o++] = (byte) r;
                        out[o++] = (byte) g;
                        out[o++] = (byte) b;
                    } else {
                        out[o++] = (byte) b;
                        out[o++] = (byte) g;
                        out[o++] = (byte) r;
                    }
                }
            }
            return new Value[] {Tensor.ofArray(DType.UINT8, out, h, w, ch)};
        };
    }

    /** Decodes to rows of 0xRRGGBB pixels. */
    static int[][] decode(byte[] b) {
        String kind = sniff(b);
        switch (kind) {
            case "PNM" -> {
                return Pnm.decode(b);
            }
            case "WebP", "JPEG 2000" -> throw new GhostFlowException(ErrorCode.NOT_IMPLEMENTED,
                    "ImageDecoder: " + kind + " images are not supported (no decoder in the JDK)");
            default -> {
            }
        }
        BufferedImage img;
        try {
            img = ImageIO.read(new ByteArrayInputStream(b));
        } catch (IOException e) {
            throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, "ImageDecoder: cannot decode " + kind + " image: " + e.getMessage());
        }
        if (img == null) {
            throw new GhostFlowException(ErrorCode.NOT_IMPLEMENTED, "ImageDecoder: unsupported image format (" + kind + ")");
        }
        int h = img.getHeight();
        int w = img.getWidth();
        int[][] rows = new int[h][w];
        for (int y = 0; y < h; y++) {
            img.getRGB(0, y, w, 1, rows[y], 0, w);
        }
        return rows;
    }

    private static String sniff(byte[] b) {
        if (starts(b, 'B', 'M')) {
            return "BMP";
        }
        if (starts(b, 0x89, 'P', 'N', 'G')) {
            return "PNG";
        }
        if (starts(b, 0xFF, 0xD8)) {
            return "JPEG";
        }
        if (starts(b, 'I', 'I', 42, 0) || starts(b, 'M', 'M', 0, 42)) {
            return "TIFF";
        }
        if (b.length >= 12 && starts(b, 'R', 'I', 'F', 'F') && b[8] == 'W' && b[9] == 'E' && b[10] == 'B' && b[11] == 'P') {
            return "WebP";
        }
        if (starts(b, 0, 0, 0, 0x0C, 'j', 'P') || starts(b, 0xFF, 0x4F, 0xFF, 0x51)) {
            return "JPEG 2000";
        }
        if (b.length >= 2 && b[0] == 'P' && b[1] >= '1' && b[1] <= '6') {
            return "PNM";
        }
        return "unknown";
    }

    private static boolean starts(byte[] b, int... magic) {
        if (b.length < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if ((b[i] & 0xff) != magic[i]) {
                return false;
            }
        }
        return true;
    }
}
