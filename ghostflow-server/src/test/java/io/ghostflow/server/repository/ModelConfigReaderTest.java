package io.ghostflow.server.repository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ghostflow.core.GhostFlowException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelConfigReaderTest {
    @TempDir
    Path dir;

    @Test
    void yamlWithTritonFieldNames() throws Exception {
        Files.writeString(dir.resolve("config.yaml"), """
                max_batch_size: 16
                dynamic_batching:
                  preferred_batch_size: [4, 8]
                  max_queue_delay_microseconds: 250
                  default_queue_policy: {max_queue_size: 7, default_timeout_microseconds: 5000}
                instance_group: [{count: 2}, {count: 1}]
                version_policy: {specific: {versions: [1, 3]}}
                model_warmup: [{count: 2}]
                """);
        ModelConfig c = ModelConfigReader.read(dir, "m");
        assertThat(c.maxBatchSize()).isEqualTo(16);
        assertThat(c.dynamicBatching()).isTrue();
        assertThat(c.preferredBatchSizes()).containsExactly(4, 8);
        assertThat(c.maxQueueDelayMicros()).isEqualTo(250);
        assertThat(c.queueLimit()).isEqualTo(7);
        assertThat(c.defaultTimeoutMicros()).isEqualTo(5000);
        assertThat(c.instances()).isEqualTo(3);
        assertThat(c.warmupRuns()).isEqualTo(2);
        assertThat(c.versionPolicy().select(new TreeSet<>(List.of(1L, 2L, 3L, 4L)))).containsExactly(1L, 3L);
        assertThat(c.batchOptions().batches()).isTrue();
    }

    @Test
    void defaultsAndVersionPolicies() throws Exception {
        ModelConfig d = ModelConfigReader.read(dir, "m");
        assertThat(d.maxBatchSize()).isZero();
        assertThat(d.batchOptions().batches()).isFalse();
        var avail = new TreeSet<>(List.of(1L, 5L, 9L));
        assertThat(d.versionPolicy().select(avail)).containsExactly(9L);
        assertThat(VersionPolicy.latest(2).select(avail)).containsExactly(5L, 9L);
        assertThat(VersionPolicy.all().select(avail)).containsExactly(1L, 5L, 9L);
    }

    @Test
    void negativeValuesAndBrokenFilesAreRefused() throws Exception {
        Files.writeString(dir.resolve("config.json"), "{\"max_batch_size\": -1}");
        assertThatThrownBy(() -> ModelConfigReader.read(dir, "m")).isInstanceOf(GhostFlowException.class).hasMessageContaining("config.json");
        Files.writeString(dir.resolve("config.json"), "{not json");
        assertThatThrownBy(() -> ModelConfigReader.read(dir, "m")).isInstanceOf(GhostFlowException.class).hasMessageContaining("cannot read");
    }
}
