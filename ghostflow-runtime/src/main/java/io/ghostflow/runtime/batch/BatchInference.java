package io.ghostflow.runtime.batch;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.runtime.InferenceSession;
import io.ghostflow.runtime.Result;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs many small requests through one session as few larger runs (dynamic batching).
 *
 * <p>A sample is a map from input name to tensor <b>with its batch dimension first</b> (usually 1
 * row; a request may bring several rows). Samples whose inputs agree past dimension 0 are
 * concatenated along dimension 0, run once, and each output is split back by the rows each sample
 * brought. Results equal per-sample runs exactly for models whose rows are independent.
 *
 * <p>Two forms: {@link #runAll} stacks a list synchronously (a partial last batch is flushed);
 * {@link #submit} queues a sample and completes its future when its batch has run. A batch is
 * dispatched when it reaches {@code maxBatchSize} rows, when it reaches the largest preferred
 * size, or when the oldest queued sample has waited {@code maxQueueDelayMicros} since an instance
 * was free to take it (a sample that queued behind a running batch gets the full delay once that
 * batch is done, or every later batch would just take whatever queued during the one before:
 * under steady load the batch sizes would lock into a split such as 4 + 4 instead of 8). {@code instances}
 * worker threads run batches concurrently. The queue is bounded; a full queue, a timeout and a
 * closed batcher fail the request with {@link ErrorCode#UNAVAILABLE}.
 *
 * <p>With {@code maxBatchSize == 0} or batching off, samples are not stacked: each runs alone,
 * at most {@code instances} at a time, on the caller's thread for {@link #infer}.
 */
public final class BatchInference implements AutoCloseable {
    private static final ScheduledThreadPoolExecutor TIMER = timer();
    private final InferenceSession session;
    private final BatchOptions options;
    private final BatchListener listener;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private final AtomicInteger outstanding = new AtomicInteger();
    private final Semaphore slots;
    private final AtomicInteger waiting = new AtomicInteger();
    private final List<Thread> workers = new ArrayList<>();
    private int queuedRows;
    private volatile boolean closed;

    public BatchInference(InferenceSession session, BatchOptions options) {
        this(session, options, BatchListener.NONE);
    }

    public BatchInference(InferenceSession session, BatchOptions options, BatchListener listener) {
        this.session = session;
        this.options = SampleCoupling.couplesSamples(session.model().graph()) && options.maxBatchSize() > 1
                ? options.withMaxBatchSize(1) : options;
        this.listener = listener;
        this.slots = new Semaphore(options.instances(), true);
        if (options.batches()) {
            for (int i = 0; i < options.instances(); i++) {
                Thread t = Thread.ofPlatform().daemon().name("ghostflow-batch-" + i).start(this::workLoop);
                workers.add(t);
            }
        }
    }

    public BatchOptions options() {
        return options;
    }

    public InferenceSession session() {
        return session;
    }

    // ------------------------------------------------------------------ synchronous forms

    /** Runs every sample, stacking up to {@code maxBatchSize} rows per run (the last batch may be partial). */
    public List<Map<String, Tensor>> runAll(List<Map<String, Tensor>> samples) {
        List<Map<String, Tensor>> out = new ArrayList<>(samples.size());
        int max = Math.max(1, options.maxBatchSize());
        int i = 0;
        while (i < samples.size()) {
            List<Map<String, Tensor>> group = new ArrayList<>();
            int rows = 0;
            while (i < samples.size()) {
                Map<String, Tensor> s = samples.get(i);
                int r = options.maxBatchSize() == 0 ? 1 : rowsOf(s);
                if (!group.isEmpty() && (rows + r > max || !stackable(group.get(0), s))) {
                    break;
                }
                group.add(s);
                rows += r;
                i++;
            }
            out.addAll(execute(group, rows));
        }
        return out;
    }

    /** A collector that runs a batch whenever {@code maxBatchSize} rows have been added; {@link Collector#flush} runs the rest. */
    public Collector collector() {
        return new Collector();
    }

    /** Collects single samples into batches; results come back in the order samples were added. */
    public final class Collector {
        private final List<Map<String, Tensor>> pending = new ArrayList<>();
        private final List<Map<String, Tensor>> results = new ArrayList<>();
        private int rows;

        public void add(Map<String, Tensor> sample) {
            int r = rowsOf(sample);
            if (!pending.isEmpty() && (rows + r > Math.max(1, options.maxBatchSize()) || !stackable(pending.get(0), sample))) {
                flush();
            }
            pending.add(sample);
            rows += r;
            if (rows >= Math.max(1, options.maxBatchSize())) {
                flush();
            }
        }

        /** Runs whatever is collected, even a partial batch. */
        public void flush() {
            if (!pending.isEmpty()) {
                results.addAll(runAll(List.copyOf(pending)));
                pending.clear();
                rows = 0;
            }
        }

        /** Results of every flushed sample so far, in order. */
        public List<Map<String, Tensor>> results() {
            return List.copyOf(results);
        }
    }

    /**
     * Runs one sample, waiting for its batch; the calling thread blocks (use a virtual thread).
     * {@code timeout} null means the default timeout.
     */
    public Map<String, Tensor> infer(Map<String, Tensor> sample, Duration timeout) {
        Duration t = timeout != null ? timeout : options.defaultTimeout();
        if (options.batches()) {
            CompletableFuture<Map<String, Tensor>> f = submit(sample, t);
            try {
                return f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new GhostFlowException(ErrorCode.UNAVAILABLE, "interrupted while waiting for inference");
            } catch (ExecutionException e) {
                throw unwrap(e.getCause());
            }
        }
        return runAlone(sample, t);
    }

    // ------------------------------------------------------------------ asynchronous form

    public CompletableFuture<Map<String, Tensor>> submit(Map<String, Tensor> sample) {
        return submit(sample, options.defaultTimeout());
    }

    /** Queues one sample; the future fails with UNAVAILABLE when the queue is full, on timeout, or after close. */
    public CompletableFuture<Map<String, Tensor>> submit(Map<String, Tensor> sample, Duration timeout) {
        if (!options.batches()) {
            CompletableFuture<Map<String, Tensor>> f = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                try {
                    f.complete(runAlone(sample, timeout));
                } catch (Throwable e) {
                    f.completeExceptionally(e);
                }
            });
            return f;
        }
        int rows = rowsOf(sample);
        if (rows > options.maxBatchSize()) {
            return CompletableFuture.failedFuture(new GhostFlowException(ErrorCode.INVALID_ARGUMENT, "request has " + rows
                    + " rows, more than max_batch_size " + options.maxBatchSize()));
        }
        long now = System.nanoTime();
        Pending p = new Pending(sample, rows, now, timeout == null ? Long.MAX_VALUE : now + timeout.toNanos());
        lock.lock();
        try {
            if (closed) {
                return CompletableFuture.failedFuture(new GhostFlowException(ErrorCode.UNAVAILABLE, "the model is shutting down"));
            }
            if (queue.size() >= options.queueCapacity()) {
                return CompletableFuture.failedFuture(new GhostFlowException(ErrorCode.UNAVAILABLE,
                        "queue full: " + queue.size() + " requests already waiting (queue limit " + options.queueCapacity() + ")"));
            }
            queue.addLast(p);
            queuedRows += rows;
            outstanding.incrementAndGet();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (timeout != null) {
            // cancelled (and removed from the timer's queue) as soon as the request completes, so a
            // long default timeout does not pile up one dead timer task per request
            ScheduledFuture<?> timer = TIMER.schedule(() -> p.future.completeExceptionally(new GhostFlowException(
                    ErrorCode.UNAVAILABLE, "request timed out after " + timeout.toMillis() + " ms")), timeout.toNanos(), TimeUnit.NANOSECONDS);
            p.future.whenComplete((r, e) -> {
                outstanding.decrementAndGet();
                timer.cancel(false);
            });
        } else {
            p.future.whenComplete((r, e) -> outstanding.decrementAndGet());
        }
        return p.future;
    }

    /** Requests waiting in the queue (not yet in a batch). */
    public int queued() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    /** Requests queued or running. */
    public int outstanding() {
        return outstanding.get();
    }

    /** Waits until nothing is queued or running, at most {@code timeout}; true when idle. */
    public boolean drain(Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        while (outstanding.get() > 0) {
            if (System.nanoTime() > end) {
                return false;
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /** Refuses new requests; queued ones still run; worker threads end once the queue is empty. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Runs one unstacked sample on the calling thread when batching is off and an instance frees
     * up within {@code maxWaitNanos}; null otherwise (the caller then uses {@link #infer} elsewhere).
     * Lets a server run tiny models on its I/O thread without a thread hand-off.
     */
    public Map<String, Tensor> tryRunNow(Map<String, Tensor> sample, long maxWaitNanos) {
        if (options.batches() || closed) {
            return null;
        }
        long start = System.nanoTime();
        try {
            if (!slots.tryAcquire() && (maxWaitNanos <= 0 || !slots.tryAcquire(maxWaitNanos, TimeUnit.NANOSECONDS))) {
                return null;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
        outstanding.incrementAndGet();
        try {
            listener.dequeued(System.nanoTime() - start);
            return execute(List.of(sample), options.maxBatchSize() == 0 ? 1 : rowsOf(sample)).get(0);
        } finally {
            slots.release();
            outstanding.decrementAndGet();
        }
    }

    // ------------------------------------------------------------------ internals

    private Map<String, Tensor> runAlone(Map<String, Tensor> sample, Duration timeout) {
        if (closed) {
            throw new GhostFlowException(ErrorCode.UNAVAILABLE, "the model is shutting down");
        }
        if (waiting.incrementAndGet() > options.queueCapacity() + options.instances()) {
            waiting.decrementAndGet();
            throw new GhostFlowException(ErrorCode.UNAVAILABLE, "queue full: more than " + options.queueCapacity()
                    + " requests waiting (queue limit " + options.queueCapacity() + ")");
        }
        outstanding.incrementAndGet();
        long start = System.nanoTime();
        try {
            boolean got;
            if (timeout == null) {
                slots.acquireUninterruptibly();
                got = true;
            } else {
                got = slots.tryAcquire(timeout.toNanos(), TimeUnit.NANOSECONDS);
            }
            if (!got) {
                throw new GhostFlowException(ErrorCode.UNAVAILABLE, "request timed out after " + timeout.toMillis() + " ms in queue");
            }
            try {
                listener.dequeued(System.nanoTime() - start);
                return execute(List.of(sample), options.maxBatchSize() == 0 ? 1 : rowsOf(sample)).get(0);
            } finally {
                slots.release();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GhostFlowException(ErrorCode.UNAVAILABLE, "interrupted while waiting for an instance");
        } finally {
            waiting.decrementAndGet();
            outstanding.decrementAndGet();
        }
    }

    private void workLoop() {
        long freeSince = System.nanoTime();
        while (true) {
            List<Pending> batch = nextBatch(freeSince);
            if (batch == null) {
                return;
            }
            if (batch.isEmpty()) {
                continue;
            }
            long now = System.nanoTime();
            for (Pending p : batch) {
                listener.dequeued(now - p.enqueuedNs); // outside the lock: listeners may be slow
            }
            int rows = 0;
            List<Map<String, Tensor>> samples = new ArrayList<>(batch.size());
            for (Pending p : batch) {
                rows += p.rows;
                samples.add(p.sample);
            }
            try {
                List<Map<String, Tensor>> results = execute(samples, rows);
                for (int i = 0; i < batch.size(); i++) {
                    batch.get(i).future.complete(results.get(i));
                }
            } catch (Throwable e) {
                for (Pending p : batch) {
                    p.future.completeExceptionally(e);
                }
            }
            freeSince = System.nanoTime();
        }
    }

    /**
     * Blocks until a batch is due; null when closed and empty; empty when another worker took the
     * queue. {@code freeSinceNs}: when this worker finished its last batch; the queue delay runs
     * from then or from the head's arrival, whichever is later.
     */
    private List<Pending> nextBatch(long freeSinceNs) {
        lock.lock();
        try {
            while (queue.isEmpty()) {
                if (closed) {
                    return null;
                }
                changed.awaitUninterruptibly();
            }
            Pending head = queue.peekFirst();
            long deadline = Math.max(head.enqueuedNs, freeSinceNs) + options.maxQueueDelayMicros() * 1000L;
            List<Integer> preferred = options.preferredBatchSizes();
            boolean due = false;
            while (!closed) {
                if (queue.peekFirst() != head) {
                    return List.of(); // another worker dispatched it
                }
                if (queuedRows >= options.maxBatchSize() || (!preferred.isEmpty() && queuedRows >= preferred.getLast())) {
                    break;
                }
                long wait = deadline - System.nanoTime();
                if (wait <= 0) {
                    due = true;
                    break;
                }
                try {
                    changed.awaitNanos(wait);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return null;
                }
            }
            int target = options.maxBatchSize();
            if (!due && !closed && !preferred.isEmpty() && queuedRows < options.maxBatchSize()) {
                for (int s : preferred) {
                    if (s <= queuedRows) {
                        target = s;
                    }
                }
            }
            List<Pending> batch = new ArrayList<>();
            int rows = 0;
            long now = System.nanoTime();
            while (!queue.isEmpty()) {
                Pending p = queue.peekFirst();
                if (p.future.isDone() || now > p.deadlineNs) {
                    queue.pollFirst();
                    queuedRows -= p.rows;
                    p.future.completeExceptionally(new GhostFlowException(ErrorCode.UNAVAILABLE, "request timed out in queue"));
                    continue;
                }
                if (!batch.isEmpty() && (rows + p.rows > target || !stackable(batch.get(0).sample, p.sample))) {
                    break;
                }
                queue.pollFirst();
                queuedRows -= p.rows;
                batch.add(p);
                rows += p.rows;
            }
            if (!queue.isEmpty()) {
                changed.signalAll();
            }
            return batch;
        } finally {
            lock.unlock();
        }
    }

    /** Stacks, runs once, splits. */
    private List<Map<String, Tensor>> execute(List<Map<String, Tensor>> samples, int rows) {
        long t0 = System.nanoTime();
        Map<String, Tensor> feeds;
        boolean stack = options.maxBatchSize() > 0 && samples.size() > 1;
        if (stack) {
            feeds = new LinkedHashMap<>();
            for (String name : samples.get(0).keySet()) {
                List<Tensor> parts = new ArrayList<>(samples.size());
                for (Map<String, Tensor> s : samples) {
                    parts.add(s.get(name));
                }
                feeds.put(name, TensorStacking.concat(parts));
            }
        } else {
            feeds = samples.get(0);
        }
        long t1 = System.nanoTime();
        long t2;
        List<Map<String, Tensor>> out = new ArrayList<>(samples.size());
        try (Result r = session.run(feeds)) {
            t2 = System.nanoTime();
            Map<String, Value> all = r.asMap();
            if (!stack) {
                out.add(tensors(r));
            } else {
                int from = 0;
                for (Map<String, Tensor> s : samples) {
                    int n = rowsOf(s);
                    Map<String, Tensor> one = new LinkedHashMap<>();
                    for (String name : r.names()) {
                        one.put(name, TensorStacking.slice((Tensor) all.get(name), from, n));
                    }
                    out.add(one);
                    from += n;
                }
            }
        } catch (RuntimeException e) {
            long t = System.nanoTime();
            listener.executed(samples.size(), rows, t1 - t0, t - t1, 0);
            throw e;
        }
        long t3 = System.nanoTime();
        listener.executed(samples.size(), rows, t1 - t0, t2 - t1, t3 - t2);
        return out;
    }

    private static Map<String, Tensor> tensors(Result r) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (String name : r.names()) {
            m.put(name, r.get(name));
        }
        return m;
    }

    /** Rows a sample brings: dimension 0 of its inputs, which must agree. */
    static int rowsOf(Map<String, Tensor> sample) {
        if (sample.isEmpty()) {
            throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, "a sample needs at least one input");
        }
        int rows = -1;
        for (var e : sample.entrySet()) {
            Tensor t = e.getValue();
            if (t.rank() == 0) {
                throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, "input '" + e.getKey()
                        + "' is a scalar; batched inputs need the batch dimension first");
            }
            if (rows >= 0 && t.dim(0) != rows) {
                throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, "input '" + e.getKey() + "' has " + t.dim(0)
                        + " rows (shape " + Arrays.toString(t.shape()) + ") but other inputs have " + rows);
            }
            rows = t.dim(0);
        }
        return rows;
    }

    private static boolean stackable(Map<String, Tensor> a, Map<String, Tensor> b) {
        if (!a.keySet().equals(b.keySet())) {
            return false;
        }
        for (var e : a.entrySet()) {
            if (!TensorStacking.compatible(e.getValue(), b.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    private static ScheduledThreadPoolExecutor timer() {
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> Thread.ofPlatform().daemon().name("ghostflow-batch-timeout").unstarted(r));
        t.setRemoveOnCancelPolicy(true);
        return t;
    }

    private static RuntimeException unwrap(Throwable e) {
        if (e instanceof RuntimeException r) {
            return r;
        }
        return new GhostFlowException(ErrorCode.INTERNAL, "inference failed: " + e, e);
    }

    private static final class Pending {
        final Map<String, Tensor> sample;
        final int rows;
        final long enqueuedNs;
        final long deadlineNs;
        final CompletableFuture<Map<String, Tensor>> future = new CompletableFuture<>();

        Pending(Map<String, Tensor> sample, int rows, long enqueuedNs, long deadlineNs) {
            this.sample = sample;
            this.rows = rows;
            this.enqueuedNs = enqueuedNs;
            this.deadlineNs = deadlineNs;
        }
    }
}
