package io.ghostflow.onnx;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.onnx.proto.Onnx.StringStringEntryProto;
import io.ghostflow.onnx.proto.Onnx.TensorProto;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.WeakReference;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tensor data stored beside the model ({@code data_location = EXTERNAL}). Files are
 * memory-mapped whole, once, and tensors are zero-copy slices of the mapping. A location must
 * stay inside the model's directory: a model is untrusted input, and without this check a model
 * could read any file the process can (absolute paths, "..", symlinks pointing out).
 *
 * <p>The {@code checksum} key is accepted but not verified: hashing every weight file on every
 * load would cost more than the mapping saves.
 */
final class ExternalData {
    /** Where one tensor's bytes live, after validation. */
    record Location(Path file, long offset, long length) {
    }

    private record FileKey(Path realPath, long size, long modified) {
    }

    /**
     * Mappings shared by every load in the process. Weak, so a mapping goes once no tensor
     * holds it; a second load of the same unchanged file while tensors are alive reuses it.
     */
    private static final Map<FileKey, WeakReference<MemorySegment>> SHARED = new ConcurrentHashMap<>();

    private ExternalData() {
    }

    static boolean isExternal(TensorProto t) {
        return t.hasDataLocation() && t.getDataLocation() == TensorProto.DataLocation.EXTERNAL;
    }

    /** The mapped bytes of {@code t}; {@code expectedBytes} is what its dims and dtype need. */
    static MemorySegment slice(TensorProto t, Path baseDir, long expectedBytes) {
        Location loc = locate(t, baseDir);
        String what = ProtoShapes.name(t.getName());
        if (loc.length() != expectedBytes) {
            throw ProtoShapes.invalid(what + ": external data in '" + loc.file().getFileName() + "' has " + loc.length()
                    + " bytes, dims and data type need " + expectedBytes);
        }
        MemorySegment whole = map(loc.file(), what);
        if (loc.offset() + loc.length() > whole.byteSize()) {
            // the file shrank between the size check and the mapping
            throw ProtoShapes.invalid(what + ": external data ends past the end of '" + loc.file().getFileName() + "'");
        }
        return whole.asSlice(loc.offset(), loc.length());
    }

    /** Validates location, offset and length of an external tensor against the file system. */
    static Location locate(TensorProto t, Path baseDir) {
        String what = ProtoShapes.name(t.getName());
        String location = null;
        String offsetText = null;
        String lengthText = null;
        for (StringStringEntryProto e : t.getExternalDataList()) {
            switch (e.getKey()) {
                case "location" -> location = e.getValue();
                case "offset" -> offsetText = e.getValue();
                case "length" -> lengthText = e.getValue();
                default -> {
                    // "checksum" and keys of newer IR versions: not needed to find the bytes
                }
            }
        }
        if (location == null || location.isEmpty()) {
            throw ProtoShapes.invalid(what + ": external data without a location");
        }
        if (baseDir == null) {
            throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, what + " keeps its data in external file '" + location
                    + "', but no model directory was given to resolve it against");
        }
        Path file = resolveInside(baseDir, location, what);
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new GhostFlowException(ErrorCode.IO_ERROR, what + ": cannot read external data file '" + file + "': " + e, e);
        }
        long offset = parseNonNegative(offsetText, 0, "offset", what);
        if (offset > size) {
            throw ProtoShapes.invalid(what + ": external data offset " + offset + " is past the end of '" + location
                    + "' (" + size + " bytes)");
        }
        long length = parseNonNegative(lengthText, size - offset, "length", what);
        if (length > size - offset) {
            throw ProtoShapes.invalid(what + ": external data [" + offset + ", " + offset + " + " + length
                    + ") is past the end of '" + location + "' (" + size + " bytes)");
        }
        return new Location(file, offset, length);
    }

    /**
     * Resolves a location against the model directory, refusing anything that ends up outside it.
     * Lexical checks catch the obvious; comparing real paths catches symlinks.
     */
    static Path resolveInside(Path baseDir, String location, String what) {
        if (location.indexOf('\0') >= 0) {
            throw ProtoShapes.invalid(what + ": external data location contains a NUL character");
        }
        String normalized = location.replace('\\', '/');
        if (normalized.startsWith("/") || (normalized.length() > 1 && normalized.charAt(1) == ':')) {
            throw ProtoShapes.invalid(what + ": external data location '" + location + "' is absolute; it must be relative to the model");
        }
        for (String part : normalized.split("/")) {
            if (part.equals("..")) {
                throw ProtoShapes.invalid(what + ": external data location '" + location + "' leaves the model directory");
            }
        }
        Path base;
        Path candidate;
        try {
            base = baseDir.toRealPath();
            candidate = base.resolve(normalized).normalize();
        } catch (InvalidPathException e) {
            throw ProtoShapes.invalid(what + ": external data location '" + location + "' is not a valid path");
        } catch (IOException e) {
            throw new GhostFlowException(ErrorCode.IO_ERROR, what + ": model directory '" + baseDir + "' cannot be read: " + e, e);
        }
        Path real;
        try {
            real = candidate.toRealPath();
        } catch (NoSuchFileException e) {
            throw new GhostFlowException(ErrorCode.IO_ERROR, what + ": external data file '" + candidate + "' does not exist", e);
        } catch (IOException e) {
            throw new GhostFlowException(ErrorCode.IO_ERROR, what + ": external data file '" + candidate + "' cannot be read: " + e, e);
        }
        if (!real.startsWith(base)) {
            throw ProtoShapes.invalid(what + ": external data location '" + location + "' resolves to '" + real
                    + "', outside the model directory");
        }
        if (!Files.isRegularFile(real)) {
            throw new GhostFlowException(ErrorCode.IO_ERROR, what + ": external data location '" + location + "' is not a regular file");
        }
        return real;
    }

    private static long parseNonNegative(String text, long absent, String key, String what) {
        if (text == null) {
            return absent;
        }
        try {
            long v = Long.parseLong(text.trim());
            if (v < 0) {
                throw ProtoShapes.invalid(what + ": external data " + key + " " + v + " is negative");
            }
            return v;
        } catch (NumberFormatException e) {
            throw ProtoShapes.invalid(what + ": external data " + key + " '" + text + "' is not a number");
        }
    }

    /** The whole file, mapped read-only; an existing live mapping of the unchanged file is reused. */
    static MemorySegment map(Path realFile, String what) {
        try (FileChannel ch = FileChannel.open(realFile, StandardOpenOption.READ)) {
            long size = ch.size();
            FileKey key = new FileKey(realFile, size, Files.getLastModifiedTime(realFile).toMillis());
            WeakReference<MemorySegment> ref = SHARED.get(key);
            MemorySegment seg = ref == null ? null : ref.get();
            if (seg != null) {
                return seg;
            }
            seg = size == 0 ? MemorySegment.ofArray(new byte[0]) : ch.map(FileChannel.MapMode.READ_ONLY, 0, size, Arena.ofAuto());
            SHARED.values().removeIf(r -> r.get() == null);
            SHARED.put(key, new WeakReference<>(seg));
            return seg;
        } catch (IOException e) {
            throw new GhostFlowException(ErrorCode.IO_ERROR, what + ": cannot map external data file '" + realFile + "': " + e, e);
        }
    }
}
