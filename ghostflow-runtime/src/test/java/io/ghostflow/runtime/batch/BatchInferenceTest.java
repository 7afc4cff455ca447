package io.ghostflow.runtime.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.runtime.InferenceSession;
import io.ghostflow.runtime.Result;
import io.ghostflow.tensor.Tensor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

@org.junit.jupiter.api.Timeout(60)
class BatchInferenceTest {
    private static final int W = 5;

    private static float[] alone(InferenceSession s, Map<String, Tensor> sample) {
        try (Result r = s.run(sample)) {
            return r.get("y").floats().clone();
        }
    }

    @Test
    void runAllStacksAndSplitsExactlyWithPartialLastBatch() {
        InferenceSession s = RowModel.session(W);
        List<Map<String, Tensor>> samples = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            samples.add(RowModel.sample(i, i == 3 ? 2 : 1, W));
        }
        int before = RowModel.RUNS.get();
        try (BatchInference b = new BatchInference(s, BatchOptions.dynamic(4, 0))) {
            List<Map<String, Tensor>> out = b.runAll(samples);
            // rows 1,1,1,2 -> 4 is exceeded at the 4th, so batches: [1,1,1] [2,1,1] [1]
            assertThat(RowModel.RUNS.get() - before).isEqualTo(3);
            for (int i = 0; i < samples.size(); i++) {
                assertThat(out.get(i).get("y").shape()).containsExactly(samples.get(i).get("x").dim(0), W);
                assertThat(out.get(i).get("y").floats()).containsExactly(alone(s, samples.get(i)));
            }
        }
    }

    @Test
    void tryRunNowRunsAloneOnTheCallerOnlyWhenNotBatching() {
        InferenceSession s = RowModel.session(W);
        Map<String, Tensor> sample = RowModel.sample(2, 1, W);
        try (BatchInference off = new BatchInference(s, BatchOptions.unbatched(1));
             BatchInference on = new BatchInference(s, BatchOptions.dynamic(4, 0))) {
            Map<String, Tensor> out = off.tryRunNow(sample, 0);
            assertThat(out).isNotNull();
            assertThat(out.get("y").floats()).containsExactly(alone(s, sample));
            assertThat(off.outstanding()).isZero();
            assertThat(on.tryRunNow(sample, 0)).isNull(); // batched requests must go through the queue
            off.close();
            assertThat(off.tryRunNow(sample, 0)).isNull();
        }
    }

    @Test
    void collectorFlushesPartialBatch() {
        InferenceSession s = RowModel.session(W);
        try (BatchInference b = new BatchInference(s, BatchOptions.dynamic(3, 0))) {
            var c = b.collector();
            for (int i = 0; i < 4; i++) {
                c.add(RowModel.sample(i, 1, W));
            }
            assertThat(c.results()).hasSize(3);
            c.flush();
            assertThat(c.results()).hasSize(4);
            assertThat(c.results().get(3).get("y").floats()).containsExactly(alone(s, RowModel.sample(3, 1, W)));
        }
    }

    @Test
    void submitFromManyThreadsBatchesAndMatchesSingleRuns() throws Exception {
        InferenceSession s = RowModel.session(W);
        List<Integer> sizes = new ArrayList<>();
        BatchListener l = new BatchListener() {
            @Override
            public synchronized void executed(int requests, int rows, long inputNs, long inferNs, long outputNs) {
                sizes.add(rows);
            }
        };
        try (BatchInference b = new BatchInference(s, BatchOptions.dynamic(8, 20_000).withInstances(2), l)) {
            List<CompletableFuture<Map<String, Tensor>>> fs = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                fs.add(b.submit(RowModel.sample(i, 1, W)));
            }
            for (int i = 0; i < 64; i++) {
                assertThat(fs.get(i).get().get("y").floats()).containsExactly(alone(s, RowModel.sample(i, 1, W)));
            }
            synchronized (l) {
                assertThat(sizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(64);
                assertThat(sizes).allMatch(n -> n <= 8);
                assertThat(sizes.stream().mapToInt(Integer::intValue).max().orElse(0)).isGreaterThan(1);
            }
        }
    }

    @Test
    void preferredSizeDispatchesWithoutWaitingForTheDelay() throws Exception {
        InferenceSession s = RowModel.session(W);
        List<Integer> sizes = new ArrayList<>();
        BatchListener l = new BatchListener() {
            @Override
            public synchronized void executed(int requests, int rows, long inputNs, long inferNs, long outputNs) {
                sizes.add(rows);
            }
        };
        // a one-minute delay: only the preferred size can make these 4 run
        var opts = BatchOptions.dynamic(16, 60_000_000).withPreferredBatchSizes(List.of(2, 4));
        try (BatchInference b = new BatchInference(s, opts, l)) {
            List<CompletableFuture<Map<String, Tensor>>> fs = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                fs.add(b.submit(RowModel.sample(i, 1, W)));
            }
            for (var f : fs) {
                f.get();
            }
            synchronized (l) {
                assertThat(sizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(4);
            }
        }
    }

    @Test
    void fullQueueIsRefusedWithUnavailable() throws Exception {
        InferenceSession s = RowModel.session(W);
        CountDownLatch release = new CountDownLatch(1);
        BatchListener blocking = new BatchListener() {
            @Override
            public void dequeued(long queueNs) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        try (BatchInference b = new BatchInference(s, new BatchOptions(2, true, 0, List.of(), 2, null, 1), blocking)) {
            var first = b.submit(RowModel.sample(0, 2, W)); // taken by the worker, which blocks in dequeued
            while (b.queued() > 0) {
                Thread.sleep(1);
            }
            var q1 = b.submit(RowModel.sample(1, 2, W));
            var q2 = b.submit(RowModel.sample(2, 2, W));
            var refused = b.submit(RowModel.sample(3, 2, W));
            assertThatThrownBy(refused::get).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(GhostFlowException.class).hasMessageContaining("queue full")
                    .extracting(e -> ((GhostFlowException) e).code()).isEqualTo(ErrorCode.UNAVAILABLE);
            release.countDown();
            first.get();
            q1.get();
            q2.get();
        }
    }

    @Test
    void timeoutAndClosedFailWithUnavailable() {
        InferenceSession s = RowModel.session(W);
        BatchInference b = new BatchInference(s, BatchOptions.dynamic(8, 60_000_000));
        var f = b.submit(RowModel.sample(0, 1, W), Duration.ofMillis(20));
        assertThatThrownBy(f::get).cause().isInstanceOf(GhostFlowException.class).hasMessageContaining("timed out");
        b.close();
        assertThatThrownBy(() -> b.submit(RowModel.sample(0, 1, W)).get()).cause().hasMessageContaining("shutting down");
    }

    @Test
    void unbatchedRunsEachSampleAloneOnTheCaller() {
        InferenceSession s = RowModel.session(W);
        try (BatchInference b = new BatchInference(s, BatchOptions.unbatched(2))) {
            var sample = RowModel.sample(5, 3, W);
            assertThat(b.infer(sample, null).get("y").floats()).containsExactly(alone(s, sample));
        }
    }

    @Test
    void tooManyRowsIsInvalidArgument() {
        try (BatchInference b = new BatchInference(RowModel.session(W), BatchOptions.dynamic(2, 0))) {
            assertThatThrownBy(() -> b.infer(RowModel.sample(0, 3, W), null)).isInstanceOf(GhostFlowException.class)
                    .hasMessageContaining("max_batch_size 2");
        }
    }
}
