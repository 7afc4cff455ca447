package io.ghostflow.nn.data;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads numeric CSV files of {@code features} values followed by an integer class label per row
 * ({@code .gz} files are decompressed). Errors name the file and the 1-based line.
 */
public final class CsvLoader {
    private CsvLoader() {
    }

    /** ../shared/data/digits.csv.gz: 64 pixels (0..16) then a digit label, no header. */
    public static Dataset digits(Path file) {
        return load(file, 64, 10, false);
    }

    /** ../shared/data/iris.csv: a header line, 4 measurements, then a class id in 0..2. */
    public static Dataset iris(Path file) {
        return load(file, 4, 3, true);
    }

    public static Dataset load(Path file, int features, int classes, boolean header) {
        if (!Files.isRegularFile(file)) {
            throw new GhostFlowException(ErrorCode.IO_ERROR, "data file not found: " + file);
        }
        FloatList x = new FloatList();
        IntList y = new IntList();
        try (InputStream raw = Files.newInputStream(file);
             InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            int lineNo = 0;
            while ((line = r.readLine()) != null) {
                lineNo++;
                if (header && lineNo == 1 || line.isBlank()) {
                    continue;
                }
                parseRow(file, lineNo, line, features, classes, x, y);
            }
        } catch (IOException e) {
            throw new GhostFlowException(ErrorCode.IO_ERROR, "cannot read " + file + ": " + e.getMessage(), e);
        }
        if (y.size == 0) {
            throw new GhostFlowException(ErrorCode.INVALID_FORMAT, file + ": no data rows");
        }
        return new Dataset(x.toArray(), y.toArray(), new int[] {features}, classes);
    }

    private static void parseRow(Path file, int lineNo, String line, int features, int classes, FloatList x, IntList y) {
        String[] cells = line.split(",", -1);
        String where = file.getFileName() + " line " + lineNo;
        if (cells.length != features + 1) {
            throw new GhostFlowException(ErrorCode.INVALID_FORMAT,
                    where + ": expected " + (features + 1) + " columns (" + features + " features and a label), found " + cells.length);
        }
        for (int i = 0; i < features; i++) {
            try {
                x.add(Float.parseFloat(cells[i].trim()));
            } catch (NumberFormatException e) {
                throw new GhostFlowException(ErrorCode.INVALID_FORMAT, where + ", column " + (i + 1) + ": '" + cells[i] + "' is not a number");
            }
        }
        String cell = cells[features].trim();
        int label;
        try {
            double d = Double.parseDouble(cell);
            if (d != Math.rint(d)) {
                throw new NumberFormatException();
            }
            label = (int) d;
        } catch (NumberFormatException e) {
            throw new GhostFlowException(ErrorCode.INVALID_FORMAT, where + ": label '" + cell + "' is not an integer");
        }
        if (label < 0 || label >= classes) {
            throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT,
                    where + ": label " + label + " is out of range [0, " + (classes - 1) + "]");
        }
        y.add(label);
    }

    /** Growable primitive lists, so 100k values do not become 100k boxed Floats. */
    private static final class FloatList {
        float[] a = new float[1024];
        int size;

        void add(float v) {
            if (size == a.length) {
                a = java.util.Arrays.copyOf(a, size * 2);
            }
            a[size++] = v;
        }

        float[] toArray() {
            return java.util.Arrays.copyOf(a, size);
        }
    }

    private static final class IntList {
        int[] a = new int[128];
        int size;

        void add(int v) {
            if (size == a.length) {
                a = java.util.Arrays.copyOf(a, size * 2);
            }
            a[size++] = v;
        }

        int[] toArray() {
            return java.util.Arrays.copyOf(a, size);
        }
    }
}
