package io.ghostflow.bench.peer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The reading of ONNX Runtime's profile: events in its JSON form (one per line), as 1.23 writes them. */
class OrtOpProfileTest {
    private static String event(String name, String op, int dur) {
        return "{\"cat\" : \"Node\",\"pid\" :1,\"tid\" :2,\"dur\" :" + dur + ",\"ts\" :100,\"ph\" : \"X\",\"name\" :\"" + name
                + "_kernel_time\",\"args\" : {\"thread_scheduling_stats\" : \"\",\"output_type_shape\" : [{\"float\":[1,32,112,112]}],"
                + "\"node_index\" : \"7\",\"input_type_shape\" : [{\"float\":[1,3,224,224]}],\"op_name\" : \"" + op
                + "\",\"provider\" : \"CPUExecutionProvider\"}},\n";
    }

    /** Two runs of a two-node model after one warm-up run, plus the session events that are not kernels. */
    private static final String PROFILE = "[\n"
            + "{\"cat\" : \"Session\",\"pid\" :1,\"tid\" :2,\"dur\" :900,\"ts\" :1,\"ph\" : \"X\",\"name\" :\"model_loading_uri\",\"args\" : {}},\n"
            + event("/conv1/Relu_output_0_nchwc", "Conv", 1000) + event("/pool/MaxPool", "MaxPool", 500)
            + "{\"cat\" : \"Session\",\"pid\" :1,\"tid\" :2,\"dur\" :1600,\"ts\" :5,\"ph\" : \"X\",\"name\" :\"model_run\",\"args\" : {}},\n"
            + event("/conv1/Relu_output_0_nchwc", "Conv", 40) + event("/pool/MaxPool", "MaxPool", 10)
            + event("/conv1/Relu_output_0_nchwc", "Conv", 60) + event("/pool/MaxPool", "MaxPool", 30)
            + "]\n";

    @Test
    void sumsKernelTimePerOpTypeAfterEachNodesWarmUp() {
        Map<String, long[]> rows = OrtOpProfile.aggregate(PROFILE, 1, false);
        assertThat(rows).containsOnlyKeys("Conv", "MaxPool");
        assertThat(rows.get("Conv")).containsExactly(100, 2);
        assertThat(rows.get("MaxPool")).containsExactly(40, 2);
    }

    @Test
    void perNodeRowsKeepTheOrderOfExecution() {
        Map<String, long[]> rows = OrtOpProfile.aggregate(PROFILE, 0, true);
        assertThat(rows.keySet()).containsExactly("/conv1/Relu_output_0_nchwc Conv", "/pool/MaxPool MaxPool");
        assertThat(rows.get("/conv1/Relu_output_0_nchwc Conv")).containsExactly(1100, 3);
    }
}
