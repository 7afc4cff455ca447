package io.ghostflow.server.repository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.server.repository.proto.TritonModelConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** config.pbtxt in Triton's protobuf text format, read into the same ModelConfig as config.json. */
class TritonTextConfigTest {
    @TempDir
    Path dir;

    /** A config as Triton's docs write them: comments, both list syntaxes, fields GhostFlow does not read. */
    static final String RESNET = """
            # ResNet-50 on CPU, served by Triton's ONNX Runtime backend
            name: "resnet"
            platform: "onnxruntime_onnx"
            backend: "onnxruntime"
            max_batch_size: 8  # the batch dimension is not part of dims
            input [
              {
                name: "x"
                data_type: TYPE_FP32
                format: FORMAT_NCHW          # unknown to GhostFlow: skipped
                dims: [ 3, 224, 224 ]
                reshape: { shape: [ 1, 3, 224, 224 ] }
              }
            ]
            output {
              name: "logits"
              data_type: TYPE_FP32
              dims: 1000
              label_filename: "labels.txt"
            }
            output { name: "probs" data_type: TYPE_FP16 dims: [ 1000 ] }
            dynamic_batching {
              preferred_batch_size: [ 4, 8 ]
              max_queue_delay_microseconds: 100
              preserve_ordering: true
              default_queue_policy {
                timeout_action: DELAY
                default_timeout_microseconds: 250000
                allow_timeout_override: true
                max_queue_size: 64
              }
              priority_queue_policy { key: 1 value: { max_queue_size: 3 } }
            }
            instance_group [ { count: 2 kind: KIND_CPU }, { kind: KIND_CPU } ]
            instance_group { count: 3 kind: KIND_GPU gpus: [ 0, 1 ] }
            version_policy: { latest: { num_versions: 2 } }
            optimization {
              execution_accelerators {
                gpu_execution_accelerator: [ { name: "tensorrt" parameters { key: "precision_mode" value: "FP16" } } ]
              }
              input_pinned_memory: { enable: false }
            }
            parameters: { key: "intra_op_thread_count" value: { string_value: "2" } }
            model_warmup [
              {
                name: "zeros"
                batch_size: 1
                count: 2
                inputs { key: "x" value: { data_type: TYPE_FP32 dims: [ 3, 224, 224 ] zero_data: true } }
              },
              { name: "once" batch_size: 4 }
            ]
            """;

    @Test
    void tritonTextFormatYieldsTheConfigValues() throws Exception {
        Files.writeString(dir.resolve("config.pbtxt"), RESNET);
        ModelConfig c = ModelConfigReader.read(dir, "resnet");
        assertThat(c.name()).isEqualTo("resnet");
        assertThat(c.maxBatchSize()).isEqualTo(8);
        assertThat(c.dynamicBatching()).isTrue();
        assertThat(c.preferredBatchSizes()).containsExactly(4, 8);
        assertThat(c.maxQueueDelayMicros()).isEqualTo(100);
        assertThat(c.queueLimit()).isEqualTo(64);
        assertThat(c.defaultTimeoutMicros()).isEqualTo(250000);
        assertThat(c.instances()).as("2 + 1 (count unset means 1) + 3").isEqualTo(6);
        assertThat(c.warmupRuns()).as("2 + 1 (count unset means once)").isEqualTo(3);
        assertThat(c.versionPolicy().select(new TreeSet<>(List.of(1L, 2L, 3L)))).containsExactly(2L, 3L);
    }

    @Test
    void skippedFieldsAreReportedOnceWithTheModelAndFile() {
        java.util.List<String> warnings = new java.util.ArrayList<>();
        java.util.logging.Logger log = java.util.logging.Logger.getLogger("io.ghostflow.server.repository");
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                warnings.add(r.getLevel() + " " + r.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        log.addHandler(capture);
        try {
            TritonTextConfig.parse(RESNET, "resnet", "config.pbtxt");
            TritonTextConfig.parse("max_batch_size: 4\n", "plain", "config.pbtxt");
        } finally {
            log.removeHandler(capture);
        }
        // RESNET's one field outside GhostFlow's proto (input.format, line 10); the second config has none
        assertThat(warnings).hasSize(1);
        assertThat(warnings.get(0)).startsWith("WARNING model 'resnet': config.pbtxt: fields GhostFlow does not use, skipped: ")
                .contains("10:").contains("format");
    }

    @Test
    void fieldsTheServerDoesNotUseYetAreParsedWithTritonsNamesAndEnums() {
        TritonModelConfig.ModelConfig m = TritonTextConfig.parse(RESNET, "resnet", "config.pbtxt");
        assertThat(m.getPlatform()).isEqualTo("onnxruntime_onnx");
        assertThat(m.getBackend()).isEqualTo("onnxruntime");
        assertThat(m.getInput(0).getName()).isEqualTo("x");
        assertThat(m.getInput(0).getDataType()).isEqualTo(TritonModelConfig.DataType.TYPE_FP32);
        assertThat(m.getInput(0).getDimsList()).containsExactly(3L, 224L, 224L);
        assertThat(m.getOutputList()).extracting(o -> o.getName()).containsExactly("logits", "probs");
        assertThat(m.getOutput(0).getDimsList()).as("a scalar for a repeated field is one element").containsExactly(1000L);
        assertThat(m.getOutput(1).getDataType()).isEqualTo(TritonModelConfig.DataType.TYPE_FP16);
        assertThat(m.getInstanceGroupList()).extracting(g -> g.getKind()).containsExactly(
                TritonModelConfig.ModelInstanceGroup.Kind.KIND_CPU, TritonModelConfig.ModelInstanceGroup.Kind.KIND_CPU,
                TritonModelConfig.ModelInstanceGroup.Kind.KIND_GPU);
        var q = m.getDynamicBatching().getDefaultQueuePolicy();
        assertThat(q.getTimeoutAction()).isEqualTo(TritonModelConfig.ModelQueuePolicy.TimeoutAction.DELAY);
        assertThat(q.getAllowTimeoutOverride()).isTrue();
        assertThat(m.getModelWarmup(1).getBatchSize()).isEqualTo(4);
    }

    @Test
    void repeatedFieldSyntaxAndOtherVersionPolicies() throws Exception {
        Files.writeString(dir.resolve("config.pbtxt"), """
                max_batch_size: 4
                dynamic_batching { preferred_batch_size: 2 preferred_batch_size: 4 }
                version_policy { specific { versions: 1 versions: 3 } }
                """);
        ModelConfig c = ModelConfigReader.read(dir, "m");
        assertThat(c.preferredBatchSizes()).containsExactly(2, 4);
        assertThat(c.maxQueueDelayMicros()).isZero();
        assertThat(c.queueLimit()).as("max_queue_size unset: the default limit").isEqualTo(ModelConfig.defaults("m").queueLimit());
        assertThat(c.versionPolicy().select(new TreeSet<>(List.of(1L, 2L, 3L, 4L)))).containsExactly(1L, 3L);

        Files.writeString(dir.resolve("config.pbtxt"), "version_policy: { all: {} }\n");
        ModelConfig all = ModelConfigReader.read(dir, "m");
        assertThat(all.versionPolicy().select(new TreeSet<>(List.of(1L, 2L, 3L)))).containsExactly(1L, 2L, 3L);
        assertThat(all.maxBatchSize()).isZero();
        assertThat(all.dynamicBatching()).as("no dynamic_batching block").isFalse();
    }

    @Test
    void anEmptyDynamicBatchingBlockTurnsBatchingOn() throws Exception {
        Files.writeString(dir.resolve("config.pbtxt"), "max_batch_size: 16\ndynamic_batching { }\n");
        ModelConfig c = ModelConfigReader.read(dir, "m");
        assertThat(c.dynamicBatching()).isTrue();
        assertThat(c.batchOptions().batches()).isTrue();
    }

    @Test
    void jsonInConfigPbtxtStillWorks() throws Exception {
        Files.writeString(dir.resolve("config.pbtxt"), "\n  {\"max_batch_size\": 5, \"instance_count\": 2}");
        ModelConfig c = ModelConfigReader.read(dir, "m");
        assertThat(c.maxBatchSize()).isEqualTo(5);
        assertThat(c.instances()).isEqualTo(2);
    }

    @Test
    void aMalformedConfigNamesTheModelTheFileAndTheLineAndColumn() throws Exception {
        Files.writeString(dir.resolve("config.pbtxt"), """
                name: "resnet"
                max_batch_size: 8
                dynamic_batching { preferred_batch_size: [ 4, 8 }
                """);
        assertThatThrownBy(() -> ModelConfigReader.read(dir, "resnet"))
                .isInstanceOf(GhostFlowException.class)
                .satisfies(e -> assertThat(((GhostFlowException) e).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
                .hasMessageContaining("model 'resnet'")
                .hasMessageContaining("config.pbtxt:3:49");

        Files.writeString(dir.resolve("config.pbtxt"), "instance_group [ { kind: KIND_TPU } ]\n");
        assertThatThrownBy(() -> ModelConfigReader.read(dir, "m"))
                .isInstanceOf(GhostFlowException.class)
                .hasMessageContaining("config.pbtxt:1:")
                .hasMessageContaining("KIND_TPU");

        Files.writeString(dir.resolve("config.pbtxt"), "max_batch_size: \"eight\"\n");
        assertThatThrownBy(() -> ModelConfigReader.read(dir, "m"))
                .isInstanceOf(GhostFlowException.class)
                .hasMessageContaining("config.pbtxt:1:17");
    }

    @Test
    void deployExamplesInBothFormatsGiveTheSameConfig() throws Exception {
        Path deploy = Path.of("..", "deploy");
        Path pb = Files.createDirectories(dir.resolve("pb"));
        Path js = Files.createDirectories(dir.resolve("js"));
        Files.copy(deploy.resolve("config.example.pbtxt"), pb.resolve("config.pbtxt"));
        Files.copy(deploy.resolve("config.example.json"), js.resolve("config.json"));
        ModelConfig fromText = ModelConfigReader.read(pb, "resnet");
        assertThat(fromText.maxBatchSize()).isEqualTo(32);
        assertThat(fromText.warmupRuns()).isEqualTo(2);
        assertThat(fromText).isEqualTo(ModelConfigReader.read(js, "resnet"));
    }

    @Test
    void aConfigNamingAnotherModelIsRefused() throws Exception {
        Files.writeString(dir.resolve("config.pbtxt"), "name: \"resnet\"\nmax_batch_size: 8\n");
        assertThatThrownBy(() -> ModelConfigReader.read(dir, "squeezenet"))
                .isInstanceOf(GhostFlowException.class)
                .satisfies(e -> assertThat(((GhostFlowException) e).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
                .hasMessageContaining("model 'squeezenet'")
                .hasMessageContaining("config.pbtxt")
                .hasMessageContaining("name 'resnet'");
        Files.delete(dir.resolve("config.pbtxt"));
        Files.writeString(dir.resolve("config.json"), "{\"name\": \"resnet\"}");
        assertThatThrownBy(() -> ModelConfigReader.read(dir, "squeezenet"))
                .isInstanceOf(GhostFlowException.class)
                .hasMessageContaining("config.json");
        assertThat(ModelConfigReader.read(dir, "resnet").name()).isEqualTo("resnet");
    }

    @Test
    void valuesThatParseStillMeetTheSameChecksAsJson() throws Exception {
        Files.writeString(dir.resolve("config.pbtxt"), "max_batch_size: -2\n");
        assertThatThrownBy(() -> ModelConfigReader.read(dir, "m"))
                .isInstanceOf(GhostFlowException.class)
                .hasMessageContaining("config.pbtxt")
                .hasMessageContaining("must not be negative");
    }
}
