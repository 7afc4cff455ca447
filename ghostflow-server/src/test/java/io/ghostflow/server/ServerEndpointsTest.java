package io.ghostflow.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ghostflow.runtime.SessionOptions;
import io.ghostflow.server.repository.ModelManager;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Every endpoint and error path, against a real server on a free loopback port. */
@Timeout(120)
class ServerEndpointsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path tmp;
    static Path repo;
    static GhostFlowServer server;
    static String base;

    @BeforeAll
    static void start() throws Exception {
        repo = TestModels.repository(Files.createDirectories(tmp.resolve("repo")));
        // a model configured the Triton way: config.pbtxt in protobuf text format
        TestModels.write(repo, "pbmix", 1, TestModels.rowMixModel(0f), null);
        TestModels.write(repo, "pbmix", 2, TestModels.rowMixModel(1f), null);
        Files.writeString(repo.resolve("pbmix").resolve("config.pbtxt"), """
                name: "pbmix"
                platform: "onnxruntime_onnx"   # Triton's platform name: accepted, GhostFlow runs the model
                max_batch_size: 4
                input [ { name: "x" data_type: TYPE_FP32 dims: [ 4 ] } ]
                output [ { name: "y" data_type: TYPE_FP32 dims: [ 4 ] } ]
                dynamic_batching { preferred_batch_size: [ 2, 4 ] max_queue_delay_microseconds: 200 }
                instance_group [ { count: 2 kind: KIND_CPU } ]
                version_policy: { all: { } }
                optimization { input_pinned_memory { enable: false } }
                """);
        Files.writeString(tmp.resolve("secret.txt"), "outside the repository");
        ModelManager models = new ModelManager(repo, SessionOptions.defaults().withIntraOpThreads(1), Duration.ofSeconds(10));
        assertThat(models.loadAll()).isEmpty();
        server = GhostFlowServer.start(ServerOptions.localFreePort(), models);
        base = server.url();
    }

    @AfterAll
    static void stop() {
        server.stop(Duration.ofSeconds(5));
    }

    static JsonNode json(HttpResponse<byte[]> r) throws Exception {
        return JSON.readTree(r.body());
    }

    static void assertError(HttpResponse<byte[]> r, int status, String... fragments) throws Exception {
        assertThat(r.statusCode()).as(Http.text(r)).isEqualTo(status);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
        JsonNode n = json(r);
        assertThat(n.size()).isEqualTo(1);
        for (String f : fragments) {
            assertThat(n.path("error").asText()).contains(f);
        }
        assertThat(SpecValidator.validate("inference_error_response", Http.text(r))).isEmpty();
    }

    static String rowmixRequest(float[] x, int rows, String extra) {
        StringBuilder sb = new StringBuilder("{\"id\":\"r1\",\"inputs\":[{\"name\":\"x\",\"shape\":[" + rows + ",4],\"datatype\":\"FP32\",\"data\":[");
        for (int i = 0; i < x.length; i++) {
            sb.append(i > 0 ? "," : "").append(x[i]);
        }
        return sb.append("]}]").append(extra).append("}").toString();
    }

    static float[] floats(JsonNode data) {
        float[] f = new float[data.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) data.get(i).asDouble();
        }
        return f;
    }

    // ------------------------------------------------------------------ health and metadata

    @Test
    void healthAndServerMetadata() throws Exception {
        assertThat(Http.get(base + "/v2/health/live").statusCode()).isEqualTo(200);
        assertThat(Http.get(base + "/v2/health/ready").statusCode()).isEqualTo(200);
        var meta = Http.get(base + "/v2");
        assertThat(meta.statusCode()).isEqualTo(200);
        assertThat(SpecValidator.validate("metadata_server_response", Http.text(meta))).isEmpty();
        assertThat(json(meta).path("extensions").toString()).contains("binary_tensor_data", "model_repository", "statistics");
        assertThat(Http.get(base + "/v2/").statusCode()).isEqualTo(200);
    }

    @Test
    void modelMetadataAndReadyWithAndWithoutVersion() throws Exception {
        for (String path : List.of("/v2/models/rowmix", "/v2/models/rowmix/versions/1")) {
            var r = Http.get(base + path);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(SpecValidator.validate("metadata_model_response", Http.text(r))).isEmpty();
            JsonNode n = json(r);
            assertThat(n.path("name").asText()).isEqualTo("rowmix");
            assertThat(n.path("versions").toString()).isEqualTo("[\"1\"]");
            assertThat(n.path("inputs").get(0).toString()).isEqualTo("{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[-1,4]}");
            assertThat(Http.get(base + path + "/ready").statusCode()).isEqualTo(200);
        }
        assertError(Http.get(base + "/v2/models/nope"), 404, "unknown model 'nope'");
        assertError(Http.get(base + "/v2/models/nope/ready"), 404, "nope");
        assertError(Http.get(base + "/v2/models/rowmix/versions/7"), 404, "no version '7'");
        assertError(Http.get(base + "/v2/models/rowmix/versions/7/ready"), 404, "no version '7'");
        assertError(Http.get(base + "/v2/nowhere"), 404, "no endpoint");
        assertError(Http.get(base + "/v2/models/rowmix/infer"), 405, "GET");
    }

    @Test
    void modelConfig() throws Exception {
        JsonNode c = json(Http.get(base + "/v2/models/rowmix/config"));
        assertThat(c.path("max_batch_size").asInt()).isEqualTo(8);
        assertThat(c.path("dynamic_batching").path("preferred_batch_size").toString()).isEqualTo("[4]");
        assertThat(c.path("instance_group").get(0).path("count").asInt()).isEqualTo(2);
        assertThat(c.path("input").get(0).path("dims").toString()).isEqualTo("[4]");
        JsonNode s = json(Http.get(base + "/v2/models/slow/versions/1/config"));
        assertThat(s.path("queue_limit").asInt()).isEqualTo(1);
        assertThat(s.has("dynamic_batching")).isFalse();
        assertError(Http.get(base + "/v2/models/nope/config"), 404, "nope");
    }

    @Test
    void modelConfiguredByTritonTextFormat() throws Exception {
        JsonNode c = json(Http.get(base + "/v2/models/pbmix/config"));
        assertThat(c.path("max_batch_size").asInt()).isEqualTo(4);
        assertThat(c.path("dynamic_batching").path("preferred_batch_size").toString()).isEqualTo("[2,4]");
        assertThat(c.path("dynamic_batching").path("max_queue_delay_microseconds").asLong()).isEqualTo(200);
        assertThat(c.path("instance_group").get(0).path("count").asInt()).isEqualTo(2);
        assertThat(c.path("version_policy").has("all")).isTrue();
        assertThat(json(Http.get(base + "/v2/models/pbmix")).path("versions").toString()).isEqualTo("[\"1\",\"2\"]");
        float[] x = {1, 2, 3, 4};
        var r = Http.post(base + "/v2/models/pbmix/versions/1/infer", rowmixRequest(x, 1, ""));
        assertThat(r.statusCode()).as(Http.text(r)).isEqualTo(200);
        assertThat(floats(json(r).path("outputs").get(0).path("data"))).containsExactly(TestModels.rowMix(x, 4, 0f));
        assertError(Http.post(base + "/v2/models/pbmix/infer", rowmixRequest(new float[20], 5, "")), 400, "max_batch_size 4");
    }

    // ------------------------------------------------------------------ inference

    @Test
    void jsonInferenceMatchesTheModel() throws Exception {
        float[] x = {1, 2, 3, 4, -1, 0.5f, 0.25f, 8};
        for (String path : List.of("/v2/models/rowmix/infer", "/v2/models/rowmix/versions/1/infer")) {
            var r = Http.post(base + path, rowmixRequest(x, 2, ""));
            assertThat(r.statusCode()).as(Http.text(r)).isEqualTo(200);
            assertThat(SpecValidator.validate("inference_response", Http.text(r))).isEmpty();
            JsonNode n = json(r);
            assertThat(n.path("model_name").asText()).isEqualTo("rowmix");
            assertThat(n.path("model_version").asText()).isEqualTo("1");
            assertThat(n.path("id").asText()).isEqualTo("r1");
            JsonNode out = n.path("outputs").get(0);
            assertThat(out.path("shape").toString()).isEqualTo("[2,4]");
            assertThat(floats(out.path("data"))).containsExactly(TestModels.rowMix(x, 4, 0));
        }
    }

    @Test
    void nestedDataDatatypeAfterDataAndBytesAndInt64() throws Exception {
        String body = """
                {"inputs":[{"data":[[1,2,3],[4,5,-6]],"name":"a","shape":[2,3],"datatype":"INT64"},
                           {"name":"s","shape":[2],"datatype":"BYTES","data":["héllo","x"]}],
                 "outputs":[{"name":"s_out"},{"name":"a_out"}]}""";
        var r = Http.post(base + "/v2/models/ident/infer", body);
        assertThat(r.statusCode()).as(Http.text(r)).isEqualTo(200);
        assertThat(SpecValidator.validate("inference_response", Http.text(r))).isEmpty();
        JsonNode outs = json(r).path("outputs");
        assertThat(outs.get(0).path("data").toString()).isEqualTo("[\"héllo\",\"x\"]");
        assertThat(outs.get(1).path("data").toString()).isEqualTo("[1,2,3,4,5,-6]");
        assertThat(outs.get(1).path("datatype").asText()).isEqualTo("INT64");
    }

    @Test
    void binaryRequestAndBinaryResponse() throws Exception {
        float[] x = {1, 2, 3, 4, 5, 6, 7, 8.5f};
        ByteBuffer bin = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : x) {
            bin.putFloat(f);
        }
        byte[] header = """
                {"inputs":[{"name":"x","shape":[2,4],"datatype":"FP32","parameters":{"binary_data_size":32}}],
                 "parameters":{"binary_data_output":true}}""".getBytes();
        var body = new ByteArrayOutputStream();
        body.write(header);
        body.write(bin.array());
        var r = Http.post(base + "/v2/models/rowmix/infer", body.toByteArray(),
                Map.of("Inference-Header-Content-Length", Integer.toString(header.length), "Content-Type", "application/octet-stream"));
        assertThat(r.statusCode()).as(Http.text(r)).isEqualTo(200);
        int jsonLen = Integer.parseInt(r.headers().firstValue("Inference-Header-Content-Length").orElseThrow());
        JsonNode head = JSON.readTree(new String(r.body(), 0, jsonLen));
        JsonNode out = head.path("outputs").get(0);
        assertThat(out.has("data")).isFalse();
        assertThat(out.path("parameters").path("binary_data_size").asInt()).isEqualTo(32);
        ByteBuffer res = ByteBuffer.wrap(r.body(), jsonLen, 32).order(ByteOrder.LITTLE_ENDIAN);
        float[] y = new float[8];
        for (int i = 0; i < 8; i++) {
            y[i] = res.getFloat();
        }
        assertThat(y).containsExactly(TestModels.rowMix(x, 4, 0));
        assertThat(r.body().length).isEqualTo(jsonLen + 32);

        // JSON in, one output asked for as binary through its own parameter
        var r2 = Http.post(base + "/v2/models/rowmix/infer", rowmixRequest(x, 2, ",\"outputs\":[{\"name\":\"y\",\"parameters\":{\"binary_data\":true}}]"));
        assertThat(r2.statusCode()).isEqualTo(200);
        assertThat(r2.headers().firstValue("Inference-Header-Content-Length")).isPresent();
    }

    @Test
    void largeBinaryInputSpanningManyBufferChunksArrivesIntact() throws Exception {
        // 800 KB of data reaches the server in many TCP reads, so the aggregated body is a
        // composite buffer and the input is copied from each of its components in turn
        int rows = 50_000;
        ByteBuffer bin = ByteBuffer.allocate(rows * 16).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < rows * 4; i++) {
            bin.putFloat(i * 0.25f - 7);
        }
        byte[] header = ("{\"inputs\":[{\"name\":\"x\",\"shape\":[" + rows + ",4],\"datatype\":\"FP32\",\"parameters\":{\"binary_data_size\":"
                + rows * 16 + "}}],\"parameters\":{\"binary_data_output\":true}}").getBytes();
        var body = new ByteArrayOutputStream();
        body.write(header);
        body.write(bin.array());
        var r = Http.post(base + "/v2/models/slow/infer", body.toByteArray(),
                Map.of("Inference-Header-Content-Length", Integer.toString(header.length), "Content-Type", "application/octet-stream"));
        assertThat(r.statusCode()).as(Http.text(r)).isEqualTo(200);
        int jsonLen = Integer.parseInt(r.headers().firstValue("Inference-Header-Content-Length").orElseThrow());
        assertThat(Arrays.copyOfRange(r.body(), jsonLen, r.body().length)).isEqualTo(bin.array());
    }

    @Test
    void binaryBytesInput() throws Exception {
        ByteBuffer a = ByteBuffer.allocate(48).order(ByteOrder.LITTLE_ENDIAN);
        for (long v = 1; v <= 6; v++) {
            a.putLong(v * 10);
        }
        ByteBuffer s = ByteBuffer.allocate(4 + 2 + 4 + 3).order(ByteOrder.LITTLE_ENDIAN);
        s.putInt(2).put("ab".getBytes()).putInt(3).put("cde".getBytes());
        byte[] header = ("{\"inputs\":[{\"name\":\"a\",\"shape\":[2,3],\"datatype\":\"INT64\",\"parameters\":{\"binary_data_size\":48}},"
                + "{\"name\":\"s\",\"shape\":[2],\"datatype\":\"BYTES\",\"parameters\":{\"binary_data_size\":13}}]}").getBytes();
        var body = new ByteArrayOutputStream();
        body.write(header);
        body.write(a.array());
        body.write(s.array());
        var r = Http.post(base + "/v2/models/ident/infer", body.toByteArray(),
                Map.of("Inference-Header-Content-Length", Integer.toString(header.length)));
        assertThat(r.statusCode()).as(Http.text(r)).isEqualTo(200);
        JsonNode outs = json(r).path("outputs");
        assertThat(outs.get(0).path("data").toString()).isEqualTo("[10,20,30,40,50,60]");
        assertThat(outs.get(1).path("data").toString()).isEqualTo("[\"ab\",\"cde\"]");
    }

    @Test
    void concurrentRequestsAreBatchedAndEachGetsItsOwnRows() throws Exception {
        try (var pool = Executors.newFixedThreadPool(8)) {
            List<Future<float[]>> fs = new ArrayList<>();
            List<float[]> xs = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                float[] x = {i, i + 1, -i, 0.5f * i};
                xs.add(x);
                fs.add(pool.submit(() -> floats(json(Http.post(base + "/v2/models/rowmix/infer", rowmixRequest(x, 1, "")))
                        .path("outputs").get(0).path("data"))));
            }
            for (int i = 0; i < 40; i++) {
                assertThat(fs.get(i).get()).containsExactly(TestModels.rowMix(xs.get(i), 4, 0));
            }
        }
    }

    // ------------------------------------------------------------------ inference errors

    @Test
    void shapeAndDataDisagreeAreBadRequestsNamingTheInput() throws Exception {
        assertError(Http.post(base + "/v2/models/rowmix/infer", rowmixRequest(new float[] {1, 2, 3}, 1, "")), 400, "input 'x'", "needs 4 elements");
        assertError(Http.post(base + "/v2/models/rowmix/infer", rowmixRequest(new float[] {1, 2, 3, 4, 5}, 1, "")), 400, "input 'x'");
        byte[] header = "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,4],\"datatype\":\"FP32\",\"parameters\":{\"binary_data_size\":12}}]}".getBytes();
        byte[] body = new byte[header.length + 12];
        System.arraycopy(header, 0, body, 0, header.length);
        assertError(Http.post(base + "/v2/models/rowmix/infer", body, Map.of("Inference-Header-Content-Length", "" + header.length)),
                400, "input 'x'", "needs 16 bytes");
        assertError(Http.post(base + "/v2/models/rowmix/infer", body, Map.of("Inference-Header-Content-Length", "" + (body.length + 5))),
                400, "Inference-Header-Content-Length");
        byte[] shortBody = new byte[header.length + 4];
        System.arraycopy(header, 0, shortBody, 0, header.length);
        assertError(Http.post(base + "/v2/models/rowmix/infer", shortBody, Map.of("Inference-Header-Content-Length", "" + header.length)),
                400, "input 'x'", "past the end");
    }

    @Test
    void wrongDatatypeUnknownInputsAndMalformedJson() throws Exception {
        assertError(Http.post(base + "/v2/models/rowmix/infer",
                "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,4],\"datatype\":\"FP64\",\"data\":[1,2,3,4]}]}"), 400, "input 'x'", "FP64");
        assertError(Http.post(base + "/v2/models/rowmix/infer",
                "{\"inputs\":[{\"name\":\"q\",\"shape\":[1,4],\"datatype\":\"FP32\",\"data\":[1,2,3,4]}]}"), 400, "unknown input 'q'");
        assertError(Http.post(base + "/v2/models/rowmix/infer",
                "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,4],\"datatype\":\"WAT\",\"data\":[1,2,3,4]}]}"), 400, "unknown datatype");
        assertError(Http.post(base + "/v2/models/rowmix/infer",
                "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,4],\"datatype\":\"FP32\",\"data\":[1,2,\"z\",4]}]}"), 400, "input 'x'", "element 2");
        assertError(Http.post(base + "/v2/models/rowmix/infer", "{\"inputs\":[{\"name\":\"x\""), 400, "malformed");
        assertError(Http.post(base + "/v2/models/rowmix/infer", "{}"), 400, "no 'inputs'");
        assertError(Http.post(base + "/v2/models/rowmix/infer", rowmixRequest(new float[4], 1, ",\"outputs\":[{\"name\":\"zz\"}]")),
                400, "unknown output 'zz'");
        assertError(Http.post(base + "/v2/models/rowmix/infer", rowmixRequest(new float[36], 9, "")), 400, "max_batch_size 8");
        assertError(Http.post(base + "/v2/models/ident/infer",
                "{\"inputs\":[{\"name\":\"a\",\"shape\":[2,3],\"datatype\":\"INT64\",\"data\":[1,2,3,4,5,6]}]}"), 400, "missing input 's'");
        assertError(Http.post(base + "/v2/models/ident/infer",
                "{\"inputs\":[{\"name\":\"a\",\"shape\":[3,2],\"datatype\":\"INT64\",\"data\":[1,2,3,4,5,6]},"
                        + "{\"name\":\"s\",\"shape\":[2],\"datatype\":\"BYTES\",\"data\":[\"a\",\"b\"]}]}"), 400, "input 'a'");
        assertError(Http.post(base + "/v2/models/nope/infer", rowmixRequest(new float[4], 1, "")), 404, "unknown model 'nope'");
        assertError(Http.post(base + "/v2/models/rowmix/versions/3/infer", rowmixRequest(new float[4], 1, "")), 404, "no version '3'");
    }

    @Test
    void fullQueueIs503AndTimeoutIs503() throws Exception {
        String req = rowmixRequest(new float[4], 1, "");
        try (var pool = Executors.newFixedThreadPool(4)) {
            List<Future<HttpResponse<byte[]>>> fs = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                fs.add(pool.submit((Callable<HttpResponse<byte[]>>) () -> Http.post(base + "/v2/models/slow/infer", req)));
            }
            int ok = 0;
            int refused = 0;
            for (var f : fs) {
                var r = f.get();
                if (r.statusCode() == 200) {
                    ok++;
                } else {
                    assertError(r, 503, "queue full");
                    refused++;
                }
            }
            // one runs, one waits (queue limit 1), the rest are refused
            assertThat(refused).isGreaterThanOrEqualTo(1);
            assertThat(ok).isGreaterThanOrEqualTo(1);
        }
        try (var pool = Executors.newFixedThreadPool(2)) {
            var first = pool.submit(() -> Http.post(base + "/v2/models/slow/infer", req));
            Thread.sleep(50);
            var timed = Http.post(base + "/v2/models/slow/infer", rowmixRequest(new float[4], 1, ",\"parameters\":{\"timeout\":1000}"));
            assertError(timed, 503, "timed out");
            assertThat(first.get().statusCode()).isEqualTo(200);
        }
    }

    // ------------------------------------------------------------------ repository, stats, metrics

    @Test
    void repositoryIndexUnloadLoadAndConfinement() throws Exception {
        JsonNode index = json(Http.post(base + "/v2/repository/index", ""));
        assertThat(index.toString()).contains("{\"name\":\"ident\",\"version\":\"1\",\"state\":\"READY\",\"reason\":\"\"}");
        assertThat(Http.post(base + "/v2/repository/models/ident/unload", "").statusCode()).isEqualTo(200);
        assertError(Http.get(base + "/v2/models/ident"), 404, "ident");
        assertThat(json(Http.post(base + "/v2/repository/index", "")).toString())
                .contains("{\"name\":\"ident\",\"state\":\"UNAVAILABLE\",\"reason\":\"unloaded\"}");
        assertThat(Http.get(base + "/v2/health/ready").statusCode()).isEqualTo(200); // unloaded on purpose is not "not ready"
        assertThat(Http.post(base + "/v2/repository/models/ident/load", "").statusCode()).isEqualTo(200);
        assertThat(Http.get(base + "/v2/models/ident/ready").statusCode()).isEqualTo(200);
        assertError(Http.post(base + "/v2/repository/models/ghost/load", ""), 404, "ghost");
        assertError(Http.post(base + "/v2/repository/models/ghost/unload", ""), 404, "ghost");
        for (String evil : List.of("..", "%2E%2E", "..%2Frepo", "%2Fetc", "secret.txt")) {
            var r = Http.post(base + "/v2/repository/models/" + evil + "/load", "");
            assertThat(r.statusCode()).as(evil).isIn(400, 404);
            assertThat(json(r).path("error").asText()).doesNotContain("outside the repository");
        }
        // a symlink that leaves the root is refused
        Path outside = Files.createDirectories(tmp.resolve("elsewhere/1"));
        TestModels.write(tmp, "elsewhere", 1, TestModels.identModel(), null);
        Files.createSymbolicLink(repo.resolve("escape"), tmp.resolve("elsewhere"));
        assertError(Http.post(base + "/v2/repository/models/escape/load", ""), 400, "outside the model repository");
        assertThat(outside).exists();
    }

    @Test
    void statisticsInTritonsFormat() throws Exception {
        Http.post(base + "/v2/models/rowmix/infer", rowmixRequest(new float[4], 1, ""));
        Http.post(base + "/v2/models/rowmix/infer", rowmixRequest(new float[3], 1, "")); // a failure
        for (String path : List.of("/v2/models/stats", "/v2/models/rowmix/stats", "/v2/models/rowmix/versions/1/stats")) {
            JsonNode all = json(Http.get(base + path));
            JsonNode row = null;
            for (JsonNode r : all.path("model_stats")) {
                if (r.path("name").asText().equals("rowmix")) {
                    row = r;
                }
            }
            assertThat(row).as(path).isNotNull();
            assertThat(row.path("version").asText()).isEqualTo("1");
            JsonNode is = row.path("inference_stats");
            assertThat(is.path("success").path("count").asLong()).isGreaterThanOrEqualTo(1);
            assertThat(is.path("success").path("ns").asLong()).isPositive();
            assertThat(is.path("fail").path("count").asLong()).isGreaterThanOrEqualTo(1);
            for (String k : List.of("queue", "compute_input", "compute_infer", "compute_output")) {
                assertThat(is.path(k).path("count").asLong()).as(k).isGreaterThanOrEqualTo(1);
            }
            assertThat(row.path("inference_count").asLong()).isGreaterThanOrEqualTo(1);
            assertThat(row.path("execution_count").asLong()).isGreaterThanOrEqualTo(1);
            assertThat(row.path("batch_stats").get(0).has("batch_size")).isTrue();
        }
        assertError(Http.get(base + "/v2/models/nope/stats"), 404, "nope");
        assertError(Http.get(base + "/v2/models/rowmix/versions/9/stats"), 404, "no version '9'");
    }

    @Test
    void prometheusMetrics() throws Exception {
        Http.post(base + "/v2/models/rowmix/infer", rowmixRequest(new float[4], 1, ""));
        var r = Http.get(base + "/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("text/plain");
        String m = Http.text(r);
        assertThat(m).contains("# TYPE ghostflow_inference_request_success_total counter",
                "ghostflow_inference_request_failure_total{model=\"rowmix\",version=\"1\"}",
                "ghostflow_inference_count_total{model=\"rowmix\",version=\"1\"}",
                "ghostflow_inference_exec_count_total{model=\"rowmix\",version=\"1\"}",
                "ghostflow_inference_queue_duration_us_total{model=\"rowmix\",version=\"1\"}",
                "ghostflow_inference_compute_infer_duration_us_total{model=\"rowmix\",version=\"1\"}",
                "# TYPE ghostflow_batch_size histogram",
                "ghostflow_batch_size_bucket{model=\"rowmix\",version=\"1\",le=\"+Inf\"}");
        assertThat(m).containsPattern("ghostflow_inference_request_success_total\\{model=\"rowmix\",version=\"1\"} [1-9]");
        // every successful request has one overhead sample
        assertThat(m).contains("# TYPE ghostflow_inference_request_overhead_us histogram");
        assertThat(metric(m, "ghostflow_inference_request_overhead_us_count{model=\"rowmix\",version=\"1\"}"))
                .isEqualTo(metric(m, "ghostflow_inference_request_success_total{model=\"rowmix\",version=\"1\"}"))
                .isEqualTo(metric(m, "ghostflow_inference_request_overhead_us_bucket{model=\"rowmix\",version=\"1\",le=\"+Inf\"}"));
    }

    private static long metric(String exposition, String series) {
        return exposition.lines().filter(l -> l.startsWith(series + " ")).mapToLong(l -> Long.parseLong(l.substring(series.length() + 1)))
                .findFirst().orElseThrow(() -> new AssertionError("no series " + series));
    }
}
